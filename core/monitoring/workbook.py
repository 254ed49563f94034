"""The monitoring workbooks: the summary grid as the user sees it (one row per project, lights coloured and
spelled out with their shape so a black-and-white print still reads, a totals row and a legend) with a second
sheet of warnings, and the warnings list on its own. Fed with the grid's rows, never with sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.workbook import (
    LIGHT_TONES,
    Cell,
    Column,
    LegendEntry,
    Marked,
    new_workbook,
    save,
    write_sheet,
)
from core.common.progress import ProgressReporter
from core.monitoring.rules.lights import LIGHT_SYMBOLS, LIGHTS, LIKELIHOODS, percent, time_progress

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from openpyxl import Workbook

    from core.monitoring.dto import GridRow, WarningItem

BUDGET_ONLY = "仅预算"  # the goal light of a project without an approved goal table: only its budget is watched
GRID_SHEET, WARNINGS_SHEET = "监控汇总", "预警清单"
NOTES = ("执行率 = 1-X月执行数 ÷ 调整后预算数；序时进度 = X ÷ 12；预算执行进度 = 执行率 ÷ 序时进度。",
         "项目灯取预算执行灯和各绩效指标灯中最差的一个；目标完成灯为“仅预算”的项目绩效目标未批复，只监控预算执行。")


def light_text(light: str) -> str:
    """A light's shape and name: "● 红灯"; no light is a dash."""
    if light not in LIGHT_TONES:
        return LIGHT_SYMBOLS["none"]
    return f"{LIGHT_SYMBOLS[light]} {LIGHTS[light]}"


def light_cell(light: str) -> Marked:
    """A light as a coloured cell whose text also names it, so a black-and-white print still reads."""
    return Marked(light_text(light), LIGHT_TONES.get(light))


def _flag(value: bool) -> str:
    return "是" if value else ""


