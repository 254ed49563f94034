"""事前绩效评估 records: one assessment per project, its item grades, score, conclusion and amounts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import DraftStatus, ExAnteConclusion, ExAnteKind
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText, Money


class ExAnteAssessment(Base):
    """The ex-ante assessment of a project; a final one is never edited again."""

    __tablename__ = "exante_assessment"
    __table_args__ = (one_of("kind", ExAnteKind), one_of("status", DraftStatus),
                      one_of("conclusion", ExAnteConclusion))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), index=True)
    grades_json: Mapped[str] = mapped_column(Text)  # {item id: 优|良|中|差}
    score: Mapped[Decimal] = mapped_column(DecimalText())
    conclusion: Mapped[str] = mapped_column(String(8))
    requested_amount: Mapped[Decimal] = mapped_column(Money())
    recommended_amount: Mapped[Decimal] = mapped_column(Money())
    opinion: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[str] = mapped_column(String(64))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
