"""Plain frozen records of 重点评价 (key evaluation): its list rows, detail with panel and aggregate scores,
subject choices, templates and expert workbook imports, for the GUI and the report builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.common.changes import Area, Changes
from core.common.labels import DRAFT_STATUSES, PANEL_ROLES, SUBJECT_KINDS
from core.evaluation.rules.scoring import FrameworkItem, q

KEY_EVALUATION_STATUSES = DRAFT_STATUSES


ROLES = PANEL_ROLES


@dataclass(frozen=True)
class PanelEntry:
    expert_id: int
    name: str
    employer: str
    title: str
    role: str  # lead | member
    scored: int  # items this expert has scored

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


@dataclass(frozen=True)
class AggregateRow:
    """One framework item across the panel: each expert's score (None: not yet), the mean of those used."""

    item: FrameworkItem
    scores: tuple[Decimal | None, ...]  # in panel order
    dropped: tuple[int, ...]  # positions left out of the mean (highest and lowest with ≥ 5 experts)
    outliers: tuple[int, ...]  # positions far from the median
    mean: Decimal | None
    spread: Decimal | None
    complete: bool


@dataclass(frozen=True)
class KeyEvaluationDetail:
    id: int
    year: int
    status: str
    subject_kind: str
    subject: str  # the project's, the policy's or the department's name
    title: str  # the evaluation's own name (e.g. “某项目财政重点绩效评价”)
    project_id: int | None
    project_code: str | None
    unit_id: int
    unit_name: str
    department_name: str
    budget: Decimal | None  # 万元
    executed: Decimal | None
    template_name: str
    items: tuple[FrameworkItem, ...]
    warnings: tuple[str, ...]
    panel: tuple[PanelEntry, ...]
    agency_id: int | None
    agency_name: str | None
    agency_qualification: str | None
    agency_rating: int | None
    texts: dict[str, str]
    rows: tuple[AggregateRow, ...]
    score: Decimal | None  # final score, or the panel score so far when every expert scored every item
    grade: str | None
    grades: tuple[tuple[str, Decimal], ...]  # thresholds recorded at finalising, or those in force
    missing: tuple[str, ...]  # what still keeps it from being finalised
    created_by: str
    updated_at: datetime
    finalised_at: datetime | None

    @property
    def status_label(self) -> str:
        return KEY_EVALUATION_STATUSES[self.status]

    @property
    def subject_kind_label(self) -> str:
        return SUBJECT_KINDS[self.subject_kind]

    @property
    def execution_rate(self) -> Decimal | None:
        if not self.budget or self.executed is None:
            return None
        return q(self.executed / self.budget * 100)


@dataclass(frozen=True)
class KeyEvaluationRow:
    id: int
    subject_kind_label: str
    subject: str
    project_code: str | None
    unit_name: str
    department: str
    experts: int
    agency: str | None
    score: Decimal | None
    grade: str | None
    status: str
    agency_rating: int | None

    @property
    def status_label(self) -> str:
        return KEY_EVALUATION_STATUSES[self.status]


@dataclass(frozen=True)
class SubjectOption:
    id: int  # project id, or the unit id of a department
    code: str
    name: str
    unit_name: str


@dataclass(frozen=True)
class Subjects:
    projects: list[SubjectOption]
    departments: list[SubjectOption]  # for department evaluations, and as the owner of a policy


@dataclass(frozen=True)
class Created:
    evaluation_id: int
    warnings: tuple[str, ...]
    changes: Changes


@dataclass(frozen=True)
class Candidate:
    expert_id: int
    name: str
    employer: str
    title: str
    fields: str
    panels: int  # panels in the evaluation's year, this one included when selected
    conflict: str | None  # why the expert must stand aside, or None
    role: str | None  # lead | member when on the panel


@dataclass(frozen=True)
class TemplateRow:
    id: int | None  # None: the shipped reference table (not stored, copy it to edit)
    name: str
    builtin: bool
    items: tuple[FrameworkItem, ...]
    warnings: tuple[str, ...]
    created_by: str


TEMPLATES_CHANGED = Changes.of(Area.EVALUATION)  # templates are shown by the evaluation pages


@dataclass(frozen=True)
class TemplateSaved:
    """The template as saved; the evaluation pages hear `changes`."""

    row: TemplateRow
    changes: Changes = TEMPLATES_CHANGED


@dataclass(frozen=True)
class WorkbookImport:
    expert_id: int
    expert_name: str
    scored: int
    changes: Changes
