"""How published goal tables write what the standard form writes otherwise, read into the standard form:
level labels of the indicator tree (产出值, 实施效果指标, 数量指标（必填）), the unit in the indicator's name
when the value is a bare number ("实施营造林总面积(亩)" = 80000), and deadlines ("2025年11月30日前",
"11月底前完成", "第三季度", "2023年底", "2023.07-2024.01"). The engine reads every table through
`normalise`, so each rule sees the standard form, and each indicator read differently carries a note."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache

from core.common.labels import INDICATOR_TREE
from core.goals.rules.notation import format_decimal, normalise_text
from core.review.rules.model import IndicatorView, TableView
from resources import path as resource_path

LEVELS_FILE = ("reference", "indicator_levels.json")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_NAME_UNIT = re.compile(r"[（(]([^（）()]{1,10})[）)]\s*$")
_UNIT_NOISE = re.compile(r"[≥≤><=*＊xX×\s]+")
_UNIT_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z%‰²³㎡/·]{1,6}$")
# A date, a month with or without day, a quarter, a dotted year-month, or the end of the year: the forms a
# time indicator's value takes in published tables. A value holding one is a measurable milestone.
_DEADLINE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月|(?<![\d个])\d{1,2}\s*月\s*(\d{1,2}\s*日|底|末|上旬|中旬|下旬|前|内)?"
    r"|\d{4}\s*年\s*(底|末|内)|第?[一二三四1-4]\s*季度|\d{4}\s*[.\-/]\s*\d{1,2}(?!\d)|年底|年末|年内"
    r"|\d{1,3}\s*个?\s*(工作日|日|天)\s*(内|前)|季度?(末|底|内)|每月|每季度|每学期|汛前")
# A number whose "unit" is the rest of a date: "2023年底" read as 2023 年底, "11月底前完成" as 11 月底前完成.
_DATE_UNIT = re.compile(r"^[年月](底|末|内|前|上旬|中旬|下旬)")
LEVEL2_PARENT = {level2: level1 for level1, level2s in INDICATOR_TREE.items() for level2 in level2s}


@lru_cache(maxsize=1)
def level_labels() -> tuple[dict[str, str], dict[str, str]]:
    """The shipped mapping of common level labels: (一级 label → 一级, 二级 label → 二级)."""
    with resource_path(*LEVELS_FILE).open(encoding="utf-8") as f:
        data = json.load(f)
    return dict(data["level1"]), dict(data["level2"])


def _clean_label(label: str) -> str:
    return _BRACKETED.sub("", "".join(normalise_text(label or "").split()))


def standard_levels(level1: str, level2: str) -> tuple[str, str] | None:
    """The standard (一级, 二级) of labels as written; None when they cannot be placed in the tree (an unknown
    二级, or a 二级 under another 一级: a wrong tree stays a finding)."""
    map1, map2 = level_labels()
    l1, l2 = _clean_label(level1), _clean_label(level2)
    std2 = l2 if l2 in LEVEL2_PARENT else map2.get(l2)
    if std2 is None:
        return None
    std1 = l1 if l1 in INDICATOR_TREE else map1.get(l1)
    if std1 is None and not l1:
        std1 = LEVEL2_PARENT[std2]  # split cells: the 一级 written only on the first row of its block
    if std1 is None or std2 not in INDICATOR_TREE[std1]:
        return None
    return std1, std2


def unit_in_name(name: str) -> str | None:
    """The unit written in brackets at the end of an indicator's name: "营造林总面积(亩)" → "亩",
    "苗木成活率(≥**%)" → "%"; None when the brackets hold no unit."""
    m = _NAME_UNIT.search(normalise_text(name or ""))
    if m is None:
        return None
    unit = _UNIT_NOISE.sub("", m.group(1))
    return unit if _UNIT_OK.match(unit) else None


def is_deadline(text: str | None) -> bool:
    """Whether a value names a date, month, quarter or period ("2025年11月30日前", "第三季度")."""
    return bool(_DEADLINE.search(normalise_text(text or "")))


def _read(i: IndicatorView) -> IndicatorView:
    notes: list[str] = []
    changes: dict[str, object] = {}
    levels = standard_levels(i.level1, i.level2)
    if levels is not None and levels != (i.level1, i.level2):
        changes.update(level1=levels[0], level2=levels[1])
        notes.append(f"层级“{i.level1 or '（空）'}/{i.level2}”按“{levels[0]}/{levels[1]}”归类")
    unit = (i.unit_of_measure or "").strip()
    if i.comparator != "qual" and isinstance(i.target, Decimal) and _DATE_UNIT.match(unit):
        text = f"{format_decimal(i.target)}{unit}"
        changes.update(comparator="qual", target=None, target_text=text, unit_of_measure=None)
        notes.append(f"“{text}”按完成时限读取，而不是数值 {format_decimal(i.target)}、单位“{unit}”")
    elif i.comparator != "qual" and isinstance(i.target, Decimal) and not unit:
        named = unit_in_name(i.name)
        if named is not None:
            changes["unit_of_measure"] = named
            notes.append(f"指标值 {format_decimal(i.target)} 未填单位，按指标名称中的“{named}”读取")
    if not notes:
        return i
    return replace(i, **changes, read_note="；".join(notes))  # type: ignore[arg-type]


def normalise(table: TableView) -> TableView:
    """The table with every indicator in the standard form; unchanged indicators are the same objects."""
    read = tuple(_read(i) for i in table.indicators)
    if all(a is b for a, b in zip(read, table.indicators, strict=True)):
        return table
    return replace(table, indicators=read)
