"""Plain frozen records of the year statistics and comparisons that the statistics services hand to the GUI
and the report builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.monitoring.rules.lights import percent
from core.results.dto import SuggestionTotals

GRADE_LABELS = ("优", "良", "中", "差")


@dataclass(frozen=True)
class GoalFigures:
    """Goal tables of the year's projects and their review: grades counted on each table's newest decided review
    (财预〔2015〕88号); `returned` counts tables sent back for revision at least once."""

    tables: int
    submitted: int  # reached review (every status but 草稿)
    reviewed: int  # with a decided review
    by_grade: dict[str, int]  # 优/良/中/差 → tables
    returned: int
    approved: int  # status 已通过 now


@dataclass(frozen=True)
class MonitoringFigures:
    """The year's projects and funds, those in a monitoring round of the year and those under key monitoring."""

    projects: int
    funds: Decimal
    rounds: int
    monitored_projects: int
    monitored_funds: Decimal
    key_projects: int
    key_funds: Decimal

    @property
    def funds_coverage(self) -> Decimal | None:
        return percent(self.monitored_funds, self.funds)

    @property
    def projects_coverage(self) -> Decimal | None:
        return percent(Decimal(self.monitored_projects), Decimal(self.projects))


@dataclass(frozen=True)
class EvaluationFigures:
    """Finalised evaluations of the year: self-evaluations and their coverage of the year's projects, key
    evaluations by subject with the funds they cover (全年预算数), department overall evaluations and grades."""

    self_count: int
    self_projects: int  # distinct projects self-evaluated
    projects: int  # the year's projects, the base of the coverage
    key_count: int
    key_by_subject: dict[str, int]  # 项目/政策/部门 → count
    key_funds: Decimal
    departments_evaluated: int  # departments and townships with a department overall evaluation
    departments: int  # active departments and townships, the base of the coverage
    grades: dict[str, dict[str, int]]  # kind (self/key/department) → 优/良/中/差 → count

    @property
    def self_coverage(self) -> Decimal | None:
        return percent(Decimal(self.self_projects), Decimal(self.projects))

    @property
    def department_coverage(self) -> Decimal | None:
        return percent(Decimal(self.departments_evaluated), Decimal(self.departments))

    def grade_totals(self) -> dict[str, int]:
        """优/良/中/差 over every kind."""
        return {g: sum(by.get(g, 0) for by in self.grades.values()) for g in GRADE_LABELS}


@dataclass(frozen=True)
class ExAnteFigures:
    """Final ex-ante assessments of the year's projects: amounts asked, supported (recommended) and cut."""

    count: int
    key_count: int  # 财政重点评估
    by_conclusion: dict[str, int]  # support / partial / reject → count
    requested: Decimal
    supported: Decimal

    @property
    def cut(self) -> Decimal:
        return self.requested - self.supported


@dataclass(frozen=True)
class RectificationFigures:
    """The year's rectification items added over the units' records as of a date."""

    total: int
    done: int
    failed: int
    overdue: int
    open: int
    units: int  # units with items
    lagging_units: int  # units with an overdue item

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(Decimal(self.done), Decimal(self.total))


Number = int | Decimal


@dataclass(frozen=True)
class YearStatistics:
    year: int
    goals: GoalFigures
    monitoring: MonitoringFigures
    evaluation: EvaluationFigures
    exante: ExAnteFigures
    results: SuggestionTotals
    rectification: RectificationFigures


@dataclass(frozen=True)
class StatisticsComparison:
    """A year and the year before; `scope` names the clerk's unit (None: the whole county)."""

    current: YearStatistics
    previous: YearStatistics
    as_of: date
    scope: str | None


@dataclass(frozen=True)
class FigureRow:
    """One line of the 本年/上年/增减 table; `kind` is count, money (万元) or percent (change in points)."""

    section: str
    key: str
    label: str
    kind: str
    current: Number | None
    previous: Number | None

    @property
    def change(self) -> Number | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass(frozen=True)
class ChartData:
    """A bar chart of both years: per category this year's value beside the previous year's."""

    key: str
    section: str
    title: str
    categories: tuple[str, ...]
    current: tuple[Number, ...]
    previous: tuple[Number, ...]
    money: bool  # amounts in 万元 (else counts)

    @property
    def empty(self) -> bool:
        return not any(self.current) and not any(self.previous)


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
    # department goal tables (部门整体绩效目标), counted apart from the projects' tables: status label -> count
    department_goals_by_status: dict[str, int] = field(default_factory=dict)
