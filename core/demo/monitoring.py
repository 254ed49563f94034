"""The demo county's monitoring round (1-8月): every project with an approved goal table reports its indicators,
with completion following its spending profile, so the grid shows the planted laggards in red and the
over-achievers (profile "fast") in blue; laggards give the reasons and measures the form requires."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.demo.build import Draft, Ind
from core.monitoring.rules.lights import CAUSES, MONTHS

ROUND_MONTH = 8
# Completion of a ≥ indicator relative to its time-progress share, percent range per spending profile.
COMPLETION = {"laggard": (20, 50), "zero": (0, 0), "fast": (125, 160), "normal": (85, 115)}
QUALITATIVE = {"laggard": "部分达成", "zero": "未达成", "fast": "达成", "normal": "达成"}
LAGGARD_ANALYSIS = ("项目前期手续办理滞后，招标采购推迟，资金支付进度慢于计划。",
                    "受天气和施工条件影响，工程进度滞后，部分资金尚未拨付。",
                    "实施方案调整，待主管部门批复后集中支付。")
LAGGARD_MEASURES = "倒排工期，加快招标采购和资金拨付，9 月底前完成主体工作量的 70%。"


def _actual(rng: random.Random, ind: Ind, profile: str) -> tuple[Decimal | None, str | None]:
    if ind.comparator == "qual":
        return None, QUALITATIVE[profile]
    if ind.target is None:
        return None, None
    if ind.comparator in ("<=", "<"):  # cost ceilings and time limits: kept, except by laggards now and then
        factor = Decimal(rng.randint(105, 130)) if profile == "laggard" and rng.random() < 0.3 else Decimal(
            rng.randint(70, 100))
        return (ind.target * factor / 100).quantize(Decimal(10) ** -max(ind.dp, 0), ROUND_HALF_UP), None
    lo, hi = COMPLETION[profile]
    share = Decimal(ROUND_MONTH) / MONTHS
    value = ind.target * share * Decimal(rng.randint(lo, hi)) / 100
    if ind.unit == "%":  # rates are reported as the rate reached so far, not a share of the target
        value = min(ind.target * Decimal(rng.randint(lo, hi)) / 100 * share, Decimal(100))
    return value.quantize(Decimal(10) ** -max(ind.dp, 0), ROUND_HALF_UP), None


def monitoring_rows(drafts: list[Draft], ids: dict[int, int], round_id: int, first_entry_id: int,
                    first_line_id: int, year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for `monitoring_entry` and `monitoring_line` of the demo round."""
    rng = random.Random(f"demo-monitoring-{year}-{len(drafts)}")
    at = datetime(year, ROUND_MONTH + 1, 10, 2, tzinfo=UTC)
    entries: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for d in drafts:
        if d.status != "approved":
            continue
        entry_id = first_entry_id + len(entries)
        lagging = d.profile in ("laggard", "zero")
        entries.append({"id": entry_id, "round_id": round_id, "project_id": ids[id(d)],
                        "budget_adjustment": Decimal(0), "forecast_spent": None,
                        "budget_cause": rng.choice(CAUSES[:4]) if lagging else None,
                        "budget_analysis": rng.choice(LAGGARD_ANALYSIS) if lagging else None,
                        "corrective_measures": LAGGARD_MEASURES if lagging else None, "key_monitoring": False,
                        "status": "submitted", "source": "demo", "updated_by": "demo", "updated_at": at})
        for position, ind in enumerate(d.indicators, 1):
            actual, actual_text = _actual(rng, ind, d.profile)
            likelihood = rng.choice(("possible", "impossible")) if lagging else "certain"
            forecast = None if actual is None else (actual * MONTHS / ROUND_MONTH).quantize(actual) \
                if ind.comparator not in ("<=", "<") else actual
            lines.append({"id": first_line_id + len(lines), "entry_id": entry_id, "position": position,
                          "actual": actual, "actual_text": actual_text, "forecast": forecast,
                          "likelihood": likelihood, "cause": rng.choice(CAUSES[:4]) if lagging else None,
                          "analysis": rng.choice(LAGGARD_ANALYSIS) if lagging else None,
                          "measures": LAGGARD_MEASURES if lagging else None, "needs_rectification": lagging})
    return entries, lines
