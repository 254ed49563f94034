"""Monitoring (双监控): rounds, budget and indicator parts per project, import mappings and ledger, corrective actions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('execution_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('rows_applied', sa.Integer(), nullable=False),
    sa.Column('applied_by', sa.String(length=64), nullable=False),
    sa.Column('applied_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_execution_import')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_execution_import_content_hash'))
    )
    op.create_table('import_mapping',
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('mapping_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_import_mapping'))
    )
    op.create_table('monitoring_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('as_of_month', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('follows_round_id', sa.Integer(), nullable=True),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('closed_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['follows_round_id'], ['monitoring_round.id'], name=op.f('fk_monitoring_round_follows_round_id_monitoring_round')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_monitoring_round_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_round')),
    sa.UniqueConstraint('year', 'name', name=op.f('uq_monitoring_round_year'))
    )
    with op.batch_alter_table('monitoring_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_round_year'), ['year'], unique=False)

    op.create_table('corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_corrective_action_project_id_project')),
    sa.ForeignKeyConstraint(['round_id'], ['monitoring_round.id'], name=op.f('fk_corrective_action_round_id_monitoring_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action'))
    )
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_project_id'), ['project_id'], unique=False)

    op.create_table('monitoring_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('budget_adjustment', sa.BigInteger(), nullable=False),
    sa.Column('forecast_spent', sa.BigInteger(), nullable=True),
    sa.Column('budget_cause', sa.String(length=16), nullable=True),
    sa.Column('budget_analysis', sa.Text(), nullable=True),
    sa.Column('corrective_measures', sa.Text(), nullable=True),
    sa.Column('key_monitoring', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_monitoring_entry_project_id_project')),
    sa.ForeignKeyConstraint(['round_id'], ['monitoring_round.id'], name=op.f('fk_monitoring_entry_round_id_monitoring_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_entry')),
    sa.UniqueConstraint('round_id', 'project_id', name=op.f('uq_monitoring_entry_round_id'))
    )
    with op.batch_alter_table('monitoring_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_entry_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_entry_round_id'), ['round_id'], unique=False)

    op.create_table('monitoring_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('actual', sa.String(length=40), nullable=True),
    sa.Column('actual_text', sa.String(length=32), nullable=True),
    sa.Column('forecast', sa.String(length=40), nullable=True),
    sa.Column('likelihood', sa.String(length=12), nullable=True),
    sa.Column('cause', sa.String(length=16), nullable=True),
    sa.Column('analysis', sa.Text(), nullable=True),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('needs_rectification', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['monitoring_entry.id'], name=op.f('fk_monitoring_line_entry_id_monitoring_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_line')),
    sa.UniqueConstraint('entry_id', 'position', name=op.f('uq_monitoring_line_entry_id'))
    )
    with op.batch_alter_table('monitoring_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_line_entry_id'), ['entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('monitoring_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_line_entry_id'))

    op.drop_table('monitoring_line')
    with op.batch_alter_table('monitoring_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_entry_round_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_entry_project_id'))

    op.drop_table('monitoring_entry')
    with op.batch_alter_table('corrective_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_action_project_id'))

    op.drop_table('corrective_action')
    with op.batch_alter_table('monitoring_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_round_year'))

    op.drop_table('monitoring_round')
    op.drop_table('import_mapping')
    op.drop_table('execution_import')
