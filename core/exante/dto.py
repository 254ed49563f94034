"""Plain frozen records of 事前绩效评估 that the ex-ante service hands to the GUI and the report builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.common.labels import DRAFT_STATUSES
from core.exante.rules import CONCLUSIONS, KINDS, ScoreLine, Sheet, score_lines

STATUSES = {"none": "未评估", **DRAFT_STATUSES}  # "none": not assessed yet


@dataclass(frozen=True)
class AssessmentRow:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    attribute: str
    required: bool
    status: str  # none | draft | final
    status_label: str
    kind_label: str
    score: Decimal | None
    conclusion_label: str
    requested: Decimal
    recommended: Decimal | None
    cut: Decimal | None
    enters_library: bool  # a final assessment that supports the project puts it in the project library


@dataclass(frozen=True)
class AssessmentDetail:
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    implementing_unit: str | None
    year: int
    attribute: str
    fund_type: str
    manager: str | None
    start_date: date | None
    end_date: date | None
    requested: Decimal
    status: str
    kind: str
    grades: dict[str, str]
    score: Decimal | None
    conclusion: str | None
    recommended: Decimal | None
    cut: Decimal | None
    opinion: str
    assessed_by: str | None
    assessed_at: datetime | None
    finalised_at: datetime | None
    sheet: Sheet

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def conclusion_label(self) -> str:
        return CONCLUSIONS.get(self.conclusion or "", "")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def lines(self) -> list[ScoreLine]:
        return score_lines(self.sheet, self.grades) if self.grades else []


@dataclass(frozen=True)
class ExAnteTotals:
    """Finalised assessments of the year: how many, asked, recommended and cut (万元)."""

    required: int
    missing: int  # required projects without a final assessment
    count: int
    asked: Decimal
    recommended: Decimal
    cut: Decimal
