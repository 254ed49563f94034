"""Evaluation formulas (DOMAIN.md §4, 财预〔2020〕10号): self-evaluation indicator scores (≥, ≤, =, qualitative
bands, not applicable with re-scaling, manual override with a reason), execution-rate points, grades from a
threshold table, key-evaluation frameworks (weights summing to 100, 产出 + 效益 ≥ 60 warning) and panel
aggregation (mean, dropping the highest and lowest with five or more experts; spread and outliers).

Pure: no database, no settings; thresholds and weights are passed in.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCORE_QUANTUM = Decimal("0.01")
HUNDRED = Decimal(100)
QUAL_BANDS: dict[str, tuple[Decimal, Decimal]] = {  # share of the weight, inclusive bounds
    "达成年度指标": (Decimal("0.8"), Decimal(1)),
    "部分达成并具有一定效果": (Decimal("0.6"), Decimal("0.8")),
    "未达成且效果较差": (Decimal(0), Decimal("0.6")),
}
DEFAULT_GRADES: tuple[tuple[str, Decimal], ...] = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)),
                                                   ("差", Decimal(0)))
DROP_EXTREMES_FROM = 5  # experts: with this many or more, the highest and lowest score of an item are dropped


class ScoringError(ValueError):
    """Input the formulas cannot accept; the message is Chinese and names the item."""


def q(value: Decimal) -> Decimal:
    return value.quantize(SCORE_QUANTUM, ROUND_HALF_UP)


def execution_points(executed: Decimal, budget: Decimal, points: Decimal = Decimal(10)) -> Decimal:
    """预算执行率 points = min(points, 执行数 ÷ 预算数 × points); no budget → 0."""
    if budget <= 0:
        return Decimal(0)
    return q(min(points, executed / budget * points))


def indicator_score(comparator: str, weight: Decimal, target: Decimal | None, actual: Decimal | None,
                    name: str = "指标") -> Decimal:
    """The score of a quantitative indicator with weight w, target T and actual A."""
    if weight < 0:
        raise ScoringError(f"“{name}”的分值不能为负数。")
    if actual is None or target is None:
        raise ScoringError(f"“{name}”缺少年度指标值或实际完成值，无法计分。")
    if comparator in (">=", ">"):
        if target <= 0:
            return weight if actual >= target else Decimal(0)
        return weight if actual >= target else q(weight * max(actual, Decimal(0)) / target)
    if comparator in ("<=", "<"):
        if actual <= target:
            return weight
        if target <= 0 or actual >= 2 * target:
            return Decimal(0)
        return q(weight * (1 - (actual - target) / target))
    if comparator == "=":
        if target == 0:
            return weight if actual <= 0 else Decimal(0)
        return weight if actual >= target else q(weight * max(actual, Decimal(0)) / target)
    raise ScoringError(f"“{name}”的指标性质“{comparator}”无法按数值计分（定性指标请选择达成程度）。")


def qualitative_score(level: str, score: Decimal, weight: Decimal, name: str = "指标") -> Decimal:
    """A qualitative indicator: the evaluator's score must lie inside the band of the chosen level."""
    if level not in QUAL_BANDS:
        raise ScoringError(f"“{name}”请选择达成程度：{'、'.join(QUAL_BANDS)}。")
    low, high = QUAL_BANDS[level]
    lo, hi = q(weight * low), q(weight * high)
    if not lo <= score <= hi:
        raise ScoringError(f"“{name}”选择“{level}”时得分应在 {lo} 至 {hi} 分之间（分值 {weight} 分），收到 {score}。")
    return q(score)


@dataclass(frozen=True)
class ScoredLine:
    key: str
    weight: Decimal
    raw: Decimal | None  # None: not applicable
    score: Decimal | None  # after re-scaling; None when not applicable


def rescale(lines: Sequence[tuple[str, Decimal, Decimal | None]], full: Decimal) -> list[ScoredLine]:
    """Drop not-applicable lines (raw None) and scale the rest so their weights fill `full` points."""
    applicable = sum((w for _k, w, raw in lines if raw is not None), Decimal(0))
    factor = full / applicable if applicable else Decimal(0)
    return [ScoredLine(k, w, raw, None if raw is None else q(raw * factor)) for k, w, raw in lines]


def check_override(computed: Decimal, override: Decimal | None, reason: str | None, weight: Decimal,
                   name: str = "指标") -> Decimal:
    """A manual score replaces the computed one only with a reason, and never above the item's points."""
    if override is None:
        return computed
    if not (reason or "").strip():
        raise ScoringError(f"“{name}”手工调整得分（{computed} → {override}）必须写明理由。")
    if not 0 <= override <= weight:
        raise ScoringError(f"“{name}”的得分 {override} 应在 0 至 {weight} 分之间。")
    return q(override)


def grade(score: Decimal, thresholds: Sequence[tuple[str, Decimal]] = DEFAULT_GRADES) -> str:
    """The grade of a score: the first (label, lower bound) whose bound the score reaches."""
    for label, bound in sorted(thresholds, key=lambda t: t[1], reverse=True):
        if score >= bound:
            return label
    return thresholds[-1][0]


