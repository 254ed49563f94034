"""The 事前绩效评估报告 PDF of one project: basic facts, the conclusion with the amounts, the scoring sheet
with the grades given, and the assessor's opinion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell

if TYPE_CHECKING:  # the DTO comes from the service; only its type is needed here
    from core.exante.dto import AssessmentDetail

def _wan(value: Decimal | None) -> str:
    return formatting.MISSING if value is None else f"{formatting.amount(value)}万元"


def _period(dto: AssessmentDetail) -> str:
    if dto.start_date and dto.end_date:
        return f"{formatting.document_date(dto.start_date)}至{formatting.document_date(dto.end_date)}"
    return formatting.MISSING


def _conclusion_text(dto: AssessmentDetail) -> str:
    head = (f"经评估，该项目得分{dto.score}分（满分{dto.sheet.full_score}分，{dto.sheet.pass_score}分及以上"
            f"可予以支持），评估结论为“{dto.conclusion_label}”。")
    if dto.conclusion == "reject":
        return head + f"项目申请资金{_wan(dto.requested)}，建议不予安排，核减{_wan(dto.cut)}。"
    if dto.conclusion == "support":
        return head + f"项目申请资金{_wan(dto.requested)}，建议全额安排{_wan(dto.recommended)}。"
    return (head + f"项目申请资金{_wan(dto.requested)}，建议安排{_wan(dto.recommended)}，"
            f"核减{_wan(dto.cut)}。")


def _sheet_rows(dto: AssessmentDetail) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    shown = ""
    for line in dto.lines:
        rows.append([line.dimension if line.dimension != shown else "", line.item, line.points, line.grade,
                     line.score])
        shown = line.dimension
    return rows


def build_exante_report(dto: AssessmentDetail, path: Path, org_name: str = "县财政局") -> Path:
    """Write the assessment report of one project to `path` and return it."""
    draft = dto.status != "final"
    doc = ReportDocument(title="事前绩效评估报告",
                         subtitle=f"{dto.project_name}" + ("（草稿，未定稿）" if draft else ""))
    doc.heading("一、项目基本情况")
    doc.key_values([
        ("项目名称", dto.project_name),
        ("项目编码", dto.project_code),
        ("主管部门", dto.unit_name),
        ("实施单位", dto.implementing_unit or dto.unit_name),
        ("预算年度", f"{dto.year}年"),
        ("项目属性", dto.attribute),
        ("资金类别", dto.fund_type),
        ("实施期限", _period(dto)),
        ("项目负责人", dto.manager or "—"),
        ("申请资金", _wan(dto.requested)),
        ("评估方式", dto.kind_label),
    ], key_width_mm=32)
    doc.heading("二、评估结论")
    doc.paragraph(_conclusion_text(dto))
    doc.key_values([
        ("评估得分", f"{dto.score}分"),
        ("评估结论", dto.conclusion_label),
        ("申请金额", _wan(dto.requested)),
        ("建议金额", _wan(dto.recommended)),
        ("核减金额", _wan(dto.cut)),
    ], key_width_mm=32)
    doc.heading("三、评估指标及得分")
    # No "单位：分" caption: a caption would carry a page-break check that can strand the heading above it.
    doc.table(["维度", "评估要点", "分值（分）", "等级", "得分（分）"], _sheet_rows(dto),
              col_widths_mm=[40, 56, 20, 20, 22], align=["left", "left", "right", "center", "right"],
              totals=["合计", "", dto.sheet.full_score, "", dto.score])
    doc.heading("四、评估意见")
    doc.paragraph(dto.opinion or "（未填写评估意见）")
    signed = dto.finalised_at or dto.assessed_at
    if signed is None:
        raise ValueError("an assessment report needs an assessed assessment")
    doc.signature(org=org_name, on=signed.astimezone().date())
    return doc.build(path)
