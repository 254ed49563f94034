"""Plain frozen records of goal tables (绩效目标表) and their versions that the goals services hand to the GUI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.goals.rules.goal_table import GoalContent


@dataclass(frozen=True)
class VersionInfo:
    version: int
    reason: str
    created_by: str
    created_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class GoalTableDetail:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    year: int
    status: str
    status_label: str
    updated_at: datetime  # the token to hand back when saving
    current_version: int
    content: GoalContent
    versions: tuple[VersionInfo, ...]
    sector: str | None = None  # the project's sector: the 指标库 picker starts there


@dataclass(frozen=True)
class GoalTableRow:
    project_id: int
    project_code: str
    project_name: str
    unit_id: int
    unit_name: str
    attribute: str
    total_amount: Decimal
    status: str
    status_label: str
    current_version: int
    indicators: int
    updated_at: datetime
