"""The year's work summary PDF ("{year}年度预算绩效管理工作情况汇总"), built from the home page figures.

All shares are computed with Decimal; shares of one whole are rounded by the largest-remainder method so
the printed parts add up to exactly 100.0.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

from core.common import formatting
from core.common.labels import FUND_TYPES, GOAL_STATUSES, UNIT_KINDS
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell
from core.statistics.dto import YearFigures

SHARE_PLACES = 1
AMOUNT_PLACES = formatting.AMOUNT_PLACES
HUNDRED = Decimal(100)
# The bureau is the manager of the work, not a unit under it, so it is not counted among the units.
MANAGED_KINDS = ("department", "township", "budget_unit")
UNCLASSIFIED = "未分类"


def share(part: Decimal | int, whole: Decimal | int, places: int = SHARE_PLACES) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up; None when the whole is zero."""
    if not whole:
        return None
    return formatting.rounded(Decimal(part) * HUNDRED / Decimal(whole), places)


def shares_of_whole(parts: Sequence[Decimal | int], places: int = SHARE_PLACES) -> list[Decimal | None]:
    """Percentages of the parts' sum that add up to exactly 100 (largest remainder method).

    Rounding each share on its own can print 33.3 + 33.3 + 33.3 = 99.9 under a 合计 of 100.0.
    """
    whole = sum((Decimal(p) for p in parts), Decimal(0))
    if whole <= 0 or any(Decimal(p) < 0 for p in parts):
        return [share(p, whole, places) for p in parts]
    quantum = Decimal(1).scaleb(-places)
    exact = [Decimal(p) * HUNDRED / whole for p in parts]
    floors = [e.quantize(quantum, rounding=ROUND_DOWN) for e in exact]
    steps_left = int(((HUNDRED - sum(floors, Decimal(0))) / quantum).to_integral_value(ROUND_HALF_UP))
    by_remainder = sorted(range(len(parts)), key=lambda i: (floors[i] - exact[i], i))
    for i in by_remainder[:steps_left]:
        floors[i] += quantum
    return list(floors)


def _ordered(counts: dict[str, Decimal] | dict[str, int], standard: Sequence[str]) -> list[str]:
    """The standard labels first (also when zero), then any other label in the order given."""
    return [*standard, *(label for label in counts if label not in standard)]


def _department_goals(f: YearFigures) -> str:
    """The department goal tables (部门整体绩效目标), counted apart from the projects' tables; empty when none."""
    total = sum(f.department_goals_by_status.values())
    if not total:
        return ""
    return f"；部门整体绩效目标表{total}张，其中已通过{f.department_goals_by_status.get('已通过', 0)}张"


def _overview(f: YearFigures, as_of: str) -> str:
    kinds = f.units_by_kind
    units = "、".join(f"{UNIT_KINDS[k]}{kinds.get(k, 0)}个" for k in MANAGED_KINDS)
    text = (
        f"截至{as_of}，全县纳入预算绩效管理的{units}，项目{f.projects}个"
        f"（其中新增项目{f.projects_new}个、延续项目{f.projects_continuing}个），"
        f"资金{formatting.amount(f.funds_total, AMOUNT_PLACES)}万元。"
        f"已编制绩效目标表{sum(f.goal_tables_by_status.values())}张，设置绩效指标{f.indicators}个"
        f"{_department_goals(f)}。"
        f"已支出资金{formatting.amount(f.spent_total, AMOUNT_PLACES)}万元"
    )
    if f.execution_rate is None:
        return text + "，暂无可计算的预算执行率。"
    return text + f"，预算执行率{formatting.percent(f.execution_rate)}。"


def _units_section(doc: ReportDocument, f: YearFigures) -> None:
    doc.heading("一、单位与项目情况")
    rows: list[list[Cell]] = [[f"纳入管理的{UNIT_KINDS[k]}", f.units_by_kind.get(k, 0)] for k in MANAGED_KINDS]
    rows += [[f"其他单位（{k}）", n] for k, n in f.units_by_kind.items() if k not in UNIT_KINDS]
    rows += [
        ["项目", f.projects],
        ["其中：新增项目", f.projects_new],
        ["其中：延续项目", f.projects_continuing],
        ["绩效指标", f.indicators],
    ]
    doc.table(["类别", "数量（个）"], rows, col_widths_mm=[100, 58])