def check_grades(thresholds: Sequence[tuple[str, Decimal]]) -> None:
    bounds = [b for _l, b in thresholds]
    if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
        raise ScoringError("等级下限必须从高到低依次递减，例如 优 90、良 80、中 60、差 0。")


@dataclass(frozen=True)
class FrameworkItem:
    key: str
    level1: str
    level2: str
    name: str
    weight: Decimal
    standard: str


def check_framework(items: Sequence[FrameworkItem]) -> list[str]:
    """Refuse weights that do not sum to 100 (or negative ones); return warnings (产出 + 效益 below 60)."""
    total = sum((i.weight for i in items), Decimal(0))
    bad = [i for i in items if i.weight <= 0]
    if bad:
        raise ScoringError(f"评价指标“{bad[0].name}”的权重应大于 0。")
    if len({i.key for i in items}) != len(items):
        raise ScoringError("评价指标编号有重复。")
    if total != HUNDRED:
        raise ScoringError(f"评价指标权重合计为 {total} 分，应为 100 分。")
    outcome = sum((i.weight for i in items if i.level1 in ("产出", "效益")), Decimal(0))
    return [f"产出和效益指标权重合计 {outcome} 分，低于通常要求的 60 分。"] if outcome < 60 else []


@dataclass(frozen=True)
class ItemAggregate:
    key: str
    scores: tuple[Decimal, ...]
    used: tuple[Decimal, ...]  # after dropping the extremes
    mean: Decimal
    spread: Decimal  # highest − lowest of all experts
    outliers: tuple[int, ...]  # positions in `scores` far from the median


def aggregate_item(key: str, scores: Sequence[Decimal], weight: Decimal,
                   outlier_share: Decimal = Decimal("0.2")) -> ItemAggregate:
    """The panel's score of one item: the mean, after dropping the highest and lowest with ≥ 5 experts.
    An expert is an outlier when further than `outlier_share` × weight from the median."""
    if not scores:
        raise ScoringError(f"评价指标 {key} 还没有专家评分。")
    for s in scores:
        if not 0 <= s <= weight:
            raise ScoringError(f"评价指标 {key} 的专家评分 {s} 超出 0 至 {weight} 分。")
    ordered = sorted(scores)
    used = ordered[1:-1] if len(ordered) >= DROP_EXTREMES_FROM else ordered
    median = Decimal(str(statistics.median(ordered)))
    outliers = tuple(i for i, s in enumerate(scores) if abs(s - median) > weight * outlier_share)
    return ItemAggregate(key, tuple(scores), tuple(used), q(sum(used, Decimal(0)) / len(used)),
                         ordered[-1] - ordered[0], outliers)


def panel_score(items: Sequence[FrameworkItem], scores: Mapping[str, Mapping[str, Decimal]]) -> tuple[
        Decimal, list[ItemAggregate]]:
    """Total of the item means; `scores` is expert → item key → score. Every expert must score every item."""
    if not scores:
        raise ScoringError("评价组还没有任何专家评分。")
    for expert, by_item in scores.items():
        missing = [i.name for i in items if i.key not in by_item]
        if missing:
            raise ScoringError(f"专家“{expert}”还有 {len(missing)} 项未评分（如“{missing[0]}”），不能汇总定稿。")
    aggregates = [aggregate_item(i.key, [by_item[i.key] for by_item in scores.values()], i.weight) for i in items]
    return q(sum((a.mean for a in aggregates), Decimal(0))), aggregates


def rule_points(rule: Mapping[str, object], value: Decimal, points: Decimal, name: str = "指标") -> Decimal:
    """Points of a rule-based department item from its figure (percent), per the rule's data:

    - {"kind": "ceiling", "limit": "100", "per_point": "0.5"}: full up to the limit, minus per point over;
    - {"kind": "bands", "step": "10", "share_per_band": "0.2"}: full at 0, one share less per started band;
    - {"kind": "floor", "limit": "100", "per_point": "0.5"}: full from the limit up, minus per point under.
    """
    kind = rule.get("kind")
    try:
        if kind in ("ceiling", "floor"):
            limit, per = Decimal(str(rule["limit"])), Decimal(str(rule["per_point"]))
            gap = value - limit if kind == "ceiling" else limit - value
            return q(max(Decimal(0), points - per * max(gap, Decimal(0))))
        if kind == "bands":
            step, share = Decimal(str(rule["step"])), Decimal(str(rule["share_per_band"]))
            if value <= 0:
                return points
            bands = (value / step).to_integral_value(rounding="ROUND_CEILING")
            return q(max(Decimal(0), points * (1 - share * bands)))
    except (KeyError, ArithmeticError) as exc:
        raise ScoringError(f"“{name}”的计分规则不完整：{rule}") from exc
    raise ScoringError(f"“{name}”的计分规则类型“{kind}”无法识别（应为 ceiling、floor 或 bands）。")
