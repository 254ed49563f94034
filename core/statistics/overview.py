"""The year's figures: units, projects, funds, goal tables by status, execution (home page, stats, report)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.common import formatting
from core.common.labels import FUND_TYPES, GOAL_STATUSES
from core.org import settings
from core.org.access import scoped, visible_unit_ids
from core.org.rules.roles import Actor
from core.statistics.dto import YearFigures
from db.models import (
    DepartmentGoal,
    ExecutionRecord,
    GoalTable,
    GoalTableVersion,
    Indicator,
    Project,
    Unit,
    utcnow,
)
from db.uow import UnitOfWork

ZERO = Decimal(0)




def year_figures(uow: UnitOfWork, actor: Actor, year: int) -> YearFigures:
    """Figures for the year, limited to the actor's own unit for a clerk."""
    s = uow.session
    visible = visible_unit_ids(s, actor)
    unit_stmt = select(Unit.kind, func.count()).where(Unit.active).group_by(Unit.kind)
    if visible is not None:
        unit_stmt = unit_stmt.where(Unit.id.in_(visible))
    units_by_kind = {k: n for k, n in s.execute(unit_stmt)}

    in_year = select(Project).where(Project.year == year)
    projects = list(s.scalars(scoped(in_year, Project.unit_id, visible)))
    funds_by_type = {label: ZERO for label in FUND_TYPES.values()}
    by_unit: dict[int, tuple[int, Decimal]] = {}
    for p in projects:
        label = FUND_TYPES.get(p.fund_type, p.fund_type)
        funds_by_type[label] = funds_by_type.get(label, ZERO) + p.total_amount
        n, amount = by_unit.get(p.unit_id, (0, ZERO))
        by_unit[p.unit_id] = (n + 1, amount + p.total_amount)
    funds_total = sum((p.total_amount for p in projects), ZERO)

    status_stmt = scoped(
        select(GoalTable.status, func.count()).join(Project, GoalTable.project_id == Project.id)
        .where(Project.year == year).group_by(GoalTable.status), Project.unit_id, visible)
    by_status = {GOAL_STATUSES[k]: 0 for k in GOAL_STATUSES}
    for status, n in s.execute(status_stmt):
        by_status[GOAL_STATUSES.get(status, status)] = n

    department_goals = {GOAL_STATUSES[k]: 0 for k in GOAL_STATUSES}
    for status, n in s.execute(scoped(
            select(GoalTable.status, func.count()).join(DepartmentGoal, DepartmentGoal.goal_table_id == GoalTable.id)
            .where(DepartmentGoal.year == year).group_by(GoalTable.status), DepartmentGoal.unit_id, visible)):
        department_goals[GOAL_STATUSES.get(status, status)] = n

    indicators = s.scalar(scoped(
        select(func.count(Indicator.id))
        .join(GoalTableVersion, Indicator.version_id == GoalTableVersion.id)
        .join(GoalTable, (GoalTableVersion.goal_table_id == GoalTable.id)
              & (GoalTableVersion.version == GoalTable.current_version))
        .join(Project, GoalTable.project_id == Project.id).where(Project.year == year), Project.unit_id, visible)) or 0

    spent_rows = s.scalars(scoped(
        select(ExecutionRecord.amount).join(Project, ExecutionRecord.project_id == Project.id)
        .where(ExecutionRecord.year == year, Project.year == year), Project.unit_id, visible))
    spent = sum(spent_rows, ZERO)
    rate = formatting.rounded(spent / funds_total * 100, formatting.PERCENT_PLACES) if funds_total else None

    names = {uid: name for uid, name in s.execute(select(Unit.id, Unit.name).where(Unit.id.in_(by_unit)))}
    top_n = settings.get(s, "home.top_departments")
    top = sorted(((names[uid], n, amt) for uid, (n, amt) in by_unit.items()), key=lambda t: (-t[2], t[0]))
    return YearFigures(
        year=year,
        units_by_kind=units_by_kind,
        projects=len(projects),
        projects_new=sum(1 for p in projects if p.attribute == "new"),
        projects_continuing=sum(1 for p in projects if p.attribute == "continuing"),
        funds_total=funds_total,
        funds_by_type=funds_by_type,
        goal_tables_by_status=by_status,
        indicators=indicators,
        spent_total=spent,
        execution_rate=rate,
        top_departments=top[:top_n],
        generated_at=utcnow(),
        department_goals_by_status=department_goals,
    )


def figures_as_json(f: YearFigures) -> dict[str, Any]:
    """The figures as plain JSON values: amounts as strings in 万元 and the rate in per cent, rounded half up to
    the places the screen shows (core.common.formatting)."""
    return {
        "year": f.year,
        "units": {"departments": f.units_by_kind.get("department", 0),
                  "townships": f.units_by_kind.get("township", 0),
                  "budget_units": f.units_by_kind.get("budget_unit", 0),
                  "bureau": f.units_by_kind.get("bureau", 0)},
        "projects": f.projects,
        "projects_new": f.projects_new,
        "projects_continuing": f.projects_continuing,
        "projects_with_goal_tables": sum(f.goal_tables_by_status.values()),
        "goal_tables_by_status": f.goal_tables_by_status,
        "department_goal_tables_by_status": f.department_goals_by_status,
        "indicators": f.indicators,
        "funds_wan": formatting.plain(f.funds_total),
        "funds_by_type_wan": {k: formatting.plain(v) for k, v in f.funds_by_type.items()},
        "spent_wan": formatting.plain(f.spent_total),
        "execution_rate_percent": formatting.plain(f.execution_rate, formatting.PERCENT_PLACES),
    }
