"""适当性 rules: money that adds up, weights by the convention in force, and targets that are neither impossible nor
set lower than last year's target or actual (unit costs and 成本指标 are in rules_cost)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.goals.rules.notation import norm
from core.library.rules import canonical_unit, name_similarity
from core.review.rules.model import (
    Hit,
    IndicatorView,
    Params,
    ReviewContext,
    TableView,
    fmt,
    label,
    rule,
)

D = "适当性"
ZERO = Decimal(0)
AMOUNTS = {"fiscal_amount": "财政拨款", "carryover_amount": "上年结转", "other_amount": "其他资金"}


@rule("A01", D, "error", "total_amount", "资金来源合计与资金总额不符")
def sources_sum(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if t.total_amount is None:
        return
    parts = [getattr(t, k) or ZERO for k in AMOUNTS]
    if sum(parts, ZERO) != t.total_amount:
        listed = " + ".join(f"{AMOUNTS[k]} {fmt(v)}" for k, v in zip(AMOUNTS, parts, strict=True))
        yield Hit("total_amount", f"资金总额 {fmt(t.total_amount)} 万元，但 {listed} = {fmt(sum(parts, ZERO))} 万元，"
                                  "两者不一致，请核对资金来源。")


@rule("A02", D, "error", "total_amount", "金额为零或负数")
def bad_amounts(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if t.total_amount is not None and t.total_amount <= 0:
        yield Hit("total_amount", f"资金总额为 {fmt(t.total_amount)} 万元，应大于 0，请核对。")
    for key, name in AMOUNTS.items():
        value = getattr(t, key)
        if value is not None and value < 0:
            yield Hit(key, f"{name}为 {fmt(value)} 万元，不能为负数，请核对。")


def _execution_row(i: IndicatorView, names: list[str]) -> bool:
    return any(n in i.name for n in names)


@rule("A04", D, "warning", "indicators[].weight", "指标权重合计不符", expected_total="90", execution_reserve="10",
      execution_names=["预算执行率"], accept_full_total=False)
def weights_total(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """The convention is a setting: the indicators total `expected_total` with `execution_reserve` kept for
    预算执行率 (outside the table, as the self-evaluation scores it, or as a row of its own making the sum whole);
    with `accept_full_total` a table whose indicators total the whole without that row is consistent too."""
    weights = [i.weight for i in t.indicators]
    if not weights or all(w is None for w in weights):
        return  # A09 reminds about tables without weights
    expected, reserve = Decimal(p["expected_total"]), Decimal(p["execution_reserve"])
    missing = [i for i in t.indicators if i.weight is None]
    if missing:
        yield Hit(f"indicators[{missing[0].position}].weight",
                  f"{len(missing)} 条指标未填权重（如{label(missing[0])}），请补齐，各指标权重合计应为 "
                  f"{fmt(expected)}（预算执行率另占 {fmt(reserve)}）。", missing[0].position)
        return
    total = sum((w for w in weights if w is not None), ZERO)
    execution = [i for i in t.indicators if _execution_row(i, p["execution_names"])]
    if execution:
        fits = total == expected + reserve and sum((i.weight or ZERO for i in execution), ZERO) == reserve
    else:
        fits = total == expected or (total == expected + reserve and p["accept_full_total"])
    if not fits:
        yield Hit("indicators[].weight", f"指标权重合计 {fmt(total)}，应为 {fmt(expected)}（预算执行率另占 "
                                         f"{fmt(reserve)}），或连同预算执行率 {fmt(reserve)} 合计 {fmt(expected + reserve)}，"
                                         "请调整。")


FLOORS, CEILINGS = (">=", ">", "="), ("<=", "<")


def _last_year(i: IndicatorView, before: list[IndicatorView], min_similarity: Decimal) -> IndicatorView | None:
    """Last year's indicator for this one: the same name, else the most similar name in the same unit."""
    same = [b for b in before if norm(b.name) == norm(i.name)]
    if same:
        return same[0]
    unit = canonical_unit(i.unit_of_measure)
    scored = [(name_similarity(i.name, b.name), b.position, b) for b in before
              if canonical_unit(b.unit_of_measure) == unit]
    best = max(scored, default=None, key=lambda s: (s[0], -s[1]))
    return best[2] if best is not None and best[0] >= min_similarity else None


