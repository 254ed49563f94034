"""适当性 rules on money against output: the unit cost of a quantity against the indicator library or the
year's peers (and a note, never a guess, when nothing comparable exists), and 成本指标 rows that are not the
cost of an output (a control rate, the whole budget restated)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.common.formatting import YUAN_PER_WAN, rounded
from core.goals.rules.notation import norm
from core.library.rules import best_match
from core.review.rules.model import Hit, IndicatorView, Params, ReviewContext, TableView, fmt, label, rule

D = "适当性"
NO_COST_UNITS = ["%", "‰", "万元", "元", "年", "月", "天", "日", "小时", "分钟"]


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
    keys = [(t.sector or "", unit, norm(i.name)), ("*", unit, norm(i.name))]
    if p["peer_pool_by_unit"]:
        keys.append((t.sector or "", unit, ""))
    for key in keys:
        peer = ctx.peer_costs.get(key)
        if (peer is not None and peer.count >= int(p["peer_min_count"]) and peer.q1 > 0
                and peer.q3 / peer.q1 <= Decimal(p["peer_max_spread"])):
            return peer.q1, peer.q3, Decimal(p["peer_factor"]), f"本年度同类 {peer.count} 个项目中间水平"
    return None


def quantities_with_cost(t: TableView, no_cost_units: list[str]) -> list[IndicatorView]:
    """The 数量指标 a unit cost can be computed for: a positive floor target in a unit of output."""
    return [i for i in t.indicators
            if i.level2 == "数量指标" and i.comparator in (">=", "=", ">") and isinstance(i.target, Decimal)
            and i.target > 0 and i.unit_of_measure and i.unit_of_measure not in no_cost_units]


@rule("A03", D, "warning", "indicators[].target", "单位成本明显不合理",
      library_factor="2", library_min_similarity="0.8", peer_factor="3", peer_min_count=5, peer_max_spread="2.5",
      peer_pool_by_unit=False, no_cost_units=NO_COST_UNITS)
def unit_cost(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """Total ÷ quantity against a reference. With several outputs the total also pays for the others, so the
    quotient only bounds the unit cost from above: then only a cost below the reference is a finding."""
    total = t.total_amount
    if total is None or total <= 0:
        return
    outputs = quantities_with_cost(t, p["no_cost_units"])
    unchecked: list[IndicatorView] = []
    for i in outputs:
        found = _cost_range(t, i, ctx, p)
        if found is None:
            unchecked.append(i)
            continue
        lo, hi, factor, source = found
        per = total / i.target  # type: ignore[operator]  # quantities_with_cost keeps Decimal targets only
        low, high = per < lo / factor, per > hi * factor and len(outputs) == 1
        if low or high:
            side = "偏低，数量可能填大了或资金被高估" if low else "偏高，数量可能填小了或资金需压减"
            unit = i.unit_of_measure or ""
            yield Hit(f"indicators[{i.position}].target",
                      f"资金总额 {fmt(total)} 万元 ÷ {label(i)} {fmt(i.target)}{unit} = 单位成本 {_money(per, unit)}，"
                      f"{source}为 {_money(lo, unit)}-{_money(hi, unit)}，明显{side}，请核实数量目标或资金测算。",
                      i.position)
            return
    if unchecked:
        names = "、".join(f"“{i.name}”" for i in unchecked[:3]) + ("等" if len(unchecked) > 3 else "")
        yield Hit(f"indicators[{unchecked[0].position}].target",
                  f"数量指标{names}在指标库和本年度同类项目中无可比参照，未核单位成本，请人工判断资金与产出是否匹配。",
                  unchecked[0].position, severity="info")


@rule("A11", D, "warning", "indicators[].name", "成本指标不是产出的成本",
      rate_words=["控制率", "节约率", "执行率", "到位率", "支付率", "达标率", "完成率"], whole_budget_share="0.9")
def cost_not_cost(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    share = Decimal(p["whole_budget_share"])
    for i in t.indicators:
        if i.level2 != "成本指标" or i.comparator == "qual" or not isinstance(i.target, Decimal):
            continue
        unit = norm(i.unit_of_measure)
        rate = next((w for w in p["rate_words"] if w in i.name), None)
        if unit in ("%", "‰") or rate:
            yield Hit(f"indicators[{i.position}].name",
                      f"{label(i)}（{fmt(i.target)}{i.unit_of_measure or ''}）是比率，不是成本；成本指标应写产出的"
                      "单位成本或总成本（如“每公里改造成本 ≤ 180 万元/公里”）。", i.position)
            continue
        amount = i.target / 10000 if unit == "元" else i.target if unit == "万元" else None
        if amount is not None and t.total_amount and t.total_amount > 0 and amount >= t.total_amount * share:
            yield Hit(f"indicators[{i.position}].target",
                      f"{label(i)} {fmt(i.target)}{i.unit_of_measure} 与项目资金总额 {fmt(t.total_amount)} 万元相当，"
                      "只是重复了预算，不是成本指标；请改为单位产出的成本（如“每亩造林成本 ≤ 2000 元”）。", i.position)
