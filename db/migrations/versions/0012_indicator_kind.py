"""Indicator kinds (指标类型: 累计型/比率型/时点型/定性): indicator.kind and indicator.kind_chosen.

Data step: every existing indicator, in every version, gets the kind its unit, value and wording imply (the rules
of core/goals/rules/indicator_kind.py, as shipped with this upgrade), with kind_chosen false, and a CHECK (ck_indicator_kind) keeps the column to db.codes.IndicatorKind.
An indicator the rules cannot decide keeps kind NULL, which the editor and the reviewer show as 待定 for a person to choose:
nothing is guessed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from core.goals.rules.goal_table import IndicatorRow
from core.goals.rules.indicator_kind import infer_kind

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

KINDS = ('cumulative', 'rate', 'milestone', 'qualitative')  # db.codes.IndicatorKind as of this revision


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('kind_chosen', sa.Boolean(), server_default='0', nullable=False))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, level1, level2, name, comparator, target, target_text, unit_of_measure FROM indicator"))
    kinds = []
    for id_, level1, level2, name, comparator, target, target_text, unit in rows:
        row = IndicatorRow(level1, level2, name, comparator, None if target is None else Decimal(target),
                           target_text, unit)
        kind = infer_kind(row)
        if kind is not None:
            kinds.append({"id": id_, "kind": kind.value})
    if kinds:
        bind.execute(sa.text("UPDATE indicator SET kind = :kind WHERE id = :id"), kinds)
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_indicator_kind'), f"kind IN ({', '.join(repr(k) for k in KINDS)})")


def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_indicator_kind'), type_='check')
        batch_op.drop_column('kind_chosen')
        batch_op.drop_column('kind')
