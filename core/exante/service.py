"""事前绩效评估 use cases: the year's projects that need an assessment (with or without one), scoring and
saving an assessment, finalising it, the year's totals (评估核减) and the assessment report PDF."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.common.labels import FUND_TYPES, PROJECT_ATTRIBUTES
from core.exante.dto import STATUSES, AssessmentDetail, AssessmentRow, ExAnteTotals
from core.exante.rules import (
    CONCLUSIONS,
    KINDS,
    AmountError,
    GradeError,
    Sheet,
    conclude,
    needs_assessment,
    parse_sheet,
    total_score,
)
from core.org import settings
from core.org.access import require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from db.codes import DraftStatus, ExAnteConclusion
from db.models import ExAnteAssessment, Project, Unit, utcnow
from db.uow import UnitOfWork
from resources import path as resource_path

EXANTE = Changes.of(Area.EXANTE)


@cache
def scoring_sheet() -> Sheet:
    """The scoring sheet shipped in resources/reference/exante_sheet.json."""
    return parse_sheet(json.loads(resource_path("reference", "exante_sheet.json").read_text(encoding="utf-8")))


def _may_assess(actor: Actor) -> bool:
    return actor.can(Permission.REVIEW_GOALS) or actor.can(Permission.EVALUATE)


def _require_assessor(actor: Actor) -> None:
    if not _may_assess(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）无权进行事前绩效评估；"
                               "事前评估由财政局审核员或评价员进行。")


def _project(uow: UnitOfWork, actor: Actor, project_id: int) -> Project:
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    require_unit(uow.session, actor, project.unit_id)
    return project


def _assessment(uow: UnitOfWork, project_id: int) -> ExAnteAssessment | None:
    return uow.session.scalar(select(ExAnteAssessment).where(ExAnteAssessment.project_id == project_id))


def _row(project: Project, unit_name: str, a: ExAnteAssessment | None, threshold: Decimal) -> AssessmentRow:
    required = needs_assessment(project.attribute, project.total_amount, threshold)
    attribute = PROJECT_ATTRIBUTES.get(project.attribute, project.attribute)
    if a is None:
        return AssessmentRow(project.id, project.code, project.name, unit_name, attribute, required, "none",
                             STATUSES["none"], "", None, "", project.total_amount, None, None, False)
    return AssessmentRow(project.id, project.code, project.name, unit_name, attribute, required, a.status,
                         STATUSES[a.status], KINDS.get(a.kind, a.kind), a.score, CONCLUSIONS[a.conclusion],
                         a.requested_amount, a.recommended_amount, a.requested_amount - a.recommended_amount,
                         a.status == DraftStatus.FINAL and a.conclusion != ExAnteConclusion.REJECT)


def list_assessments(uow: UnitOfWork, actor: Actor, year: int) -> list[AssessmentRow]:
    """Every project of the year that needs an assessment (new, at or above the threshold) or has one,
    so the bureau sees what is missing; a clerk sees its own unit's. Largest amounts first."""
    threshold: Decimal = settings.get(uow.session, "exante.threshold_wan")
    stmt = (select(Project, Unit.name, ExAnteAssessment).join(Unit, Unit.id == Project.unit_id)
            .outerjoin(ExAnteAssessment, ExAnteAssessment.project_id == Project.id)
            .where(Project.year == year, or_(Project.attribute == "new", ExAnteAssessment.id.is_not(None)))
            .order_by(Project.total_amount.desc(), Project.code))
    visible = visible_unit_ids(uow.session, actor)
    if visible is not None:
        stmt = stmt.where(Project.unit_id.in_(visible))
    rows = [_row(p, unit_name, a, threshold) for p, unit_name, a in uow.session.execute(stmt)]
    return [r for r in rows if r.required or r.status != "none"]


def get_assessment(uow: UnitOfWork, actor: Actor, project_id: int) -> AssessmentDetail:
    """The project's assessment, or an empty one (status 未评估) to start from."""
    project = _project(uow, actor, project_id)
    a = _assessment(uow, project_id)
    unit_name = uow.session.scalar(select(Unit.name).where(Unit.id == project.unit_id)) or ""
    common: dict[str, Any] = dict(
        project_id=project.id, project_code=project.code, project_name=project.name, unit_name=unit_name,
        implementing_unit=project.implementing_unit, year=project.year,
        attribute=PROJECT_ATTRIBUTES.get(project.attribute, project.attribute),
        fund_type=FUND_TYPES.get(project.fund_type, project.fund_type), manager=project.manager,
        start_date=project.start_date, end_date=project.end_date, sheet=scoring_sheet())
    if a is None:
        return AssessmentDetail(**common, requested=project.total_amount, status="none", kind="key", grades={},
                                score=None, conclusion=None, recommended=None, cut=None, opinion="",
                                assessed_by=None, assessed_at=None, finalised_at=None)
    return AssessmentDetail(**common, requested=a.requested_amount, status=a.status, kind=a.kind,
                            grades=json.loads(a.grades_json), score=a.score, conclusion=a.conclusion,
                            recommended=a.recommended_amount, cut=a.requested_amount - a.recommended_amount,
                            opinion=a.opinion or "", assessed_by=a.assessed_by, assessed_at=a.assessed_at,
                            finalised_at=a.finalised_at)


