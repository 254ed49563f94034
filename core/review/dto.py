"""Plain frozen records of 目标审核: the review queue and form, automatic review results, rule settings and
the review letters the report builders print."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.review.rules.engine import ReviewConfig
from core.review.rules.model import Finding, ReviewContext, TableView


@dataclass(frozen=True)
class TableReview:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    status: str
    total_amount: Decimal
    findings: tuple[Finding, ...]
    score: Decimal
    table: TableView | None = None  # what was reviewed, for the workspace
    previous: TableView | None = None  # last year's table of a continuing project


@dataclass(frozen=True)
class ReviewBase:
    """What every table of a year is reviewed against: registry names, library, peer costs, settings."""

    year: int
    units: dict[int, str]
    context: ReviewContext
    config: ReviewConfig
    exante_done: frozenset[int] | None  # project ids with a final ex-ante assessment; None: the year has none


@dataclass(frozen=True)
class ReviewLetter:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    department_name: str
    year: int
    total_amount: Decimal  # 万元
    fiscal_amount: Decimal  # 万元, of which 财政拨款
    attribute_label: str
    version: int
    grade: str  # excellent | good | fair | poor
    grade_label: str  # 优 良 中 差
    outcome_label: str  # 审核通过 | 修改后通过 | 退回修改 | 不予通过
    grade_meaning: str
    dimension_opinions: tuple[tuple[str, str], ...]  # (完整性, text) … in the four dimensions' order
    opinion: str
    accepted_findings: tuple[tuple[str, str], ...]  # (dimension label, message)
    reviewer: str
    decided_at: datetime
    doc_number: str

    @property
    def passed_as_is(self) -> bool:
        """优: nothing to change, so the letter has no list of problems to fix."""
        return self.grade == "excellent"


@dataclass(frozen=True)
class OutcomeCount:
    grade_label: str
    outcome_label: str
    count: int
    total_amount: Decimal
    fiscal_amount: Decimal


@dataclass(frozen=True)
class DepartmentLetters:
    department_id: int
    department_name: str
    year: int
    letters: tuple[ReviewLetter, ...]
    outcomes: tuple[OutcomeCount, ...]  # one per grade, 优 良 中 差, zero counts included
    total_amount: Decimal
    fiscal_amount: Decimal
    doc_number: str

    @property
    def signed_at(self) -> datetime:
        """The letter is dated by the last decision it reports."""
        return max(letter.decided_at for letter in self.letters)


@dataclass(frozen=True)
class RuleRow:
    """One registered rule: shipped defaults and what is in force now."""

    id: str
    dimension: str
    title: str
    default_enabled: bool
    default_severity: str
    default_params: Mapping[str, Any]
    enabled: bool
    severity: str
    params: Mapping[str, Any]

    @property
    def overridden(self) -> bool:
        return (self.enabled, self.severity, dict(self.params)) != (
            self.default_enabled, self.default_severity, dict(self.default_params))


@dataclass(frozen=True)
class RuleTable:
    """Every rule in id order, the deduction per finding by severity, and a problem with the stored override."""

    rules: tuple[RuleRow, ...]
    deductions: Mapping[str, Decimal]
    default_deductions: Mapping[str, Decimal]
    problem: str | None = None  # the stored override is unreadable; defaults are shown and saving replaces it


@dataclass(frozen=True)
class RuleChange:
    """The wanted state of one rule; parameters left out of `params` go back to their defaults."""

    enabled: bool
    severity: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class RuleChanges:
    """Rules not named keep their current settings; `deductions` None keeps the current deductions."""

    rules: Mapping[str, RuleChange]
    deductions: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class QueueRow:
    project_id: int  # the queue key: a project id, or minus a department table's goal table id
    project_code: str
    project_name: str
    unit_id: int
    unit_name: str
    department_id: int
    department_name: str
    attribute_label: str
    total_amount: Decimal
    status: str
    status_label: str
    stage: str  # 待审 | 退回 | 已审
    version: int
    updated_at: datetime
    score: Decimal
    errors: int
    warnings: int
    infos: int
    grade_label: str | None  # of the decided review of the current version
    reviewed_by: str | None

    @property
    def severity(self) -> str:
        """The worst severity among the findings: error, warning, info or none."""
        return "error" if self.errors else "warning" if self.warnings else "info" if self.infos else "none"


@dataclass(frozen=True)
class Queue:
    year: int
    rows: tuple[QueueRow, ...]
    base: ReviewBase | None = field(default=None, compare=False, repr=False)

    def counters(self) -> dict[str, int]:
        out = {"待审": 0, "已审": 0, "退回": 0}
        for row in self.rows:
            out[row.stage] += 1
        return out


@dataclass(frozen=True)
class ReviewForm:
    """What the reviewer fills in: the 88号 grade, an opinion per dimension, the overall opinion, and each
    finding marked accepted or dismissed (keyed by `finding_key`)."""

    grade: str | None = None
    dimension_opinions: dict[str, str] = field(default_factory=dict)
    opinion: str = ""
    marks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewView:
    project_id: int
    department_name: str
    table: TableView
    previous: TableView | None
    findings: tuple[Finding, ...]
    score: Decimal
    version: int
    updated_at: datetime  # the token to hand back when saving
    form: ReviewForm
    review_status: str | None  # None (not started) | draft | final
    reviewed_by: str | None
    decided_at: datetime | None

    @property
    def decided(self) -> bool:
        return self.review_status == "final"


@dataclass(frozen=True)
class Decision:
    """The newest decided review of a goal table, as the unit sees it when the table comes back."""

    version: int
    grade_label: str
    outcome_label: str
    dimension_opinions: tuple[tuple[str, str], ...]  # (dimension label, text), only those written
    opinion: str
    reviewed_by: str
    decided_at: datetime
