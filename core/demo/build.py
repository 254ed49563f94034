"""Pure builders for the demo county: project drafts with funding, clean goal tables and spending curves.

No session here: every value comes from the reference files under resources/reference/demo and one
`random.Random`, so the same seed always gives the same county.
"""

from __future__ import annotations

import calendar
import json
import math
import random
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from core.common.labels import INDICATOR_TREE
from core.goals.rules.goal_table import IndicatorRow
from core.goals.rules.indicator_kind import infer_kind
from resources import path

CENT = Decimal("0.01")
FEN_PER_WAN = 1_000_000
LEVEL1_OF = {l2: l1 for l1, l2s in INDICATOR_TREE.items() for l2 in l2s}
TREE_ORDER = {l2: i for i, l2 in enumerate(LEVEL1_OF)}
# Self-evaluation default (DOMAIN.md §4): 产出 50, 效益 30, 满意度 10; budget execution takes the other 10.
LEVEL1_WEIGHTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
QUANTITY, QUALITY, TIMELINESS = "数量指标", "质量指标", "时效指标"
COST, SOCIAL, SUSTAINABLE, SATISFACTION = "成本指标", "社会效益指标", "可持续影响指标", "服务对象满意度指标"
SCORING = {
    ">=": "完成值达到指标值得满分，未达到按完成比例计分",
    ">": "完成值超过指标值得满分，未超过按完成比例计分",
    "=": "完成值等于指标值得满分，有偏差按比例扣分",
    "<=": "不超过指标值得满分，超出部分按比例扣分",
    "<": "低于指标值得满分，超出部分按比例扣分",
    "qual": "达成年度指标得80%-100%分值，部分达成得60%-80%，未达成得0-60%",
}
# Monthly shape of a normal year: slow start, year-end rush.
NORMAL_CURVE = (3, 5, 6, 7, 8, 8, 8, 9, 9, 10, 11, 16)


@cache
def reference() -> tuple[dict[str, Any], dict[str, Any]]:
    """The county and the project templates (read once)."""
    def load(name: str) -> dict[str, Any]:
        with path("reference", "demo", name).open(encoding="utf-8") as f:
            return dict(json.load(f))
    return load("county.json"), load("projects.json")


def dec(value: float | int | str) -> Decimal:
    """A reference-file number as an exact Decimal (via its text, never via binary float arithmetic)."""
    return Decimal(str(value))


def pick_between(rng: random.Random, lo: Decimal, hi: Decimal) -> Decimal:
    return lo + (hi - lo) * Decimal(rng.randint(0, 1000)) / 1000


@dataclass
class Ind:
    """A 三级 indicator being built; `cost` is the 万元-per-unit the quantity target was derived from."""

    level2: str
    name: str
    comparator: str
    target: Decimal | None
    target_text: str | None
    unit: str | None
    dp: int = 0
    weight: Decimal = Decimal(0)
    cost: Decimal | None = None
    cost_range: tuple[Decimal, Decimal] | None = None

    @property
    def level1(self) -> str:
        return LEVEL1_OF[self.level2]

    def copy(self) -> Ind:
        return replace(self)

    def row(self, version_id: int, position: int) -> dict[str, Any]:
        return {"version_id": version_id, "position": position, "level1": self.level1,
                "level2": self.level2, "name": self.name, "comparator": self.comparator,
                "target": self.target, "target_text": self.target_text, "unit_of_measure": self.unit,
                "weight": self.weight, "scoring_standard": SCORING[self.comparator], "note": None,
                "kind": infer_kind(IndicatorRow(self.level1, self.level2, self.name, self.comparator, self.target,
                                                self.target_text, self.unit))}


@dataclass
class Draft:
    """One project with its goal table before it is written; `previous` is last year's twin."""

    year: int
    code: str
    name: str
    unit_code: str
    sector: str
    implementing_unit: str
    attribute: str
    nature: str
    fund_type: str
    total: Decimal
    fiscal: Decimal
    carryover: Decimal
    other: Decimal
    manager: str
    phone: str
    start: date
    end: date
    template: dict[str, Any]
    place: str
    indicators: list[Ind] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    status: str = "submitted"
    profile: str = "normal"
    previous: Draft | None = None
    exante_required: bool = False  # a new project at or above the ex-ante threshold
    exante_done: bool = True  # False: the planted defect "exante_missing"

    @property
    def continuing(self) -> bool:
        return self.attribute == "continuing"

    def cost_indicator(self) -> Ind | None:
        return next((i for i in self.indicators if i.cost is not None and i.target is not None), None)


def quantize(value: Decimal, dp: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-dp), rounding=rounding)


def draw_amount(rng: random.Random, tier: list[list[float]]) -> Decimal:
    """An amount in 万元 with 2 places: a weighted band, then log-triangular inside it around its mode."""
    roll, acc = rng.random(), 0.0
    band = tier[-1]
    for candidate in tier:
        acc += candidate[0]
        if roll < acc:
            band = candidate
            break
    _, lo, hi, mode = band
    x = math.exp(rng.triangular(math.log(lo), math.log(hi), math.log(mode)))
    return max(Decimal(round(x * 100)) / 100, dec(lo)).quantize(CENT)


