"""适当性 rules: money that adds up and matches the planned output (unit cost), weights, and targets that are
neither impossible nor set lower than last year's."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.common.formatting import YUAN_PER_WAN, rounded
from core.goals.rules.notation import norm
from core.library.rules import best_match
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


def _money(per: Decimal, unit: str) -> str:
    if per < 1:
        return f"{fmt(rounded(per * YUAN_PER_WAN))} 元/{unit}"
    return f"{fmt(rounded(per))} 万元/{unit}"


def _cost_range(t: TableView, i: IndicatorView, ctx: ReviewContext,
                p: Params) -> tuple[Decimal, Decimal, Decimal, str] | None:
    unit = i.unit_of_measure or ""
    if ctx.library:
        entry = best_match(list(ctx.library), t.sector, i.name, unit, Decimal(p["library_min_similarity"]))
        lo, hi = (getattr(entry, "unit_cost_min_wan", None), getattr(entry, "unit_cost_max_wan", None))
        if lo is not None and hi is not None and lo > 0:
            return lo, hi, Decimal(p["library_factor"]), "指标库参考"
    for key in ((t.sector or "", unit, norm(i.name)), ("*", unit, norm(i.name)), (t.sector or "", unit, "")):
        peer = ctx.peer_costs.get(key)
        if (peer is not None and peer.count >= int(p["peer_min_count"]) and peer.q1 > 0
                and peer.q3 / peer.q1 <= Decimal(p["peer_max_spread"])):
            return peer.q1, peer.q3, Decimal(p["peer_factor"]), f"本年度同类 {peer.count} 个项目中间水平"
    return None


@rule("A03", D, "warning", "indicators[].target", "单位成本明显不合理",
      library_factor="2", library_min_similarity="0.8", peer_factor="3", peer_min_count=5, peer_max_spread="2.5")
def unit_cost(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    total = t.total_amount
    if total is None or total <= 0:
        return
    for i in t.indicators:
        if (i.level2 != "数量指标" or i.comparator not in (">=", "=", ">") or i.target is None or i.target <= 0
                or not i.unit_of_measure or i.unit_of_measure == "%"):
            continue
        found = _cost_range(t, i, ctx, p)
        if found is None:
            continue
        lo, hi, factor, source = found
        per = total / i.target
        if per < lo / factor or per > hi * factor:
            side = "偏低，数量可能填大了或资金被高估" if per < lo / factor else "偏高，数量可能填小了或资金需压减"
            unit = i.unit_of_measure
            yield Hit(f"indicators[{i.position}].target",
                      f"资金总额 {fmt(total)} 万元 ÷ {label(i)} {fmt(i.target)}{unit} = 单位成本 {_money(per, unit)}，"
                      f"{source}为 {_money(lo, unit)}-{_money(hi, unit)}，明显{side}，请核实数量目标或资金测算。",
                      i.position)
            return


@rule("A04", D, "warning", "indicators[].weight", "指标权重合计不符", expected_total="90")
def weights_total(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    weights = [i.weight for i in t.indicators]
    if not weights or all(w is None for w in weights):
        return  # A09 reminds about tables without weights
    expected = Decimal(p["expected_total"])
    missing = [i for i in t.indicators if i.weight is None]
    if missing:
        yield Hit(f"indicators[{missing[0].position}].weight",
                  f"{len(missing)} 条指标未填权重（如{label(missing[0])}），请补齐，各指标权重合计应为 {fmt(expected)}。",
                  missing[0].position)
        return
    total = sum((w for w in weights if w is not None), ZERO)
    if total != expected:
        yield Hit("indicators[].weight", f"指标权重合计 {fmt(total)}，应为 {fmt(expected)}"
                                         "（产出 50、效益 30、满意度 10，预算执行率另占 10），请调整。")


@rule("A05", D, "warning", "indicators[].target", "指标值低于上年")
def set_low(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if ctx.previous is None:
        return
    before = {norm(i.name): i for i in ctx.previous.indicators}
    for i in t.indicators:
        b = before.get(norm(i.name))
        if (b is None or i.target is None or b.target is None or i.comparator != b.comparator
                or norm(i.unit_of_measure) != norm(b.unit_of_measure)):
            continue
        unit = i.unit_of_measure or ""
        if i.comparator in (">=", ">") and i.target < b.target:
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}本年指标值 {fmt(i.target)}{unit} 低于上年 "
                      f"{fmt(b.target)}{unit}，延续项目的目标不应降低，请提高或说明理由。", i.position)
        elif i.comparator in ("<=", "<") and i.target > b.target:
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}本年上限 {fmt(i.target)}{unit} 高于上年 "
                      f"{fmt(b.target)}{unit}，目标放松了，请收紧或说明理由。", i.position)


def _satisfaction(i: IndicatorView) -> bool:
    return i.level1 == "满意度指标" or i.level2 == "服务对象满意度指标"


@rule("A06", D, "warning", "indicators[].target", "满意度指标值不合理", min="80", max="100")
def satisfaction_range(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    lo, hi = Decimal(p["min"]), Decimal(p["max"])
    for i in t.indicators:
        if _satisfaction(i) and i.comparator != "qual" and i.target is not None and not lo <= i.target <= hi:
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}指标值 {fmt(i.target)}{i.unit_of_measure or ''} "
                      f"不合理，满意度一般应在 {fmt(lo)}%-{fmt(hi)}% 之间，请调整。", i.position)


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
