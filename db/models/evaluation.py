"""Evaluations (绩效评价): self-evaluations, key evaluations and department overall evaluations with their lines,
framework templates, the expert library and third-party agencies, panels and each expert's scores."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.codes import Comparator, DraftStatus, EvaluationKind, PanelRole, SubjectKind, TemplateKind
from db.models.base import Base, UTCDateTime, one_of, utcnow
from db.types import DecimalText, Money


class Expert(Base):
    """An expert of the library; `unit_id` is the unit the expert works for (conflict of interest)."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    employer: Mapped[str | None] = mapped_column(String(100))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    fields: Mapped[str | None] = mapped_column(String(200))  # 领域, separated by 、
    title: Mapped[str | None] = mapped_column(String(32))  # 职称
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Agency(Base):
    """A third-party agency (第三方机构) that runs evaluations."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    qualification: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EvaluationTemplate(Base):
    """A framework template for key or department evaluations; shipped ones are copied before editing."""

    __tablename__ = "evaluation_template"
    __table_args__ = (one_of("kind", TemplateKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100))
    framework_json: Mapped[str] = mapped_column(Text)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Evaluation(Base):
    """One evaluation: kind self (单位自评) | key (财政重点评价) | department (部门整体评价), of a project, a policy
    or a department. `framework_json` is the framework as used (a snapshot), `data_json` the wizard's other
    answers (budget figures, goal texts, findings, recommendations), `grades_json` the grade thresholds in force
    when it was finalised, so an old result never changes when settings do."""

    __tablename__ = "evaluation"
    __table_args__ = (one_of("kind", EvaluationKind), one_of("subject_kind", SubjectKind),
                      one_of("status", DraftStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    subject_kind: Mapped[str] = mapped_column(String(12))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), index=True)
    framework_json: Mapped[str | None] = mapped_column(Text)
    data_json: Mapped[str] = mapped_column(Text, default="{}")
    budget: Mapped[Decimal | None] = mapped_column(Money())  # 全年预算数
    executed: Mapped[Decimal | None] = mapped_column(Money())  # 全年执行数
    score: Mapped[Decimal | None] = mapped_column(DecimalText())
    grade: Mapped[str | None] = mapped_column(String(4))
    grades_json: Mapped[str | None] = mapped_column(Text)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    agency_rating: Mapped[int | None] = mapped_column(Integer)  # 1-5, the bureau's rating of the agency's work
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EvaluationLine(Base):
    """A scored line: an indicator of a self-evaluation, or an item of a department sheet."""

    __tablename__ = "evaluation_line"
    __table_args__ = (UniqueConstraint("evaluation_id", "item_key"), one_of("comparator", Comparator))

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    item_key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str] = mapped_column(String(16))
    level2: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(DecimalText())
    comparator: Mapped[str | None] = mapped_column(String(8))
    target: Mapped[Decimal | None] = mapped_column(DecimalText())
    target_text: Mapped[str | None] = mapped_column(String(200))
    unit_of_measure: Mapped[str | None] = mapped_column(String(16))
    actual: Mapped[Decimal | None] = mapped_column(DecimalText())
    actual_text: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(32))  # qualitative: 达成年度指标 | 部分达成… | 未达成…
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    computed: Mapped[Decimal | None] = mapped_column(DecimalText())
    score: Mapped[Decimal | None] = mapped_column(DecimalText())
    override_reason: Mapped[str | None] = mapped_column(Text)
    analysis: Mapped[str | None] = mapped_column(Text)  # 偏差原因分析及改进措施


class PanelMember(Base):
    """An expert on an evaluation's panel."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("evaluation_id", "expert_id"), one_of("role", PanelRole))

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    role: Mapped[str] = mapped_column(String(8), default=PanelRole.MEMBER)


class ExpertScore(Base):
    """One expert's score of one framework item; an expert scores an item once."""

    __tablename__ = "expert_score"
    __table_args__ = (UniqueConstraint("evaluation_id", "expert_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    item_key: Mapped[str] = mapped_column(String(32))
    score: Mapped[Decimal] = mapped_column(DecimalText())
    comment: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
