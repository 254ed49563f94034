"""How values and user text are printed in PDF reports: escaped for reportlab's paragraph markup (line breaks
kept, control characters dropped), amounts with thousands separators rounded half up, dates as official
documents write them, and table cell values."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape as _xml_escape

Cell = str | int | Decimal | date | None

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: object) -> str:
    """Escape &, < and > so that text is printed literally inside reportlab Paragraph markup."""
    return _xml_escape(str(text))


def markup(text: object) -> str:
    """Escaped text with line breaks kept; control characters (never printable) are dropped."""
    cleaned = _CONTROL_CHARS.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return "<br/>".join(escape(line) for line in cleaned.split("\n"))


def fmt_amount(value: Decimal, places: int = 2) -> str:
    """Decimal with thousands separators, rounded half up (四舍五入) to `places`: 1234.5 -> '1,234.50'."""
    if not value.is_finite():
        return str(value)
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def fmt_cn_date(day: date) -> str:
    """The date as written in a Chinese official document: 2024年12月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def cell_text(value: Cell) -> str:
    """How a table cell value is printed: Decimals keep their own places, ints stay plain (years, codes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt_amount(value, max(0, -int(value.as_tuple().exponent))) if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_number(value: Cell) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)
