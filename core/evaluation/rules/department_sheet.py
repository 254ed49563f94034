"""The department overall evaluation sheet (部门整体绩效评价, DOMAIN.md §4) as a calculation: the department's
figures → each rule item's percent (formulas as data) → its points by `rule_points`; judged items take the
evaluator's score within 0..weight; a rule item's points are replaced only with a reason. Missing input leaves an
item unscored (a draft may be incomplete); wrong input is a problem message naming the item.

Pure: the fields, formulas and items are passed in (see resources/reference/department_figures.json)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.evaluation.rules.scoring import ScoringError, check_override, q, rule_points
from core.goals.rules.notation import format_decimal, normalise_text

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Field:
    """A figure the evaluator enters for the department (在职人员数, 预算数 …)."""

    key: str
    label: str
    unit: str
    integer: bool = False


@dataclass(frozen=True)
class Formula:
    """How a rule item's percent comes from the fields: ratio a ÷ b × 100, change (a − b) ÷ b × 100, value a."""

    kind: str
    a: str
    b: str | None = None


@dataclass(frozen=True)
class SheetItem:
    key: str
    level1: str
    level2: str
    name: str
    weight: Decimal
    figure_text: str  # how the figure is defined, as shown to the evaluator
    rule: Mapping[str, Any] | None  # None: a judged item
    formula: Formula | None  # None on a rule item: its percent is typed directly

    @property
    def judged(self) -> bool:
        return self.rule is None


@dataclass(frozen=True)
class ItemEntry:
    """What the evaluator gave for one item: a judged item's score, or a rule item's replacement score with its
    reason; `figure` is a rule item's percent when it has no formula; `analysis` is free text."""

    score: Decimal | None = None
    reason: str = ""
    analysis: str = ""
    figure: Decimal | None = None


@dataclass(frozen=True)
class ItemResult:
    key: str
    figure: Decimal | None  # the percent a rule item was scored on
    computed: Decimal | None  # the rule's points
    score: Decimal | None  # the points that count (None: not scored yet)
    problem: str | None  # wrong input, naming the item


@dataclass(frozen=True)
class SheetResult:
    items: tuple[ItemResult, ...]
    total: Decimal  # of the items scored so far

    @property
    def problems(self) -> list[str]:
        return [r.problem for r in self.items if r.problem]

    @property
    def missing(self) -> list[str]:
        return [r.key for r in self.items if r.score is None and not r.problem]

    @property
    def complete(self) -> bool:
        return all(r.score is not None and not r.problem for r in self.items)

    def by_key(self) -> dict[str, ItemResult]:
        return {r.key: r for r in self.items}


def parse_fields(raw: Sequence[Mapping[str, Any]]) -> tuple[Field, ...]:
    return tuple(Field(f["key"], f["label"], f["unit"], bool(f.get("integer", False))) for f in raw)


def parse_items(raw: Sequence[Mapping[str, Any]], formulas: Mapping[str, Mapping[str, Any]]) -> tuple[SheetItem, ...]:
    items = []
    for i in raw:
        f = formulas.get(i["key"]) if i.get("rule") else None
        items.append(SheetItem(i["key"], i["level1"], i["level2"], i["name"], Decimal(str(i["weight"])),
                               i.get("figure", ""), i.get("rule"), Formula(f["kind"], f["a"], f.get("b")) if f else None))
    return tuple(items)


def check_figures(fields: Sequence[Field], figures: Mapping[str, Decimal | None]) -> list[str]:
    """Figures that cannot be right: negative, or a fraction of a person or of a task."""
    problems = []
    for f in fields:
        value = figures.get(f.key)
        if value is None:
            continue
        if value < 0:
            problems.append(f"“{f.label}”不能为负数，收到 {value}。")
        elif f.integer and value != value.to_integral_value():
            problems.append(f"“{f.label}”应为整数（{f.unit}），收到 {value}。")
    return problems


