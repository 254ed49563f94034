"""Goal reviews (绩效目标审核) with the opinion per dimension and outcome; the bureau's own indicator-library entries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('library_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('level1', sa.String(length=16), nullable=False),
    sa.Column('level2', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('comparator', sa.String(length=8), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=16), nullable=True),
    sa.Column('typical_min', sa.String(length=40), nullable=True),
    sa.Column('typical_max', sa.String(length=40), nullable=True),
    sa.Column('unit_cost_min_wan', sa.String(length=40), nullable=True),
    sa.Column('unit_cost_max_wan', sa.String(length=40), nullable=True),
    sa.Column('scoring', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entry')),
    sa.UniqueConstraint('code', name=op.f('uq_library_entry_code'))
    )
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entry_sector'), ['sector'], unique=False)

    op.create_table('goal_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_table_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('completeness', sa.Text(), nullable=True),
    sa.Column('relevance', sa.Text(), nullable=True),
    sa.Column('appropriateness', sa.Text(), nullable=True),
    sa.Column('feasibility', sa.Text(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('findings_json', sa.Text(), nullable=False),
    sa.Column('score', sa.String(length=40), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=False),
    sa.Column('reviewed_at', sa.String(length=32), nullable=False),
    sa.Column('decided_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['goal_table_id'], ['goal_table.id'], name=op.f('fk_goal_review_goal_table_id_goal_table')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_review')),
    sa.UniqueConstraint('goal_table_id', 'version', name=op.f('uq_goal_review_goal_table_id'))
    )
    with op.batch_alter_table('goal_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_review_goal_table_id'), ['goal_table_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_review_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('goal_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_review_status'))
        batch_op.drop_index(batch_op.f('ix_goal_review_goal_table_id'))

    op.drop_table('goal_review')
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entry_sector'))

    op.drop_table('library_entry')
