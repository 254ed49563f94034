"""What every evaluation service shares: the grade thresholds in force (recorded with each finalised evaluation),
the shipped frameworks of resources/reference/evaluation_frameworks.json, and who may evaluate what."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from core.evaluation.rules.scoring import FrameworkItem, check_grades
from core.org import settings
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from resources import path as resource_path

GRADE_KEYS = (("优", "evaluation.grade_excellent_from"), ("良", "evaluation.grade_good_from"),
              ("中", "evaluation.grade_fair_from"))


def grade_thresholds(session: Session) -> tuple[tuple[str, Decimal], ...]:
    """(label, lower bound) best first, ending with 差 at 0; record it with each finalised evaluation."""
    found = (*tuple((label, Decimal(str(settings.get(session, key)))) for label, key in GRADE_KEYS), ("差", Decimal(0)))
    check_grades(found)
    return found


def thresholds_json(thresholds: tuple[tuple[str, Decimal], ...]) -> str:
    return json.dumps([[label, str(bound)] for label, bound in thresholds], ensure_ascii=False)


def thresholds_from_json(text: str) -> tuple[tuple[str, Decimal], ...]:
    return tuple((label, Decimal(bound)) for label, bound in json.loads(text))


@cache
def frameworks() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("reference", "evaluation_frameworks.json").read_text(encoding="utf-8"))
    return data


def framework_items(raw: list[dict[str, Any]]) -> list[FrameworkItem]:
    return [FrameworkItem(i["key"], i["level1"], i["level2"], i["name"], Decimal(i["weight"]), i.get("standard", ""))
            for i in raw]


def self_weights() -> dict[str, Decimal]:
    """产出 / 效益 / 满意度 / 预算执行率 points of a self-evaluation (default 50 / 30 / 10 / 10)."""
    return {k: Decimal(v) for k, v in frameworks()["self"].items()}


def require_evaluator(actor: Actor) -> None:
    """Key and department evaluations are the bureau's work (评价员, and the administrator)."""
    require(actor, Permission.EVALUATE)
