"""Plain frozen records that services hand to the GUI, the command line and the report builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class YearFigures:
    """The year's figures on the home page and in the work summary report (amounts in 万元)."""

    year: int
    units_by_kind: dict[str, int]  # department / township / budget_unit / bureau -> count
    projects: int
    projects_new: int
    projects_continuing: int
    funds_total: Decimal
    funds_by_type: dict[str, Decimal]  # fund type label (一般公共预算 ...) -> amount
    goal_tables_by_status: dict[str, int]  # status label (草稿/已提交/退回/已通过/不予通过) -> count
    indicators: int
    spent_total: Decimal
    execution_rate: Decimal | None  # percent, 1 decimal
    top_departments: list[tuple[str, int, Decimal]]  # (department, projects, funds) largest first
    generated_at: datetime


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    parent_name: str | None
    sector: str | None
    active: bool


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str | None
    active: bool
    locked: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before_json: str | None
    after_json: str | None


@dataclass(frozen=True)
class SettingRow:
    key: str
    label: str
    value: object
    default: object
    kind: str  # int | decimal | text | bool | list
