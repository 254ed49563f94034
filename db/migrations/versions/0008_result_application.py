"""Result application: the year's policy, audit and inspection findings, overrides of suggested amounts, the
rectification register and its notices (两书一函), township fiscal figures.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deduction', sa.String(length=40), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=True),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_audit_finding_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_audit_finding_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_finding'))
    )
    with op.batch_alter_table('audit_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_finding_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_finding_year'), ['year'], unique=False)

    op.create_table('rectification_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_ids_json', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rectification_notice_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_rectification_notice_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_notice')),
    sa.UniqueConstraint('year', 'kind', 'sequence', name=op.f('uq_rectification_notice_year'))
    )
    with op.batch_alter_table('rectification_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_notice_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_notice_year'), ['year'], unique=False)

    op.create_table('result_policy',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('policy_json', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_result_policy_year_fiscal_year')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_result_policy'))
    )
    op.create_table('township_fiscal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('general_revenue', sa.BigInteger(), nullable=False),
    sa.Column('tax_revenue', sa.BigInteger(), nullable=False),
    sa.Column('total_expenditure', sa.BigInteger(), nullable=False),
    sa.Column('fiscal_capacity', sa.BigInteger(), nullable=False),
    sa.Column('basic_needs', sa.BigInteger(), nullable=False),
    sa.Column('basic_spent', sa.BigInteger(), nullable=False),
    sa.Column('debt_balance', sa.BigInteger(), nullable=False),
    sa.Column('budget_total', sa.BigInteger(), nullable=False),
    sa.Column('executed', sa.BigInteger(), nullable=False),
    sa.Column('carryover', sa.BigInteger(), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_township_fiscal_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township_fiscal')),
    sa.UniqueConstraint('unit_id', 'year', name=op.f('uq_township_fiscal_unit_id'))
    )
    with op.batch_alter_table('township_fiscal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_township_fiscal_unit_id'), ['unit_id'], unique=False)

    op.create_table('budget_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=False),
    sa.Column('decided_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_budget_override_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_budget_override_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_budget_override_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_override')),
    sa.UniqueConstraint('year', 'unit_id', 'project_id', name=op.f('uq_budget_override_year'))
    )
    with op.batch_alter_table('budget_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_override_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_override_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_override_year'), ['year'], unique=False)

    op.create_table('rectification_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=True),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('feedback_at', sa.String(length=32), nullable=True),
    sa.Column('feedback_package', sa.String(length=64), nullable=True),
    sa.Column('recheck_opinion', sa.Text(), nullable=True),
    sa.Column('rechecked_by', sa.String(length=64), nullable=True),
    sa.Column('rechecked_at', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_rectification_item_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_rectification_item_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_rectification_item_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_item')),
    sa.UniqueConstraint('source', 'source_ref', name=op.f('uq_rectification_item_source')),
    sa.UniqueConstraint('uid', name=op.f('uq_rectification_item_uid'))
    )
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_item_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_item_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_item_year'), ['year'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_item_year'))
        batch_op.drop_index(batch_op.f('ix_rectification_item_unit_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_item_project_id'))

    op.drop_table('rectification_item')
    with op.batch_alter_table('budget_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_override_year'))
        batch_op.drop_index(batch_op.f('ix_budget_override_unit_id'))
        batch_op.drop_index(batch_op.f('ix_budget_override_project_id'))

    op.drop_table('budget_override')
    with op.batch_alter_table('township_fiscal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_township_fiscal_unit_id'))

    op.drop_table('township_fiscal')
    op.drop_table('result_policy')
    with op.batch_alter_table('rectification_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_notice_year'))
        batch_op.drop_index(batch_op.f('ix_rectification_notice_unit_id'))

    op.drop_table('rectification_notice')
    with op.batch_alter_table('audit_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_finding_year'))
        batch_op.drop_index(batch_op.f('ix_audit_finding_unit_id'))

    op.drop_table('audit_finding')

