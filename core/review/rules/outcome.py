"""The review outcome of 财预〔2015〕88号: the grade a reviewer gives a goal table and what it does to it.

优 passes; 良 passes with the bureau's corrections agreed with the unit; 中 goes back to the unit to revise
and resubmit; 差 cannot enter the budget. Also the text of an opinion pre-filled from accepted findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.review.rules.model import DIMENSIONS, Finding


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    outcome: str  # approved | returned | rejected
    outcome_label: str
    meaning: str
    key: str  # the keyboard shortcut digit in the workspace


GRADES: dict[str, Grade] = {g.code: g for g in (
    Grade("excellent", "优", "approved", "审核通过", "绩效目标设置完整、相关、适当、可行，直接进入下一步预算安排流程。", "1"),
    Grade("good", "良", "approved", "修改后通过", "绩效目标基本合理，由财政部门与预算部门协商修改完善后进入下一步预算安排流程。", "2"),
    Grade("fair", "中", "returned", "退回修改", "绩效目标存在较多问题，退回预算部门修改完善后重新报送审核。", "3"),
    Grade("poor", "差", "rejected", "不予通过", "绩效目标不符合要求，不得进入下一步预算安排流程。", "4"),
)}
OUTCOME_STATUS = {"approved": "approved", "returned": "returned", "rejected": "rejected"}
DIMENSION_KEYS = tuple(DIMENSIONS)  # completeness, relevance, appropriateness, feasibility
FINDING_MARKS = {"accepted": "采纳", "dismissed": "不采纳", "open": "未处理"}


class ReviewRuleError(ValueError):
    """A review decision that the 88号 rules do not allow (e.g. no grade, an empty opinion for 中/差)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def grade(code: str | None) -> Grade:
    if code not in GRADES:
        raise ReviewRuleError("请选择审核结论：优、良、中或差（快捷键 Alt+1 至 Alt+4）。", "grade")
    return GRADES[code]


def check_decision(grade_code: str | None, opinion: str, dimension_opinions: dict[str, str]) -> Grade:
    """The grade to apply, or ReviewRuleError saying what the reviewer must still fill in."""
    chosen = grade(grade_code)
    if chosen.code != "excellent" and not (opinion.strip() or any(v.strip() for v in dimension_opinions.values())):
        raise ReviewRuleError(f"结论为“{chosen.label}”时须写明审核意见，告诉单位要修改什么。", "opinion")
    return chosen


def finding_key(f: Finding) -> str:
    """A stable key of a finding within one version: rule, field and indicator position."""
    return f"{f.rule_id}:{f.field}:{f.indicator_position or 0}"


def prefill_dimension_opinions(findings: Iterable[Finding], marks: dict[str, str]) -> dict[str, str]:
    """Opinion text per dimension key, one numbered line per accepted finding of that dimension."""
    by_label = {v: k for k, v in DIMENSIONS.items()}
    lines: dict[str, list[str]] = {k: [] for k in DIMENSIONS}
    for f in findings:
        if marks.get(finding_key(f)) == "accepted":
            lines[by_label.get(f.dimension, "completeness")].append(f.message)
    return {k: "\n".join(f"{n}. {m}" for n, m in enumerate(v, 1)) for k, v in lines.items()}


def prefill_opinion(findings: Iterable[Finding], marks: dict[str, str]) -> str:
    """The overall opinion pre-filled from accepted findings, dimension by dimension."""
    per = prefill_dimension_opinions(findings, marks)
    parts = [f"{DIMENSIONS[k]}方面：\n{text}" for k, text in per.items() if text]
    return "\n".join(parts)
