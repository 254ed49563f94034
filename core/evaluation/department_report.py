"""The 部门整体绩效评价评分表 PDF of one department: the department's figures, every item with its points, the
figure it was scored on (rule items) or the evaluator's judgement, the score and the reason of any replacement,
the total and grade with the thresholds recorded when it was finalised."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell
from core.evaluation.rules.department_sheet import describe_rule
from db.codes import DraftStatus

if TYPE_CHECKING:  # the DTO comes from the service; only its type is needed here
    from core.evaluation.dto import DepartmentSheet


def _number(value: Decimal | None, places: int = 2) -> str:
    return formatting.amount(value, places)


def build_department_evaluation_report(sheet: DepartmentSheet, target: Path, org_name: str, on: date) -> Path:
    result = sheet.result()
    draft = "" if sheet.status == DraftStatus.FINAL else "（草稿，未定稿）"
    doc = ReportDocument(f"{sheet.unit_name}\n{sheet.year}年度部门整体绩效评价评分表{draft}",
                         subtitle=f"评价年度：{sheet.year}年")
    doc.heading("一、部门基础数据")
    doc.table(["数据项", "数值", "单位"], [[f.label, _number(sheet.figures.get(f.key), 0 if f.integer else 2), f.unit]
                                         for f in sheet.fields], col_widths_mm=[90, 45, 25], align=["left", "right", "center"])
    doc.heading("二、评价指标及得分")
    rows: list[list[Cell]] = []
    by_key = {r.key: r for r in result.items}
    for item in sheet.items:
        r = by_key.get(item.key)
        entry = sheet.entries.get(item.key)
        basis = (f"{item.figure_text or '录入值'}：{_number(r.figure) if r else '—'}%；{describe_rule(item.rule)}"
                 if item.rule else "评价组评判")
        note = "；".join(t for t in ((entry.reason and f"调整理由：{entry.reason}") if entry else "",
                                     entry.analysis if entry else "") if t)
        rows.append([item.level1, item.level2, item.name, item.weight, basis,
                     "—" if r is None or r.score is None else r.score, note])
    total = result.total if result.complete else None
    doc.table(["一级", "二级", "评价指标", "分值", "计分依据", "得分", "说明"], rows,
              col_widths_mm=[13, 22, 28, 11, 56, 14, 36], align=["center", "center", "left", "right", "left",
                                                                  "right", "left"],
              totals=["合计", "", "", sum((i.weight for i in sheet.items), Decimal(0)), "", total or "—", ""])
    bounds = "、".join(f"{label}≥{bound}" for label, bound in sheet.thresholds if bound > 0)
    with doc.together():
        doc.heading("三、评价结论")
        if sheet.score is not None and sheet.grade:
            doc.paragraph(f"经评价，{sheet.unit_name}{sheet.year}年度部门整体绩效评价得分 {sheet.score} 分，"
                          f"评价等级为“{sheet.grade}”。等级标准：{bounds}，低于“中”的下限为“差”。")
        else:
            doc.paragraph("评分尚未完成，暂不出具评价结论。")
        doc.signature(org=org_name, on=on)
    return doc.build(target)
