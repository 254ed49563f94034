"""The 单位自评表 sheet arithmetic (DOMAIN.md §4): each indicator's points from the goal table's weights, the
values a unit typed parsed and checked, every line scored with core.evaluation.rules.scoring, not-applicable lines
re-scaled, and the total with the budget-execution points. Pure: the service uses it to decide, the wizard to
show live scores and to refuse a step with the same message.

Points per indicator: the self-evaluation points of a 一级指标 (产出 50, 效益 30, 满意度 10 by default) are
shared among that level's indicators in proportion to the weights the goal table gives them, equally when a
weight is missing; rounding goes to the last indicator so a level always adds up exactly. A level without any
indicator, or whose indicators are all not applicable, is dropped like a not-applicable line: its points go to
the other levels in proportion to theirs, so a full sheet is always worth 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.common.labels import COMPARATORS
from core.evaluation.rules.scoring import (
    HUNDRED,
    QUAL_BANDS,
    SCORE_QUANTUM,
    ScoringError,
    check_override,
    execution_points,
    indicator_score,
    q,
    qualitative_score,
    rescale,
)
from core.goals.rules.notation import format_decimal, normalise_text, normalise_unit

LEVEL_KEYS = {"产出指标": "output", "效益指标": "outcome", "满意度指标": "satisfaction"}  # → self_weights() keys
EXECUTION_KEY = "execution"
MONEY_PLACES = 6  # 万元 with six places is one 分: finer amounts cannot be stored
QUALITATIVE = "qual"


@dataclass(frozen=True)
class SheetLine:
    """An indicator of the approved goal table with the points it carries in the self-evaluation."""

    key: str
    position: int
    level1: str
    level2: str
    name: str
    comparator: str
    target: Decimal | None
    target_text: str | None
    unit_of_measure: str | None
    weight: Decimal  # nominal points, before any re-scaling

    @property
    def qualitative(self) -> bool:
        return self.comparator == QUALITATIVE

    @property
    def target_label(self) -> str:
        """年度指标值 as the forms print it: ≥95%, ≤30天, or the qualitative text."""
        if self.qualitative or self.target is None:
            return self.target_text or ""
        unit = normalise_unit(self.unit_of_measure) or ""
        return f"{COMPARATORS.get(self.comparator, self.comparator)}{format_decimal(self.target)}{unit}"


@dataclass(frozen=True)
class LineInput:
    """What the unit typed for one indicator; numbers arrive as text and are parsed here."""

    key: str
    actual: str = ""  # quantitative: the number (its unit may follow); qualitative: a description
    level: str = ""  # qualitative: one of QUAL_BANDS
    score: str = ""  # qualitative: the score inside the level's band
    applicable: bool = True
    override: str = ""  # a manual score replacing the computed one
    override_reason: str = ""
    analysis: str = ""  # 偏差原因分析及改进措施


@dataclass(frozen=True)
class LineResult:
    key: str
    applicable: bool
    actual: Decimal | None
    actual_text: str | None
    level: str | None
    computed: Decimal | None  # by the formula or the qualitative band, at the nominal points
    override: Decimal | None
    points: Decimal  # after re-scaling; 0 when not applicable
    earned: Decimal | None  # after override and re-scaling; None when not applicable or not yet complete

    @property
    def lost(self) -> bool:
        return self.applicable and self.earned is not None and self.earned < self.points

    @property
    def needs_analysis(self) -> bool:
        """A line that lost points is explained (偏差原因分析及改进措施), and so is one marked not applicable."""
        return self.lost or not self.applicable


@dataclass(frozen=True)
class SheetResult:
    lines: tuple[LineResult, ...]
    level_points: dict[str, Decimal]  # 一级指标 → points after re-scaling
    level_earned: dict[str, Decimal | None]
    execution_rate: Decimal | None  # percent
    execution_points: Decimal | None
    execution_weight: Decimal
    complete: bool
    total: Decimal | None  # None until every line and the budget figures are complete

    def line(self, key: str) -> LineResult:
        return next(r for r in self.lines if r.key == key)


def parse_number(text: str, what: str, unit: str | None = None) -> Decimal | None:
    """A typed number (full-width digits, thousands separators and the indicator's unit allowed); empty → None."""
    cleaned = normalise_text(text).strip().replace(",", "").replace("，", "")
    for suffix in filter(None, (normalise_unit(unit), "%", "万元")):
        if cleaned.endswith(suffix) and cleaned != suffix:
            cleaned = cleaned.removesuffix(suffix).strip()
            break
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ScoringError(f"{what}“{text.strip()}”不是有效的数值，请只填写数字（例如 95 或 1,234.5）。")
    return value


def parse_money(text: str, what: str) -> Decimal | None:
    """An amount in 万元: not negative and no finer than one 分."""
    value = parse_number(text, what)
    if value is None:
        return None
    if value < 0:
        raise ScoringError(f"{what}不能为负数（收到 {text.strip()}）。")
    if value != value.quantize(Decimal(1).scaleb(-MONEY_PLACES)):
        raise ScoringError(f"{what} {text.strip()} 万元的精度超过 1 分（最多 {MONEY_PLACES} 位小数）。")
    return value


def distribute_points(indicators: Sequence[tuple[str, str, Decimal | None]],
                      weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """(key, 一级指标, goal-table weight) → points: each level's points in proportion to the weights (equal
    shares when any weight is missing or not positive), the rounding remainder on the level's last line."""
    out: dict[str, Decimal] = {}
    for level1, weight_key in LEVEL_KEYS.items():
        members = [(key, w) for key, lv, w in indicators if lv == level1]
        if not members:
            continue
        full = weights[weight_key]
        shares = [w for _k, w in members]
        if any(w is None or w <= 0 for w in shares):
            shares = [Decimal(1)] * len(members)
        total = sum((w for w in shares if w is not None), Decimal(0))
        given = Decimal(0)
        for i, ((key, _w), share) in enumerate(zip(members, shares, strict=True)):
            points = (full - given if i == len(members) - 1 else full * (share or 0) / total).quantize(SCORE_QUANTUM)
            out[key] = points
            given += points
    unknown = [lv for _k, lv, _w in indicators if lv not in LEVEL_KEYS]
    if unknown:
        raise ScoringError(f"一级指标“{unknown[0]}”无法计分，应为：{'、'.join(LEVEL_KEYS)}。")
    return out


def _qualitative(line: SheetLine, inp: LineInput) -> tuple[Decimal | None, str | None]:
    level = inp.level.strip() or None
    score = parse_number(inp.score, f"“{line.name}”的得分")
    if level is None and score is None:
        return None, None
    if level is None:
        raise ScoringError(f"“{line.name}”请先选择达成程度：{'、'.join(QUAL_BANDS)}。")
    if score is None:
        return None, level
    return qualitative_score(level, score, line.weight, line.name), level


def score_line(line: SheetLine, inp: LineInput) -> LineResult:
    """One line at its nominal points: the values typed are checked; missing ones leave the score open."""
    if not inp.applicable:
        return LineResult(line.key, False, None, None, None, None, None, Decimal(0), None)
    if line.qualitative:
        computed, level = _qualitative(line, inp)
        actual, actual_text = None, inp.actual.strip() or None
    else:
        actual = parse_number(inp.actual, f"“{line.name}”的实际完成值", line.unit_of_measure)
        computed = None if actual is None else indicator_score(line.comparator, line.weight, line.target, actual,
                                                               line.name)
        level, actual_text = None, None
    override = parse_number(inp.override, f"“{line.name}”的调整得分")
    if override is not None:
        earned: Decimal | None = check_override(computed if computed is not None else Decimal(0), override,
                                                inp.override_reason, line.weight, line.name)
    else:
        earned = computed
    return LineResult(line.key, True, actual, actual_text, level, computed, override, line.weight, earned)


def _missing(line: SheetLine, result: LineResult) -> str | None:
    if not result.applicable:
        return None
    if line.qualitative and result.computed is None:
        return f"“{line.name}”还没有选择达成程度并填写得分（定性指标）。"
    if not line.qualitative and result.actual is None:
        return f"“{line.name}”还没有填写实际完成值。"
    return None


def check_line(line: SheetLine, inp: LineInput, complete: bool = False) -> LineResult:
    """`score_line`, and with `complete` a missing value is refused too (the wizard checks line by line)."""
    result = score_line(line, inp)
    gap = _missing(line, result) if complete else None
    if gap:
        raise ScoringError(gap)
    return result


def _exact_shares(entries: Sequence[tuple[str, Decimal, Decimal | None]], full: Decimal) -> dict[str, Decimal]:
    """Re-scaled points of the applicable entries (raw not None) that add up to `full` exactly: the rounding
    remainder goes to the last of them."""
    shares = {s.key: s.score for s in rescale(entries, full) if s.score is not None}
    if shares:
        last = next(reversed(shares))
        shares[last] = full - sum((v for k, v in shares.items() if k != last), Decimal(0))
    return shares


def _level_points(lines: Sequence[SheetLine], results: Mapping[str, LineResult],
                  weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Points of each 一级指标 after dropping levels without an applicable indicator."""
    full = sum((weights[k] for k in LEVEL_KEYS.values()), Decimal(0))
    live = {line.level1 for line in lines if results[line.key].applicable}
    if not live:
        raise ScoringError("至少要有一项适用的绩效指标，全部标为不适用的自评表无法计分。")
    return _exact_shares([(lv, weights[k], weights[k] if lv in live else None) for lv, k in LEVEL_KEYS.items()],
                         full)


def _level(members: Sequence[SheetLine], raw: Mapping[str, LineResult], full: Decimal) -> list[LineResult]:
    """A level's lines re-scaled to its points. The points add up exactly and a line never earns more than its
    points, so the printed lines always add up to the level's total."""
    points = _exact_shares([(m.key, m.weight, m.weight if raw[m.key].applicable else None) for m in members], full)
    entries = [(m.key, m.weight, (raw[m.key].earned or Decimal(0)) if raw[m.key].applicable else None)
               for m in members]
    scaled = {s.key: s.score for s in rescale(entries, full)}
    out = []
    for m in members:
        r = raw[m.key]
        earned = None
        if r.earned is not None:
            earned = points[m.key] if r.earned >= m.weight else min(scaled[m.key] or Decimal(0), points[m.key])
        out.append(LineResult(r.key, r.applicable, r.actual, r.actual_text, r.level, r.computed, r.override,
                              points.get(m.key, Decimal(0)), earned))
    return out


def score_sheet(lines: Sequence[SheetLine], inputs: Mapping[str, LineInput], weights: Mapping[str, Decimal],
                budget: Decimal | None, executed: Decimal | None, complete: bool = False) -> SheetResult:
    """Every line scored and re-scaled, the level totals, the execution points and the total.

    With `complete`, a missing value is refused (the message names the first one); otherwise the total stays
    open until everything is there. Values that are there are always checked."""
    raw = {line.key: check_line(line, inputs.get(line.key, LineInput(line.key)), complete) for line in lines}
    if complete and (budget is None or executed is None):
        raise ScoringError("请填写全年预算数和全年执行数。")
    if complete and budget is not None and budget <= 0:
        raise ScoringError("全年预算数应大于 0，才能计算预算执行率。")
    level_points = _level_points(lines, raw, weights)
    results: dict[str, LineResult] = {}
    level_earned: dict[str, Decimal | None] = {}
    for level1 in LEVEL_KEYS:
        members = [line for line in lines if line.level1 == level1]
        if level1 not in level_points:
            results |= {m.key: raw[m.key] for m in members}
            continue
        scored = _level(members, raw, level_points[level1])
        results |= {r.key: r for r in scored}
        open_ = any(r.applicable and r.earned is None for r in scored)
        level_earned[level1] = None if open_ else sum((r.earned or Decimal(0) for r in scored), Decimal(0))
    weight = weights[EXECUTION_KEY]
    rate = q(executed / budget * HUNDRED) if budget and executed is not None and budget > 0 else None
    exec_points = execution_points(executed, budget, weight) if budget is not None and executed is not None else None
    done = exec_points is not None and all(e is not None for e in level_earned.values())
    total = q(sum((e or Decimal(0) for e in level_earned.values()), exec_points or Decimal(0))) if done else None
    return SheetResult(tuple(results[line.key] for line in lines), level_points, level_earned, rate, exec_points,
                       weight, done, total)


def check_texts(lines: Sequence[SheetLine], inputs: Mapping[str, LineInput], result: SheetResult,
                goal_actual: str) -> None:
    """What finalising needs besides the scores: the goal's actual completion, and an analysis on every line
    that lost points or is not applicable."""
    if not goal_actual.strip():
        raise ScoringError("请填写年度总体目标的实际完成情况。")
    for line in lines:
        r = result.line(line.key)
        if r.needs_analysis and not inputs.get(line.key, LineInput(line.key)).analysis.strip():
            why = "标为不适用" if not r.applicable else f"得分 {r.earned}，低于分值 {r.points}"
            raise ScoringError(f"“{line.name}”{why}，请填写偏差原因分析及改进措施。")


def money_or_error(text: str, what: str) -> Decimal:
    """A required amount: empty is refused like a wrong type."""
    value = parse_money(text, what)
    if value is None:
        raise ScoringError(f"请填写{what}（万元）。")
    return value

