"""How the yearly figures are shown on screen and on paper: the figures that head the statistics (the 工作台's block
and the first table of the statistics PDF, keys of `yearly.figure_rows`) and a figure's text."""

from __future__ import annotations

from decimal import Decimal

from core.common import formatting

Number = int | Decimal
HEADLINE_KEYS = ("goal_reviewed", "monitored_projects", "monitored_funds", "monitoring_coverage", "key_evaluations",
                 "key_funds_evaluated", "departments_evaluated", "exante", "exante_cut", "budget_cut",
                 "rectification_rate")


def figure_text(kind: str, value: Number | None, signed: bool = False) -> str:
    """A figure as printed: money with two places and separators, percentages with one place, counts plain."""
    if value is None:
        return formatting.MISSING
    if kind == "money":
        return formatting.amount(Decimal(value), signed=signed)
    if kind == "percent":
        return formatting.number(Decimal(value), formatting.PERCENT_PLACES, separators=False, signed=signed)
    return f"{'+' if signed and value > 0 else ''}{value}"
