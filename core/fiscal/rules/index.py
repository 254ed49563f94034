"""The township fiscal health index (镇街财政运行健康指数, first seed): each component turns a township's fiscal
figures into a raw value, the value into a 0-100 score by its bands, and the weighted scores add up to the index,
whose level (健康 / 基本健康 / 关注 / 预警) comes from a threshold table. Everything that decides a number is data
(resources/reference/fiscal_health.json, checked by `parse_method`); every step is returned so it can be shown.

Conventions: a raw value is rounded half up to 2 places before it is banded (the value shown is the value scored);
a band holds from ≤ value < below. A component that cannot be computed (no earlier year, a zero denominator) is
reported with its reason and left out, and the others' weights are scaled up to 100: index = Σ score × weight ÷
computable weight, rounded to 2 places; each component's effective weight (weight × 100 ÷ computable weight) and
contribution (score × weight ÷ computable weight) are rounded to 2 places for display, so after a redistribution
their sum may differ from the index by a cent (adding rounded contributions could give 100.01). No index is given
when the computable weight is below the method's minimum. Pure: no database, no files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from core.fiscal.rules.figures import FIELD_LABELS, FiscalFigures, quoted

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}
FORMULA_KINDS = ("ratio", "growth", "growth_spread")
TONES = ("green", "blue", "yellow", "red")
SHORT_MAX = 4


class MethodError(ValueError):
    """A health-index method that cannot be used; the message is Chinese and names the component and band."""


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def number_text(value: Decimal) -> str:
    """A bound as written in the method: 3, -10, 2.5 (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Band:
    low: Decimal | None  # inclusive; None: no lower bound
    high: Decimal | None  # exclusive; None: no upper bound
    score: Decimal

    def holds(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    @property
    def text(self) -> str:
        if self.low is None and self.high is None:
            return "全部"
        if self.low is None:
            return f"x < {_bound(self.high)}"
        if self.high is None:
            return f"x ≥ {number_text(self.low)}"
        return f"{number_text(self.low)} ≤ x < {number_text(self.high)}"


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    short: str  # at most SHORT_MAX characters: the column head of narrow tables
    measure: str
    unit: str
    kind: str  # ratio | growth | growth_spread
    a: str
    b: str | None
    years: int  # growth_spread: how many yearly growth rates
    description: str
    direction: str  # higher | lower
    weight: Decimal
    bands: tuple[Band, ...]

    @property
    def direction_label(self) -> str:
        return DIRECTIONS[self.direction]

    def bands_text(self, separator: str = "；") -> str:
        return separator.join(f"{b.text}：{number_text(b.score)}分" for b in self.bands)

    def band_for(self, value: Decimal) -> Band:
        return next(b for b in self.bands if b.holds(value))  # parse_method made the bands cover every value


@dataclass(frozen=True)
class Level:
    label: str
    low: Decimal  # an index at or above it (and below the next level's) has this level
    tone: str


@dataclass(frozen=True)
class Method:
    components: tuple[Component, ...]
    levels: tuple[Level, ...]  # highest first
    min_computable_weight: Decimal

    def level_of(self, index: Decimal) -> Level:
        return next((lv for lv in self.levels if index >= lv.low), self.levels[-1])

    def levels_text(self) -> str:
        parts, upper = [], None
        for lv in self.levels:
            low = number_text(lv.low)
            parts.append(f"{lv.label}：≥ {low}" if upper is None else f"{lv.label}：{low} ≤ 指数 < {upper}")
            upper = low
        return "；".join(parts)


@dataclass(frozen=True)
class ComponentResult:
    key: str
    label: str
    unit: str
    weight: Decimal  # as in the method
    value: Decimal | None  # the raw value, 2 places (None: not computable)
    score: Decimal | None
    band: str | None  # the band the value fell in, as text
    effective_weight: Decimal | None  # after redistribution, 2 places
    contribution: Decimal | None  # points of the index, 2 places
    reason: str | None  # why it could not be computed

    @property
    def computed(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class HealthResult:
    year: int
    components: tuple[ComponentResult, ...]
    computable_weight: Decimal
    index: Decimal | None
    level: Level | None
    reason: str | None  # why no index was given

    def component(self, key: str) -> ComponentResult:
        return next(c for c in self.components if c.key == key)


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise MethodError(f"健康指数方法：{where}应为数值，收到“{raw}”。")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise MethodError(f"健康指数方法：{where}应为数值，收到“{raw}”。") from exc
    if not value.is_finite():
        raise MethodError(f"健康指数方法：{where}应为有限的数值，收到“{raw}”。")
    return value


def _bands(label: str, direction: str, raw: Any) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise MethodError(f"健康指数方法：{quoted(label)}没有计分档次。")
    bands = []
    for n, band in enumerate(raw, 1):
        where = f"{quoted(label)}第 {n} 档"
        low = None if band.get("from") is None else _decimal(band["from"], f"{where}的下限")
        high = None if band.get("below") is None else _decimal(band["below"], f"{where}的上限")
        score = _decimal(band.get("score"), f"{where}的得分")
        if not 0 <= score <= HUNDRED:
            raise MethodError(f"健康指数方法：{where}的得分 {number_text(score)} 应在 0 到 100 之间。")
        if low is not None and high is not None and not low < high:
            raise MethodError(f"健康指数方法：{where}的下限 {number_text(low)} 应小于上限 {number_text(high)}。")
        bands.append(Band(low, high, score))
    if bands[0].low is not None:
        raise MethodError(f"健康指数方法：{quoted(label)}第 1 档不应有下限（低于 {number_text(bands[0].low)} 的值无档可归）。")
    if bands[-1].high is not None:
        raise MethodError(f"健康指数方法：{quoted(label)}第 {len(bands)} 档（最后一档）不应有上限"
                          f"（不低于 {number_text(bands[-1].high)} 的值无档可归）。")
    for n, (before, after) in enumerate(pairwise(bands), 2):
        if before.high is None or after.low is None or before.high != after.low:
            gap = "重叠" if before.high is None or (after.low is not None and after.low < before.high) else "有空档"
            raise MethodError(f"健康指数方法：{quoted(label)}第 {n} 档的下限（{_bound(after.low)}）与第 {n - 1} 档的上限"
                              f"（{_bound(before.high)}）不相接（{gap}），各档应首尾相接、从低到高排列。")
        worse = after.score < before.score if direction == "higher" else after.score > before.score
        if worse:
            raise MethodError(f"健康指数方法：{quoted(label)}{DIRECTIONS[direction]}，第 {n} 档的得分 "
                              f"{number_text(after.score)} 不应{'低' if direction == 'higher' else '高'}于第 {n - 1} 档的 "
                              f"{number_text(before.score)}。")
    return tuple(bands)


def _bound(value: Decimal | None) -> str:
    return "无" if value is None else number_text(value)


def _component(raw: Mapping[str, Any], n: int, seen: set[str]) -> Component:
    key, label = str(raw.get("key", "")).strip(), str(raw.get("label", "")).strip()
    if not key or not label:
        raise MethodError(f"健康指数方法：第 {n} 个指标缺少编码或名称。")
    if key in seen:
        raise MethodError(f"健康指数方法：指标编码“{key}”重复（{quoted(label)}）。")
    seen.add(key)
    formula = raw.get("formula") or {}
    kind, a, b = formula.get("kind"), formula.get("a"), formula.get("b")
    if kind not in FORMULA_KINDS:
        raise MethodError(f"健康指数方法：{quoted(label)}的计算方式“{kind}”未知，应为 {'、'.join(FORMULA_KINDS)} 之一。")
    for name in (a, b) if kind == "ratio" else (a,):
        if name not in FIELD_LABELS:
            raise MethodError(f"健康指数方法：{quoted(label)}的公式引用了未知的数据项“{name}”。")
    years = int(formula.get("years", 3))
    if kind == "growth_spread" and years < 2:
        raise MethodError(f"健康指数方法：{quoted(label)}的波动至少要看 2 年的增长率，收到 {years}。")
    direction = raw.get("direction")
    if direction not in DIRECTIONS:
        raise MethodError(f"健康指数方法：{quoted(label)}的方向“{direction}”未知，应为 higher（越高越好）或 lower（越低越好）。")
    weight = _decimal(raw.get("weight"), f"{quoted(label)}的权重")
    if weight <= 0:
        raise MethodError(f"健康指数方法：{quoted(label)}的权重应大于 0，收到 {number_text(weight)}。")
    short = str(raw.get("short", label)).strip()
    if not 0 < len(short) <= SHORT_MAX:
        raise MethodError(f"健康指数方法：{quoted(label)}的简称“{short}”应为 1 到 {SHORT_MAX} 个字。")
    return Component(key, label, short, str(raw.get("measure", label)), str(raw.get("unit", "%")), kind, str(a),
                     b if kind == "ratio" else None, years, str(raw.get("description", "")), direction, weight,
                     _bands(label, direction, raw.get("bands")))


def _levels(raw: Any) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not raw:
        raise MethodError("健康指数方法：没有健康等级。")
    levels: list[Level] = []
    for n, item in enumerate(raw, 1):
        label = str(item.get("label", "")).strip()
        if not label:
            raise MethodError(f"健康指数方法：第 {n} 个健康等级缺少名称。")
        low = _decimal(item.get("from"), f"等级{quoted(label)}的下限")
        tone = item.get("tone")
        if tone not in TONES:
            raise MethodError(f"健康指数方法：等级{quoted(label)}的颜色“{tone}”未知，应为 {'、'.join(TONES)} 之一。")
        if levels and not low < levels[-1].low:
            raise MethodError(f"健康指数方法：等级{quoted(label)}的下限 {number_text(low)} 应低于上一等级“{levels[-1].label}”的 "
                              f"{number_text(levels[-1].low)}（等级从高到低排列）。")
        if any(lv.label == label for lv in levels):
            raise MethodError(f"健康指数方法：等级名称{quoted(label)}重复。")
        levels.append(Level(label, low, tone))
    if levels[-1].low != 0:
        raise MethodError(f"健康指数方法：最低等级“{levels[-1].label}”的下限应为 0，收到 {number_text(levels[-1].low)}。")
    if levels[0].low > HUNDRED:
        raise MethodError(f"健康指数方法：等级“{levels[0].label}”的下限 {number_text(levels[0].low)} 超过 100。")
    return tuple(levels)


def parse_method(raw: Mapping[str, Any]) -> Method:
    """The method from its JSON form; MethodError (Chinese, naming the component and band) when it is unusable."""
    items = raw.get("components")
    if not isinstance(items, list) or not items:
        raise MethodError("健康指数方法：没有任何指标。")
    seen: set[str] = set()
    components = tuple(_component(c, n, seen) for n, c in enumerate(items, 1))
    total = sum((c.weight for c in components), Decimal(0))
    if total != HUNDRED:
        weights = "、".join(f"{c.label} {number_text(c.weight)}" for c in components)
        raise MethodError(f"健康指数方法：各指标权重合计应为 100，现为 {number_text(total)}（{weights}）。")
    minimum = _decimal(raw.get("min_computable_weight", 0), "可计算权重下限")
    if not 0 <= minimum <= HUNDRED:
        raise MethodError(f"健康指数方法：可计算权重下限应在 0 到 100 之间，收到 {number_text(minimum)}。")
    return Method(components, _levels(raw.get("levels")), minimum)


def _growth(history: Mapping[int, FiscalFigures], field: str, year: int) -> tuple[Decimal | None, str | None]:
    now, before = history.get(year), history.get(year - 1)
    if now is None:
        return None, f"缺少 {year} 年数据"
    if before is None:
        return None, f"缺少上年（{year - 1} 年）数据，无法计算增长率"
    base = before.amount(field)
    if base == 0:
        return None, f"{year - 1} 年{FIELD_LABELS[field]}为 0，无法计算增长率"
    return q((now.amount(field) - base) / base * HUNDRED), None


def raw_value(component: Component, history: Mapping[int, FiscalFigures], year: int) -> tuple[Decimal | None, str | None]:
    """The component's raw value for `year` from the township's figures by year, or None with the reason."""
    figures = history[year]
    if component.kind == "ratio":
        assert component.b is not None
        base = figures.amount(component.b)
        if base == 0:
            return None, f"{FIELD_LABELS[component.b]}为 0，无法计算"
        return q(figures.amount(component.a) / base * HUNDRED), None
    if component.kind == "growth":
        return _growth(history, component.a, year)
    first = year - component.years
    missing = [y for y in range(first, year + 1) if y not in history]
    if missing:
        return None, (f"需要 {first}—{year} 年连续 {component.years + 1} 年的数据，缺少 "
                      f"{'、'.join(str(y) for y in missing)} 年")
    rates = []
    for y in range(first + 1, year + 1):
        rate, reason = _growth(history, component.a, y)
        if rate is None:
            return None, reason
        rates.append(rate)
    mean = sum(rates, Decimal(0)) / len(rates)
    variance = sum(((r - mean) ** 2 for r in rates), Decimal(0)) / len(rates)
    return q(variance.sqrt()), None


def health_index(method: Method, history: Sequence[FiscalFigures], year: int) -> HealthResult:
    """The index of `year` from one township's figures of that year and earlier ones (any order)."""
    by_year = {f.year: f for f in history}
    if year not in by_year:
        raise KeyError(year)
    found: list[tuple[Component, Decimal | None, str | None]] = [(c, *raw_value(c, by_year, year))
                                                                  for c in method.components]
    computable = sum((c.weight for c, value, _ in found if value is not None), Decimal(0))
    results, scored = [], []
    for c, value, reason in found:
        if value is None:
            results.append(ComponentResult(c.key, c.label, c.unit, c.weight, None, None, None, None, None, reason))
            continue
        band = c.band_for(value)
        scored.append((c, band))
        share = (c.weight * HUNDRED / computable) if computable else Decimal(0)
        results.append(ComponentResult(c.key, c.label, c.unit, c.weight, value, band.score, band.text, q(share),
                                       q(band.score * c.weight / computable), None))
    if computable == 0 or computable < method.min_computable_weight:
        missing = "、".join(f"{c.label}（{reason}）" for c, value, reason in found if value is None)
        why = (f"可计算指标的权重合计 {number_text(computable)} 低于 {number_text(method.min_computable_weight)}，"
               f"不计算指数。无法计算：{missing}")
        return HealthResult(year, tuple(results), computable, None, None, why)
    index = q(sum((c.weight * b.score for c, b in scored), Decimal(0)) / computable)
    return HealthResult(year, tuple(results), computable, index, method.level_of(index), None)
