"""Goal table versions record when they were submitted; submitted versions are frozen.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('goal_table_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.String(length=32), nullable=True))
    # Every version of a table that has left the draft state was a submission.
    op.execute(
        "UPDATE goal_table_version SET submitted_at = created_at WHERE goal_table_id IN "
        "(SELECT id FROM goal_table WHERE status <> 'draft')"
    )


def downgrade() -> None:
    with op.batch_alter_table('goal_table_version', schema=None) as batch_op:
        batch_op.drop_column('submitted_at')
