"""运行监控 read side: the monitoring grid of a year as of a month (or of a round), one row per project with
its budget part, lights, forecast and reasons (the forecast follows the project's own spending pattern of last
year, else the county's pattern of last year, else a straight trend), and the drill-down of one project (indicator lights, monthly
cumulative execution against time progress and the forecast).

Rows are built from a few bulk queries (projects, execution sums by month, the round's entries and lines,
the approved tables' indicators) so the grid can be filled for 80,000 projects on the background helper.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.errors import NotFound, ValidationError
from core.common.labels import FUND_TYPES
from core.monitoring.dto import Grid, GridRow, IndicatorStatus, ProjectMonitoring
from core.monitoring.rules import lights as rules
from core.org import settings
from core.org.access import require_unit, visible_unit_ids
from core.org.lookups import departments
from core.org.rules.roles import Actor
from db.models import (
    ExecutionRecord,
    GoalTable,
    GoalTableVersion,
    Indicator,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
    Project,
    Unit,
)
from db.uow import UnitOfWork

THRESHOLD_KEYS = {
    "budget_red_below": "monitoring.budget_red_below", "budget_yellow_below": "monitoring.budget_yellow_below",
    "indicator_red_below": "monitoring.indicator_red_below",
    "indicator_yellow_below": "monitoring.indicator_yellow_below",
    "indicator_blue_from": "monitoring.indicator_blue_from", "key_amount_wan": "monitoring.key_amount_wan",
    "key_rate_below": "monitoring.key_rate_below", "key_from_month": "monitoring.key_from_month",
    "at_risk_below": "monitoring.at_risk_below",
}


def thresholds(session: Session) -> rules.Thresholds:
    return rules.Thresholds(**{field: settings.get(session, key) for field, key in THRESHOLD_KEYS.items()})


def _round(session: Session, year: int, round_id: int | None, month: int | None) -> tuple[MonitoringRound | None, int]:
    if round_id is not None:
        found = session.get(MonitoringRound, round_id)
        if found is None or found.year != year:
            raise NotFound(f"{year} 年度没有编号为 {round_id} 的监控轮次。")
        return found, found.as_of_month
    if month is None or not 1 <= month <= 12:
        raise ValidationError("请选择监控截止月份（1 至 12 月）。", "month")
    return None, month


def check_period(year: int, month: int, today: date) -> None:
    """A monitoring period may not lie in the future."""
    if (year, month) > (today.year, today.month):
        raise ValidationError(f"监控期间 {year} 年 1-{month} 月 还没有到（今天是 {formatting.screen_date(today)}），不能监控未来的期间。",
                              "month")


def _monthly(session: Session, where: Any, year: int) -> dict[int, list[Decimal]]:
    out: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 12)
    rows = session.execute(select(ExecutionRecord.project_id, ExecutionRecord.month, func.sum(ExecutionRecord.amount))
                           .join(Project, Project.id == ExecutionRecord.project_id)
                           .where(where, ExecutionRecord.year == year)
                           .group_by(ExecutionRecord.project_id, ExecutionRecord.month))
    for pid, month, amount in rows:  # func.sum keeps the Money type, so amounts come back as Decimal 万元
        out[pid][month - 1] = amount or Decimal(0)
    return out


def _pattern(monthly: list[Decimal]) -> list[Decimal] | None:
    return monthly if sum(monthly, Decimal(0)) > 0 else None


def _lines(session: Session, round_id: int | None, where: Any) -> tuple[dict[int, MonitoringEntry],
                                                                        dict[int, dict[int, MonitoringLine]]]:
    if round_id is None:
        return {}, {}
    entries = {e.project_id: e for e in session.scalars(
        select(MonitoringEntry).join(Project, Project.id == MonitoringEntry.project_id)
        .where(MonitoringEntry.round_id == round_id, where))}
    by_entry = {e.id: e.project_id for e in entries.values()}
    lines: dict[int, dict[int, MonitoringLine]] = defaultdict(dict)
    for line in session.scalars(select(MonitoringLine).join(MonitoringEntry)
                                .join(Project, Project.id == MonitoringEntry.project_id)
                                .where(MonitoringEntry.round_id == round_id, where)):
        lines[by_entry[line.entry_id]][line.position] = line
    return entries, lines


def _approved_indicators(session: Session, where: Any) -> dict[int, list[Any]]:
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    out: dict[int, list[Any]] = defaultdict(list)
    # Plain rows, not ORM objects: an 80,000-project grid reads over half a million indicators.
    i = Indicator
    rows = session.execute(select(GoalTable.project_id, i.position, i.level1, i.level2, i.name, i.comparator,
                                  i.target, i.target_text, i.unit_of_measure)
                           .join(GoalTableVersion, current).join(i, i.version_id == GoalTableVersion.id)
                           .join(Project, Project.id == GoalTable.project_id)
                           .where(where, GoalTable.status == "approved").order_by(i.position))
    for row in rows:
        out[row.project_id].append(row)
    return out


def _status(ind: Any, line: MonitoringLine | None, month: int, t: rules.Thresholds) -> IndicatorStatus:
    actual = line.actual if line else None
    actual_text = line.actual_text if line else None
    light, ratio = rules.indicator_light(ind.comparator, ind.target, actual, actual_text, month, t)
    return IndicatorStatus(ind.position, ind.level1, ind.level2, ind.name, ind.comparator, ind.target,
                           ind.target_text, ind.unit_of_measure, actual, actual_text, line.forecast if line else None,
                           line.likelihood if line else None, light, ratio, line.cause if line else None,
                           line.analysis if line else None, line.measures if line else None)


LIKELIHOOD_RANK = {"impossible": 0, "possible": 1, "certain": 2}


def _reasons(entry: MonitoringEntry | None, statuses: list[IndicatorStatus]) -> str:
    parts = []
    if entry is not None and (entry.budget_cause or entry.budget_analysis):
        parts.append(f"预算：{entry.budget_cause or ''} {entry.budget_analysis or ''}".strip())
    for s in statuses:
        if s.cause or s.analysis:
            parts.append(f"{s.name}：{s.cause or ''} {s.analysis or ''}".strip())
    return "；".join(parts)


def _row(p: Any, dept: tuple[int, str], unit_name: str, monthly: list[Decimal], month: int,
         entry: MonitoringEntry | None, statuses: list[IndicatorStatus], approved: bool, pattern: list[Decimal] | None,
         t: rules.Thresholds) -> GridRow:
    adjustment = entry.budget_adjustment if entry is not None else Decimal(0)
    adjusted = p.total_amount + adjustment
    spent = sum(monthly[:month], Decimal(0))
    budget_light, budget_ratio = rules.budget_light(spent, adjusted, month, t)
    goal_light = rules.worst([s.light for s in statuses if s.light != "none"]) if approved else "none"
    forecast = rules.forecast_full_year(monthly[:month], pattern)
    if entry is not None and entry.forecast_spent is not None:
        forecast = entry.forecast_spent
    likelihoods = [s.likelihood for s in statuses if s.likelihood]
    return GridRow(
        p.id, p.code, p.name, dept[0], dept[1], unit_name, p.fund_type, FUND_TYPES.get(p.fund_type, p.fund_type),
        p.total_amount, adjustment, adjusted, spent, rules.percent(spent, adjusted), rules.time_progress(month),
        budget_light, budget_ratio, goal_light, "approved" if approved else "budget_only",
        rules.worst([budget_light, goal_light]),
        min(likelihoods, key=lambda v: LIKELIHOOD_RANK.get(v, 3)) if likelihoods else None,
        _reasons(entry, statuses), forecast, rules.percent(forecast, adjusted), rules.at_risk(forecast, adjusted, t),
        bool(entry.key_monitoring) if entry is not None else rules.is_key_monitoring(adjusted, spent, month, t),
        sum(1 for s in statuses if s.light == "red"))


def _scope(session: Session, actor: Actor, year: int) -> Any:
    where: Any = Project.year == year
    visible = visible_unit_ids(session, actor)
    if visible is not None:
        where = and_(where, Project.unit_id.in_(sorted(visible)))
    return where


def _build(session: Session, actor: Actor, year: int, round_: MonitoringRound | None, month: int,
           where: Any) -> tuple[list[GridRow], dict[int, list[IndicatorStatus]], dict[int, list[Decimal]]]:
    t = thresholds(session)
    monthly = _monthly(session, where, year)
    prev_ids = dict(session.execute(select(Project.id, Project.previous_project_id)
                                    .where(where, Project.previous_project_id.is_not(None))).all())
    previous = _monthly(session, Project.id.in_(sorted(set(prev_ids.values()))), year - 1) if prev_ids else {}
    county = [Decimal(0)] * 12  # the county's spending pattern last year, for projects without their own history
    for m, amount in session.execute(select(ExecutionRecord.month, func.sum(ExecutionRecord.amount))
                                     .where(ExecutionRecord.year == year - 1).group_by(ExecutionRecord.month)):
        county[m - 1] = amount or Decimal(0)
    entries, lines = _lines(session, round_.id if round_ else None, where)
    indicators = _approved_indicators(session, where)
    tops = departments(session)
    unit_names = dict(session.execute(select(Unit.id, Unit.name)).all())
    rows, details = [], {}
    for p in session.execute(select(Project.__table__).where(where).order_by(Project.code)):
        statuses = [_status(ind, lines.get(p.id, {}).get(ind.position), month, t) for ind in indicators.get(p.id, [])]
        prev_id = prev_ids.get(p.id)
        history = previous.get(prev_id) if prev_id is not None else None
        rows.append(_row(p, tops.get(p.unit_id, (p.unit_id, unit_names.get(p.unit_id, ""))),
                         unit_names.get(p.unit_id, ""), monthly.get(p.id, [Decimal(0)] * 12), month,
                         entries.get(p.id), statuses, p.id in indicators,
                         (_pattern(history) if history else None) or _pattern(county), t))
        details[p.id] = statuses
    return rows, details, monthly


def grid(uow: UnitOfWork, actor: Actor, year: int, round_id: int | None = None, month: int | None = None,
         today: date | None = None, project_ids: list[int] | None = None) -> Grid:
    """The monitoring grid: a round's figures, or the budget part as of `month` when no round is chosen
    (only `project_ids`, when given: the page refreshes the rows an action touched without rebuilding all)."""
    s = uow.session
    round_, as_of = _round(s, year, round_id, month)
    check_period(year, as_of, today or date.today())
    where = _scope(s, actor, year)
    if project_ids is not None:
        where = and_(where, Project.id.in_(sorted(project_ids)))
    rows, _details, _ = _build(s, actor, year, round_, as_of, where)
    return Grid(year, as_of, round_.id if round_ else None, round_.name if round_ else None, tuple(rows))


def project_monitoring(uow: UnitOfWork, actor: Actor, project_id: int, round_id: int | None = None,
                       month: int | None = None, today: date | None = None) -> ProjectMonitoring:
    """The drill-down of one project: indicator lights and the execution curve against time progress."""
    s = uow.session
    project = s.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    require_unit(s, actor, project.unit_id)
    round_, as_of = _round(s, project.year, round_id, month)
    check_period(project.year, as_of, today or date.today())
    rows, details, monthly = _build(s, actor, project.year, round_, as_of, Project.id == project_id)
    row = rows[0]
    spent_by_month = monthly.get(project_id, [Decimal(0)] * 12)
    cumulative, running = [], Decimal(0)
    for m in range(as_of):
        running += spent_by_month[m]
        cumulative.append(rules.percent(running, row.adjusted_budget))
    time_line = tuple(rules.time_progress(m) for m in range(1, 13))
    start = row.spent
    step = (row.forecast - start) / (12 - as_of) if as_of < 12 else Decimal(0)
    forecast_line = tuple(rules.percent(start + step * (m - as_of), row.adjusted_budget) for m in range(as_of, 13))
    return ProjectMonitoring(row, tuple(details[project_id]), tuple(spent_by_month[:as_of]) + (Decimal(0),) * (12 - as_of),
                             tuple(cumulative), time_line, forecast_line)