def _snapshot(a: ExAnteAssessment | None) -> dict[str, str] | None:
    if a is None:
        return None
    return {"status": a.status, "score": str(a.score), "conclusion": a.conclusion,
            "recommended": str(a.recommended_amount)}


def save_assessment(uow: UnitOfWork, actor: Actor, project_id: int, grades: dict[str, str],
                    recommended_amount: Decimal, opinion: str, kind: str = "key") -> Changes:
    """Score and save a draft assessment; every item must be graded. A final assessment cannot change."""
    uow.write()
    _require_assessor(actor)
    project = _project(uow, actor, project_id)
    a = _assessment(uow, project_id)
    if a is not None and a.status == DraftStatus.FINAL:
        raise ValidationError(f"项目“{project.name}”的事前评估已定稿，不能再修改。", "status")
    if kind not in KINDS:
        raise ValidationError(f"评估方式“{kind}”无效，应为{'或'.join(KINDS.values())}。", "kind")
    sheet = scoring_sheet()
    requested = a.requested_amount if a is not None else project.total_amount
    try:
        score = total_score(sheet, grades)
        outcome = conclude(score, requested, recommended_amount, sheet.pass_score)
    except GradeError as exc:
        raise ValidationError(str(exc), exc.item_id) from exc
    except AmountError as exc:
        raise ValidationError(str(exc), "recommended_amount") from exc
    before = _snapshot(a)
    if a is None:
        a = ExAnteAssessment(project_id=project.id, requested_amount=requested)
        uow.session.add(a)
    a.kind, a.status = kind, DraftStatus.DRAFT
    a.grades_json = json.dumps(grades, ensure_ascii=False, sort_keys=True)
    a.score, a.conclusion, a.recommended_amount = score, outcome.conclusion, outcome.recommended
    a.opinion = opinion.strip() or None
    a.assessed_by, a.assessed_at = actor.username, utcnow()
    uow.session.flush()
    uow.audit(actor.username, "exante.save", "exante_assessment", a.id, before, _snapshot(a))
    uow.commit()
    return EXANTE


def finalise(uow: UnitOfWork, actor: Actor, project_id: int) -> Changes:
    """Fix the assessment's conclusion; a supported project then enters the project library."""
    uow.write()
    _require_assessor(actor)
    project = _project(uow, actor, project_id)
    a = _assessment(uow, project_id)
    if a is None:
        raise ValidationError(f"项目“{project.name}”还没有保存事前评估，不能定稿。", "status")
    if a.status == DraftStatus.FINAL:
        raise ValidationError(f"项目“{project.name}”的事前评估已经定稿。", "status")
    if not (a.opinion or "").strip():
        raise ValidationError(f"项目“{project.name}”的事前评估还没有填写评估意见，不能定稿。", "opinion")
    before = _snapshot(a)
    a.status, a.finalised_at = DraftStatus.FINAL, utcnow()
    uow.audit(actor.username, "exante.finalise", "exante_assessment", a.id, before, _snapshot(a))
    uow.commit()
    return EXANTE


def totals(uow: UnitOfWork, actor: Actor, year: int) -> ExAnteTotals:
    """The year's statistic: finalised assessments, amounts asked and recommended, and the cut (评估核减)."""
    rows = list_assessments(uow, actor, year)
    final = [r for r in rows if r.status == DraftStatus.FINAL]
    asked = sum((r.requested for r in final), Decimal(0))
    recommended = sum((r.recommended or Decimal(0) for r in final), Decimal(0))
    required = [r for r in rows if r.required]
    return ExAnteTotals(len(required), sum(1 for r in required if r.status != DraftStatus.FINAL), len(final),
                        asked,
                        recommended, asked - recommended)


def report_pdf(uow: UnitOfWork, actor: Actor, project_id: int, target: Path) -> Path:
    """The 事前绩效评估报告 of one project (a draft is marked as such)."""
    detail = get_assessment(uow, actor, project_id)
    if detail.status == "none":
        raise ValidationError(f"项目“{detail.project_name}”还没有事前评估，无法生成报告。", "status")
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.exante.report import build_exante_report
    return build_exante_report(detail, target, org_name=settings.get(uow.session, "org.name"))