def _total(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _legend(entries: Sequence[tuple[str, str]]) -> list[LegendEntry]:
    lights = [LegendEntry(light_text(light), text, LIGHT_TONES.get(light)) for light, text in entries]
    return [*lights, *(LegendEntry("说明", note) for note in NOTES)]


def _counts(rows: Sequence[GridRow]) -> str:
    counts = [(light, sum(1 for r in rows if r.project_light == light)) for light in ("red", "yellow", "green", "blue")]
    return "、".join(f"{LIGHT_SYMBOLS[light]}{LIGHTS[light]}{n}个" for light, n in counts if n)


def _subtitle(org_name: str, month: int, round_name: str | None, made_on: date, rows: Sequence[GridRow]) -> str:
    lights = _counts(rows)
    parts = [f"编制单位：{org_name}", f"截至{month}月底（序时进度{time_progress(month)}%）"]
    if round_name not in (None, f"1-{month}月"):
        parts.append(f"监控轮次：{round_name}")
    parts += ["金额单位：万元", f"共{len(rows)}个项目（{lights}）" if lights else f"共{len(rows)}个项目",
              f"导出日期：{formatting.screen_date(made_on)}"]
    return "　　".join(parts)


def grid_columns(month: int) -> list[Column]:
    """The monitoring page's columns in its order (部门 and 项目名称 frozen), with the budget part's
    adjustment, forecast amount and flags that the page leaves to its detail view."""
    # Line breaks chosen in the long headers: programs break Chinese text at different places.
    return [
        Column("部门/镇街", width=13), Column("项目名称", width=24), Column("项目编码", "code"),
        Column("预算单位", width=13), Column("资金性质", width=9.5), Column("年初预算数", "money"),
        Column("年度\n预算调整", "money"), Column("调整后\n预算数", "money"), Column(f"1-{month}月\n执行数", "money"),
        Column("执行率\n（%）", "percent"), Column("序时进度\n（%）", "percent"), Column("预算\n执行灯", "center"),
        Column("目标\n完成灯", "center"), Column("项目灯", "center"), Column("完成目标\n可能性"),
        Column("全年预计\n执行数", "money"), Column("预计执行率\n（%）", "percent"),
        Column("红灯指标\n（个）", "count"), Column("预计难以\n完成", "center"), Column("重点监控", "center"),
        Column("偏差原因", "wrap", width=26),
    ]


def _goal_cell(r: GridRow) -> Marked:
    return light_cell(r.goal_light) if r.goal_basis == "approved" else Marked(BUDGET_ONLY)


def grid_row(r: GridRow) -> list[Cell]:
    return [r.department_name, r.project_name, r.project_code, r.unit_name, r.fund_type_label, r.budget,
            r.adjustment, r.adjusted_budget, r.spent, r.execution_rate, r.time_progress, light_cell(r.budget_light),
            _goal_cell(r), light_cell(r.project_light), LIKELIHOODS.get(r.likelihood or "", ""), r.forecast,
            r.forecast_rate, r.red_indicators, _flag(r.at_risk), _flag(r.key_monitoring), r.reasons]


def grid_totals(rows: Sequence[GridRow]) -> list[Cell]:
    """Sums of the amounts; the rates are the rates of the sums, not sums of rates."""
    adjusted, spent = _total([r.adjusted_budget for r in rows]), _total([r.spent for r in rows])
    forecast = _total([r.forecast for r in rows])
    return ["合计", f"{len(rows)}个项目", "", "", "", _total([r.budget for r in rows]),
            _total([r.adjustment for r in rows]), adjusted, spent, percent(spent, adjusted),
            rows[0].time_progress if rows else None, "", "", "", "", forecast, percent(forecast, adjusted),
            sum(r.red_indicators for r in rows), f"{sum(r.at_risk for r in rows)}个",
            f"{sum(r.key_monitoring for r in rows)}个", ""]


def warning_columns(month: int) -> list[Column]:
    return [
        Column("序号", "center", width=6), Column("预警等级", "center"), Column("部门/镇街", width=13),
        Column("项目名称", width=24), Column("项目编码", "code"), Column("预算单位", width=13),
        Column("调整后\n预算数", "money"), Column(f"1-{month}月\n执行数", "money"), Column("执行率\n（%）", "percent"),
        Column("预算\n执行灯", "center"), Column("目标\n完成灯", "center"), Column("预计执行率\n（%）", "percent"),
        Column("重点监控", "center"), Column("预警原因", "wrap", width=36),
    ]


def warning_row(n: int, w: WarningItem) -> list[Cell]:
    r = w.row
    return [n, light_cell(r.project_light), r.department_name, r.project_name, r.project_code, r.unit_name,
            r.adjusted_budget, r.spent, r.execution_rate, light_cell(r.budget_light), _goal_cell(r),
            r.forecast_rate, _flag(r.key_monitoring), w.reasons]


def _write_warnings(wb: Workbook, title: str, items: Sequence[WarningItem], month: int, round_name: str | None,
                    org_name: str, made_on: date, legend: list[LegendEntry], progress: ProgressReporter | None) -> None:
    rows = [w.row for w in items]
    adjusted, spent = _total([r.adjusted_budget for r in rows]), _total([r.spent for r in rows])
    totals: list[Cell] = ["合计", f"{len(rows)}个", "", "", "", "", adjusted, spent, percent(spent, adjusted),
                          "", "", None, f"{sum(r.key_monitoring for r in rows)}个", ""]
    write_sheet(wb, WARNINGS_SHEET, title, warning_columns(month),
                [warning_row(n, w) for n, w in enumerate(items, start=1)],
                subtitle=_subtitle(org_name, month, round_name, made_on, rows), totals=totals,
                legend=legend, freeze_columns=4, progress=progress)


def build_monitoring_workbook(grid_title: str, rows: Sequence[GridRow], target: Path,
                              legend: Sequence[tuple[str, str]], *, month: int, round_name: str | None = None,
                              warnings: Sequence[WarningItem] = (), warnings_title: str = "预警清单",
                              org_name: str = "县财政局", made_on: date | None = None,
                              progress: ProgressReporter | None = None) -> Path:
    """Write the grid `rows` (already filtered and sorted by the caller) and the warnings sheet to `target`.

    `legend` is (light, meaning) per light, with the thresholds in force."""
    day = made_on or date.today()
    entries = _legend(legend)
    wb = new_workbook()
    # 22 columns: on A4 they would print at about half size, A3 keeps them at about 80 %.
    write_sheet(wb, GRID_SHEET, grid_title, grid_columns(month), [grid_row(r) for r in rows],
                subtitle=_subtitle(org_name, month, round_name, day, rows), totals=grid_totals(rows),
                legend=entries, freeze_columns=2, paper="A3", progress=progress)
    _write_warnings(wb, warnings_title, warnings, month, round_name, org_name, day, entries, progress)
    return save(wb, target)


def build_warnings_workbook(title: str, warnings: Sequence[WarningItem], target: Path,
                            legend: Sequence[tuple[str, str]], *, month: int, round_name: str | None = None,
                            org_name: str = "县财政局", made_on: date | None = None,
                            progress: ProgressReporter | None = None) -> Path:
    """Write the list of warnings (red and yellow projects with their reasons) to `target`."""
    wb = new_workbook()
    _write_warnings(wb, title, warnings, month, round_name, org_name, made_on or date.today(), _legend(legend),
                    progress)
    return save(wb, target)
