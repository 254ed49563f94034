"""Goal reviews (绩效目标审核) and the bureau's own indicator-library entries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import Comparator, DraftStatus, ReviewGrade, ReviewOutcome
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText


class GoalReview(Base):
    """The reviewer's opinion on one submitted version of a goal table; final once the outcome is decided.

    `grade` is the 财预〔2015〕88号 grade (excellent 优 / good 良 / fair 中 / poor 差); `outcome` is what it
    does to the table (approved / returned / rejected). `findings_json` keeps the automatic findings
    the reviewer saw, each marked accepted or dismissed, so the letter and the statistics can cite them.
    """

    __tablename__ = "goal_review"
    __table_args__ = (UniqueConstraint("goal_table_id", "version"), one_of("status", DraftStatus),
                      one_of("grade", ReviewGrade), one_of("outcome", ReviewOutcome))

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_table_id: Mapped[int] = mapped_column(ForeignKey("goal_table.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8), index=True)
    grade: Mapped[str | None] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(12))
    completeness: Mapped[str | None] = mapped_column(Text)  # opinion per dimension
    relevance: Mapped[str | None] = mapped_column(Text)
    appropriateness: Mapped[str | None] = mapped_column(Text)
    feasibility: Mapped[str | None] = mapped_column(Text)
    opinion: Mapped[str | None] = mapped_column(Text)
    findings_json: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[Decimal | None] = mapped_column(DecimalText())  # the automatic quality score seen
    reviewed_by: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LibraryEntry(Base):
    """An indicator the bureau added to the shipped library (指标库); `code` continues the shipped ids."""

    __tablename__ = "library_entry"
    __table_args__ = (one_of("comparator", Comparator),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    sector: Mapped[str] = mapped_column(String(32), index=True)
    level1: Mapped[str] = mapped_column(String(16))
    level2: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    comparator: Mapped[str] = mapped_column(String(8))
    unit_of_measure: Mapped[str | None] = mapped_column(String(16))
    typical_min: Mapped[Decimal | None] = mapped_column(DecimalText())
    typical_max: Mapped[Decimal | None] = mapped_column(DecimalText())
    unit_cost_min_wan: Mapped[Decimal | None] = mapped_column(DecimalText())
    unit_cost_max_wan: Mapped[Decimal | None] = mapped_column(DecimalText())
    scoring: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
