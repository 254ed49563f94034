"""Plain frozen records of 绩效运行监控: the monitoring grid, rounds and entries, execution imports and the
summary that the report builders print."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.common.changes import Changes
from core.monitoring.rules.execution_import import Payment, Problem, Record
from core.monitoring.rules.payment_columns import Column, ColumnMapping

ZERO = Decimal(0)


@dataclass(frozen=True)
class GridRow:
    project_id: int
    project_code: str
    project_name: str
    department_id: int
    department_name: str
    unit_name: str
    fund_type: str
    fund_type_label: str
    budget: Decimal  # 年初预算数
    adjustment: Decimal  # 年度预算调整
    adjusted_budget: Decimal  # 调整后预算数
    spent: Decimal  # 1-X月执行数
    execution_rate: Decimal | None  # percent
    time_progress: Decimal  # percent
    budget_light: str
    budget_ratio: Decimal | None
    goal_light: str  # worst indicator light; "none" when budget-only
    goal_basis: str  # approved (目标已批复) | budget_only (仅监控预算)
    project_light: str
    likelihood: str | None  # the worst likelihood reported for any indicator
    reasons: str
    forecast: Decimal
    forecast_rate: Decimal | None
    at_risk: bool
    key_monitoring: bool
    red_indicators: int


@dataclass(frozen=True)
class Grid:
    year: int
    month: int
    round_id: int | None
    round_name: str | None
    rows: tuple[GridRow, ...]


@dataclass(frozen=True)
class IndicatorStatus:
    position: int
    level1: str
    level2: str
    name: str
    comparator: str
    target: Decimal | None
    target_text: str | None
    unit_of_measure: str | None
    actual: Decimal | None
    actual_text: str | None
    forecast: Decimal | None
    likelihood: str | None
    light: str
    ratio: Decimal | None
    cause: str | None
    analysis: str | None
    measures: str | None


@dataclass(frozen=True)
class ProjectMonitoring:
    row: GridRow
    indicators: tuple[IndicatorStatus, ...]
    monthly: tuple[Decimal, ...]  # spent per month 1..12 (zero after the as-of month)
    cumulative_rate: tuple[Decimal | None, ...]  # cumulative execution rate per month 1..month, percent
    time_line: tuple[Decimal, ...]  # time progress per month 1..12, percent
    forecast_line: tuple[Decimal | None, ...]  # forecast cumulative rate per month month..12, percent


@dataclass(frozen=True)
class RoundRow:
    id: int
    year: int
    name: str
    as_of_month: int
    status: str
    follows_round_id: int | None
    entries: int
    submitted: int


@dataclass(frozen=True)
class LineInput:
    position: int
    actual: Decimal | None = None
    actual_text: str | None = None
    forecast: Decimal | None = None
    likelihood: str | None = None  # certain | possible | impossible
    cause: str | None = None  # 经费 | 制度 | 人员 | 硬件 | 其他
    analysis: str | None = None
    measures: str | None = None
    needs_rectification: bool = False


@dataclass(frozen=True)
class EntryInput:
    budget_adjustment: Decimal = Decimal(0)
    forecast_spent: Decimal | None = None
    budget_cause: str | None = None
    budget_analysis: str | None = None
    corrective_measures: str | None = None
    lines: tuple[LineInput, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ActionRow:
    id: int
    project_id: int
    project_code: str
    project_name: str
    kind_label: str
    description: str
    due_date: date | None
    status: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class EntryView:
    """What the monitoring form shows: the project's figures and lights, and what was saved so far."""

    round_id: int
    round_name: str
    round_open: bool
    status: str | None  # None (not started) | draft | submitted
    detail: ProjectMonitoring
    form: EntryInput


@dataclass(frozen=True)
class WarningItem:
    """A red or yellow project and why: the triggers read from its figures, then what the unit reported."""

    row: GridRow
    reasons: str


@dataclass(frozen=True)
class DepartmentLights:
    department_name: str
    projects: int
    lights: dict[str, int]  # project lights, keys of LIGHT_ORDER
    funds: Decimal  # adjusted budget, 万元
    spent: Decimal
    execution_rate: Decimal | None  # percent


@dataclass(frozen=True)
class MonitoringSummary:
    year: int
    month: int
    round_name: str | None
    generated_on: date
    projects: int
    funds: Decimal  # adjusted budget of all projects monitored, 万元
    spent: Decimal
    execution_rate: Decimal | None
    time_progress: Decimal
    approved_projects: int  # approved goals: budget and goals monitored (双监控)
    approved_funds: Decimal
    budget_only_projects: int  # no approved goal table: only the budget is monitored
    budget_only_funds: Decimal
    lights: dict[str, int]
    light_funds: dict[str, Decimal]
    at_risk: int
    departments: tuple[DepartmentLights, ...]
    red: tuple[WarningItem, ...]  # by department (in grid order), then amount, largest first
    key_monitoring: tuple[GridRow, ...]  # same order


@dataclass(frozen=True)
class FileInfo:
    """A file's columns and the mapping to start from: the one saved for the source, else a guess."""

    path: str
    file_name: str
    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    headers: tuple[str, ...]
    mapping: ColumnMapping
    mapping_saved: bool


@dataclass(frozen=True)
class PeriodTotal:
    project_code: str
    project_name: str
    year: int
    month: int
    rows: int
    amount: Decimal  # 万元 in this file for the month
    budget: Decimal
    rate_after: Decimal | None  # the project's execution rate (percent) once the file is applied


@dataclass(frozen=True)
class Preview:
    path: str
    file_name: str
    sheet: str
    source: str
    mapping: ColumnMapping
    content_hash: str
    today: date
    rows_read: int
    records: tuple[Record, ...]  # what apply writes
    refused_rows: frozenset[int]
    warned_rows: frozenset[int]
    problems: tuple[Problem, ...]
    totals: tuple[PeriodTotal, ...]
    already: str | None  # set when this content was applied before
    columns: dict[str, Column] = field(repr=False)
    payments: tuple[Payment, ...] = field(repr=False)  # re-checked by apply against the database of then
    read_problems: tuple[Problem, ...] = field(repr=False)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.records), ZERO)

    @property
    def blocked(self) -> str | None:
        """Why this preview cannot be applied, or None."""
        if self.already:
            return self.already
        if not self.records:
            return "没有可以导入的行，请按问题清单修正文件后重新预览。"
        if self.refused_rows and "voucher" not in self.columns:
            return (f"有 {len(self.refused_rows)} 行被拒绝。未指定凭证号列时，为免修正后再次导入造成重复，"
                    "文件必须全部正确才能导入；请修正这些行后重新预览，或指定凭证号列。")
        return None

    def describe(self, problem: Problem) -> str:
        return problem.describe(self.file_name, self.sheet)


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    amount: Decimal  # 万元
    refused: int
    warned: int
    message: str
    changes: Changes
