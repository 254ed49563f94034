"""Ex-ante assessments (事前绩效评估): one per project, with item grades, score, conclusion and amounts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exante_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('grades_json', sa.Text(), nullable=False),
    sa.Column('score', sa.String(length=40), nullable=False),
    sa.Column('conclusion', sa.String(length=8), nullable=False),
    sa.Column('requested_amount', sa.BigInteger(), nullable=False),
    sa.Column('recommended_amount', sa.BigInteger(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('assessed_by', sa.String(length=64), nullable=False),
    sa.Column('assessed_at', sa.String(length=32), nullable=False),
    sa.Column('finalised_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_exante_assessment_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exante_assessment')),
    sa.UniqueConstraint('project_id', name=op.f('uq_exante_assessment_project_id'))
    )
    with op.batch_alter_table('exante_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exante_assessment_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('exante_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exante_assessment_status'))
    op.drop_table('exante_assessment')
