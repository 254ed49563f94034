"""Monitoring outputs (运行监控): the summary of a round or month for the report PDF (coverage, lights by
department, red projects with their reasons, key monitoring), the list of warnings, and the use cases that
write the monitoring report PDF, the grid workbook and the warnings workbook. Everything comes from `grid()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from core.common import formatting
from core.common.errors import NotFound, ValidationError
from core.common.progress import ProgressReporter
from core.monitoring.dto import DepartmentLights, Grid, GridRow, MonitoringSummary, WarningItem
from core.monitoring.grid import check_period, grid, thresholds
from core.monitoring.rules import lights as rules
from core.monitoring.workbook import build_monitoring_workbook, build_warnings_workbook
from core.org import settings
from core.org.rules.roles import Actor
from db.models import MonitoringRound
from db.uow import UnitOfWork

LIGHT_ORDER = ("red", "yellow", "green", "blue", "none")
WARNING_LIGHTS = ("red", "yellow")


def light_legend(t: rules.Thresholds) -> tuple[tuple[str, str], ...]:
    """What each light means with the thresholds in force (they are settings, so the legend is built here)."""
    return (
        ("red", f"预算执行进度（执行率÷序时进度）低于{t.budget_red_below}%，或有绩效指标完成进度低于"
                f"{t.indicator_red_below}%、“≤”类指标超出目标值、定性指标未达成、指标实际完成值为0"),
        ("yellow", f"预算执行进度在{t.budget_red_below}%至{t.budget_yellow_below}%之间，或指标完成进度在"
                   f"{t.indicator_red_below}%至{t.indicator_yellow_below}%之间、定性指标部分达成"),
        ("green", f"预算执行进度达到{t.budget_yellow_below}%以上，指标完成进度在{t.indicator_yellow_below}%至"
                  f"{t.indicator_blue_from}%之间"),
        ("blue", f"指标完成进度达到{t.indicator_blue_from}%以上（超额完成，目标值可能设定偏低）"),
        ("none", "未亮灯：调整后预算为0、无法计算执行进度，或指标尚未填报完成值"),
    )


def warning_reasons(row: GridRow) -> str:
    """Why a project is flagged: the figures that trip a light, then the unit's own explanation."""
    parts = []
    if row.execution_rate is not None and row.execution_rate == 0:
        parts.append("截至目前尚未支出")
    elif row.budget_light in WARNING_LIGHTS and row.execution_rate is not None:
        parts.append(f"执行率{formatting.percent(row.execution_rate)}，为序时进度{formatting.percent(row.time_progress)}"
                     f"的{formatting.percent(row.budget_ratio)}")
    if row.red_indicators:
        parts.append(f"{row.red_indicators}个绩效指标亮红灯")
    elif row.goal_light == "yellow":
        parts.append("绩效指标完成进度偏慢")
    if row.likelihood in ("possible", "impossible"):
        parts.append(f"完成目标可能性为“{rules.LIKELIHOODS[row.likelihood]}”")
    if row.at_risk and row.forecast_rate is not None and row.spent > 0:
        parts.append(f"预计全年执行率{formatting.percent(row.forecast_rate)}")
    text = "；".join(parts)
    if row.reasons:
        text = f"{text}。单位说明：{row.reasons}" if text else f"单位说明：{row.reasons}"
    return text


def warning_items(rows: Sequence[GridRow]) -> tuple[WarningItem, ...]:
    """The warnings among `rows`: red then yellow, each by adjusted budget, largest first."""
    flagged = sorted((r for r in rows if r.project_light in WARNING_LIGHTS),
                     key=lambda r: (rules.LIGHT_RANK[r.project_light], -r.adjusted_budget, r.project_code))
    return tuple(WarningItem(r, warning_reasons(r)) for r in flagged)


