"""Typed change records: every writing service says which areas it changed, so each page reloads only when it must.

A writing service returns a `Changes`, or a result object that carries one in its `changes` field; the
background runner finds it (`changes_in`) and announces it on the event hub.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Area(StrEnum):
    """What a change can touch; pages declare the areas they show."""

    UNITS = "units"  # units and their hierarchy
    USERS = "users"
    SETTINGS = "settings"
    AUDIT = "audit"  # the audit log (backups, restores, logins recorded there)
    PROJECTS = "projects"  # projects themselves (codes, names, amounts)
    GOALS = "goals"  # goal tables and their statuses
    REVIEW = "review"  # review records (the goal tables' statuses change with them)
    REVIEW_RULES = "review_rules"
    LIBRARY = "library"
    EXANTE = "exante"
    MONITORING = "monitoring"  # rounds opened or closed, monitoring tables filled
    MONITORING_ROWS = "monitoring_rows"  # only some projects' marks changed
    ACTIONS = "actions"  # monitoring follow-up actions
    EXECUTION = "execution"  # treasury payments
    EVALUATION = "evaluation"
    EXPERTS = "experts"
    RESULTS = "results"  # result application: policy, overrides, findings
    RECTIFICATION = "rectification"
    NOTICES = "notices"
    FISCAL = "fiscal"
    EXCHANGE = "exchange"  # the exchange profile and ledger


@dataclass(frozen=True)
class Changes:
    """Which areas a service call changed. `Changes.of(Area.GOALS, Area.REVIEW)`; `a | b` is the union."""

    areas: frozenset[Area] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *areas: Area | str) -> Changes:
        """The record of these areas; a plain string must name an `Area` (a typo raises ValueError)."""
        return cls(frozenset(Area(a) for a in areas))

    @classmethod
    def everything(cls) -> Changes:
        """A restore or a regenerated database: every page reloads."""
        return cls(frozenset(Area))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.areas | other.areas)

    def __bool__(self) -> bool:
        return bool(self.areas)

    def touches(self, *areas: Area | str) -> bool:
        """True when any of `areas` changed."""
        return not self.areas.isdisjoint(areas)


NONE = Changes()
EVERYTHING = Changes.everything()


class Changed(NamedTuple, Generic[T]):
    """A service's answer and its change record, for a service whose answer has no record of its own to carry
    `changes` (an id, a summary): `project_id, changes = call(...)` still unpacks it."""

    value: T
    changes: Changes


def changes_in(result: object) -> Changes | None:
    """The change record a service result is or carries (its `changes` field), or None for a plain value."""
    if isinstance(result, Changes):
        return result
    carried = getattr(result, "changes", None)
    return carried if isinstance(carried, Changes) else None
