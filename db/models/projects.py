"""Projects with their funding, goal tables with versions and the indicator tree, execution records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.codes import (
    Comparator,
    ExecutionSource,
    FundType,
    GoalStatus,
    IndicatorKind,
    LinkBasis,
    ProjectAttribute,
    ProjectNature,
    ProjectStatus,
)
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText, Money


class Project(Base):
    """A budget project of one year; amounts are Decimal 万元 by source, the total as entered."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("year", "code"), one_of("attribute", ProjectAttribute),
                      one_of("nature", ProjectNature), one_of("fund_type", FundType),
                      one_of("status", ProjectStatus), one_of("link_basis", LinkBasis))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    implementing_unit: Mapped[str | None] = mapped_column(String(100))
    sector: Mapped[str | None] = mapped_column(String(32))
    attribute: Mapped[str] = mapped_column(String(16))  # new (新增) | continuing (延续)
    nature: Mapped[str] = mapped_column(String(16))  # one_off (一次性) | recurring (经常性)
    fund_type: Mapped[str] = mapped_column(String(24))  # general|gov_fund|soe_capital|social_insurance
    total_amount: Mapped[Decimal] = mapped_column(Money())
    fiscal_amount: Mapped[Decimal] = mapped_column(Money())
    carryover_amount: Mapped[Decimal] = mapped_column(Money())
    other_amount: Mapped[Decimal] = mapped_column(Money())
    manager: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    previous_project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    # The project library (项目库): lifecycle status, the years the project spans and its total over them (the
    # year's amount is total_amount), and how the link to last year's project was made.
    status: Mapped[str] = mapped_column(String(12), default="arranged", server_default="arranged", index=True)
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    span_total_amount: Mapped[Decimal | None] = mapped_column(Money())  # over all its years; None: one year
    link_basis: Mapped[str | None] = mapped_column(String(10))
    proposed_previous_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))

    unit = relationship("Unit")


class GoalTable(Base):
    """The 绩效目标表 of a project, or (project_id empty) of a department as a whole (部门整体绩效目标, linked
    from `department_goal`); its content lives in versions, the newest being current."""

    __tablename__ = "goal_table"
    __table_args__ = (one_of("status", GoalStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[GoalTableVersion]] = relationship(
        back_populates="goal_table", order_by="GoalTableVersion.version"
    )


class GoalTableVersion(Base):
    """One submitted or adjusted state of a goal table, with the reason for it."""

    __tablename__ = "goal_table_version"
    __table_args__ = (UniqueConstraint("goal_table_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_table_id: Mapped[int] = mapped_column(ForeignKey("goal_table.id"))
    version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    overview: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[str | None] = mapped_column(Text)
    long_term_goal: Mapped[str | None] = mapped_column(Text)
    annual_goal: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the version is submitted (or adjusted); a submitted version never changes again.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    goal_table: Mapped[GoalTable] = relationship(back_populates="versions")
    indicators: Mapped[list[Indicator]] = relationship(order_by="Indicator.position")


class Indicator(Base):
    """A 三级 indicator: comparator (>= <= = > < qual), numeric target or qualitative text, unit, and its kind
    (累计型/比率型/时点型/定性) with whether a person chose it (else it was inferred)."""

    __tablename__ = "indicator"
    __table_args__ = (one_of("comparator", Comparator), one_of("kind", IndicatorKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("goal_table_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str] = mapped_column(String(16))
    level2: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    comparator: Mapped[str] = mapped_column(String(8))
    target: Mapped[Decimal | None] = mapped_column(DecimalText())
    target_text: Mapped[str | None] = mapped_column(String(200))
    unit_of_measure: Mapped[str | None] = mapped_column(String(16))
    weight: Mapped[Decimal | None] = mapped_column(DecimalText())
    scoring_standard: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # 指标类型 (db.codes.IndicatorKind); NULL: 待定, nobody could infer it or has chosen one yet
    kind: Mapped[str | None] = mapped_column(String(16))
    kind_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class ExecutionRecord(Base):
    """Money spent on a project in one month (from the treasury payment system or entered)."""

    __tablename__ = "execution_record"
    __table_args__ = (Index("ix_execution_project_period", "project_id", "year", "month"),
                      one_of("source", ExecutionSource))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    voucher_no: Mapped[str | None] = mapped_column(String(64))
    payee: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(16), default=ExecutionSource.MANUAL)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
