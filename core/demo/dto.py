"""Plain frozen records of what building the demo county produced, for the GUI, the command line and tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedDefect:
    project_code: str
    kind: str
    detail: str


@dataclass(frozen=True)
class DemoReport:
    """What was generated; project, table, indicator and execution counts are for `year` itself (the
    previous-year twins of continuing projects come on top)."""

    year: int
    departments: int
    townships: int
    budget_units: int
    projects: int
    goal_tables: int
    indicators: int
    execution_records: int
    planted: tuple[PlantedDefect, ...]
