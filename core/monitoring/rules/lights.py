"""Monitoring rules (DOMAIN.md §3): time progress, the budget light and the indicator lights, the project light
(the worst one), key-monitoring selection, the full-year forecast of execution and the at-risk flag.

Thresholds come in a `Thresholds` value built from settings; nothing here reads settings or the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.common.labels import LIKELIHOODS as LIKELIHOODS  # re-exported: the stage's rules name it
from db.codes import DeviationCause

MONTHS = 12
HUNDRED = Decimal(100)
PERCENT_QUANTUM = Decimal("0.1")
LIGHTS = {"red": "红灯", "yellow": "黄灯", "blue": "蓝灯", "green": "绿灯", "none": "无"}
# Worst first: a red anywhere makes the project red; blue (target probably set too low) outranks green.
LIGHT_RANK = {"red": 0, "yellow": 1, "blue": 2, "green": 3, "none": 4}
# Readable in black-and-white print too: each light has its own shape.
LIGHT_SYMBOLS = {"red": "●", "yellow": "▲", "blue": "◆", "green": "○", "none": "—"}
CAUSES = tuple(DeviationCause)
QUALITATIVE = {"达成": "green", "部分达成": "yellow", "未达成": "red"}


class ThresholdError(ValueError):
    """Thresholds in an impossible order."""


@dataclass(frozen=True)
class Thresholds:
    """Percent thresholds of the lights (defaults per DOMAIN.md §3) and of key monitoring."""

    budget_red_below: Decimal = Decimal(60)
    budget_yellow_below: Decimal = Decimal(80)
    indicator_red_below: Decimal = Decimal(60)
    indicator_yellow_below: Decimal = Decimal(80)
    indicator_blue_from: Decimal = Decimal(120)
    key_amount_wan: Decimal = Decimal(200)
    key_rate_below: Decimal = Decimal(60)
    key_from_month: int = 8
    at_risk_below: Decimal = Decimal(90)  # forecast full-year execution rate, percent

    def __post_init__(self) -> None:
        if not self.budget_red_below < self.budget_yellow_below:
            raise ThresholdError(f"预算执行红灯阈值 {self.budget_red_below} 应小于黄灯阈值 {self.budget_yellow_below}。")
        if not self.indicator_red_below < self.indicator_yellow_below < self.indicator_blue_from:
            raise ThresholdError(f"指标红灯 {self.indicator_red_below}、黄灯 {self.indicator_yellow_below}、"
                                 f"蓝灯 {self.indicator_blue_from} 阈值应依次增大。")


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole × 100 to one decimal, None when whole is zero."""
    if whole == 0:
        return None
    return (part / whole * HUNDRED).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


def time_progress(month: int) -> Decimal:
    """序时进度 at the end of `month`, percent."""
    if not 1 <= month <= MONTHS:
        raise ValueError(f"月份应在 1 到 12 之间，收到 {month}。")
    return (Decimal(month) / MONTHS * HUNDRED).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)


def budget_light(spent: Decimal, budget: Decimal, month: int, t: Thresholds) -> tuple[str, Decimal | None]:
    """The budget light and its ratio: (执行率 ÷ 序时进度) × 100."""
    rate = percent(spent, budget)
    if rate is None:
        return "none", None
    ratio = (rate / time_progress(month) * HUNDRED).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)
    if ratio < t.budget_red_below:
        return "red", ratio
    if ratio < t.budget_yellow_below:
        return "yellow", ratio
    return "green", ratio


def indicator_light(comparator: str, target: Decimal | None, actual: Decimal | None, actual_text: str | None,
                    month: int, t: Thresholds) -> tuple[str, Decimal | None]:
    """The light of one indicator and, for a ≥ (or = / >) quantity, its ratio actual ÷ (target × month/12) × 100."""
    if comparator == "qual":
        return QUALITATIVE.get((actual_text or "").strip(), "none"), None
    if target is None or (actual is None and not actual_text):
        return "none", None
    if actual is None:
        return "none", None
    if comparator in ("<=", "<"):
        ok = actual <= target if comparator == "<=" else actual < target
        return ("green" if ok else "red"), None
    if actual == 0:
        return "red", Decimal(0)
    expected = target * Decimal(month) / MONTHS
    if expected == 0:
        return "none", None
    ratio = (actual / expected * HUNDRED).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)
    if ratio < t.indicator_red_below:
        return "red", ratio
    if ratio < t.indicator_yellow_below:
        return "yellow", ratio
    if ratio < t.indicator_blue_from:
        return "green", ratio
    return "blue", ratio


def worst(lights: Sequence[str]) -> str:
    """The project light: the worst of its lights ("none" when there is none)."""
    return min(lights, key=lambda light: LIGHT_RANK[light], default="none")


def is_key_monitoring(total: Decimal, spent: Decimal, month: int, t: Thresholds) -> bool:
    """重点监控: large projects still under the execution rate at the end of the key month (default August)."""
    if month < t.key_from_month or total < t.key_amount_wan:
        return False
    rate = percent(spent, total)
    return rate is not None and rate < t.key_rate_below


def forecast_full_year(monthly: Sequence[Decimal], pattern: Sequence[Decimal] | None = None) -> Decimal:
    """Full-year execution forecast from the months so far (1..X).

    With `pattern` (12 shares of a year's spending, from the project's previous years) the spent-so-far is
    divided by the pattern's cumulative share at month X; otherwise the average monthly spending of the
    months so far is carried on to December (a straight trend)."""
    months = len(monthly)
    if not 1 <= months <= MONTHS:
        raise ValueError("预测需要 1 到 12 个月的执行数。")
    spent = sum(monthly, Decimal(0))
    if pattern is not None:
        if len(pattern) != MONTHS:
            raise ValueError("季节性分布必须有 12 个月。")
        total = sum(pattern, Decimal(0))
        share = sum(pattern[:months], Decimal(0)) / total if total else Decimal(0)
        if share > 0:
            return (spent / share).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    return (spent / months * MONTHS).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def at_risk(forecast: Decimal, budget: Decimal, t: Thresholds) -> bool:
    """The forecast says the year will end under `at_risk_below` percent of the budget."""
    rate = percent(forecast, budget)
    return rate is not None and rate < t.at_risk_below


def needs_deviation_analysis(likelihood: str | None) -> bool:
    """有可能 / 完全不可能 make the forecast and the deviation analysis mandatory."""
    return likelihood in ("possible", "impossible")