def item_figure(item: SheetItem, fields: Mapping[str, Field], figures: Mapping[str, Decimal | None],
                typed: Decimal | None = None) -> Decimal | None:
    """The item's percent, None while an input is missing; ScoringError (naming the item) when it cannot be had."""
    formula = item.formula
    if formula is None:
        return None if typed is None else q(typed)
    a = figures.get(formula.a)
    b = figures.get(formula.b) if formula.b else None
    if a is None or (formula.b and b is None):
        return None
    if formula.kind == "value":
        return q(a)
    assert b is not None and formula.b is not None
    if b == 0:
        if formula.kind == "change" and a == 0:
            return Decimal("0.00")
        raise ScoringError(f"“{item.name}”无法计算：{fields[formula.b].label}为 0。")
    if formula.kind == "ratio":
        return q(a / b * HUNDRED)
    if formula.kind == "change":
        return q((a - b) / b * HUNDRED)
    raise ScoringError(f"“{item.name}”的计算公式类型“{formula.kind}”无法识别（应为 ratio、change 或 value）。")


def _score_item(item: SheetItem, fields: Mapping[str, Field], figures: Mapping[str, Decimal | None],
                entry: ItemEntry) -> ItemResult:
    if item.judged:
        if entry.score is None:
            return ItemResult(item.key, None, None, None, None)
        if not 0 <= entry.score <= item.weight:
            return ItemResult(item.key, None, None, None,
                              f"“{item.name}”的得分 {entry.score} 应在 0 至 {item.weight} 分之间。")
        return ItemResult(item.key, None, None, q(entry.score), None)
    try:
        figure = item_figure(item, fields, figures, entry.figure)
        if figure is None:
            return ItemResult(item.key, None, None, None, None)
        assert item.rule is not None
        computed = q(rule_points(item.rule, figure, item.weight, item.name))
    except ScoringError as exc:
        return ItemResult(item.key, None, None, None, str(exc))
    override = entry.score if entry.score is not None and entry.score != computed else None
    try:
        return ItemResult(item.key, figure, computed,
                          check_override(computed, override, entry.reason, item.weight, item.name), None)
    except ScoringError as exc:  # the figure and the rule's points still show next to the refused replacement
        return ItemResult(item.key, figure, computed, None, str(exc))


def score_sheet(fields: Sequence[Field], items: Sequence[SheetItem], figures: Mapping[str, Decimal | None],
                entries: Mapping[str, ItemEntry]) -> SheetResult:
    """Every item's figure and points, and the total of the items scored."""
    by_key = {f.key: f for f in fields}
    results = tuple(_score_item(i, by_key, figures, entries.get(i.key, ItemEntry())) for i in items)
    return SheetResult(results, q(sum((r.score for r in results if r.score is not None), Decimal(0))))


def parse_figure(text: str, label: str) -> Decimal | None:
    """A number as typed (full-width digits, thousands separators, a trailing % or unit allowed); empty → None."""
    cleaned = normalise_text(text).strip().replace(",", "").replace("，", "")
    for suffix in ("%", "万元", "人", "项"):
        cleaned = cleaned.removesuffix(suffix).strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ScoringError(f"“{label}”的值“{text.strip()}”不是有效的数值，请只填写数字。")
    return value


def describe_rule(rule: Mapping[str, Any] | None) -> str:
    """The scoring rule in words, as the sheet prints it."""
    if rule is None:
        return "评价人按评分标准评分"
    kind = rule.get("kind")
    if kind in ("ceiling", "floor"):
        limit, per = format_decimal(Decimal(str(rule["limit"]))), format_decimal(Decimal(str(rule["per_point"])))
        if kind == "ceiling":
            return f"≤{limit}%满分，每超1个百分点扣{per}分"
        return f"≥{limit}%满分，每低1个百分点扣{per}分"
    if kind == "bands":
        step = format_decimal(Decimal(str(rule["step"])))
        share = format_decimal(Decimal(str(rule["share_per_band"])) * HUNDRED)
        return f"为0满分，每{step}个百分点（不足{step}按{step}计）扣分值的{share}%"
    return str(rule)
