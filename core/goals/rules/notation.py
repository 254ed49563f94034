"""The one-string indicator value notation of the paper forms ("≥50个", "≤90万元", "=100%", "定性: 明显改善"):
parse it from what clerks type (full-width, words such as 不低于, spaces, thousands separators) and print it back."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.common.labels import COMPARATORS

EXAMPLE = "“≥50个”“≤90万元”“=100%”“2025年11月30日前”或“定性: 明显改善”"

# Symbols outside the full-width block (U+FF01-FF5E) that clerks' input methods produce.
_CHAR_MAP = {
    "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
    "≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "﹪": "%", "﹤": "<", "﹥": ">", "﹦": "=",
    "−": "-", "－": "-", "﹣": "-", "﹐": ",", "﹕": ":", "﹒": ".",
}

# Written comparators, longest first so that "大于等于" wins over "大于". A bare number means "=".
_COMPARATOR_WORDS: tuple[tuple[str, str], ...] = tuple(sorted((
    (">=", ">="), ("=>", ">="), ("≥=", ">="), ("≥", ">="), ("≮", ">="),
    ("<=", "<="), ("=<", "<="), ("≤=", "<="), ("≤", "<="), ("≯", "<="),
    ("==", "="), ("=", "="), (">", ">"), ("<", "<"),
    ("大于等于", ">="), ("大于或等于", ">="), ("不低于", ">="), ("不少于", ">="), ("不小于", ">="),
    ("至少", ">="), ("达到", ">="),
    ("小于等于", "<="), ("小于或等于", "<="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="),
    ("不大于", "<="), ("至多", "<="), ("控制在", "<="),
    ("大于", ">"), ("高于", ">"), ("多于", ">"), ("超过", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), ("等于", "="),
), key=lambda pair: -len(pair[0])))

# Suffixes after the unit: "95%以上" means ≥ 95%, "15天以内" means ≤ 15 天.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
)
_QUAL_PREFIX = re.compile(r"^定性\s*[:：]?\s*")
_NUMBER = re.compile(r"^([+-]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
# What may stand in a unit: CJK, letters, and the few symbols units use (万元/公里, m², ℃, ‰, (含)).
_UNIT_CHARS = re.compile(r"^[\u4e00-\u9fffA-Za-z%‰°℃²³㎡㎞㎏/·()（）]+$")
_MAX_UNIT = 16
_CJK_START = re.compile(r"[\u4e00-\u9fff]")


class NotationError(ValueError):
    """An indicator value that cannot be read; the message is Chinese and names the text."""


@dataclass(frozen=True)
class IndicatorValue:
    """A parsed indicator value: comparator (">=", "<=", "=", ">", "<", "qual"), a number or a phrase, a unit."""

    comparator: str
    target: Decimal | None = None
    target_text: str | None = None
    unit_of_measure: str | None = None


# One table for str.translate: the full-width block (FF01-FF5E) shifted to ASCII, and the other look-alikes above.
_NORMALISE = {ord(ch): to for ch, to in _CHAR_MAP.items()} | {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}


def normalise_text(s: str) -> str:
    """Full-width digits, letters, symbols and spaces → half-width (NFKC-like); Chinese characters and
    Chinese punctuation outside the full-width block (、。“”) stay as they are."""
    return s.translate(_NORMALISE)


def normalise_unit(unit: str | None) -> str | None:
    """A unit without spaces and with half-width symbols ("公 里" → "公里", "％" → "%"); empty → None."""
    if unit is None:
        return None
    cleaned = re.sub(r"\s+", "", normalise_text(unit))
    return cleaned or None


def format_decimal(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 1.2E+3 → "1200", 98.50 → "98.5", -0 → "0"."""
    if d == 0:
        return "0"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _error(text: str, problem: str) -> NotationError:
    return NotationError(f"指标值“{text}”{problem}，请按{EXAMPLE}的格式填写。")


def _split_comparator(s: str) -> tuple[str | None, str]:
    for word, comparator in _COMPARATOR_WORDS:
        if s.startswith(word):
            return comparator, s[len(word):].lstrip()
    return None, s


def _split_suffix(unit: str) -> tuple[str, str | None, str]:
    for word, comparator in _SUFFIXES:
        if unit.endswith(word):
            return unit[: -len(word)], comparator, word
    return unit, None, ""


