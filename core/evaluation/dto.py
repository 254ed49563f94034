"""Plain frozen records of 绩效评价 (overview and cross-check, department evaluation, self-evaluation, experts
and agencies) that the evaluation services hand to the GUI, the command line and the report builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.common.labels import DRAFT_STATUSES, EVALUATION_KINDS
from core.evaluation.rules import department_sheet as department_rules
from core.evaluation.rules import self_evaluation as self_evaluation_rules
from core.evaluation.rules.department_goal import TargetUse
from core.evaluation.rules.department_sheet import Field, ItemEntry, SheetItem
from core.evaluation.rules.self_evaluation import LineInput, SheetLine
from core.goals.rules.goal_table import IndicatorRow
from core.goals.rules.notation import format_decimal

SELF_EVALUATION_STATUSES = {"new": "未自评", **DRAFT_STATUSES}  # "new": no self-evaluation yet
RATINGS = {1: "差", 2: "较差", 3: "一般", 4: "良好", 5: "优秀"}
KINDS = EVALUATION_KINDS  # the stage's names for the labels of core.common.labels (one map, not a copy)


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    kind: str
    kind_label: str
    subject_kind_label: str
    subject: str  # the project's name, the policy's title or the department's name
    project_code: str | None
    unit_name: str
    department: str  # the department the unit belongs to (itself when it is one)
    score: Decimal | None
    grade: str | None
    status: str
    status_label: str


@dataclass(frozen=True)
class CrossCheckRow:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    department: str
    self_score: Decimal
    key_score: Decimal
    gap: Decimal  # self − key; positive means the unit scored itself higher than the key evaluation did
    self_grade: str | None
    key_grade: str | None
    inflated: bool


@dataclass(frozen=True)
class DepartmentInflation:
    department: str
    projects: int
    average_gap: Decimal
    inflated: int  # projects flagged


@dataclass(frozen=True)
class CrossCheck:
    threshold: Decimal  # evaluation.inflation_points in force
    rows: list[CrossCheckRow]  # largest gap first
    departments: list[DepartmentInflation]  # highest average inflation first

    @property
    def inflated_count(self) -> int:
        return sum(1 for r in self.rows if r.inflated)


@dataclass(frozen=True)
class DepartmentRow:
    unit_id: int
    unit_code: str
    unit_name: str
    kind_label: str
    evaluation_id: int | None
    status: str  # none | draft | final
    status_label: str
    score: Decimal | None
    grade: str | None


@dataclass(frozen=True)
class GoalBasis:
    """The approved department goal table the sheet scores against."""

    annual_goal: str | None
    indicators: tuple[IndicatorRow, ...]
    tasks: tuple[str, ...]
    targets: tuple[TargetUse, ...]  # the rule items whose limit is the table's target


@dataclass(frozen=True)
class DepartmentSheet:
    evaluation_id: int | None
    year: int
    unit_id: int
    unit_name: str
    status: str
    fields: tuple[Field, ...]
    items: tuple[SheetItem, ...]
    figures: dict[str, Decimal | None]
    prefilled: dict[str, Decimal]  # what the database suggests (shown next to the entered figures)
    entries: dict[str, ItemEntry]
    score: Decimal | None
    grade: str | None
    thresholds: tuple[tuple[str, Decimal], ...]  # recorded at finalising; the current ones before
    finalised_at: datetime | None
    goal: GoalBasis | None = None

    def result(self, figures: dict[str, Decimal | None] | None = None,
               entries: dict[str, ItemEntry] | None = None) -> department_rules.SheetResult:
        return department_rules.score_sheet(self.fields, self.items, self.figures if figures is None else figures,
                           self.entries if entries is None else entries)


@dataclass(frozen=True)
class SelfEvaluationForm:
    """What the wizard sends: amounts and numbers as typed (the service parses and checks them)."""

    budget: str  # 全年预算数, 万元
    executed: str  # 全年执行数, 万元
    goal_expected: str  # 年度总体目标：预期目标
    goal_actual: str  # 年度总体目标：实际完成情况
    lines: tuple[LineInput, ...]


@dataclass(frozen=True)
class SelfEvaluationDraft:
    """A project's self-evaluation: new (prefilled, not yet saved), draft or final."""

    evaluation_id: int | None
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    implementing_unit: str | None
    year: int
    status: str  # new | draft | final
    initial_budget: Decimal  # 年初预算数
    initial_parts: tuple[tuple[str, Decimal], ...]  # 年初预算数 by source (label, amount)
    budget: Decimal | None  # 全年预算数
    executed: Decimal | None  # 全年执行数
    goal_expected: str
    goal_actual: str
    lines: tuple[SheetLine, ...]
    inputs: tuple[LineInput, ...]
    weights: dict[str, Decimal]  # 产出/效益/满意度/预算执行率 points as used
    thresholds: tuple[tuple[str, Decimal], ...]  # in force (draft) or recorded when finalised
    score: Decimal | None
    grade: str | None
    created_by: str | None
    updated_at: datetime | None
    finalised_at: datetime | None

    @property
    def status_label(self) -> str:
        return SELF_EVALUATION_STATUSES[self.status]

    @property
    def editable(self) -> bool:
        return self.status != "final"

    def input_for(self, key: str) -> LineInput:
        return next((i for i in self.inputs if i.key == key), LineInput(key))

    def result(self) -> self_evaluation_rules.SheetResult:
        """The sheet scored from what is stored (a draft may still be incomplete)."""
        return self_evaluation_rules.score_sheet(self.lines, {i.key: i for i in self.inputs}, self.weights, self.budget, self.executed)

    def form(self) -> SelfEvaluationForm:
        """The stored answers as a form, e.g. to save them again unchanged."""
        return SelfEvaluationForm(figure_text(self.budget), figure_text(self.executed), self.goal_expected, self.goal_actual,
                                  self.inputs)


