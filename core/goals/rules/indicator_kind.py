"""The kind of an indicator (指标类型, DOMAIN.md §3) inferred from its unit, value and wording: 累计型 for counts
and quantities that grow over the year, 比率型 for rates and shares, 时点型 for deadlines and milestones, 定性
for a phrase judged by level. An indicator the word lists do not decide (or decide two ways) gets no kind: it is
待定 and a person chooses, nothing is guessed. The word lists are reference data
(resources/reference/indicator_kinds.json).

A kind a person chose (`IndicatorRow.kind_chosen`) is kept; any other kind is re-inferred whenever the row is
saved, so an added indicator or a changed value always carries the kind its new content implies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from core.common.labels import INDICATOR_KINDS
from core.goals.rules.goal_table import GoalContent, IndicatorRow
from core.goals.rules.notation import normalise_text, normalise_unit
from db.codes import IndicatorKind
from resources import path as resource_path

KINDS_FILE = ("reference", "indicator_kinds.json")
SATISFACTION_LEVEL1 = "满意度指标"
# A unit written into the indicator's name, as published tables do: "实施营造林总面积（亩）".
_UNIT_IN_NAME = re.compile(r"[(（]\s*([^()（）\d]{1,8})\s*[)）]\s*$")


@dataclass(frozen=True)
class KindLexicon:
    """The word lists of indicator_kinds.json (units already normalised)."""

    rate_units: frozenset[str]
    per_unit_marks: tuple[str, ...]
    milestone_units: frozenset[str]
    time_units: frozenset[str]
    cumulative_units: frozenset[str]
    one_off_units: frozenset[str]
    rate_words: tuple[str, ...]
    cumulative_name_words: tuple[str, ...]
    average_words: tuple[str, ...]
    unit_multipliers: tuple[str, ...]
    time_words: tuple[str, ...]
    count_time_words: tuple[str, ...]
    milestone_name_words: tuple[str, ...]
    milestone_value_patterns: tuple[re.Pattern[str], ...]


def parse_lexicon(data: dict[str, Any]) -> KindLexicon:
    """The lexicon from its JSON form; a missing list is a KeyError naming it."""
    def units(key: str) -> frozenset[str]:
        return frozenset(u for u in (normalise_unit(str(x)) for x in data[key]) if u)

    def words(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in data[key])

    return KindLexicon(
        units("rate_units"), words("per_unit_marks"), units("milestone_units"), units("time_units"),
        units("cumulative_units"), units("one_off_units"), words("rate_words"), words("cumulative_name_words"),
        words("average_words"), words("unit_multipliers"), words("time_words"),
        words("count_time_words"), words("milestone_name_words"),
        tuple(re.compile(p) for p in words("milestone_value_patterns")))


@lru_cache(maxsize=1)
def default_lexicon() -> KindLexicon:
    """The shipped lexicon (resources/reference/indicator_kinds.json), read once."""
    with resource_path(*KINDS_FILE).open(encoding="utf-8") as f:
        return parse_lexicon(json.load(f))


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def unit_of(row: IndicatorRow) -> str | None:
    """The row's unit, or the one its name carries in brackets when the value is a bare number."""
    unit = normalise_unit(row.unit_of_measure)
    if unit is None:
        found = _UNIT_IN_NAME.search(normalise_text(row.name))
        unit = normalise_unit(found.group(1)) if found else None
    return unit


def _base_unit(unit: str, lex: KindLexicon) -> str:
    """件(套) → 件, 万平方米 → 平方米: the unit without its alternative in brackets or its multiplier."""
    base = re.sub(r"[(（][^()（）]*[)）]", "", unit) or unit
    for prefix in lex.unit_multipliers:
        if base.startswith(prefix) and base[len(prefix):] in lex.cumulative_units:
            return base[len(prefix):]
    return base