# --- deadlines (时效指标: "2025年11月30日前", "11月底前完成", "第三季度", "2023年底", "2023.07-2024.01") -------

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DONE = r"(?:前|之前|以前|前完成|完成|内完成|内|止|截止|为止)?(?:完成|完工|交工|验收|结束)?(?:任务)?"
_YMD = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*" + _DONE + "$")
_YM = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(底|末|份|下旬|中旬|上旬)?\s*" + _DONE + "$")
_QUARTER = re.compile(r"^(?:(\d{4})\s*年\s*)?(?:第\s*)?([一二三四1-4])\s*季度\s*(?:末|底)?\s*" + _DONE + "$")
_YEAR_END = re.compile(r"^(?:(\d{4})\s*年|年)\s*(?:底|末|内|度内)\s*" + _DONE + "$")
_HALF = re.compile(r"^(?:(\d{4})\s*年\s*)?(上|下)半年\s*" + _DONE + "$")
_PERIOD = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?\s*(?:[-~—–至到]+)\s*(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$")
_YEAR_MONTH_DOTTED = re.compile(r"^(\d{4})\s*[.\-/]\s*(\d{1,2})(?:\s*[.\-/]\s*(\d{1,2}))?\s*" + _DONE + "$")
# A period written in words: "2025年10月-12月", "2025年1月1日-4月30日", "2024年10月至2025年3月".
_CN_PERIOD = re.compile(r"^(\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?\s*[-~—–至到]+\s*"
                        r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?$")
# A deadline that recurs ("每月10日前", "每季度末", "每季度结束后15日内", "每学期开学后2个月内"): a time limit each
# period, no single date; read as its text like the others.
_RECURRING = re.compile(r"^每个?(?:月|季度?|学期|半年|年|周)\S{0,12}?(?:前|内|末|底)(?:完成)?$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _deadline(s: str, year: int) -> date | None:
    """The date a normalised value names, with `year` for the forms that do not write one; None when none."""
    s = "".join(s.split())
    if m := _PERIOD.match(s):
        return _month_end(int(m[3]), int(m[4]))
    if m := _CN_PERIOD.match(s):
        y, mo = int(m[2] or m[1]), int(m[3])
        return date(y, mo, int(m[4])) if m[4] else _month_end(y, mo)
    if m := _YEAR_MONTH_DOTTED.match(s):
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, int(m[3])) if m[3] else _month_end(y, mo)
    if m := _YMD.match(s):
        return date(int(m[1] or year), int(m[2]), int(m[3]))
    if m := _YM.match(s):
        y, mo = int(m[1] or year), int(m[2])
        if m[3] is None and re.search(r"月(?:之|以)?前", s):  # "11月前完成": before November
            return _month_end(y - 1, 12) if mo == 1 else _month_end(y, mo - 1)
        if m[3] == "上旬":
            return date(y, mo, 10)
        if m[3] == "中旬":
            return date(y, mo, 20)
        return _month_end(y, mo)
    if m := _QUARTER.match(s):
        return _month_end(int(m[1] or year), 3 * _CN_DIGITS[m[2]])
    if m := _YEAR_END.match(s):
        return date(int(m[1] or year), 12, 31)
    if m := _HALF.match(s):
        return _month_end(int(m[1] or year), 6 if m[2] == "上" else 12)
    return None


def deadline_of(text: str | None, year: int) -> date | None:
    """The deadline a time indicator's value names ("2025年11月30日前" → 2025-11-30, "11月底前完成" → the 30th of
    November of `year`, "11月前" → 31 October, "第三季度" → 30 September, "2023年底" → 31 December 2023,
    "2023.07-2024.01" → 31 January 2024, "2025年1月1日-4月30日" → 30 April 2025); None when the value is not a
    date, a month, a quarter, a year's end or a period, names a day that does not exist ("2月30日"), or recurs
    ("每月10日前", see `is_recurring`)."""
    try:
        return _deadline(normalise_text(text or "").strip(), year)
    except (ValueError, KeyError):
        return None


def is_deadline(text: str | None) -> bool:
    """Whether a value is written as a deadline (see `deadline_of`), valid or not; such a value is read as its
    text, never as a number with the rest of the date for its unit ("2023年底" is not 2023 of unit 年底)."""
    s = "".join(normalise_text(text or "").split())
    if any(p.match(s) for p in (_YMD, _YM, _QUARTER, _YEAR_END, _HALF, _CN_PERIOD, _RECURRING)):
        return True
    # "2023.07" is a deadline only when it is a real month of a plausible year; "2025.13" stays a number
    dotted = _PERIOD.match(s) or _YEAR_MONTH_DOTTED.match(s)
    return dotted is not None and 1950 <= int(dotted[1]) <= 2100 and deadline_of(s, 2000) is not None


def is_recurring(text: str | None) -> bool:
    """Whether a value is a deadline that recurs each month, quarter or term ("每月10日前"): a deadline without
    a single date (`deadline_of` gives None)."""
    return bool(_RECURRING.match("".join(normalise_text(text or "").split())))


def parse_indicator_value(text: str) -> IndicatorValue:
    """Read one indicator value. A bare number ("50", "100%") means "="; text without a comparator that does
    not start with a number ("明显改善") is qualitative, as is anything after "定性:". A deadline ("2025年11月30日
    前", "第三季度", see `deadline_of`) is kept as the text the clerk wrote (comparator "qual": the stored form
    has no date column), never as a number whose unit is the rest of the date. Raises NotationError."""
    s = normalise_text(text or "").strip()
    if not s:
        raise _error(text or "", "为空，没有填写指标值")
    if is_deadline(s):
        if deadline_of(s, 2000) is None and not is_recurring(s):  # a leap day: checked against the table's year
            raise _error(text, "不是有效的日期")
        return IndicatorValue("qual", None, s, None)
    qual = _QUAL_PREFIX.match(s)
    if qual:
        phrase = s[qual.end():].strip()
        if not phrase:
            raise _error(text, "标为定性但缺少指标值描述（如“明显改善”）")
        return IndicatorValue("qual", None, phrase, None)
    comparator, rest = _split_comparator(s)
    number = _NUMBER.match(rest)
    if number is None:
        if comparator is None or _CJK_START.match(s):
            # "达到国家标准", "高于上年": a comparator word before a phrase is plain qualitative wording
            return IndicatorValue("qual", None, s, None)
        if re.search(r"\d", rest):
            raise _error(text, "的比较符号后应直接跟数值")
        raise _error(text, "只有比较符号，缺少数值")
    sign, digits, fraction = number.groups()
    try:
        target = Decimal(sign + digits.replace(",", "") + (fraction or ""))
    except InvalidOperation as exc:  # the pattern admits only valid numbers; kept for safety
        raise _error(text, "的数值无法识别") from exc
    tail = rest[number.end():]
    unit = re.sub(r"\s+", "", tail)
    if re.match(r"^[.,]\d", unit):
        raise _error(text, "的数值格式不正确（千位分隔符应每三位一个，小数点只能有一个）")
    if re.search(r"\d", unit):
        raise _error(text, "含有多个数值，只能填写一个目标值（区间请取下限或上限）")
    unit, implied, word = _split_suffix(unit)
    if implied is not None:
        if comparator is not None and comparator != implied:
            raise _error(text, f"的比较符号与“{word}”矛盾")
        comparator = implied
    if unit and (not _UNIT_CHARS.match(unit) or len(unit) > _MAX_UNIT):
        raise _error(text, f"中数值后的“{tail.strip()}”不是有效的计量单位")
    return IndicatorValue(comparator or "=", target, None, unit or None)


def format_indicator_value(v: IndicatorValue) -> str:
    """Print a value as the forms write it: "≥50个", "≤90万元", "=100%"; a qualitative value is its text
    (prefixed "定性: " only when the text itself would read back as a number, e.g. "100%完成")."""
    if v.comparator == "qual":
        phrase = (v.target_text or "").strip()
        try:
            if parse_indicator_value(phrase) == IndicatorValue("qual", None, phrase, None):
                return phrase
        except NotationError:
            pass
        return f"定性: {phrase}"
    if v.comparator not in COMPARATORS:
        raise NotationError(f"指标性质“{v.comparator}”无法识别，应为 ≥、≤、=、>、< 或 定性。")
    if v.target is None:
        raise NotationError(f"指标值缺少数值（指标性质“{COMPARATORS[v.comparator]}”），请按{EXAMPLE}的格式填写。")
    return f"{COMPARATORS[v.comparator]}{format_decimal(v.target)}{normalise_unit(v.unit_of_measure) or ''}"


@functools.lru_cache(maxsize=16384)  # the pre-review folds the same indicator names again and again
def norm(text: str | None) -> str:
    """Text folded for comparison (full/half width, spaces, case)."""
    return "".join(normalise_text(text or "").split()).lower()
