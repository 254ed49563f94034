"""How amounts, percentages, scores and dates read for a person, the same on screen, in the command line, in
printed documents and in workbooks: Decimal only, one rounding rule (四舍五入, ROUND_HALF_UP), so 1,234.125
万元 reads 1,234.13 everywhere.

Contexts and their conventions:
- amounts are 万元 with two places and thousands separators (`amount`); a context that needs 元 says so
  (`amount_yuan`, or `places=YUAN_PLACES` for 万元 kept to the whole 元);
- percentages have one place unless a context says otherwise (`percent`), scores two (`score`);
- a missing figure reads `MISSING` in running text and labels (an empty table cell stays blank);
- dates: the screen and plain listings write 2024-03-05 (`screen_date`, `screen_time` in local time),
  printed documents 2024年3月5日 (`document_date`), JSON ISO 8601 (`iso_date`, `iso_time`);
- JSON carries figures as strings of the rounded figure without separators (`plain`).

Standard library only: the pure rules of every stage may use it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
AMOUNT_PLACES = 2  # 万元 to the 百元, as the bureau's tables print them
YUAN_PLACES = 4  # 万元 to the whole 元 (budget suggestions)
PERCENT_PLACES = 1
SCORE_PLACES = 2
YUAN_PER_WAN = Decimal(10000)


def rounded(value: Decimal, places: int = AMOUNT_PLACES) -> Decimal:
    """`value` rounded half up to `places` (0.005 -> 0.01, -0.005 -> -0.01); NaN and infinities unchanged."""
    if not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def places_of(value: Decimal) -> int:
    """The decimal places a Decimal carries (12.50 -> 2, 1234 -> 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def number(value: Decimal | int, places: int, separators: bool = True, signed: bool = False) -> str:
    """A figure rounded half up to `places`, with thousands separators unless told: 1234.125 -> '1,234.13'.

    `signed` writes a plus sign before a positive figure (changes against last year)."""
    value = Decimal(value)
    if not value.is_finite():
        return str(value)
    shown = rounded(value, places)
    if shown == 0:
        shown = abs(shown)  # -0.004 rounds to 0.00, never "-0.00"
    sign = "+" if signed and shown > 0 else ""
    return f"{sign}{shown:{',' if separators else ''}.{places}f}"


def amount(value: Decimal | None, places: int = AMOUNT_PLACES, missing: str = MISSING,
           signed: bool = False) -> str:
    """An amount (万元 unless the caller's unit says otherwise) with separators: 1234.125 -> '1,234.13'."""
    return missing if value is None else number(value, places, signed=signed)


def to_yuan(value_wan: Decimal) -> Decimal:
    """万元 -> 元, exact (an amount in 万元 carries at most 6 places, the 分)."""
    return value_wan * YUAN_PER_WAN


def amount_yuan(value_wan: Decimal | None, missing: str = MISSING) -> str:
    """An amount held in 万元 written in 元 with two places: 1.2345678 -> '12,345.68'."""
    return missing if value_wan is None else number(to_yuan(value_wan), AMOUNT_PLACES)


def plain(value: Decimal | None, places: int = AMOUNT_PLACES) -> str | None:
    """A figure for machines (JSON): rounded as people read it, no separators; None stays None."""
    return None if value is None else number(value, places, separators=False)


def percent(value: Decimal | None, places: int = PERCENT_PLACES, missing: str = MISSING,
            sign: str = "%") -> str:
    """A percentage already in per cent: 12.345 -> '12.3%' (pass sign="" where the heading carries the %)."""
    return missing if value is None else f"{number(value, places, separators=False)}{sign}"


def score(value: Decimal | None, places: int = SCORE_PLACES, missing: str = MISSING) -> str:
    """A score (points): 85.125 -> '85.13'."""
    return missing if value is None else number(value, places, separators=False)


def screen_date(day: date) -> str:
    """A date on screen and in plain listings: 2024-03-05."""
    return f"{day:%Y-%m-%d}"


def screen_time(moment: datetime) -> str:
    """A moment on screen, in local time to the minute: 2024-03-05 14:30."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{local:%Y-%m-%d %H:%M}"


def document_date(day: date) -> str:
    """A date as a Chinese official document writes it: 2024年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_time(moment: datetime) -> str:
    """A moment in a printed document, in local time: 2024年3月5日 14:30."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{document_date(local.date())} {local:%H:%M}"


def iso_date(day: date) -> str:
    """A date for machines (JSON, file contents): 2024-03-05."""
    return day.isoformat()


def iso_time(moment: datetime) -> str:
    """A moment for machines: ISO 8601 with its offset when it has one."""
    return moment.isoformat()