def split_sources(rng: random.Random, total: Decimal, continuing: bool) -> tuple[Decimal, Decimal, Decimal]:
    """财政拨款 + 上年结转 + 其他资金 = total exactly."""
    carry = other = Decimal(0)
    if continuing and rng.random() < 0.45:
        carry = quantize(total * Decimal(rng.randint(5, 30)) / 100, 2)
    if rng.random() < 0.15:
        other = quantize(total * Decimal(rng.randint(5, 40)) / 100, 2)
    if carry + other >= total:
        carry = other = Decimal(0)
    return total - carry - other, carry, other


def spec_indicator(rng: random.Random, spec: dict[str, Any]) -> Ind:
    cmp = spec.get("cmp", ">=")
    if cmp == "qual":
        return Ind(spec["l2"], spec["name"], "qual", None, rng.choice(spec["texts"]), None)
    dp = int(spec.get("dp", 0))
    if "choices" in spec:
        target = dec(rng.choice(spec["choices"]))
    else:
        lo, hi = dec(spec["range"][0]), dec(spec["range"][1])
        target = quantize(pick_between(rng, lo, hi), dp)
    return Ind(spec["l2"], spec["name"], cmp, target, None, spec.get("unit"), dp)


def quantity_indicator(rng: random.Random, spec: dict[str, Any], total: Decimal) -> tuple[Ind, Decimal]:
    """The template's quantity; a cost-linked one is total ÷ typical unit cost (the total may be raised
    so that one unit is at least affordable)."""
    if "cost" not in spec:
        ind = spec_indicator(rng, {**spec, "l2": QUANTITY})
        return ind, total
    dp = int(spec.get("dp", 0))
    lo, hi = dec(spec["cost"][0]), dec(spec["cost"][1])
    cost = pick_between(rng, lo, hi)
    least = Decimal(1).scaleb(-dp)
    q = max(quantize(total / cost, dp), least)
    if not lo <= total / q <= hi:
        total = max(quantize(q * cost, 2), CENT)
    ind = Ind(QUANTITY, spec["name"], ">=", q, None, spec["unit"], dp, cost=cost, cost_range=(lo, hi))
    return ind, total


def unit_cost_indicator(q: Ind) -> Ind:
    """成本指标 "每公里平均成本 ≤ 180 万元/公里" (in 元 when the unit cost is below 1 万元)."""
    assert q.cost_range is not None
    hi = q.cost_range[1]
    if hi < 1:
        return Ind(COST, f"每{q.unit}平均成本", "<=", quantize(hi * 10000, 0), None, f"元/{q.unit}")
    places = max(0, -int(hi.as_tuple().exponent))
    return Ind(COST, f"每{q.unit}平均成本", "<=", hi, None, f"万元/{q.unit}", dp=places)


def assign_weights(inds: list[Ind], totals: dict[str, int] | None = None) -> None:
    """Split each 一级's points over its indicators in whole points, the remainder to the first ones."""
    totals = totals or LEVEL1_WEIGHTS
    for level1, points in totals.items():
        group = [i for i in inds if i.level1 == level1]
        if not group:
            continue
        base, extra = divmod(points, len(group))
        for k, ind in enumerate(group):
            ind.weight = Decimal(base + (1 if k < extra else 0))


def sort_tree(inds: list[Ind]) -> list[Ind]:
    return sorted(inds, key=lambda i: TREE_ORDER[i.level2])  # stable: keeps the order inside a 二级


def _is_percent_quality(spec: dict[str, Any]) -> bool:
    return spec["l2"] == QUALITY and spec.get("unit") == "%" and spec.get("cmp", ">=") in (">=", "=")


def build_indicators(rng: random.Random, sector: dict[str, Any], generic: list[dict[str, Any]],
                     template: dict[str, Any], total: Decimal) -> tuple[list[Ind], Decimal]:
    """A clean goal table: 6-11 indicators covering 数量/质量/时效, 效益, 满意度, weights summing to 90."""
    chosen: list[Ind] = []
    for spec in template["quantity"]:
        ind, total = quantity_indicator(rng, spec, total)
        chosen.append(ind)
    extras = list(template.get("extra", []))
    pool = extras + list(sector["pool"]) + list(generic)
    names = {i.name for i in chosen}

    def take(spec: dict[str, Any]) -> None:
        if spec["name"] not in names:
            names.add(spec["name"])
            chosen.append(spec_indicator(rng, spec))

    for wanted in (_is_percent_quality, lambda s: s["l2"] == TIMELINESS, lambda s: s["l2"] == SOCIAL,
                   lambda s: s["l2"] == SATISFACTION):
        take(rng.choice([s for s in pool if wanted(s)]))
    cost_q = next((i for i in chosen if i.cost is not None), None)
    if cost_q is not None and rng.random() < 0.5:
        ind = unit_cost_indicator(cost_q)
        names.add(ind.name)
        chosen.append(ind)
    for spec in extras:
        if rng.random() < 0.8:
            take(spec)
    rest = [s for s in pool if s["name"] not in names]
    rng.shuffle(rest)
    goal = rng.randint(6, 11)
    for spec in rest:
        if len(chosen) >= goal:
            break
        take(spec)
    inds = sort_tree(chosen)
    assign_weights(inds)
    return inds, total


