"""How published goal tables write what the standard form writes otherwise, read into the standard form, for
every reader of goal tables (the goals import, the pre-review): level labels of the indicator tree (产出值,
实施效果指标, 数量指标（必填）, a merged 一级 cell left blank) placed in the standard tree by the shipped mapping
(resources/reference/indicator_levels.json), and the unit in the indicator's name when the value is a bare
number ("实施营造林总面积(亩)" = 80000). Deadlines are the notation's (core.goals.rules.notation.is_deadline).
Each reading has the one note wording its readers show."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache

from core.common.labels import INDICATOR_TREE
from core.goals.rules.notation import IndicatorValue, format_decimal, normalise_text
from resources import path as resource_path

LEVELS_FILE = ("reference", "indicator_levels.json")
LEVEL2_PARENT = {level2: level1 for level1, level2s in INDICATOR_TREE.items() for level2 in level2s}
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_NAME_UNIT = re.compile(r"[（(]([^（）()]{1,10})[）)]\s*$")
_UNIT_NOISE = re.compile(r"[≥≤><=*＊xX×\s]+")
_UNIT_OK = re.compile(r"^[\u4e00-\u9fffA-Za-z%‰²³㎡/·]{1,6}$")


@lru_cache(maxsize=1)
def level_labels() -> tuple[dict[str, str], dict[str, str]]:
    """The shipped mapping of common level labels: (一级 label → 一级, 二级 label → 二级)."""
    with resource_path(*LEVELS_FILE).open(encoding="utf-8") as f:
        data = json.load(f)
    return dict(data["level1"]), dict(data["level2"])


def _clean_label(label: str | None) -> str:
    return _BRACKETED.sub("", "".join(normalise_text(label or "").split()))


def standard_levels(level1: str | None, level2: str | None) -> tuple[str, str] | None:
    """The standard (一级, 二级) of labels as written; None when they cannot be placed in the tree (an unknown
    label, or a 二级 under another 一级: a wrong tree stays a finding or a problem)."""
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


def standard_level1(level1: str | None) -> str | None:
    """The standard 一级 of a 一级 label as written, on its own (for a row whose 二级 cannot be placed)."""
    label = _clean_label(level1)
    return label if label in INDICATOR_TREE else level_labels()[0].get(label)


def level_note(level1: str | None, level2: str | None, standard: tuple[str, str]) -> str:
    """The line saying how labels as written were placed in the tree."""
    return f"层级“{level1 or '（空）'}/{level2 or '（空）'}”按“{standard[0]}/{standard[1]}”归类"


def unit_in_name(name: str | None) -> str | None:
    """The unit written in brackets at the end of an indicator's name: "营造林总面积(亩)" → "亩",
    "苗木成活率(≥**%)" → "%"; None when the brackets hold no unit."""
    m = _NAME_UNIT.search(normalise_text(name or ""))
    if m is None:
        return None
    unit = _UNIT_NOISE.sub("", m.group(1))
    return unit if _UNIT_OK.match(unit) else None


def with_unit_from_name(value: IndicatorValue, name: str | None) -> tuple[IndicatorValue, str]:
    """A number written without a unit takes the unit of the indicator's name, with the note saying so; any
    other value (with a unit, qualitative, or a name without one) comes back as it is with an empty note."""
    if value.comparator == "qual" or value.target is None or (value.unit_of_measure or "").strip():
        return value, ""
    named = unit_in_name(name)
    if named is None:
        return value, ""
    return (replace(value, unit_of_measure=named),
            f"指标值 {format_decimal(value.target)} 未填单位，按指标名称中的“{named}”读取")
