"""Monitoring (绩效运行监控, 双监控): rounds, each project's budget part and per-indicator part in a round,
remembered column mappings and the ledger of imported payment files, and the minimal corrective-action record
the rectification register will build on."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import (
    ActionKind,
    ActionStatus,
    DeviationCause,
    EntrySource,
    EntryStatus,
    Likelihood,
    RoundStatus,
)
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText, Money


class MonitoringRound(Base):
    """A round the bureau opens, e.g. 1-8月 of 2024; a second round for laggards names the first."""

    __tablename__ = "monitoring_round"
    __table_args__ = (UniqueConstraint("year", "name"), one_of("status", RoundStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    as_of_month: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    follows_round_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_round.id"))
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MonitoringEntry(Base):
    """A project's monitoring table in a round: the budget part; indicator lines hang below it."""

    __tablename__ = "monitoring_entry"
    __table_args__ = (UniqueConstraint("round_id", "project_id"), one_of("status", EntryStatus),
                      one_of("source", EntrySource), one_of("budget_cause", DeviationCause))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_round.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    budget_adjustment: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))  # 年度预算调整
    forecast_spent: Mapped[Decimal | None] = mapped_column(Money())  # 全年预计执行数 as the unit reports it
    budget_cause: Mapped[str | None] = mapped_column(String(16))
    budget_analysis: Mapped[str | None] = mapped_column(Text)
    corrective_measures: Mapped[str | None] = mapped_column(Text)
    key_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=EntryStatus.DRAFT)
    source: Mapped[str] = mapped_column(String(12), default=EntrySource.FORM)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MonitoringLine(Base):
    """One 三级 indicator in a monitoring table: completion so far, forecast, likelihood, deviation."""

    __tablename__ = "monitoring_line"
    __table_args__ = (UniqueConstraint("entry_id", "position"), one_of("likelihood", Likelihood),
                      one_of("cause", DeviationCause))

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("monitoring_entry.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the indicator's position in the approved version
    actual: Mapped[Decimal | None] = mapped_column(DecimalText())
    actual_text: Mapped[str | None] = mapped_column(String(32))  # qualitative: 达成 | 部分达成 | 未达成
    forecast: Mapped[Decimal | None] = mapped_column(DecimalText())
    likelihood: Mapped[str | None] = mapped_column(String(12))
    cause: Mapped[str | None] = mapped_column(String(16))
    analysis: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    needs_rectification: Mapped[bool] = mapped_column(Boolean, default=False)


class ImportMapping(Base):
    """The column mapping a user chose once for a source of payment exports (e.g. 国库集中支付系统)."""

    __tablename__ = "import_mapping"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    mapping_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExecutionImport(Base):
    """An applied payment export, by content hash, so importing the same file again changes nothing."""

    __tablename__ = "execution_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(260))
    source: Mapped[str] = mapped_column(String(64))
    rows_applied: Mapped[int] = mapped_column(Integer)
    applied_by: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CorrectiveAction(Base):
    """A corrective-action request or rectification item raised from a monitoring warning; the result-application
    issue's rectification register builds on these rows."""

    __tablename__ = "corrective_action"
    __table_args__ = (one_of("kind", ActionKind), one_of("status", ActionStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_round.id"))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=ActionStatus.OPEN)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
