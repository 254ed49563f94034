"""事前绩效评估 rules: the scoring sheet read from data, the score from item grades, and the conclusion
(予以支持 / 部分支持 / 不予支持) with the recommended amount and the cut, all in Decimal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from core.common.labels import EXANTE_CONCLUSIONS, EXANTE_KINDS

# The stage's names for the maps of core.common.labels (one map each, not copies).
CONCLUSIONS = EXANTE_CONCLUSIONS
KINDS = EXANTE_KINDS
SCORE_QUANTUM = Decimal("0.01")
# Money is stored in whole 分: 1 万元 = 1,000,000 分, so six places of 万元.
AMOUNT_QUANTUM = Decimal("0.000001")


class SheetError(ValueError):
    """The scoring sheet data file is inconsistent."""


class GradeError(ValueError):
    """An item is not graded, or graded with something not on the sheet; `item_id` names it."""

    def __init__(self, message: str, item_id: str | None = None) -> None:
        super().__init__(message)
        self.item_id = item_id


class AmountError(ValueError):
    """A recommended amount that cannot be accepted."""


@dataclass(frozen=True)
class SheetItem:
    id: str
    name: str
    points: Decimal
    description: str
    dimension: str


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    points: Decimal
    items: tuple[SheetItem, ...]


@dataclass(frozen=True)
class Sheet:
    dimensions: tuple[Dimension, ...]
    grades: tuple[tuple[str, Decimal], ...]  # (grade, share of the item's points), best first
    pass_score: Decimal
    full_score: Decimal

    @property
    def items(self) -> tuple[SheetItem, ...]:
        return tuple(item for d in self.dimensions for item in d.items)

    @property
    def grade_names(self) -> tuple[str, ...]:
        return tuple(g for g, _ in self.grades)

    def share(self, grade: str) -> Decimal:
        return dict(self.grades)[grade]


@dataclass(frozen=True)
class ScoreLine:
    """One printed row of the sheet: dimension, item, points, grade and the points earned."""

    dimension: str
    item: str
    points: Decimal
    grade: str
    score: Decimal


@dataclass(frozen=True)
class Outcome:
    conclusion: str  # support | partial | reject
    recommended: Decimal
    cut: Decimal

    @property
    def label(self) -> str:
        return CONCLUSIONS[self.conclusion]


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, float):
        raise SheetError(f"评分表中“{where}”的数值须写成文本，不能用浮点数：{raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise SheetError(f"评分表中“{where}”不是数值：{raw!r}") from exc
    if not value.is_finite() or value < 0:
        raise SheetError(f"评分表中“{where}”应为非负数：{raw!r}")
    return value


def parse_sheet(data: Mapping[str, Any]) -> Sheet:
    """Build the sheet from its JSON data, checking that the points add up."""
    try:
        grades = tuple((str(g["grade"]), _decimal(g["share"], f"等级{g['grade']}")) for g in data["grades"])
        dimensions = []
        for d in data["dimensions"]:
            items = tuple(SheetItem(str(i["id"]), str(i["name"]), _decimal(i["points"], str(i["name"])),
                                    str(i.get("description", "")), str(d["name"])) for i in d["items"])
            dimensions.append(Dimension(str(d["id"]), str(d["name"]), _decimal(d["points"], str(d["name"])), items))
        sheet = Sheet(tuple(dimensions), grades, _decimal(data["pass_score"], "及格分"),
                      _decimal(data["full_score"], "满分"))
    except KeyError as exc:
        raise SheetError(f"评分表缺少字段 {exc}") from exc
    if not grades or any(share > 1 for _, share in grades):
        raise SheetError("评分表的等级得分率应在 0 到 1 之间。")
    for d in sheet.dimensions:
        if sum((i.points for i in d.items), Decimal(0)) != d.points:
            raise SheetError(f"评分表维度“{d.name}”各要点分值之和不等于 {d.points} 分。")
    if sum((d.points for d in sheet.dimensions), Decimal(0)) != sheet.full_score:
        raise SheetError(f"评分表各维度分值之和不等于满分 {sheet.full_score} 分。")
    ids = [i.id for i in sheet.items]
    if len(set(ids)) != len(ids):
        raise SheetError("评分表的评估要点编号有重复。")
    return sheet


def check_grades(sheet: Sheet, grades: Mapping[str, str]) -> None:
    """Every item graded, with a grade on the sheet, and nothing else."""
    known = {i.id for i in sheet.items}
    for item_id in grades:
        if item_id not in known:
            raise GradeError(f"评估要点“{item_id}”不在评分表中。", item_id)
    for item in sheet.items:
        grade = grades.get(item.id)
        if not grade:
            raise GradeError(f"“{item.dimension}—{item.name}”还没有评定等级。", item.id)
        if grade not in sheet.grade_names:
            raise GradeError(f"“{item.dimension}—{item.name}”的等级“{grade}”无效，"
                             f"应为{'、'.join(sheet.grade_names)}之一。", item.id)


def item_score(sheet: Sheet, item: SheetItem, grade: str) -> Decimal:
    return (item.points * sheet.share(grade)).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def score_lines(sheet: Sheet, grades: Mapping[str, str]) -> list[ScoreLine]:
    check_grades(sheet, grades)
    return [ScoreLine(i.dimension, i.name, i.points, grades[i.id], item_score(sheet, i, grades[i.id]))
            for i in sheet.items]


def total_score(sheet: Sheet, grades: Mapping[str, str]) -> Decimal:
    """The assessment score: the sum of the item scores (each rounded to 0.01, so the printed rows add up)."""
    return sum((line.score for line in score_lines(sheet, grades)), Decimal(0)).quantize(SCORE_QUANTUM)


def conclude(score: Decimal, requested: Decimal, recommended: Decimal, pass_score: Decimal) -> Outcome:
    """The conclusion: below the pass score nothing is recommended; otherwise full or partial support."""
    if isinstance(recommended, float) or isinstance(requested, float):
        raise TypeError("金额不能使用浮点数")
    if recommended < 0:
        raise AmountError(f"建议金额不能为负数（{recommended} 万元）。")
    if recommended != recommended.quantize(AMOUNT_QUANTUM):
        raise AmountError(f"建议金额 {recommended} 万元 精度超过 1 分。")
    if recommended > requested:
        raise AmountError(f"建议金额 {recommended} 万元 不能超过申请金额 {requested} 万元。")
    if score < pass_score:
        return Outcome("reject", Decimal(0), requested)
    if recommended == 0:
        raise AmountError(f"得分 {score} 分已达到 {pass_score} 分，应予以支持或部分支持，请填写大于 0 的建议金额。")
    return Outcome("support" if recommended == requested else "partial", recommended, requested - recommended)


def needs_assessment(attribute: str, amount: Decimal, threshold: Decimal) -> bool:
    """New projects at or above the threshold (万元) need an ex-ante assessment."""
    return attribute == "new" and amount >= threshold
