"""How values and user text are printed in PDF reports: escaped for reportlab's paragraph markup (line breaks
kept, control characters dropped), and table cell values (numbers and dates through core.common.formatting,
so a printed figure reads as it does on screen)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape as _xml_escape

from core.common import formatting

Cell = str | int | Decimal | date | None

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: object) -> str:
    """Escape &, < and > so that text is printed literally inside reportlab Paragraph markup."""
    return _xml_escape(str(text))


def markup(text: object) -> str:
    """Escaped text with line breaks kept; control characters (never printable) are dropped."""
    cleaned = _CONTROL_CHARS.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return "<br/>".join(escape(line) for line in cleaned.split("\n"))


def cell_text(value: Cell) -> str:
    """How a table cell value is printed: Decimals keep their own places, ints stay plain (years, codes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return formatting.number(value, formatting.places_of(value))
    if isinstance(value, datetime):
        return formatting.document_time(value)
    if isinstance(value, date):
        return formatting.document_date(value)
    return str(value)


def is_number(value: Cell) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)