@dataclass(frozen=True)
class SelfEvaluationRow:
    evaluation_id: int
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    status: str
    status_label: str
    score: Decimal | None
    grade: str | None
    updated_at: datetime


@dataclass(frozen=True)
class CandidateRow:
    """A project whose approved goal table makes it ready for self-evaluation."""

    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    amount: Decimal
    status: str
    status_label: str


@dataclass(frozen=True)
class ExpertRow:
    id: int
    name: str
    employer: str
    unit_id: int | None  # the unit the expert works for, for conflicts of interest
    unit_name: str | None
    fields: tuple[str, ...]
    title: str
    phone: str
    active: bool
    panels: int  # panels of the year asked for (workload)
    leads: int  # of which as 组长

    @property
    def fields_text(self) -> str:
        return "、".join(self.fields)


@dataclass(frozen=True)
class ExpertInput:
    name: str
    employer: str = ""
    unit_id: int | None = None
    fields: str = ""  # separated by 、 , ； or spaces
    title: str = ""
    phone: str = ""
    id: int | None = None  # None: a new expert


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    qualification: str
    contact: str
    active: bool
    evaluations: int  # evaluations the agency ran (all years)
    rated: int
    average_rating: Decimal | None  # of the rated ones, 1-5


@dataclass(frozen=True)
class AgencyInput:
    name: str
    qualification: str = ""
    contact: str = ""
    id: int | None = None


@dataclass(frozen=True)
class AgencyRating:
    agency_id: int
    agency_name: str
    evaluation_id: int
    year: int
    title: str
    status: str  # draft | final
    score: Decimal | None
    grade: str | None
    rating: int | None  # None: not rated yet

    @property
    def rating_label(self) -> str:
        return f"{self.rating} 分（{RATINGS[self.rating]}）" if self.rating else "未评价"


def figure_text(value: Decimal | None) -> str:
    """A stored optional number as a form field shows it (empty when not given)."""
    return "" if value is None else format_decimal(value)
