"""The defects planted in the demo county's goal tables, recorded as ground truth for measuring review.

Each kind mirrors a complaint of the reviewers (DOMAIN.md §1); a planted table carries one indicator-
or header-level defect, sometimes a second header-level one, and nothing else.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from core.demo.build import (
    QUALITY,
    QUANTITY,
    SATISFACTION,
    SOCIAL,
    TIMELINESS,
    Draft,
    Ind,
    assign_weights,
    fmt,
    quantize,
    sort_tree,
    spec_indicator,
)
from core.demo.dto import PlantedDefect

KINDS = (
    "amounts_mismatch", "unit_name_mismatch", "vague_wording", "qualitative_where_numeric", "missing_unit",
    "percent_out_of_range", "satisfaction_out_of_range", "duplicate_indicator", "weights_not_summing",
    "missing_quantity_category", "missing_satisfaction", "dates_outside_year", "unit_cost_implausible",
    "target_set_low", "copied_from_last_year", "exante_missing",
)
HEADER_KINDS = ("amounts_mismatch", "unit_name_mismatch", "dates_outside_year")
DEFECT_RATE = 0.28
SECOND_DEFECT_RATE = 0.2


@dataclass
class DefectContext:
    """What planting needs besides the draft: the dice, the real unit names and the reference texts."""

    rng: random.Random
    known_names: frozenset[str]
    mistakes: dict[str, str]
    projects_ref: dict[str, Any]


def _numeric(ind: Ind) -> bool:
    return ind.target is not None and ind.comparator != "qual"


def _lowerable(ind: Ind) -> bool:
    """An indicator whose target can be set below last year's without touching other checks."""
    if not _numeric(ind) or ind.comparator != ">=" or ind.level2 == SATISFACTION or ind.cost is not None:
        return False
    assert ind.target is not None
    return ind.target >= 25 if ind.unit == "%" else ind.target >= Decimal(10).scaleb(-ind.dp)


def applicable(kind: str, d: Draft) -> bool:
    inds = d.indicators
    match kind:
        case "target_set_low":
            return d.continuing and any(_lowerable(i) for i in inds)
        case "copied_from_last_year":
            return d.continuing
        case "exante_missing":
            return d.exante_required
        case "missing_satisfaction":
            return bool(d.template.get("recipients", True))
        case "unit_cost_implausible":
            return d.cost_indicator() is not None
        case "percent_out_of_range":
            return any(_percent_target(i) for i in inds)
    return True


def _percent_target(ind: Ind) -> bool:
    return _numeric(ind) and ind.unit == "%" and ind.comparator == ">=" and ind.level2 != SATISFACTION


class Planner:
    """Decides which tables get which defects: DEFECT_RATE of the `tables` (picked at random), kinds dealt
    from a shuffled deck so every kind turns up; a kind that does not fit a table waits for one it fits."""

    def __init__(self, rng: random.Random, tables: int) -> None:
        self._rng = rng
        self._chosen = frozenset(rng.sample(range(tables), round(tables * DEFECT_RATE)))
        self._seen = 0
        self._deck: list[str] = []
        self._pending: list[str] = []

    def kinds_for(self, d: Draft) -> list[str]:
        """The kinds for the next table (tables are asked in order)."""
        self._seen += 1
        if self._seen - 1 not in self._chosen:
            return []
        kinds = [self._draw(d)]
        if self._rng.random() < SECOND_DEFECT_RATE:
            kinds.append(self._rng.choice([k for k in HEADER_KINDS if k != kinds[0]]))
        return kinds

    def _draw(self, d: Draft) -> str:
        for k, kind in enumerate(self._pending):
            if applicable(kind, d):
                return self._pending.pop(k)
        while True:
            if not self._deck:
                self._deck = list(KINDS)
                self._rng.shuffle(self._deck)
            kind = self._deck.pop()
            if applicable(kind, d):
                return kind
            self._pending.append(kind)


def plant(kind: str, d: Draft, ctx: DefectContext) -> PlantedDefect:
    """Put one defect into the draft (after its previous-year twin is built) and describe it."""
    return PlantedDefect(d.code, kind, _PLANTERS[kind](d, ctx))


def _amounts_mismatch(d: Draft, ctx: DefectContext) -> str:
    delta = max(quantize(d.total * ctx.rng.randint(3, 20) / 100, 2), Decimal("0.5"))
    d.fiscal = d.fiscal - delta if d.fiscal > delta and ctx.rng.random() < 0.5 else d.fiscal + delta
    parts = d.fiscal + d.carryover + d.other
    return (f"资金总额 {fmt(d.total)} 万元，但财政拨款 {fmt(d.fiscal)} + 上年结转 {fmt(d.carryover)} + "
            f"其他资金 {fmt(d.other)} = {fmt(parts)} 万元")


