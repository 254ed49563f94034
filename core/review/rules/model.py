"""Plain input and output types of the automatic pre-review, and the registry the rule modules fill.

No ORM here: the service turns database rows into these frozen values and the rules read only them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

DIMENSIONS = {"completeness": "完整性", "relevance": "相关性", "appropriateness": "适当性", "feasibility": "可行性"}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class IndicatorView:
    position: int
    level1: str
    level2: str
    name: str
    comparator: str
    target: Decimal | None = None
    target_text: str | None = None
    unit_of_measure: str | None = None
    weight: Decimal | None = None
    scoring_standard: str | None = None
    read_note: str | None = None  # how a published table's wording was read (level label, unit in the name)
    kind: str | None = None  # 指标类型 (db.codes.IndicatorKind); None: 待定


@dataclass(frozen=True)
class TableView:
    """One goal table (its current version) with the header of its project."""

    project_code: str
    project_name: str
    unit_name: str | None
    implementing_unit: str | None
    sector: str | None
    attribute: str
    nature: str
    fund_type: str | None
    total_amount: Decimal | None
    fiscal_amount: Decimal | None
    carryover_amount: Decimal | None
    other_amount: Decimal | None
    start_date: date | None
    end_date: date | None
    year: int
    manager: str | None = None
    phone: str | None = None
    overview: str | None = None
    basis: str | None = None
    schedule: str | None = None
    long_term_goal: str | None = None
    annual_goal: str | None = None
    status: str = "draft"
    indicators: tuple[IndicatorView, ...] = ()


@dataclass(frozen=True)
class PeerCost:
    """Unit costs (万元 per unit of measure) of the year's peers: quartiles and how many tables."""

    q1: Decimal
    median: Decimal
    q3: Decimal
    count: int


@dataclass(frozen=True)
class ReviewContext:
    """What a rule may know besides the table itself.

    `peer_costs` is keyed by (sector, unit_of_measure, normalised indicator name) and by
    ("*", unit_of_measure, name) across sectors and by
    (sector, unit_of_measure, "") for all quantities of that unit; `has_exante` None means the system holds
    no ex-ante records at all, so the ex-ante rule can only remind. `previous_actuals` holds last year's
    actual values (实际完成值 of its final self-evaluation) by normalised indicator name.
    """

    unit_names: frozenset[str] = frozenset()
    previous: TableView | None = None
    previous_actuals: Mapping[str, Decimal] = field(default_factory=dict)
    library: tuple[Any, ...] = ()
    peer_costs: Mapping[tuple[str, str, str], PeerCost] = field(default_factory=dict)
    exante_threshold: Decimal = Decimal(100)
    has_exante: bool | None = None


@dataclass(frozen=True)
class Finding:
    rule_id: str
    dimension: str
    severity: str
    field: str
    message: str
    indicator_position: int | None = None


@dataclass(frozen=True)
class Hit:
    """What a rule reports; the engine adds rule id, dimension and the configured severity. `severity` is set
    only for a note that is never a defect whatever the rule's severity (a check that could not be made)."""

    field: str
    message: str
    position: int | None = None
    severity: str | None = None


Params = Mapping[str, Any]
Check = Callable[[TableView, ReviewContext, Params], Iterable[Hit]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    dimension: str
    severity: str
    field: str
    title: str
    check: Check
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


RULES: dict[str, RuleSpec] = {}


def rule(rule_id: str, dimension: str, severity: str, field_: str, title: str,
         **params: Any) -> Callable[[Check], Check]:
    """Register a check under `rule_id` with its default severity and parameters."""
    if dimension not in DIMENSIONS.values() or severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: bad dimension or severity")

    def register(check: Check) -> Check:
        RULES[rule_id] = RuleSpec(rule_id, dimension, severity, field_, title, check, dict(params))
        return check
    return register


def fmt(value: Decimal | None) -> str:
    """A Decimal as people write it: no trailing zeros, no exponent."""
    if value is None:
        return "（空）"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def label(ind: IndicatorView) -> str:
    """How a finding names an indicator: 第3条 数量指标“改造农村公路里程”."""
    return f"第{ind.position}条{ind.level2}“{ind.name}”"


def value_text(ind: IndicatorView) -> str:
    if ind.comparator == "qual" or ind.target is None:
        return f"“{ind.target_text or ''}”"
    return f"{fmt(ind.target)}{ind.unit_of_measure or ''}"
