"""CHECK constraints on every status and kind column: the closed code sets of db/codes.py, named
ck_<table>_<column>. A row holding a code outside its set is not changed: the upgrade refuses, naming the
table, the row and the value, so the bureau corrects it knowingly (the caller restores the backup taken
before the upgrade).

The code sets are written out here, not imported from db.codes: a migration is history and must keep meaning
what it meant when a later release changes a set (that release adds its own migration).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

COMPARATORS = ('>=', '<=', '=', '>', '<', 'qual')
DRAFT_FINAL = ('draft', 'final')
CAUSES = ('经费', '制度', '人员', '硬件', '其他')

CODES: dict[str, dict[str, tuple[str, ...]]] = {
    'fiscal_year': {'status': ('open', 'closed')},
    'unit': {'kind': ('bureau', 'department', 'township', 'budget_unit')},
    'app_user': {'role': ('admin', 'reviewer', 'evaluator', 'clerk', 'leader')},
    'project': {'attribute': ('new', 'continuing'), 'nature': ('one_off', 'recurring'),
                'fund_type': ('general', 'gov_fund', 'soe_capital', 'social_insurance')},
    'goal_table': {'status': ('draft', 'submitted', 'returned', 'approved', 'rejected')},
    'indicator': {'comparator': COMPARATORS},
    'execution_record': {'source': ('treasury', 'manual', 'exchange', 'demo')},
    'goal_review': {'status': DRAFT_FINAL, 'grade': ('excellent', 'good', 'fair', 'poor'),
                    'outcome': ('approved', 'returned', 'rejected')},
    'library_entry': {'comparator': COMPARATORS},
    'exante_assessment': {'kind': ('self', 'key'), 'status': DRAFT_FINAL,
                          'conclusion': ('support', 'partial', 'reject')},
    'monitoring_round': {'status': ('open', 'closed')},
    'monitoring_entry': {'status': ('draft', 'submitted'), 'source': ('form', 'exchange', 'demo'),
                         'budget_cause': CAUSES},
    'monitoring_line': {'likelihood': ('certain', 'possible', 'impossible'), 'cause': CAUSES},
    'corrective_action': {'kind': ('corrective', 'rectification'), 'status': ('open', 'done')},
    'evaluation_template': {'kind': ('key', 'department')},
    'evaluation': {'kind': ('self', 'key', 'department'), 'subject_kind': ('project', 'policy', 'department'),
                   'status': DRAFT_FINAL},
    'evaluation_line': {'comparator': COMPARATORS},
    'panel_member': {'role': ('lead', 'member')},
    'audit_finding': {'source': ('audit', 'inspection')},
    'rectification_item': {'source': ('review', 'monitoring', 'evaluation', 'audit', 'inspection', 'other'),
                           'status': ('pending', 'in_progress', 'done', 'failed')},
    'rectification_notice': {'kind': ('reminder', 'notice', 'interview')},
    'exchange_ledger': {'kind': ('goals', 'monitoring', 'self_evaluation', 'results',
                                 'rectification_feedback', 'enrolment'),
                        'direction': ('in', 'out'), 'state': ('exported', 'applied', 'refused', 'unsigned')},
    'installation': {'role': ('hub', 'spoke')},
}
KEYS = {'fiscal_year': 'year'}  # the primary key that names a row in the refusal; 'id' elsewhere
SHOWN = 10  # rows named in the refusal; the count says how many more


def _condition(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(c) for c in codes)})"


def _unknown_codes(bind: sa.Connection) -> list[str]:
    """Every row whose code is outside its set, as 'table key=value: column = "code"'."""
    found = []
    for table, columns in CODES.items():
        key = KEYS.get(table, 'id')
        for column, codes in columns.items():
            rows = bind.execute(sa.text(
                f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL "
                f"AND NOT ({_condition(column, codes)}) ORDER BY {key}")).fetchall()
            found += [f"{table} 表 {key}={k} 的 {column} 为“{v}”（允许：{'、'.join(codes)}）" for k, v in rows]
    return found


def upgrade() -> None:
    unknown = _unknown_codes(op.get_bind())
    if unknown:
        more = f"等共 {len(unknown)} 行" if len(unknown) > SHOWN else ""
        raise RuntimeError(
            f"数据库中有不在规定取值范围内的状态或类别代码：{'；'.join(unknown[:SHOWN])}{more}。"
            "升级不会擅自改动这些数据；请核实并更正这些行后再升级。")
    for table, columns in CODES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, codes in columns.items():
                batch_op.create_check_constraint(op.f(f'ck_{table}_{column}'), _condition(column, codes))


def downgrade() -> None:
    for table, columns in reversed(CODES.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
