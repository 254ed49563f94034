"""Plain frozen records of 财政健康指数: figures, rankings and their history, as the GUI and the report
builders get them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.common.changes import Changes
from core.fiscal.rules.figures import FiscalFigures
from core.fiscal.rules.index import HealthResult, Method


@dataclass(frozen=True)
class FiscalRow:
    """A township and its figures of the year (None: not entered yet)."""

    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    figures: FiscalFigures | None
    entered_by: str | None
    entered_at: datetime | None


@dataclass(frozen=True)
class FiscalInput:
    """One township's figures of one year as typed (text, or numbers), in 万元, keyed by field."""

    unit_id: int
    year: int
    amounts: Mapping[str, object]


@dataclass(frozen=True)
class HistoryPoint:
    year: int
    index: Decimal | None
    level: str | None
    tone: str | None


@dataclass(frozen=True)
class RankingRow:
    """A township's index of the year; `result` is None without figures for the year."""

    rank: int | None
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    all_figures: tuple[FiscalFigures, ...]  # every stored year, oldest first
    result: HealthResult | None
    history: tuple[HistoryPoint, ...]

    @property
    def figures(self) -> FiscalFigures | None:
        return next((f for f in self.all_figures if f.year == self.year), None)

    @property
    def index(self) -> Decimal | None:
        return self.result.index if self.result else None

    @property
    def level(self) -> str | None:
        return self.result.level.label if self.result and self.result.level else None

    @property
    def tone(self) -> str | None:
        return self.result.level.tone if self.result and self.result.level else None

    @property
    def note(self) -> str:
        """Why there is no index, or which components were left out."""
        if self.result is None:
            return "未录入本年度财政数据"
        if self.result.reason:
            return self.result.reason
        left = [c.label for c in self.result.components if not c.computed]
        return f"{'、'.join(left)}无法计算，权重按比例分配给其他指标" if left else ""


@dataclass(frozen=True)
class Ranking:
    year: int
    method: Method
    rows: tuple[RankingRow, ...]  # ranked first, then townships without an index, by code
    county: tuple[HistoryPoint, ...]  # the average index of the townships with one, per year
    townships_total: int  # all active townships (a clerk sees fewer rows)

    @property
    def ranked(self) -> tuple[RankingRow, ...]:
        return tuple(r for r in self.rows if r.rank is not None)

    def level_counts(self) -> dict[str, int]:
        counts = {lv.label: 0 for lv in self.method.levels}
        for r in self.rows:
            if r.level:
                counts[r.level] += 1
        return counts

    @property
    def average(self) -> Decimal | None:
        point = next((p for p in self.county if p.year == self.year), None)
        return point.index if point else None


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    years: tuple[int, ...]
    changes: Changes
