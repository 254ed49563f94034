"""Text measures the pre-review rules share: the content words of a name or a text (character bigrams once
generic words are taken out), the quantities a goal text names ("改造农村公路50公里", "营造林8万亩"), and how
alike two texts are once the years are taken out (a table copied from last year changes 2024 into 2025)."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from decimal import Decimal

from core.goals.rules.notation import normalise_text

_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
_YEARS = re.compile(r"(19|20)\d{2}\s*(年度|年|-|—|～|~)?")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万(?!元))?\s*")


def grams(text: str | None, generic: Iterable[str] = ()) -> frozenset[str]:
    """Bigrams of the Chinese runs of `text` after the `generic` words (longest first) are cut out."""
    return _grams(text or "", tuple(generic))


@functools.lru_cache(maxsize=8192)
def _grams(text: str, generic: tuple[str, ...]) -> frozenset[str]:
    # Cached: a year's pre-review asks for the same indicator names and generic words thousands of times.
    s = normalise_text(text)
    for word in _longest_first(generic):
        s = s.replace(word, " ")
    out: set[str] = set()
    for run in _NOT_CJK.split(s):
        out.update(run[k:k + 2] for k in range(len(run) - 1))
    return frozenset(out)


@functools.lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def quantities(text: str | None, units: Iterable[str]) -> list[tuple[Decimal, str]]:
    """(number, unit) pairs a text names with one of `units`, 万 folded into the number (8万亩 → 80000 亩);
    a longer unit wins over its prefix (人次 over 人); "各1辆", "每户2000元" are rates per item, not totals."""
    known = sorted(units, key=len, reverse=True)
    s = normalise_text(text or "")
    out: list[tuple[Decimal, str]] = []
    for m in _NUMBER.finditer(s):
        rest = s[m.end():]
        unit = next((u for u in known if rest.startswith(u)), None)
        if unit is not None and not s[:m.start()].rstrip().endswith(("各", "每")):
            out.append(base_quantity(Decimal(m.group(1).replace(",", "")) * (10000 if m.group(2) else 1), unit))
    return out


def base_quantity(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """万亩 8 → 亩 80000: a unit with the 万 prefix in its base unit, so a goal and an indicator compare."""
    if unit.startswith("万") and len(unit) > 1 and unit != "万元":
        return value * 10000, unit[1:]
    return value, unit


def similarity(a: str | None, b: str | None) -> Decimal:
    """How alike two texts are (0-1) once spaces and years are taken out: 1 for a copy with the year changed."""
    fa, fb = (_YEARS.sub("", "".join(normalise_text(x or "").split())) for x in (a, b))
    if not fa and not fb:
        return Decimal(1)
    return Decimal(str(round(difflib.SequenceMatcher(None, fa, fb, autojunk=False).ratio(), 4)))
