"""Initial schema: years, units, users, projects, goal tables, indicators, execution, settings, audit, ledger.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
}


def upgrade() -> None:
    
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('before_json', sa.Text(), nullable=True),
    sa.Column('after_json', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entry_hash'))
    )
    op.create_table('exchange_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('receiver', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_ledger')),
    sa.UniqueConstraint('package_id', name=op.f('uq_exchange_ledger_package_id'))
    )
    op.create_table('fiscal_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_fiscal_year'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.String(length=32), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('last_login_at', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_app_user_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('implementing_unit', sa.String(length=100), nullable=True),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('attribute', sa.String(length=16), nullable=False),
    sa.Column('nature', sa.String(length=16), nullable=False),
    sa.Column('fund_type', sa.String(length=24), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('fiscal_amount', sa.BigInteger(), nullable=False),
    sa.Column('carryover_amount', sa.BigInteger(), nullable=False),
    sa.Column('other_amount', sa.BigInteger(), nullable=False),
    sa.Column('manager', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('previous_project_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['previous_project_id'], ['project.id'], name=op.f('fk_project_previous_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_project_unit_id_unit')),
    sa.ForeignKeyConstraint(['year'], ['fiscal_year.year'], name=op.f('fk_project_year_fiscal_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('year', 'code', name=op.f('uq_project_year'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_year'), ['year'], unique=False)

    op.create_table('execution_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('voucher_no', sa.String(length=64), nullable=True),
    sa.Column('payee', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_execution_record_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_execution_record'))
    )
    with op.batch_alter_table('execution_record', schema=None) as batch_op:
        batch_op.create_index('ix_execution_project_period', ['project_id', 'year', 'month'], unique=False)

    op.create_table('goal_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_goal_table_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_table')),
    sa.UniqueConstraint('project_id', name=op.f('uq_goal_table_project_id'))
    )
    with op.batch_alter_table('goal_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_table_status'), ['status'], unique=False)

    op.create_table('goal_table_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_table_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('overview', sa.Text(), nullable=True),
    sa.Column('basis', sa.Text(), nullable=True),
    sa.Column('schedule', sa.Text(), nullable=True),
    sa.Column('long_term_goal', sa.Text(), nullable=True),
    sa.Column('annual_goal', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['goal_table_id'], ['goal_table.id'], name=op.f('fk_goal_table_version_goal_table_id_goal_table')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_table_version')),
    sa.UniqueConstraint('goal_table_id', 'version', name=op.f('uq_goal_table_version_goal_table_id'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level1', sa.String(length=16), nullable=False),
    sa.Column('level2', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('comparator', sa.String(length=8), nullable=False),
    sa.Column('target', sa.String(length=40), nullable=True),
    sa.Column('target_text', sa.String(length=200), nullable=True),
    sa.Column('unit_of_measure', sa.String(length=16), nullable=True),
    sa.Column('weight', sa.String(length=40), nullable=True),
    sa.Column('scoring_standard', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['goal_table_version.id'], name=op.f('fk_indicator_version_id_goal_table_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_version_id'), ['version_id'], unique=False)
    for statement in AUDIT_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_version_id'))

    op.drop_table('indicator')
    op.drop_table('goal_table_version')
    with op.batch_alter_table('goal_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_table_status'))

    op.drop_table('goal_table')
    with op.batch_alter_table('execution_record', schema=None) as batch_op:
        batch_op.drop_index('ix_execution_project_period')

    op.drop_table('execution_record')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_year'))
        batch_op.drop_index(batch_op.f('ix_project_unit_id'))

    op.drop_table('project')
    op.drop_table('app_user')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_unit_kind'))

    op.drop_table('unit')
    op.drop_table('setting')
    op.drop_table('fiscal_year')
    op.drop_table('exchange_ledger')
    op.drop_table('audit_entry')
    
