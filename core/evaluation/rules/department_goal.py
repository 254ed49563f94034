"""The department overall evaluation against the approved department goal table (部门整体绩效目标): a rule item
of the sheet whose indicator the table sets (a percentage with ≥/> on a floor rule, ≤/< on a ceiling rule, and a
name sharing at least half its word pairs with the item's) takes that indicator's target as its limit. Pure."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.goals.rules.department import COVERED_SHARE, word_pairs
from core.goals.rules.goal_table import IndicatorRow

DIRECTIONS = {"floor": (">=", ">"), "ceiling": ("<=", "<")}


@dataclass(frozen=True)
class TargetUse:
    """Which item took which indicator's target, for the sheet to show."""

    item_key: str
    item_name: str
    indicator: str
    framework_limit: Decimal
    target: Decimal


def _similar(a: str, b: str) -> bool:
    pa, pb = word_pairs(a), word_pairs(b)
    if not pa or not pb:
        return False
    shared = Decimal(len(pa & pb))
    return shared / Decimal(min(len(pa), len(pb))) >= COVERED_SHARE


def _match(item: dict[str, Any], indicators: tuple[IndicatorRow, ...]) -> IndicatorRow | None:
    rule = item.get("rule") or {}
    wanted = DIRECTIONS.get(rule.get("kind", ""))
    if wanted is None or "limit" not in rule:
        return None
    for row in indicators:
        if (row.comparator in wanted and row.target is not None and (row.unit_of_measure or "") == "%"
                and _similar(item["name"], row.name)):
            return row
    return None


def with_goal_targets(framework: dict[str, Any], indicators: tuple[IndicatorRow, ...]
                      ) -> tuple[dict[str, Any], tuple[TargetUse, ...]]:
    """A copy of the department framework whose matching rule items take the goal table's targets as limits."""
    out = copy.deepcopy(framework)
    used = []
    for item in out["items"]:
        row = _match(item, indicators)
        if row is None or row.target is None:
            continue
        limit = Decimal(item["rule"]["limit"])
        item["rule"]["limit"] = str(row.target)
        item["goal_indicator"] = row.name
        used.append(TargetUse(item["key"], item["name"], row.name, limit, row.target))
    return out, tuple(used)
