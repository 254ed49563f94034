"""Frozen records of the project library for the screens, the command line and the workbook import."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ProjectInput:
    """One project as registered by hand or read from a registry workbook row (amounts in 万元)."""

    year: int
    code: str
    name: str
    department: str  # the 主管部门's code or name
    implementing_unit: str | None
    attribute: str  # new | continuing
    nature: str  # one_off | recurring
    fiscal_amount: Decimal
    carryover_amount: Decimal
    other_amount: Decimal
    total_amount: Decimal
    start_year: int | None = None
    end_year: int | None = None
    span_total_amount: Decimal | None = None
    fund_type: str = "general"
    sector: str | None = None


@dataclass(frozen=True)
class RegistryRow:
    """A project of the library as the registry page and `perfbudget projects list` show it."""

    id: int
    year: int
    code: str
    name: str
    department_code: str
    department_name: str
    implementing_unit: str | None
    attribute_label: str
    nature_label: str
    status: str
    status_label: str
    total_amount: Decimal
    fiscal_amount: Decimal
    carryover_amount: Decimal
    other_amount: Decimal
    span_total_amount: Decimal | None
    start_year: int | None
    end_year: int | None
    previous_code: str | None
    link_label: str


@dataclass(frozen=True)
class LinkProposal:
    """An uncertain link of a continuing project to a project of last year, waiting for a person's decision."""

    project_id: int
    code: str
    name: str
    department_name: str
    candidate_id: int
    candidate_code: str
    candidate_name: str
    similarity: Decimal


@dataclass(frozen=True)
class LinkSummary:
    """What linking a year's continuing projects did."""

    by_code: int
    by_name: int
    proposed: int
    unmatched: int