def previous_indicators(rng: random.Random, current: list[Ind], prev_total: Decimal,
                        same: bool) -> tuple[list[Ind], Decimal]:
    """Last year's table and amount: the same indicators with targets no higher (≥) than this year's;
    a cost-linked quantity follows last year's amount at the same unit cost."""
    out = [i.copy() for i in current]
    if same:
        return out, prev_total
    for ind in out:
        if ind.target is None or ind.comparator != ">=" or ind.level2 == SATISFACTION:
            continue
        if ind.cost is not None and ind.cost_range is not None:
            least = Decimal(1).scaleb(-ind.dp)
            q = min(max(quantize(prev_total / ind.cost, ind.dp), least), ind.target)
            lo, hi = ind.cost_range
            if not lo <= prev_total / q <= hi:
                prev_total = max(quantize(q * ind.cost, 2), CENT)
            ind.target = q
        elif ind.unit == "%":
            ind.target = max(ind.target - rng.randint(0, 2), Decimal(0))
        else:
            lower = quantize(ind.target * rng.randint(80, 100) / 100, ind.dp, ROUND_DOWN)
            ind.target = lower if lower > 0 else ind.target
    return out, prev_total


def fmt(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def goal_texts(rng: random.Random, year: int, d: Draft, sector: dict[str, Any], inds: list[Ind]) -> dict[str, str]:
    t = d.template
    funding = f"项目资金总额{fmt(d.total)}万元，其中财政拨款{fmt(d.fiscal)}万元"
    if d.carryover:
        funding += f"、上年结转{fmt(d.carryover)}万元"
    if d.other:
        funding += f"、其他资金{fmt(d.other)}万元"
    if d.nature == "one_off":
        m1, m2 = rng.randint(1, 3), rng.randint(4, 6)
        schedule = (f"{year}年{m1}月完成前期设计和招标采购，{m2}月组织实施，{rng.randint(9, 11)}月底前完工，"
                    f"12月完成验收并按合同结算资金。")
    else:
        schedule = f"{year}年1-12月按季度组织实施，资金按进度拨付，{rng.randint(10, 11)}月底前完成年度主要任务。"
    q = next(i for i in inds if i.level2 == QUANTITY)
    sat = next((i for i in inds if i.level2 == SATISFACTION), None)
    annual = f"{year}年{q.name}达到{fmt(q.target or Decimal(0))}{q.unit or ''}，{t['goal']}"
    annual += f"，{sat.name}达到{fmt(sat.target or Decimal(0))}%以上。" if sat else "。"
    return {
        "overview": f"{d.name}由{d.implementing_unit}组织实施，主要内容为{t['work']}。{funding}。",
        "basis": f"{rng.choice(sector['basis'])}；县人民政府关于{year}年县级部门预算编制工作的通知。",
        "schedule": schedule,
        "long_term_goal": t.get("long", sector["long"]),
        "annual_goal": annual,
    }


def project_dates(rng: random.Random, year: int, nature: str) -> tuple[date, date]:
    if nature == "recurring":
        return date(year, 1, 1), date(year, 12, 31)
    start = rng.randint(1, 5)
    end = rng.randint(max(start + 4, 9), 12)
    return date(year, start, 1), date(year, end, calendar.monthrange(year, end)[1])


def spend_curve(rng: random.Random, total: Decimal, profile: str) -> list[int]:
    """Twelve monthly amounts in 分, summing to at most the total."""
    total_fen = int(total * FEN_PER_WAN)
    if profile == "zero" or total_fen == 0:
        return [0] * 12
    if profile == "laggard":  # under 30 % spent by the end of August
        by_aug = total_fen * rng.randint(5, 25) // 100
        final = total_fen * rng.randint(45, 90) // 100
        return _split(rng, by_aug, NORMAL_CURVE[:8]) + _split(rng, final - by_aug, (10, 15, 20, 30))
    if profile == "fast":  # most of the money gone by June
        by_jun = total_fen * rng.randint(80, 95) // 100
        final = total_fen * rng.randint(97, 100) // 100
        return _split(rng, by_jun, (20, 20, 20, 15, 15, 10)) + _split(rng, final - by_jun, (3, 3, 2, 2, 2, 3))
    return _split(rng, total_fen * rng.randint(850, 1000) // 1000, NORMAL_CURVE)


def _split(rng: random.Random, amount: int, shape: tuple[int, ...]) -> list[int]:
    weights = [w * rng.randint(70, 130) for w in shape]
    whole = sum(weights)
    parts = [amount * w // whole for w in weights]
    parts[-1] += amount - sum(parts)
    return parts


def fen_to_wan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_WAN