def _unit_name_mismatch(d: Draft, ctx: DefectContext) -> str:
    good = d.implementing_unit
    options = [ctx.mistakes.get(good), good.removeprefix("县") if good.startswith("县") else None,
               f"{good}办公室", f"{good}（本级）"]
    d.implementing_unit = next(o for o in options if o and o != good and o not in ctx.known_names)
    return f"实施单位填为“{d.implementing_unit}”，单位名录中应为“{good}”"


def _vague_wording(d: Draft, ctx: DefectContext) -> str:
    vague = ctx.projects_ref["vague"]
    spots = [k for k, i in enumerate(d.indicators)
             if _numeric(i) and any(v["l2"] == i.level2 for v in vague) and i.level2 != QUANTITY]
    k = ctx.rng.choice(spots)
    old = d.indicators[k]
    v = ctx.rng.choice([v for v in vague if v["l2"] == old.level2])
    d.indicators[k] = Ind(old.level2, v["name"], "qual", None, v["text"], None, weight=old.weight)
    return f"{old.level2}“{v['name']}”为笼统表述，指标值“{v['text']}”无法衡量（原应为“{old.name}”等可量化指标）"


def _qualitative_where_numeric(d: Draft, ctx: DefectContext) -> str:
    ind = ctx.rng.choice([i for i in d.indicators if i.level2 == QUANTITY and _numeric(i)])
    was = f"{fmt(ind.target or Decimal(0))}{ind.unit or ''}"
    ind.comparator, ind.target, ind.unit = "qual", None, None
    ind.target_text = ctx.rng.choice(ctx.projects_ref["qual_texts"])
    return f"数量指标“{ind.name}”填为定性“{ind.target_text}”，应填具体数量（如 {was}）"


def _missing_unit(d: Draft, ctx: DefectContext) -> str:
    spots = [i for i in d.indicators if _numeric(i) and i.unit and i.level2 != SATISFACTION]
    plain = [i for i in spots if i.unit != "%"]
    ind = ctx.rng.choice(plain or spots)
    was, ind.unit = ind.unit, None
    return f"{ind.level2}“{ind.name}”指标值 {fmt(ind.target or Decimal(0))} 未填度量单位（应为“{was}”）"


def _percent_out_of_range(d: Draft, ctx: DefectContext) -> str:
    ind = ctx.rng.choice([i for i in d.indicators if _percent_target(i)])
    ind.target = Decimal(ctx.rng.choice([105, 110, 120, 150]))
    return f"{ind.level2}“{ind.name}”指标值 {fmt(ind.target)}% 超出 0%-100%"


def _satisfaction_out_of_range(d: Draft, ctx: DefectContext) -> str:
    ind = ctx.rng.choice([i for i in d.indicators if i.level2 == SATISFACTION])
    # A continuing table keeps it above last year's target, so it is not also "set low".
    choices = ["100.5", "105", "110"] if d.continuing else ["50", "60", "65", "100.5", "105", "110"]
    ind.target = Decimal(ctx.rng.choice(choices))
    return f"满意度指标“{ind.name}”指标值 {fmt(ind.target)}% 不合理（应在 80%-100% 之间）"


def _duplicate_indicator(d: Draft, ctx: DefectContext) -> str:
    k = ctx.rng.choice([k for k, i in enumerate(d.indicators) if i.level2 != SATISFACTION])
    twin = d.indicators[k].copy()
    d.indicators.insert(k + 1, twin)
    assign_weights(d.indicators)
    return f"{twin.level2}“{twin.name}”重复填报两次"


def _weights_not_summing(d: Draft, ctx: DefectContext) -> str:
    variant = ctx.rng.randint(0, 2)
    benefit = [i for i in d.indicators if i.level1 == "效益指标"]
    if variant == 0 or (variant == 2 and benefit[-1].weight < 5):
        next(i for i in d.indicators if i.level1 == "产出指标").weight += 5
    elif variant == 1:
        for ind in d.indicators:
            if ind.level2 == SATISFACTION:
                ind.weight *= 2
    else:
        benefit[-1].weight -= 5
    total = sum((i.weight for i in d.indicators), Decimal(0))
    return f"指标权重合计 {fmt(total)}，应为 90（产出 50、效益 30、满意度 10，预算执行率 10）"


def _fill(d: Draft, ctx: DefectContext, level2s: tuple[str, ...], count: int) -> None:
    """Add `count` unused indicators of the given 二级 from the sector's pool and the generic list."""
    ref = ctx.projects_ref
    names = {i.name for i in d.indicators}
    pool = [s for s in ref["sectors"][d.sector]["pool"] + ref["generic"]
            if s["l2"] in level2s and s["name"] not in names]
    ctx.rng.shuffle(pool)
    d.indicators.extend(spec_indicator(ctx.rng, s) for s in pool[:count])


