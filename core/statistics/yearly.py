"""年度统计: the figures the bureau reports each year (DOMAIN.md §5), for a year and the year before side by side,
as stage records, as the rows of the 本年/上年/增减 table the page, the PDF and the workbook show, and as JSON for
`perfbudget stats`. A clerk gets its own unit's figures only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.common import formatting
from core.exante.rules import CONCLUSIONS
from core.org import settings
from core.org.access import visible_unit_ids
from core.org.rules.roles import Actor
from core.results.application import suggestion_totals
from core.results.dto import SuggestionTotals
from core.statistics.dto import (
    GRADE_LABELS,
    ChartData,
    FigureRow,
    Number,
    StatisticsComparison,
    YearStatistics,
)
from core.statistics.yearly_figures import (
    evaluation_figures,
    exante_figures,
    goal_figures,
    monitoring_figures,
    rectification_figures,
)
from db.models import FiscalYear
from db.uow import UnitOfWork

# Result application's effect on the next year's budget is the suggestion table's totals (万元); none: all zero.
NO_RESULTS = SuggestionTotals(Decimal(0), Decimal(0), Decimal(0), Decimal(0), 0, 0)


def _year(uow: UnitOfWork, actor: Actor, year: int, as_of: date, visible: set[int] | None) -> YearStatistics:
    s = uow.session
    results = NO_RESULTS  # a year the database does not hold (e.g. the one before the first) has no suggestions
    if s.get(FiscalYear, year) is not None:
        results = suggestion_totals(uow, actor, year)
    return YearStatistics(year, goal_figures(s, year, visible), monitoring_figures(s, year, visible),
                          evaluation_figures(s, year, visible), exante_figures(s, year, visible), results,
                          rectification_figures(s, year, as_of, visible))


def year_statistics(uow: UnitOfWork, actor: Actor, year: int, as_of: date) -> StatisticsComparison:
    """The year's statistics beside the previous year's; rectification items count as overdue as of `as_of`."""
    visible = visible_unit_ids(uow.session, actor)
    return StatisticsComparison(_year(uow, actor, year, as_of, visible), _year(uow, actor, year - 1, as_of, visible),
                                as_of, actor.unit_name if visible is not None else None)


def _rows(y: YearStatistics) -> list[tuple[str, str, str, str, Number | None]]:
    """(section, key, label, kind, value) of one year, in the order the table shows them."""
    g, m, e, x, r, c = y.goals, y.monitoring, y.evaluation, y.exante, y.results, y.rectification
    return [
        ("目标审核", "goal_tables", "绩效目标表（张）", "count", g.tables),
        ("目标审核", "goal_submitted", "报送审核（张）", "count", g.submitted),
        ("目标审核", "goal_reviewed", "作出审核结论（张）", "count", g.reviewed),
        *(("目标审核", f"goal_grade_{k}", f"其中：审核结论“{label}”（张）", "count", g.by_grade[label])
          for k, label in zip(("excellent", "good", "fair", "poor"), GRADE_LABELS, strict=True)),
        ("目标审核", "goal_returned", "退回修改（张）", "count", g.returned),
        ("目标审核", "goal_approved", "审核通过（张）", "count", g.approved),
        ("运行监控", "projects", "项目（个）", "count", m.projects),
        ("运行监控", "funds", "项目资金（万元）", "money", m.funds),
        ("运行监控", "monitored_projects", "纳入监控项目（个）", "count", m.monitored_projects),
        ("运行监控", "monitored_funds", "纳入监控资金（万元）", "money", m.monitored_funds),
        ("运行监控", "monitoring_coverage", "监控资金覆盖率（%）", "percent", m.funds_coverage),
        ("运行监控", "key_projects", "重点监控项目（个）", "count", m.key_projects),
        ("运行监控", "key_funds", "重点监控资金（万元）", "money", m.key_funds),
        ("绩效评价", "self_evaluations", "单位自评（个）", "count", e.self_count),
        ("绩效评价", "self_coverage", "自评项目覆盖率（%）", "percent", e.self_coverage),
        ("绩效评价", "key_evaluations", "财政重点评价（个）", "count", e.key_count),
        *(("绩效评价", f"key_{k}", f"其中：{label}评价（个）", "count", e.key_by_subject[label])
          for k, label in (("project", "项目"), ("policy", "政策"), ("department", "部门"))),
        ("绩效评价", "key_funds_evaluated", "重点评价资金（万元）", "money", e.key_funds),
        ("绩效评价", "departments_evaluated", "开展部门整体评价的部门（个）", "count", e.departments_evaluated),
        ("绩效评价", "department_coverage", "部门整体评价覆盖率（%）", "percent", e.department_coverage),
        ("事前评估", "exante", "事前绩效评估（个）", "count", x.count),
        ("事前评估", "exante_key", "其中：财政重点评估（个）", "count", x.key_count),
        ("事前评估", "exante_reject", f"评估结论“{CONCLUSIONS['reject']}”（个）", "count", x.by_conclusion["reject"]),
        ("事前评估", "exante_requested", "申请金额（万元）", "money", x.requested),
        ("事前评估", "exante_supported", "核定支持金额（万元）", "money", x.supported),
        ("事前评估", "exante_cut", "核减金额（万元）", "money", x.cut),
        ("结果应用", "budget_this_year", "本年项目预算（万元）", "money", r.this_year),
        ("结果应用", "budget_suggested", "下年建议安排（万元）", "money", r.suggested),
        ("结果应用", "budget_cut", "延续项目核减（万元）", "money", r.cut),
        ("结果应用", "budget_increased", "延续项目增加（万元）", "money", r.increased),
        ("结果应用", "projects_cut", "核减项目（个）", "count", r.projects_cut),
        ("结果应用", "cancelled_projects", "取消或暂停项目（个）", "count", r.cancelled_projects),
        ("整改", "rectification_items", "整改事项（项）", "count", c.total),
        ("整改", "rectification_done", "已整改（项）", "count", c.done),
        ("整改", "rectification_open", "未完成（项）", "count", c.open),
        ("整改", "rectification_overdue", "其中：逾期（项）", "count", c.overdue),
        ("整改", "rectification_failed", "整改不合格（项）", "count", c.failed),
        ("整改", "rectification_rate", "整改完成率（%）", "percent", c.completion_rate),
        ("整改", "lagging_units", "整改滞后单位（个）", "count", c.lagging_units),
    ]


def figure_rows(comparison: StatisticsComparison) -> list[FigureRow]:
    """The 本年/上年/增减 table of both years."""
    before = {key: value for _s, key, _l, _k, value in _rows(comparison.previous)}
    return [FigureRow(section, key, label, kind, value, before[key])
            for section, key, label, kind, value in _rows(comparison.current)]


def chart_data(comparison: StatisticsComparison) -> list[ChartData]:
    """The charts the page and the PDF draw, in section order."""
    charts: list[ChartData] = []
    for key, section, title, money, categories, pick in (
        ("goal_grades", "目标审核", "绩效目标审核结论分布（张）", False, GRADE_LABELS,
         lambda y: tuple(y.goals.by_grade[g] for g in GRADE_LABELS)),
        ("monitoring_funds", "运行监控", "项目资金与监控资金（万元）", True, ("项目资金", "纳入监控", "重点监控"),
         lambda y: (y.monitoring.funds, y.monitoring.monitored_funds, y.monitoring.key_funds)),
        ("evaluations", "绩效评价", "绩效评价数量（个）", False, ("单位自评", "重点评价", "部门整体"),
         lambda y: (y.evaluation.self_count, y.evaluation.key_count, y.evaluation.departments_evaluated)),
        ("evaluation_grades", "绩效评价", "评价等级分布（个）", False, GRADE_LABELS,
         lambda y: tuple(y.evaluation.grade_totals().values())),
        ("exante_amounts", "事前评估", "事前评估金额（万元）", True, ("申请金额", "核定支持", "核减金额"),
         lambda y: (y.exante.requested, y.exante.supported, y.exante.cut)),
        ("rectification", "整改", "整改事项（项）", False, ("已整改", "未完成", "逾期"),
         lambda y: (y.rectification.done, y.rectification.open, y.rectification.overdue)),
    ):
        charts.append(ChartData(key, section, title, tuple(categories), pick(comparison.current),
                                pick(comparison.previous), money))
    return charts


def _json_value(kind: str, value: Number | None) -> Any:
    if value is None or kind == "count":
        return value
    places = formatting.PERCENT_PLACES if kind == "percent" else formatting.AMOUNT_PLACES
    return formatting.plain(Decimal(value), places)


def statistics_as_json(comparison: StatisticsComparison) -> dict[str, Any]:
    """Both years as plain JSON: counts as numbers, amounts (万元) and percentages as strings rounded half up
    to the places the screen and the reports show."""
    def year(y: YearStatistics) -> dict[str, Any]:
        out: dict[str, Any] = {"year": y.year}
        for _section, key, _label, kind, value in _rows(y):
            out[key] = _json_value(kind, value)
        out["evaluation_grades"] = y.evaluation.grades
        out["exante_by_conclusion"] = y.exante.by_conclusion
        return out

    return {"as_of": formatting.iso_date(comparison.as_of), "scope": comparison.scope,
            "current": year(comparison.current), "previous": year(comparison.previous)}


def statistics_pdf(uow: UnitOfWork, actor: Actor, year: int, as_of: date, target: Path) -> Path:
    """The 年度预算绩效管理工作统计 PDF of the figures the actor may see, dated `as_of`."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.statistics.report import build_statistics_pdf

    comparison = year_statistics(uow, actor, year, as_of)
    return build_statistics_pdf(comparison, figure_rows(comparison), chart_data(comparison), target,
                                settings.get(uow.session, "org.name"), as_of)


def statistics_workbook(uow: UnitOfWork, actor: Actor, year: int, as_of: date, target: Path) -> Path:
    """The same figures as a workbook (one sheet, both years, numbers as numbers)."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.statistics.report import build_statistics_workbook

    comparison = year_statistics(uow, actor, year, as_of)
    return build_statistics_workbook(comparison, figure_rows(comparison), target,
                                     settings.get(uow.session, "org.name"))