@rule("A05", D, "warning", "indicators[].target", "指标值低于上年", name_similarity="0.75")
def set_low(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """A continuing project's target against last year's target and, where known, last year's actual value."""
    if ctx.previous is None:
        return
    before = [b for b in ctx.previous.indicators if isinstance(b.target, Decimal) and b.comparator != "qual"]
    for i in t.indicators:
        if not isinstance(i.target, Decimal) or i.comparator == "qual":
            continue
        b = _last_year(i, before, Decimal(p["name_similarity"]))
        if b is None or b.target is None or canonical_unit(i.unit_of_measure) != canonical_unit(b.unit_of_measure):
            continue
        unit, where = i.unit_of_measure or "", f"indicators[{i.position}].target"
        actual = ctx.previous_actuals.get(norm(b.name))
        if i.comparator in FLOORS and b.comparator in FLOORS:
            if i.target < b.target:
                yield Hit(where, f"{label(i)}本年指标值 {fmt(i.target)}{unit} 低于上年“{b.name}”的 "
                          f"{fmt(b.target)}{unit}，延续项目的目标不应降低，请提高或说明理由。", i.position)
            elif actual is not None and i.target < actual:
                yield Hit(where, f"{label(i)}本年指标值 {fmt(i.target)}{unit} 低于上年实际完成 {fmt(actual)}{unit}，"
                          "目标定得偏低，请按已达到的水平设定。", i.position)
        elif i.comparator in CEILINGS and b.comparator in CEILINGS and i.target > b.target:
            yield Hit(where, f"{label(i)}本年上限 {fmt(i.target)}{unit} 高于上年 "
                      f"{fmt(b.target)}{unit}，目标放松了，请收紧或说明理由。", i.position)


def _satisfaction(i: IndicatorView) -> bool:
    return i.level1 == "满意度指标" or i.level2 == "服务对象满意度指标"


@rule("A06", D, "warning", "indicators[].target", "满意度指标值不合理", min="80", max="100")
def satisfaction_range(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """Below `min` is too low a bar; `max` (100%) or more cannot be verified by any survey: someone is always
    not satisfied, so such a target is written, not measured."""
    lo, hi = Decimal(p["min"]), Decimal(p["max"])
    for i in t.indicators:
        if not _satisfaction(i) or i.comparator == "qual" or not isinstance(i.target, Decimal):
            continue
        where, value = f"indicators[{i.position}].target", f"{fmt(i.target)}{i.unit_of_measure or ''}"
        if i.target < lo:
            yield Hit(where, f"{label(i)}指标值 {value} 偏低，满意度目标一般不低于 {fmt(lo)}%，请调整。", i.position)
        elif i.target >= hi and i.comparator != "<":
            yield Hit(where, f"{label(i)}指标值 {value} 不现实：满意度调查总有不满意的对象，目标达到 {fmt(hi)}% "
                      "无法实现也无法考核，请按往年调查结果设定（如 ≥ 90%）。", i.position)


@rule("A07", D, "error", "indicators[].target", "百分比超出 0%-100%")
def percent_range(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if (not _satisfaction(i) and norm(i.unit_of_measure) == "%" and i.comparator != "qual"
                and i.target is not None and not ZERO <= i.target <= 100):
            yield Hit(f"indicators[{i.position}].target",
                      f"{label(i)}指标值 {fmt(i.target)}% 超出 0%-100%，比率类指标不能超过 100%，请修改。", i.position)


@rule("A08", D, "warning", "indicators[].weight", "单项指标权重异常", max_single="35")
def single_weight(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    top = Decimal(p["max_single"])
    for i in t.indicators:
        if i.weight is not None and (i.weight <= 0 or i.weight > top):
            yield Hit(f"indicators[{i.position}].weight", f"{label(i)}权重为 {fmt(i.weight)}，"
                      f"应大于 0 且不超过 {fmt(top)}，请调整权重分配。", i.position)


@rule("A09", D, "info", "indicators[].weight", "未设置指标权重")
def no_weights(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if t.indicators and all(i.weight is None for i in t.indicators):
        yield Hit("indicators[].weight", "所有指标均未填权重；评价时将按默认分值（产出 50、效益 30、满意度 10）平均分配，"
                                        "如有侧重请填写权重。")
