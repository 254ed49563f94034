"""Plain frozen records of 结果应用: budget suggestions and their inputs, findings, rectification items and
notices that the results services hand to the GUI, the command line and the report builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.results.rules import policy as rules
from core.results.rules.rectification import UnitRecord


@dataclass(frozen=True)
class ProjectFacts:
    project_id: int
    code: str
    name: str
    department_id: int
    unit_name: str
    nature: str  # one_off | recurring
    end_date: date | None
    amount: Decimal  # 本年金额 (total_amount), 万元
    grade: str | None  # 优良中差 of the final key evaluation, else of the final self-evaluation
    grade_source: str | None  # key | self
    review_grade: str | None  # excellent | good | fair | poor of the latest decided goal review
    light: str | None  # the project light in the year's latest monitoring round
    exante_conclusion: str | None  # support | partial | reject (final assessments only)
    exante_cut: Decimal | None  # 本年金额 − the assessment's recommended amount, when positive


@dataclass(frozen=True)
class DepartmentFacts:
    unit_id: int
    code: str
    name: str
    exante_scores: tuple[Decimal, ...]  # final key (财政重点) ex-ante assessments of its projects
    review_grades: tuple[str, ...]  # latest decided goal review grade of each of its goal tables
    monitoring_lights: tuple[str, ...]  # project lights of its key-monitored projects
    department_score: Decimal | None  # its final 部门整体评价
    findings: tuple[Decimal, ...]  # deductions of its (and its budget units') audit and inspection findings
    overdue: int  # rectification items overdue as of the date
    failed: int  # rectification items that failed the re-check


@dataclass(frozen=True)
class Override:
    amount: Decimal
    reason: str
    decided_by: str


@dataclass(frozen=True)
class ResultInputs:
    year: int
    as_of: date
    projects: tuple[ProjectFacts, ...]
    departments: tuple[DepartmentFacts, ...]
    project_overrides: dict[int, Override]
    department_overrides: dict[int, Override]


@dataclass(frozen=True)
class ProjectSuggestion:
    project_id: int
    code: str
    name: str
    department_id: int
    department_name: str
    unit_name: str
    amount: Decimal  # 本年金额
    grade: str | None
    results: str  # 适用结果, e.g. "重点评价 中；目标审核 良；监控 红灯；事前评估 部分支持"
    carries: bool  # continues into next year
    suggested: Decimal
    rule: str
    override: Override | None

    @property
    def final(self) -> Decimal:
        return self.override.amount if self.override is not None else self.suggested

    @property
    def change(self) -> Decimal:
        return self.final - self.amount


@dataclass(frozen=True)
class ComponentScore:
    key: str
    label: str
    score: Decimal | None  # None: no data, its weight goes to the others
    weight: Decimal
    basis: str  # what it was computed from, e.g. "3 项重点评估"


@dataclass(frozen=True)
class DepartmentScore:
    unit_id: int
    code: str
    name: str
    components: tuple[ComponentScore, ...]
    findings: int
    finding_points: Decimal
    overdue: int
    failed: int
    rectification_points: Decimal
    composite: Decimal | None
    coefficient: Decimal
    explanation: str


@dataclass(frozen=True)
class DepartmentSuggestion:
    unit_id: int
    code: str
    name: str
    projects: int
    this_year: Decimal
    suggested_sum: Decimal  # Σ final project amounts
    score: DepartmentScore
    suggested_total: Decimal  # suggested_sum × coefficient
    override: Override | None

    @property
    def final(self) -> Decimal:
        return self.override.amount if self.override is not None else self.suggested_total

    @property
    def change(self) -> Decimal:
        return self.final - self.this_year


@dataclass(frozen=True)
class SuggestionTotals:
    this_year: Decimal
    suggested: Decimal
    cut: Decimal
    increased: Decimal
    cancelled_projects: int
    projects_cut: int

    @property
    def change(self) -> Decimal:
        return self.suggested - self.this_year


@dataclass(frozen=True)
class SuggestionTable:
    year: int
    policy: rules.Policy
    projects: tuple[ProjectSuggestion, ...]
    departments: tuple[DepartmentSuggestion, ...]
    totals: SuggestionTotals


@dataclass(frozen=True)
class PolicyView:
    year: int
    policy: rules.Policy
    stored: bool  # False: the shipped defaults, not yet saved for the year
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True)
class Workspace:
    """What the 预算安排建议 tab holds: the facts, the stored policy and the table under it; the what-if panel
    rebuilds the table from the facts with an edited policy (result_suggestions.build_table), without a query."""

    inputs: ResultInputs
    policy: rules.Policy
    stored: bool
    table: SuggestionTable


@dataclass(frozen=True)
class FindingRow:
    id: int
    year: int
    unit_id: int
    unit_code: str
    unit_name: str
    source: str
    source_label: str
    reference: str
    description: str
    deduction: Decimal
    found_on: date | None
    entered_by: str


@dataclass(frozen=True)
class FindingInput:
    unit_id: int
    source: str  # audit | inspection
    reference: str
    description: str
    deduction: Decimal
    found_on: date | None = None


@dataclass(frozen=True)
class ItemRow:
    """One line of the register as the GUI, the command line, reports and exchange packages see it."""

    id: int
    uid: str
    year: int
    unit_id: int
    unit_code: str
    unit_name: str
    project_id: int | None
    project_code: str | None
    project_name: str | None
    source: str
    source_label: str
    source_ref: str | None
    requirement: str
    issued_on: date
    deadline: date
    status: str  # stored: pending | in_progress | done | failed
    display_status: str  # status, or `overdue` for a pending / in-progress item past its deadline
    status_label: str
    overdue: bool
    feedback: str | None
    feedback_at: datetime | None
    feedback_package: str | None
    recheck_opinion: str | None
    rechecked_by: str | None
    rechecked_at: datetime | None
    version: int

    @property
    def subject(self) -> str:
        """项目/事项: the project's name, or the source for an item without a project."""
        return self.project_name or f"{self.source_label}事项"


@dataclass(frozen=True)
class ItemInput:
    year: int
    unit_id: int
    requirement: str
    issued_on: date
    deadline: date | None = None  # None: issued_on + the setting rectification.deadline_days
    project_id: int | None = None
    source: str = "other"


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Found:
    """A problem a source record shows, before it becomes an item."""

    source: str
    source_ref: str
    year: int
    unit_id: int
    project_id: int | None
    requirement: str
    deadline: date | None = None  # a deadline the source already set (a monitoring request's due date)


@dataclass(frozen=True)
class CollectResult:
    added: dict[str, int]  # source → items added
    existing: int  # source records already in the register

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


@dataclass(frozen=True)
class LaggingUnit:
    unit_id: int
    unit_code: str
    unit_name: str
    record: UnitRecord
    issued: tuple[str, ...]  # kinds already issued this year, in order
    next_kind: str | None


@dataclass(frozen=True)
class NoticeRow:
    id: int
    year: int
    kind: str
    kind_label: str
    sequence: int
    number: str
    unit_id: int
    unit_code: str
    unit_name: str
    issued_on: date
    reply_by: date | None
    items: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class NoticeDocument:
    """What one printed notice shows (the PDF builder gets only these)."""

    number: str
    kind: str
    kind_label: str
    title: str
    org_name: str
    unit_name: str
    issued_on: date
    reply_by: date | None
    body: str
    items: tuple[ItemRow, ...]
