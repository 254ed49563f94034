"""Department goal tables (部门整体绩效目标): a goal table may belong to a department's year instead of a project;
the department's budget totals, its 负责人 and 联系电话, and the key tasks (重点工作任务) of each version.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('goal_table', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('department_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('goal_table_id', sa.Integer(), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('fiscal_amount', sa.BigInteger(), nullable=False),
    sa.Column('carryover_amount', sa.BigInteger(), nullable=False),
    sa.Column('other_amount', sa.BigInteger(), nullable=False),
    sa.Column('manager', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['goal_table_id'], ['goal_table.id'], name=op.f('fk_department_goal_goal_table_id_goal_table')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_department_goal_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_department_goal_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_goal')),
    sa.UniqueConstraint('goal_table_id', name=op.f('uq_department_goal_goal_table_id')),
    sa.UniqueConstraint('unit_id', 'year', name=op.f('uq_department_goal_unit_id'))
    )
    with op.batch_alter_table('department_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_goal_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_goal_year'), ['year'], unique=False)

    op.create_table('department_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('project_codes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['goal_table_version.id'],
                            name=op.f('fk_department_task_version_id_goal_table_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_task'))
    )
    with op.batch_alter_table('department_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_task_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    op.drop_table('department_task')
    op.drop_table('department_goal')
    op.execute("DELETE FROM goal_table WHERE project_id IS NULL")
    with op.batch_alter_table('goal_table', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