def _sum(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _by_department(rows: Sequence[GridRow]) -> list[GridRow]:
    """Departments in the grid's order (project codes), each department's projects by amount, largest first."""
    order: dict[int, int] = {}
    for r in rows:
        order.setdefault(r.department_id, len(order))
    return sorted(rows, key=lambda r: (order[r.department_id], -r.adjusted_budget, r.project_code))


def _departments(rows: Sequence[GridRow]) -> tuple[DepartmentLights, ...]:
    groups: dict[int, list[GridRow]] = {}
    for r in rows:
        groups.setdefault(r.department_id, []).append(r)
    out = []
    for members in groups.values():
        funds, spent = _sum([r.adjusted_budget for r in members]), _sum([r.spent for r in members])
        out.append(DepartmentLights(members[0].department_name, len(members), _light_counts(members), funds, spent,
                                    rules.percent(spent, funds)))
    return tuple(out)


def _light_counts(rows: Sequence[GridRow]) -> dict[str, int]:
    return {light: sum(1 for r in rows if r.project_light == light) for light in LIGHT_ORDER}


def summarize(found: Grid, generated_on: date) -> MonitoringSummary:
    """The report's figures from a grid (pure: no database)."""
    rows = found.rows
    funds, spent = _sum([r.adjusted_budget for r in rows]), _sum([r.spent for r in rows])
    approved = [r for r in rows if r.goal_basis == "approved"]
    budget_only = [r for r in rows if r.goal_basis != "approved"]
    red = [WarningItem(r, warning_reasons(r)) for r in _by_department([r for r in rows if r.project_light == "red"])]
    return MonitoringSummary(
        year=found.year, month=found.month, round_name=found.round_name, generated_on=generated_on,
        projects=len(rows), funds=funds, spent=spent, execution_rate=rules.percent(spent, funds),
        time_progress=rules.time_progress(found.month),
        approved_projects=len(approved), approved_funds=_sum([r.adjusted_budget for r in approved]),
        budget_only_projects=len(budget_only), budget_only_funds=_sum([r.adjusted_budget for r in budget_only]),
        lights=_light_counts(rows),
        light_funds={light: _sum([r.adjusted_budget for r in rows if r.project_light == light])
                     for light in LIGHT_ORDER},
        at_risk=sum(1 for r in rows if r.at_risk), departments=_departments(rows), red=tuple(red),
        key_monitoring=tuple(_by_department([r for r in rows if r.key_monitoring])))


def monitoring_summary(uow: UnitOfWork, actor: Actor, year: int, round_id: int | None = None,
                       month: int | None = None, today: date | None = None) -> MonitoringSummary:
    """The figures of the monitoring report for a round (or the budget part as of `month`)."""
    day = today or date.today()
    return summarize(grid(uow, actor, year, round_id, month, day), day)


def _period(uow: UnitOfWork, year: int, round_id: int | None, month: int | None,
            today: date) -> tuple[int, str | None]:
    """(as-of month, round name) without building the grid, for rows the caller already has."""
    if round_id is None:
        if month is None or not 1 <= month <= 12:
            raise ValidationError("请选择监控截止月份（1 至 12 月）。", "month")
        check_period(year, month, today)
        return month, None
    found = uow.session.get(MonitoringRound, round_id)
    if found is None or found.year != year:
        raise NotFound(f"{year} 年度没有编号为 {round_id} 的监控轮次。")
    return found.as_of_month, found.name


def monitoring_report_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path, round_id: int | None = None,
                          month: int | None = None, today: date | None = None) -> Path:
    """The 运行监控情况报告 PDF of a round (or of a month without a round)."""
    summary = monitoring_summary(uow, actor, year, round_id, month, today)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.monitoring.report import build_monitoring_report
    return build_monitoring_report(summary, target, org_name=settings.get(uow.session, "org.name"))


def monitoring_workbook(uow: UnitOfWork, actor: Actor, year: int, target: Path, round_id: int | None = None,
                        month: int | None = None, rows: Sequence[GridRow] | None = None,
                        today: date | None = None, progress: ProgressReporter | None = None) -> Path:
    """The monitoring summary workbook: `rows` as the grid shows them (filtered, sorted), else the whole
    grid; a second sheet lists the warnings among them."""
    day = today or date.today()
    if rows is None:
        found = grid(uow, actor, year, round_id, month, day)
        rows, as_of, round_name = found.rows, found.month, found.round_name
    else:
        as_of, round_name = _period(uow, year, round_id, month, day)
    period = f"{year}年1-{as_of}月"
    return build_monitoring_workbook(f"{period}预算绩效运行监控汇总表", rows, target,
                                     light_legend(thresholds(uow.session)), month=as_of, round_name=round_name,
                                     warnings=warning_items(rows), warnings_title=f"{period}预算绩效运行监控预警清单",
                                     org_name=settings.get(uow.session, "org.name"), made_on=day, progress=progress)


def warnings_workbook(uow: UnitOfWork, actor: Actor, year: int, target: Path, round_id: int | None = None,
                      month: int | None = None, today: date | None = None,
                      progress: ProgressReporter | None = None) -> Path:
    """The round's (or month's) list of warnings: red and yellow projects with their reasons."""
    day = today or date.today()
    found = grid(uow, actor, year, round_id, month, day)
    return build_warnings_workbook(f"{year}年1-{found.month}月预算绩效运行监控预警清单",
                                   warning_items(found.rows), target, light_legend(thresholds(uow.session)),
                                   month=found.month, round_name=found.round_name,
                                   org_name=settings.get(uow.session, "org.name"), made_on=day, progress=progress)
