"""Plain frozen records of the indicator library (指标库): its rows and history for the GUI, the 新增指标
form as typed and its validated values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.common.changes import Changes

Number = str | Decimal | None
SHIPPED, BUREAU = "内置", "本局新增"  # where a library entry comes from


@dataclass(frozen=True)
class LibraryEntryInput:
    """What the bureau typed; numbers may be text ("1,000", full-width digits) and the comparator a code or a
    symbol (">=" or "≥", "qual" or "定性")."""

    sector: str
    level1: str
    level2: str
    name: str
    comparator: str
    unit: str | None = None
    typical_min: Number = None
    typical_max: Number = None
    unit_cost_min_wan: Number = None
    unit_cost_max_wan: Number = None
    scoring: str = ""
    note: str | None = None


@dataclass(frozen=True)
class CleanEntry:
    sector: str
    level1: str
    level2: str
    name: str
    comparator: str
    unit: str | None
    typical_min: Decimal | None
    typical_max: Decimal | None
    unit_cost_min_wan: Decimal | None
    unit_cost_max_wan: Decimal | None
    scoring: str
    note: str | None


@dataclass(frozen=True)
class LibraryRow:
    """One entry as the 指标库 page and the editor's picker show it; numbers are exact Decimals."""

    code: str
    sector: str
    level1: str
    level2: str
    name: str
    comparator: str
    unit: str | None
    typical_min: Decimal | None
    typical_max: Decimal | None
    unit_cost_min_wan: Decimal | None
    unit_cost_max_wan: Decimal | None
    scoring: str
    note: str | None
    source: str  # 内置 | 本局新增

    @property
    def bureau(self) -> bool:
        return self.source == BUREAU


@dataclass(frozen=True)
class HistoryRow:
    """What approved goal tables of one sector and year set for an indicator: how many, and the range."""

    sector: str
    year: int
    count: int  # matching indicators, numeric or not
    minimum: Decimal | None  # over the numeric targets only; None when there were none
    median: Decimal | None
    maximum: Decimal | None


@dataclass(frozen=True)
class EntryAdded(Changes):
    """The library changed; `row` is the entry just added (so the page can show it)."""

    row: LibraryRow | None = None