def _funds_section(doc: ReportDocument, f: YearFigures) -> None:
    doc.heading("二、资金情况")
    labels = _ordered(f.funds_by_type, list(FUND_TYPES.values()))
    amounts = [f.funds_by_type.get(label, Decimal(0)) for label in labels]
    missing = f.funds_total - sum(amounts, Decimal(0))
    if missing > 0:
        # Funds without a recorded type must still show, or the rows would not add up to the total.
        labels.append(UNCLASSIFIED)
        amounts.append(missing)
    total = sum(amounts, Decimal(0))
    shares = shares_of_whole(amounts)
    biggest = max(range(len(amounts)), key=lambda i: amounts[i])
    if total > 0:
        doc.paragraph(
            f"全县纳入预算绩效管理的资金{formatting.amount(total, AMOUNT_PLACES)}万元，"
            f"其中{labels[biggest]}{formatting.amount(amounts[biggest], AMOUNT_PLACES)}万元，"
            f"占{formatting.percent(shares[biggest])}。"
        )
    else:
        doc.paragraph("本年度尚无纳入预算绩效管理的资金。")
    rows: list[list[Cell]] = [[lbl, formatting.rounded(a), s] for lbl, a, s in zip(labels, amounts, shares, strict=True)]
    totals: list[Cell] = ["合计", formatting.rounded(total), Decimal("100.0") if total > 0 else None]
    doc.table(["预算类别", "金额（万元）", "占比（%）"], rows, totals=totals,
              col_widths_mm=[70, 50, 38], unit="单位：万元")


def _goals_section(doc: ReportDocument, f: YearFigures) -> None:
    doc.heading("三、绩效目标表情况")
    labels = _ordered(f.goal_tables_by_status, list(GOAL_STATUSES.values()))
    counts = [f.goal_tables_by_status.get(label, 0) for label in labels]
    total = sum(counts)
    shares = shares_of_whole(counts)
    if total:
        approved = GOAL_STATUSES["approved"]
        done = f.goal_tables_by_status.get(approved, 0)
        doc.paragraph(f"本年度共编制绩效目标表{total}张，其中{approved}{done}张，"
                      f"占{formatting.percent(share(done, total))}。")
    else:
        doc.paragraph("本年度尚未编制绩效目标表。")
    rows: list[list[Cell]] = [[lbl, n, s] for lbl, n, s in zip(labels, counts, shares, strict=True)]
    doc.table(["审核状态", "数量（张）", "占比（%）"], rows,
              totals=["合计", total, Decimal("100.0") if total else None], col_widths_mm=[70, 50, 38])


def _execution_section(doc: ReportDocument, f: YearFigures) -> None:
    doc.heading("四、预算执行情况")
    rate = "暂无（预算资金为零或未录入执行数）" if f.execution_rate is None else formatting.percent(f.execution_rate)
    doc.key_values([
        ("预算资金（万元）", formatting.rounded(f.funds_total)),
        ("已支出（万元）", formatting.rounded(f.spent_total)),
        ("未支出（万元）", formatting.rounded(f.funds_total - f.spent_total)),
        ("预算执行率", rate),
    ], key_width_mm=50)


def _departments_section(doc: ReportDocument, f: YearFigures) -> None:
    doc.heading("五、资金规模前列的部门")
    if not f.top_departments:
        doc.paragraph("暂无部门资金数据。")
        return
    rows: list[list[Cell]] = [
        [i, name, projects, formatting.rounded(funds), share(funds, f.funds_total)]
        for i, (name, projects, funds) in enumerate(f.top_departments, start=1)
    ]
    doc.table(["序号", "部门", "项目数（个）", "资金（万元）", "占全县资金\n比重（%）"], rows,
              col_widths_mm=[14, 62, 24, 30, 28], align=["center", "left", "right", "right", "right"],
              unit="单位：万元")


def build_year_summary(figures: YearFigures, path: Path, org_name: str = "县财政局") -> Path:
    """Write the year's work summary PDF to `path` and return it."""
    made_on = figures.generated_at.astimezone().date()
    as_of = formatting.document_date(made_on)
    doc = ReportDocument(title=f"{figures.year}年度预算绩效管理工作情况汇总", subtitle=f"（截至{as_of}）")
    doc.paragraph(_overview(figures, as_of))
    _units_section(doc, figures)
    _funds_section(doc, figures)
    _goals_section(doc, figures)
    _execution_section(doc, figures)
    _departments_section(doc, figures)
    doc.signature(org=org_name, on=made_on, closing="特此报告。")
    return doc.build(path)
