"""The 绩效目标审核意见书 PDFs: one project's letter to its unit (facts, the 88号 conclusion, opinions per
dimension, the problems to fix), and a department's combined letter (summary per outcome, the list of its
projects, then each project's opinions in a compact section). Fed with DTOs of core.review.letters."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.review.dto import DepartmentLetters, ReviewLetter

TITLE = "绩效目标审核意见书"
BASIS = "根据《中央部门预算绩效目标管理办法》（财预〔2015〕88号）等规定"
NO_OPINION = "本方面未提出修改意见。"
NO_OVERALL = "无其他意见。"
# What the unit is asked to do, by grade (the grade's meaning is printed in the conclusion itself).
REQUESTS = {
    "excellent": "请你单位按照批复的绩效目标组织项目实施，做好绩效运行监控，确保绩效目标如期实现。",
    "good": "请你单位按照上述意见与我局协商修改完善绩效目标，经我局确认后进入下一步预算安排流程。",
    "fair": "请你单位按照上述意见修改完善绩效目标，并在规定时限内重新报送审核。",
    "poor": "该项目绩效目标不予通过，不得进入下一步预算安排流程；确需实施的，请重新论证后另行申报。",
}
CLOSING = "特此函告。"
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 105 (section numbers past 99 stay Arabic)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return head + (_CN_DIGITS[ones] if ones else "")


def _wan(value: Decimal) -> str:
    return f"{formatting.amount(value)}万元"


def _conclusion(dto: ReviewLetter) -> str:
    return f"经审核，该项目绩效目标审核结论为“{dto.grade_label}”（{dto.outcome_label}）。{dto.grade_meaning}"


def _problem_lines(dto: ReviewLetter) -> str:
    return "\n".join(f"{n}. {f'（{dim}）' if dim else ''}{msg}"
                     for n, (dim, msg) in enumerate(dto.accepted_findings, start=1))


def build_project_letter(dto: ReviewLetter, target: Path, org_name: str = "县财政局") -> Path:
    """Write the review opinion letter of one project to `target` and return it."""
    doc = ReportDocument(title=TITLE, doc_number=dto.doc_number)
    doc.paragraph(f"{dto.unit_name}：", indent=False)
    doc.paragraph(f"你单位报送的“{dto.project_name}”{dto.year}年度项目支出绩效目标表（第{dto.version}版）收悉。"
                  f"{BASIS}，我局从完整性、相关性、适当性、可行性四个方面对该项目绩效目标进行了审核。"
                  "现将审核意见函告如下：")
    doc.heading("一、项目基本情况")
    doc.key_values([
        ("项目名称", dto.project_name),
        ("项目编码", dto.project_code),
        ("主管部门", dto.department_name),
        ("申报单位", dto.unit_name),
        ("项目属性", dto.attribute_label),
        ("资金总额", f"{_wan(dto.total_amount)}（其中财政拨款{_wan(dto.fiscal_amount)}）"),
        ("审核版本", f"{dto.year}年度绩效目标表第{dto.version}版"),
    ], key_width_mm=34)
    doc.heading("二、审核结论")
    doc.paragraph(_conclusion(dto))
    doc.heading("三、分项审核意见")
    doc.key_values([(label, text or NO_OPINION) for label, text in dto.dimension_opinions], key_width_mm=34)
    doc.heading("四、总体审核意见")
    doc.paragraph(dto.opinion or NO_OVERALL)
    if not dto.passed_as_is:
        doc.heading("五、需修改的问题")
        if dto.accepted_findings:
            rows: list[list[Cell]] = [[n, dim or "—", msg] for n, (dim, msg) in enumerate(dto.accepted_findings, 1)]
            doc.table(["序号", "审核维度", "问题说明"], rows, col_widths_mm=[14, 24, 120],
                      align=["center", "center", "left"])
        else:
            doc.paragraph("审核中未单列具体问题，请按上述分项及总体审核意见修改完善。")
    doc.paragraph(f"{REQUESTS[dto.grade]}如有疑问，请与我局审核人员{dto.reviewer}联系。")
    doc.signature(org=org_name, on=dto.decided_at.astimezone().date(), closing=CLOSING)
    return doc.build(target)


def _summary(dto: DepartmentLetters) -> str:
    parts = "，".join(f"{o.outcome_label}{o.count}个" for o in dto.outcomes)
    return (f"本次共对{len(dto.letters)}个项目作出审核结论，资金总额{_wan(dto.total_amount)}，其中财政拨款"
            f"{_wan(dto.fiscal_amount)}。按审核结论分：{parts}。")


def _requests(dto: DepartmentLetters) -> str:
    present = {letter.grade for letter in dto.letters}
    asks = [text for grade, text in (
        ("excellent", "结论为“优”的项目，请按照批复的绩效目标组织实施，做好绩效运行监控"),
        ("good", "结论为“良”的项目，请与我局协商修改完善绩效目标，经确认后进入下一步预算安排流程"),
        ("fair", "结论为“中”的项目，请督促相关单位按审核意见修改完善，并在规定时限内重新报送审核"),
        ("poor", "结论为“差”的项目不得进入下一步预算安排流程"),
    ) if grade in present]
    return "；".join(asks) + "。"


def _project_section(doc: ReportDocument, n: int, letter: ReviewLetter) -> None:
    said = [(label, text) for label, text in letter.dimension_opinions if text]
    if not said:
        said = [("分项意见", "完整性、相关性、适当性、可行性各方面均未提出修改意见。")]
    pairs: list[tuple[str, Cell]] = [
        ("项目编码", letter.project_code),
        ("申报单位", letter.unit_name),
        ("资金总额", f"{_wan(letter.total_amount)}（其中财政拨款{_wan(letter.fiscal_amount)}）"),
        ("审核结论", f"{letter.grade_label}（{letter.outcome_label}，第{letter.version}版）"),
        *said,
        ("总体意见", letter.opinion or NO_OVERALL),
    ]
    if not letter.passed_as_is and letter.accepted_findings:
        pairs.append(("需修改的问题", _problem_lines(letter)))
    with doc.together():  # a project's section is not split across two pages when it fits on one
        doc.heading(f"（{_cn_number(n)}）{letter.project_name}", level=2)
        doc.key_values(pairs, key_width_mm=28)


def build_department_letter(dto: DepartmentLetters, target: Path, org_name: str = "县财政局") -> Path:
    """Write the combined review opinion letter of a department (or township) to `target` and return it."""
    doc = ReportDocument(title=TITLE, subtitle=f"（{dto.department_name} {dto.year}年度）", doc_number=dto.doc_number)
    doc.paragraph(f"{dto.department_name}：", indent=False)
    doc.paragraph(f"你部门（含所属预算单位）报送的{dto.year}年度项目支出绩效目标表收悉。{BASIS}，我局从完整性、"
                  "相关性、适当性、可行性四个方面对绩效目标进行了审核。现将审核意见函告如下：")
    doc.heading("一、审核结果汇总")
    doc.paragraph(_summary(dto))
    rows: list[list[Cell]] = [[o.grade_label, o.outcome_label, o.count, formatting.rounded(o.total_amount),
                               formatting.rounded(o.fiscal_amount)] for o in dto.outcomes]
    doc.table(["审核等级", "审核结论", "项目数（个）", "资金总额\n（万元）", "其中：财政拨款\n（万元）"], rows,
              col_widths_mm=[22, 34, 28, 36, 38], align=["center", "center", "right", "right", "right"],
              totals=["合计", "", len(dto.letters), formatting.rounded(dto.total_amount), formatting.rounded(dto.fiscal_amount)])
    doc.heading("二、项目审核结论一览")
    listing: list[list[Cell]] = [[n, x.project_name, x.unit_name, formatting.rounded(x.total_amount), x.grade_label,
                                  x.outcome_label] for n, x in enumerate(dto.letters, start=1)]
    doc.table(["序号", "项目名称", "申报单位", "资金总额\n（万元）", "等级", "审核结论"], listing,
              col_widths_mm=[12, 54, 32, 24, 12, 24], align=["center", "left", "left", "right", "center", "center"])
    doc.heading("三、各项目审核意见")
    for n, letter in enumerate(dto.letters, start=1):
        _project_section(doc, n, letter)
    doc.heading("四、有关要求")
    doc.paragraph(_requests(dto))
    doc.signature(org=org_name, on=dto.signed_at.astimezone().date(), closing=CLOSING)
    return doc.build(target)
