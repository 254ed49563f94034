"""Result application (结果应用), rectification (整改) and township fiscal figures: the year's policy as data, audit
and inspection findings, the bureau's overrides of suggested amounts, the rectification register with its
notices (两书一函), and the figures the township fiscal health index is computed from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import FindingSource, NoticeKind, RectificationSource, RectificationStatus
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText, Money


class ResultPolicy(Base):
    """The result-application policy of a budget year: grade → action and percentage, composite weights and
    deductions, composite score → coefficient table; JSON checked by `core.results.rules.policy`."""

    __tablename__ = "result_policy"

    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), primary_key=True, autoincrement=False)
    policy_json: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditFinding(Base):
    """An audit or inspection finding (审计/检查发现) about a unit; its deduction lowers the composite score."""

    __tablename__ = "audit_finding"
    __table_args__ = (one_of("source", FindingSource),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    source: Mapped[str] = mapped_column(String(12))
    reference: Mapped[str | None] = mapped_column(String(64))  # 文号
    description: Mapped[str] = mapped_column(Text)
    deduction: Mapped[Decimal] = mapped_column(DecimalText())
    found_on: Mapped[date | None] = mapped_column(Date)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BudgetOverride(Base):
    """The bureau's own next-year amount for a project (project_id set) or a department's total (project_id
    empty), replacing the suggestion, with the reason."""

    __tablename__ = "budget_override"
    __table_args__ = (UniqueConstraint("year", "unit_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RectificationItem(Base):
    """One item of the rectification register: a problem found by review, monitoring, evaluation, audit or
    inspection, what the unit must do by when, its feedback (often arriving in an exchange package) and the
    bureau's re-check. 逾期 is not stored: an open item past its deadline is overdue."""

    __tablename__ = "rectification_item"
    __table_args__ = (UniqueConstraint("source", "source_ref"), one_of("source", RectificationSource),
                      one_of("status", RectificationStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)  # the stable row id in exchange packages
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    source: Mapped[str] = mapped_column(String(12))
    source_ref: Mapped[str | None] = mapped_column(String(64))  # e.g. "goal_review:12"; None for a manual item
    requirement: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=RectificationStatus.PENDING)
    feedback: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_package: Mapped[str | None] = mapped_column(String(64))  # the package id the feedback came in
    recheck_opinion: Mapped[str | None] = mapped_column(Text)
    rechecked_by: Mapped[str | None] = mapped_column(String(64))
    rechecked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RectificationNotice(Base):
    """A numbered notice of the 两书一函 escalation to a lagging unit: 提醒敦促函 (reminder) → 整改通知书
    (notice) → 约谈函 (interview); numbered per year and kind."""

    __tablename__ = "rectification_notice"
    __table_args__ = (UniqueConstraint("year", "kind", "sequence"), one_of("kind", NoticeKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))  # 文号, e.g. 县财绩整〔2024〕3号
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    item_ids_json: Mapped[str] = mapped_column(Text)  # the rectification items it names
    issued_on: Mapped[date] = mapped_column(Date)
    reply_by: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TownshipFiscal(Base):
    """A township's fiscal figures for one year (镇街财政运行数据), entered or imported; the fiscal health index
    is computed from them (and from earlier years' rows for growth and stability)."""

    __tablename__ = "township_fiscal"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # earlier years need no fiscal_year row
    general_revenue: Mapped[Decimal] = mapped_column(Money())  # 一般公共预算收入
    tax_revenue: Mapped[Decimal] = mapped_column(Money())  # 其中：税收收入
    total_expenditure: Mapped[Decimal] = mapped_column(Money())  # 一般公共预算支出
    fiscal_capacity: Mapped[Decimal] = mapped_column(Money())  # 综合财力
    basic_needs: Mapped[Decimal] = mapped_column(Money())  # “三保”支出需求
    basic_spent: Mapped[Decimal] = mapped_column(Money())  # “三保”实际支出
    debt_balance: Mapped[Decimal] = mapped_column(Money())  # 政府债务余额
    budget_total: Mapped[Decimal] = mapped_column(Money())  # 支出预算数
    executed: Mapped[Decimal] = mapped_column(Money())  # 支出执行数
    carryover: Mapped[Decimal] = mapped_column(Money())  # 结转结余
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
