"""The project library (项目库): a project's lifecycle status, the years it spans with its total over them, and
how its link to last year's project was made (with a proposed link awaiting confirmation). Projects that exist
already are in the year's budget (已安排).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='arranged', nullable=False))
        batch_op.add_column(sa.Column('start_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('end_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('span_total_amount', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('link_basis', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('proposed_previous_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_project_proposed_previous_id_project'), 'project',
                                    ['proposed_previous_id'], ['id'])
    # A link made before the registry came from the same code or the generator's own knowledge: call it by code.
    op.execute("UPDATE project SET link_basis = 'code' WHERE previous_project_id IS NOT NULL")
    # The codes as this revision knows them (a migration is history: later enum changes need their own revision).
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_project_status'), "status IN ('applied', 'declined', 'reserve', "
                                         "'library', 'arranged', 'executing', 'completed', 'terminated')")
        batch_op.create_check_constraint(op.f('ck_project_link_basis'),
                                         "link_basis IN ('code', 'name', 'confirmed', 'proposed', 'rejected')")


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_project_link_basis'), type_='check')
        batch_op.drop_constraint(op.f('ck_project_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_project_proposed_previous_id_project'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_project_status'))
        batch_op.drop_column('proposed_previous_id')
        batch_op.drop_column('link_basis')
        batch_op.drop_column('span_total_amount')
        batch_op.drop_column('end_year')
        batch_op.drop_column('start_year')
        batch_op.drop_column('status')