def _numeric_kind(row: IndicatorRow, unit: str | None, lex: KindLexicon) -> IndicatorKind | None:
    name = re.sub(r"\s+", "", normalise_text(row.name))
    rate_name = _has(name, lex.rate_words) or row.level1 == SATISFACTION_LEVEL1
    average = _has(name, lex.average_words)  # 人均补助, 每公里平均成本: compared directly, never pro-rated
    if unit is None:  # a bare number: only the name can tell, and it must not tell two ways
        quantity_name = _has(name, lex.cumulative_name_words)
        if (rate_name or average) != quantity_name:
            return IndicatorKind.CUMULATIVE if quantity_name else IndicatorKind.RATE
        return None
    if unit in lex.rate_units or unit.endswith("%"):
        return IndicatorKind.RATE
    if unit in lex.milestone_units:
        return IndicatorKind.MILESTONE
    if _has(unit, lex.per_unit_marks):
        return IndicatorKind.RATE  # 元/人, 万元/公里: an average or unit cost, compared directly
    if unit in lex.time_units:
        if _has(name, lex.count_time_words):
            return IndicatorKind.CUMULATIVE  # 培训天数 ≥ 10 天 adds up over the year
        if _has(name, lex.time_words):
            return IndicatorKind.MILESTONE  # 完成时限 ≤ 30 天, 工期 ≤ 6 个月
        return None
    unit = _base_unit(unit, lex)
    if unit in lex.cumulative_units:
        if average:
            return IndicatorKind.RATE
        if rate_name:
            return None  # "达标率 ≥ 95 个": the name and the unit disagree
        if row.target == Decimal(1) and unit in lex.one_off_units:
            return IndicatorKind.MILESTONE  # 建成 1 座: done or not, never 1 ÷ s
        return IndicatorKind.CUMULATIVE
    return IndicatorKind.RATE if rate_name else None


def infer_kind(row: IndicatorRow, lexicon: KindLexicon | None = None) -> IndicatorKind | None:
    """The kind the row's content implies, or None (待定) when the word lists do not decide it."""
    lex = lexicon or default_lexicon()
    if row.comparator == "qual":
        text = normalise_text(row.target_text or "")
        name = normalise_text(row.name)
        if any(p.search(text) for p in lex.milestone_value_patterns) or _has(name, lex.milestone_name_words):
            return IndicatorKind.MILESTONE
        return IndicatorKind.QUALITATIVE
    return _numeric_kind(row, unit_of(row), lex)


def settle_kind(row: IndicatorRow, lexicon: KindLexicon | None = None) -> IndicatorRow:
    """The row with its kind: the one a person chose, else the inferred one (None when undecided)."""
    if row.kind_chosen:
        return row
    kind = infer_kind(row, lexicon)
    return row if row.kind == kind else replace(row, kind=kind)


def settle_kinds(content: GoalContent, lexicon: KindLexicon | None = None) -> GoalContent:
    """`settle_kind` for every indicator of a goal table."""
    rows = tuple(settle_kind(row, lexicon) for row in content.indicators)
    return content if rows == content.indicators else replace(content, indicators=rows)


def read_kind(row: IndicatorRow, label: str | None, lexicon: KindLexicon | None = None) -> IndicatorRow:
    """The row with the kind a workbook's 指标类型 cell gives (a label of INDICATOR_KINDS): blank means inferred;
    a kind other than the inferred one was chosen by a person and is kept as chosen."""
    inferred = settle_kind(replace(row, kind=None, kind_chosen=False), lexicon)
    code = next((c for c, text in INDICATOR_KINDS.items() if text == label), None) if label else None
    if code is None or code == inferred.kind:
        return inferred
    return replace(row, kind=code, kind_chosen=True)


def undecided(content: GoalContent) -> list[int]:
    """Positions (from 1) of the indicators whose kind nobody could infer or has chosen yet."""
    return [i for i, row in enumerate(content.indicators, 1) if row.kind is None]
