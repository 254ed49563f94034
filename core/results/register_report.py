"""整改台账 exports: the register as a workbook (every column, overdue and failed items coloured and named) and as
a PDF (counts by status, then one line per item). Fed with the register's ItemRow DTOs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell as PdfCell
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
from core.results.rules.rectification import DISPLAY_STATUSES

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.results.dto import ItemRow

TITLE = "{year}年度预算绩效整改台账"
# Red for 逾期 and 整改不合格, yellow for 整改中, green for 已整改.
TONES = {"overdue": LIGHT_TONES["red"], "failed": LIGHT_TONES["red"], "in_progress": LIGHT_TONES["yellow"],
         "done": LIGHT_TONES["green"]}
COLUMNS = [Column("序号", "count", 6), Column("单位编码", "code"), Column("单位", width=16),
           Column("项目编码", "code"), Column("项目/事项", width=22), Column("来源", "center"),
           Column("整改要求", "wrap", 40), Column("下达日期", "date"), Column("整改期限", "date"),
           Column("状态", "center", 10), Column("是否逾期", "center", 8), Column("单位反馈", "wrap", 30),
           Column("反馈时间", "text", 16), Column("反馈交换包", "code"), Column("复核意见", "wrap", 24),
           Column("复核人", "text", 10)]


def status_counts(rows: Sequence[ItemRow]) -> dict[str, int]:
    """Items per shown status (逾期 counted apart from 待整改/整改中), every status present."""
    found = Counter(r.display_status for r in rows)
    return {code: found.get(code, 0) for code in DISPLAY_STATUSES}


def _summary(rows: Sequence[ItemRow]) -> str:
    counts = status_counts(rows)
    parts = "、".join(f"{DISPLAY_STATUSES[code]}{n}项" for code, n in counts.items() if n)
    overdue = sum(1 for r in rows if r.overdue)
    failed = sum(1 for r in rows if r.overdue and r.status == "failed")
    late = f"超过整改期限仍未完成{overdue}项" + (f"（含整改不合格{failed}项）" if failed else "")
    return f"共{len(rows)}项（{parts}），{late}。" if rows else "没有整改事项。"


def _status(row: ItemRow) -> Marked:
    return Marked(row.status_label, TONES.get(row.display_status), bold=row.overdue)


def build_register_workbook(rows: Sequence[ItemRow], year: int, org_name: str, made_on: date, target: Path) -> Path:
    """The register as a workbook, one row per item in the order given."""
    wb = new_workbook()
    data: list[list[Cell]] = [
        [n, r.unit_code, r.unit_name, r.project_code, r.subject, r.source_label, r.requirement, r.issued_on,
         r.deadline, _status(r), Marked("是", TONES["overdue"]) if r.overdue else "", r.feedback,
         formatting.screen_time(r.feedback_at) if r.feedback_at else None, r.feedback_package,
         r.recheck_opinion, r.rechecked_by]
        for n, r in enumerate(rows, start=1)]
    subtitle = f"编制单位：{org_name}　　{_summary(rows)}　　导出日期：{formatting.screen_date(made_on)}"
    legend = [LegendEntry(DISPLAY_STATUSES[code], text, TONES[code]) for code, text in (
        ("overdue", "超过整改期限仍未整改完毕（待整改或整改中）"),
        ("failed", "财政局复核认为整改不到位，单位须继续整改"),
        ("in_progress", "单位已反馈整改情况，待财政局复核"),
        ("done", "财政局复核通过"))]
    write_sheet(wb, "整改台账", TITLE.format(year=year), COLUMNS, data, subtitle=subtitle, legend=legend,
                freeze_columns=3)
    return save(wb, target)


def build_register_pdf(rows: Sequence[ItemRow], year: int, org_name: str, made_on: date, target: Path) -> Path:
    """The register as a PDF: counts by status, then the items (overdue first, as listed)."""
    doc = ReportDocument(title=TITLE.format(year=year), issuer=org_name, issuer_red=False,
                         subtitle=f"截至{made_on.year}年{made_on.month}月{made_on.day}日")
    doc.heading("一、总体情况")
    doc.paragraph(_summary(rows))
    counts = status_counts(rows)
    doc.table(["状态", "事项数（项）"], [[DISPLAY_STATUSES[c], n] for c, n in counts.items()],
              col_widths_mm=[60, 40], align=["center", "right"], totals=["合计", len(rows)])
    doc.heading("二、整改事项明细")
    table: list[list[PdfCell]] = [[n, r.unit_name, r.subject, r.source_label, r.requirement, r.deadline,
                                   r.status_label] for n, r in enumerate(rows, start=1)]
    doc.table(["序号", "单位", "项目/事项", "来源", "整改要求", "整改期限", "状态"], table,
              col_widths_mm=[11, 22, 26, 12, 43, 22, 22],  # a date and 整改不合格 on one line
              align=["center", "left", "left", "center", "left", "center", "center"])
    doc.signature(org=org_name, on=made_on)
    return doc.build(target)
