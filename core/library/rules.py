"""The indicator library (指标库): common 三级 indicators by sector with unit, comparator, typical range and
unit cost, read from reference data; search for the editor and `best_match` for the review rules."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from core.common.labels import COMPARATORS, INDICATOR_TREE
from core.goals.rules.notation import normalise_text, normalise_unit
from resources import path as resource_path

LIBRARY_FILE = ("reference", "indicator_library.json")
DEFAULT_THRESHOLD = Decimal("0.34")
SECTOR_BONUS = Decimal("0.05")

# Spellings of the same unit of measure that clerks use interchangeably.
_UNIT_SYNONYMS = {
    "㎡": "平方米", "m2": "平方米", "m²": "平方米", "平米": "平方米",
    "km": "公里", "千米": "公里", "㎞": "公里",
    "km2": "平方公里", "km²": "平方公里", "㎢": "平方公里",
    "t": "吨", "kg": "千克", "公斤": "千克", "㎏": "千克",
    "台(套)": "台", "台/套": "台", "台套": "台",
}
_NAME_NOISE = re.compile(r"[\s\-_.,:;()\[\]“”\"'、，。：；（）《》<>]+")


@dataclass(frozen=True)
class LibraryIndicator:
    """One library entry; numbers are exact Decimals, unit costs in 万元 per unit of measure."""

    id: str
    sector: str
    level1: str
    level2: str
    name: str
    comparator: str
    unit: str | None
    typical_min: Decimal | None
    typical_max: Decimal | None
    unit_cost_min_wan: Decimal | None
    unit_cost_max_wan: Decimal | None
    scoring: str
    note: str | None


def _fail(n: int, entry_id: str, field: str, problem: str) -> ValueError:
    return ValueError(f"指标库第 {n} 条（{entry_id or '无编号'}）的字段 {field}：{problem}")


def _text(raw: Mapping[str, Any], n: int, entry_id: str, field: str, required: bool) -> str | None:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail(n, entry_id, field, "不能为空")
        return None
    if not isinstance(value, str):
        raise _fail(n, entry_id, field, f"应为文字，实际为 {value!r}")
    return value.strip()


def _number(raw: Mapping[str, Any], n: int, entry_id: str, field: str) -> Decimal | None:
    value = raw.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(n, entry_id, field, f"数值应写成字符串（精确小数），实际为 {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _fail(n, entry_id, field, f"“{value}”不是数值") from exc
    if not number.is_finite():
        raise _fail(n, entry_id, field, f"“{value}”不是有限数值")
    return number


def _entry(raw: Any, n: int) -> LibraryIndicator:
    if not isinstance(raw, Mapping):
        raise ValueError(f"指标库第 {n} 条不是对象（应为 {{\"id\": …, \"name\": …}}）")
    raw_id = raw.get("id")
    entry_id = raw_id if isinstance(raw_id, str) else ""
    texts = {f: _text(raw, n, entry_id, f, True) for f in ("id", "sector", "level1", "level2", "name",
                                                          "comparator", "scoring")}
    level1, level2, comparator = texts["level1"], texts["level2"], texts["comparator"]
    if level1 not in INDICATOR_TREE:
        raise _fail(n, entry_id, "level1", f"“{level1}”不是一级指标（{'、'.join(INDICATOR_TREE)}）")
    if level2 not in INDICATOR_TREE[level1]:
        raise _fail(n, entry_id, "level2", f"“{level2}”不属于{level1}（{'、'.join(INDICATOR_TREE[level1])}）")
    if comparator not in COMPARATORS:
        raise _fail(n, entry_id, "comparator", f"“{comparator}”无法识别，应为 {'、'.join(COMPARATORS)}")
    nums = {f: _number(raw, n, entry_id, f)
            for f in ("typical_min", "typical_max", "unit_cost_min_wan", "unit_cost_max_wan")}
    lo, hi = nums["typical_min"], nums["typical_max"]
    if comparator == "qual" and (lo is not None or hi is not None):
        raise _fail(n, entry_id, "typical_min", "定性指标不应有数值区间")
    if lo is not None and hi is not None and lo > hi:
        raise _fail(n, entry_id, "typical_min", f"下限 {lo} 大于上限 {hi}")
    cost_lo, cost_hi = nums["unit_cost_min_wan"], nums["unit_cost_max_wan"]
    if (cost_lo is None) != (cost_hi is None):
        raise _fail(n, entry_id, "unit_cost_min_wan", "单位成本上下限应同时填写或同时为空")
    if cost_lo is not None and cost_hi is not None:
        if level2 != "数量指标":
            raise _fail(n, entry_id, "unit_cost_min_wan", f"只有数量指标才有单位成本，本条是{level2}")
        if cost_lo <= 0:
            raise _fail(n, entry_id, "unit_cost_min_wan", f"单位成本下限 {cost_lo} 应大于 0")
        if cost_lo > cost_hi:
            raise _fail(n, entry_id, "unit_cost_min_wan", f"单位成本下限 {cost_lo} 大于上限 {cost_hi}")
    return LibraryIndicator(
        id=texts["id"] or "", sector=texts["sector"] or "", level1=level1 or "", level2=level2 or "",
        name=texts["name"] or "", comparator=comparator or "",
        unit=normalise_unit(_text(raw, n, entry_id, "unit", False)),
        typical_min=lo, typical_max=hi, unit_cost_min_wan=cost_lo, unit_cost_max_wan=cost_hi,
        scoring=texts["scoring"] or "", note=_text(raw, n, entry_id, "note", False),
    )


def parse_library(data: dict | list) -> list[LibraryIndicator]:
    """Validate and read a library: a list of entries or {"indicators": [...]}; ValueError names id and field."""
    rows = data.get("indicators") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ValueError("指标库格式不正确：应为指标列表，或含 \"indicators\" 列表的对象")
    entries: list[LibraryIndicator] = []
    seen: set[str] = set()
    for n, raw in enumerate(rows, 1):
        entry = _entry(raw, n)
        if entry.id in seen:
            raise _fail(n, entry.id, "id", f"编号“{entry.id}”重复")
        seen.add(entry.id)
        entries.append(entry)
    return entries


@lru_cache(maxsize=1)
def _default_library() -> tuple[LibraryIndicator, ...]:
    with resource_path(*LIBRARY_FILE).open(encoding="utf-8") as f:
        return tuple(parse_library(json.load(f)))


def load_default_library() -> list[LibraryIndicator]:
    """The library shipped in resources/reference/indicator_library.json (read once, then cached)."""
    return list(_default_library())


def _fold(text: str | None) -> str:
    return re.sub(r"\s+", "", normalise_text(text or "")).casefold()


def search(library: Iterable[LibraryIndicator], text: str = "", sector: str | None = None,
           level1: str | None = None) -> list[LibraryIndicator]:
    """Entries whose name, note or id contains `text` (ignoring case, width and spaces), optionally of one
    sector and one 一级指标; library order is kept."""
    needle = _fold(text)
    return [e for e in library
            if (sector is None or e.sector == sector) and (level1 is None or e.level1 == level1)
            and (not needle or needle in _fold(e.name) or needle in _fold(e.note) or needle in _fold(e.id))]


@lru_cache(maxsize=4096)  # pure, and called for every library entry of every indicator a review looks up
def canonical_unit(unit: str | None) -> str | None:
    """A unit in one spelling for comparison: "㎡"/"m2"/"平米" → "平方米", "km"/"千米" → "公里"."""
    cleaned = normalise_unit(unit)
    if cleaned is None:
        return None
    return _UNIT_SYNONYMS.get(cleaned.casefold(), cleaned)


@lru_cache(maxsize=65536)
def _bigrams(name: str) -> frozenset[str]:
    text = _NAME_NOISE.sub("", normalise_text(name)).casefold()
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def name_similarity(a: str, b: str) -> Decimal:
    """Dice coefficient of the character bigrams of two names, 0 (nothing shared) to 1 (same bigrams)."""
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    if not grams_a or not grams_b:
        return Decimal(0)
    return Decimal(2 * len(grams_a & grams_b)) / Decimal(len(grams_a) + len(grams_b))


def best_match(library: Iterable[LibraryIndicator], sector: str | None, name: str, unit: str | None,
               threshold: Decimal = DEFAULT_THRESHOLD) -> LibraryIndicator | None:
    """The entry an indicator most likely corresponds to: among entries with the same unit (any unit when
    `unit` is empty), the highest bigram similarity of names, a small bonus for the same sector; None when
    the best similarity is below `threshold`."""
    wanted = canonical_unit(unit)
    best: tuple[Decimal, LibraryIndicator] | None = None
    for entry in library:
        if wanted is not None and canonical_unit(entry.unit) != wanted:
            continue
        similarity = name_similarity(name, entry.name)
        if similarity < threshold:
            continue
        score = similarity + (SECTOR_BONUS if sector and entry.sector == sector else 0)
        if best is None or score > best[0]:
            best = (score, entry)
    return best[1] if best else None