def _missing_quantity_category(d: Draft, ctx: DefectContext) -> str:
    removed = [i.name for i in d.indicators if i.level2 == QUANTITY]
    d.indicators = [i for i in d.indicators if i.level2 != QUANTITY]
    _fill(d, ctx, (QUALITY, TIMELINESS), len(removed))
    _fill(d, ctx, (SOCIAL, "经济效益指标", "生态效益指标"), 6 - len(d.indicators))
    d.indicators = sort_tree(d.indicators)
    assign_weights(d.indicators)
    return f"产出指标缺少数量指标（未填“{'”“'.join(removed)}”等完成数量）"


def _missing_satisfaction(d: Draft, ctx: DefectContext) -> str:
    d.indicators = [i for i in d.indicators if i.level2 != SATISFACTION]
    _fill(d, ctx, (SOCIAL, "经济效益指标", "生态效益指标", QUALITY), 6 - len(d.indicators))
    d.indicators = sort_tree(d.indicators)
    # Units that forget 满意度 give its points to 效益, so the weights still sum to 90.
    assign_weights(d.indicators, {"产出指标": 50, "效益指标": 40})
    return f"项目面向服务对象（{d.template['goal']}），但未设置服务对象满意度指标"


def _dates_outside_year(d: Draft, ctx: DefectContext) -> str:
    if ctx.rng.random() < 0.5:
        d.start = date(d.year - 1, ctx.rng.randint(9, 12), 1)
    else:
        month = ctx.rng.randint(3, 6)
        d.end = date(d.year + 1, month, calendar.monthrange(d.year + 1, month)[1])
    return f"实施期限 {d.start.isoformat()} 至 {d.end.isoformat()} 超出 {d.year} 预算年度"


def _unit_cost_implausible(d: Draft, ctx: DefectContext) -> str:
    ind = d.cost_indicator()
    assert ind is not None and ind.cost_range is not None
    lo, hi = ind.cost_range
    k = ctx.rng.randint(5, 15)
    dear = quantize(d.total / (hi * k), ind.dp, ROUND_DOWN)
    # Too dear only for a new project: a continuing one would also drop below last year's quantity.
    if not d.continuing and dear > 0 and ctx.rng.random() < 0.4:
        ind.target = dear
    else:
        ind.target = quantize(d.total * k / lo, ind.dp, ROUND_UP)
    per = d.total / ind.target
    if hi < 1:  # small unit costs read better in 元
        return (f"{fmt(d.total)} 万元 ÷ {fmt(ind.target)}{ind.unit} = {fmt(quantize(per * 10000, 2))} 元/{ind.unit}，"
                f"同类项目常见 {fmt(lo * 10000)}-{fmt(hi * 10000)} 元/{ind.unit}")
    return (f"{fmt(d.total)} 万元 ÷ {fmt(ind.target)}{ind.unit} = {fmt(quantize(per, 2))} 万元/{ind.unit}，"
            f"同类项目常见 {fmt(lo)}-{fmt(hi)} 万元/{ind.unit}")


def _target_set_low(d: Draft, ctx: DefectContext) -> str:
    assert d.previous is not None
    before = {i.name: i for i in d.previous.indicators}
    ind = ctx.rng.choice([i for i in d.indicators if _lowerable(i) and i.name in before])
    prev = before[ind.name].target
    assert prev is not None
    if ind.unit == "%":
        ind.target = prev - ctx.rng.randint(5, 15)
    else:
        ind.target = quantize(prev * ctx.rng.randint(50, 80) / 100, ind.dp, ROUND_DOWN)
    unit = ind.unit or ""
    return f"{ind.level2}“{ind.name}”本年指标值 {fmt(ind.target)}{unit} 低于上年 {fmt(prev)}{unit}"


def _copied_from_last_year(d: Draft, ctx: DefectContext) -> str:
    assert d.previous is not None
    d.indicators = [i.copy() for i in d.previous.indicators]
    d.texts = dict(d.previous.texts)
    return f"绩效目标表与上年项目 {d.previous.code} 的目标表完全相同（年度目标、指标及指标值均未更新）"


def _exante_missing(d: Draft, ctx: DefectContext) -> str:
    d.exante_done = False
    return f"新增项目资金 {fmt(d.total)} 万元，达到事前绩效评估标准，但未开展事前绩效评估"


_PLANTERS = {
    "amounts_mismatch": _amounts_mismatch,
    "unit_name_mismatch": _unit_name_mismatch,
    "vague_wording": _vague_wording,
    "qualitative_where_numeric": _qualitative_where_numeric,
    "missing_unit": _missing_unit,
    "percent_out_of_range": _percent_out_of_range,
    "satisfaction_out_of_range": _satisfaction_out_of_range,
    "duplicate_indicator": _duplicate_indicator,
    "weights_not_summing": _weights_not_summing,
    "missing_quantity_category": _missing_quantity_category,
    "missing_satisfaction": _missing_satisfaction,
    "dates_outside_year": _dates_outside_year,
    "unit_cost_implausible": _unit_cost_implausible,
    "target_set_low": _target_set_low,
    "copied_from_last_year": _copied_from_last_year,
    "exante_missing": _exante_missing,
}
