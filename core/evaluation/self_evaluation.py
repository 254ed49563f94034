"""单位自评 use cases (财预〔2020〕10号): start or resume a project's self-evaluation, save a draft, finalise it
with its total and grade, read one, list the year's, and the 项目支出绩效自评表 PDF.

Starting writes nothing (a new self-evaluation is prefilled in memory from the approved goal table and the
execution data), so a cancelled wizard leaves no trace; each save is one transaction with its audit entry.
A clerk fills its own unit's projects; evaluators and the administrator may fill or view any; leaders and
reviewers view.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.common.labels import GOAL_STATUSES
from core.evaluation.common import (
    grade_thresholds,
    self_weights,
    thresholds_from_json,
    thresholds_json,
)
from core.evaluation.dto import (
    SELF_EVALUATION_STATUSES,
    CandidateRow,
    SelfEvaluationDraft,
    SelfEvaluationForm,
    SelfEvaluationRow,
)
from core.evaluation.rules.scoring import ScoringError, grade
from core.evaluation.rules.self_evaluation import check_texts, money_or_error, parse_money, score_sheet
from core.evaluation.self_evaluation_data import (
    FUND_PARTS,
    approved_version,
    check_keys,
    default_figures,
    draft_of,
    initial_parts,
    new_lines,
    sheet_line,
    stored_lines,
    weights_of,
    write_lines,
)
from core.org.access import require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from db.codes import DraftStatus
from db.models import Evaluation, GoalTable, GoalTableVersion, Project, Unit, utcnow
from db.uow import UnitOfWork

EVALUATION = Changes.of(Area.EVALUATION)
KIND = "self"

__all__ = ["EVALUATION", "finalise", "get", "list_candidates", "list_self", "save_draft",
           "self_evaluation_pdf", "start_or_resume"]


def may_fill(actor: Actor) -> bool:
    """Evaluators and the administrator fill any unit's; a clerk its own unit's (checked per project)."""
    return any(actor.can(p) for p in (Permission.EVALUATE, Permission.MANAGE_UNITS, Permission.EDIT_OWN_UNIT_DATA))


def _require_filler(uow: UnitOfWork, actor: Actor, project: Project) -> None:
    if not may_fill(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）只能查看单位自评，不能填报；"
                               "单位自评由项目单位的填报员填写，财政局评价员也可代为填写。")
    if not (actor.can(Permission.EVALUATE) or actor.can(Permission.MANAGE_UNITS)):
        require_unit(uow.session, actor, project.unit_id)


def _project(uow: UnitOfWork, project_id: int) -> Project:
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    return project


def _evaluation(uow: UnitOfWork, project_id: int) -> Evaluation | None:
    return uow.session.scalar(select(Evaluation).where(Evaluation.kind == KIND, Evaluation.project_id == project_id))


def _unit_name(uow: UnitOfWork, unit_id: int) -> str:
    return uow.session.scalar(select(Unit.name).where(Unit.id == unit_id)) or ""


def _thresholds(uow: UnitOfWork, ev: Evaluation) -> tuple[tuple[str, Decimal], ...]:
    return thresholds_from_json(ev.grades_json) if ev.grades_json else grade_thresholds(uow.session)


def _detail(uow: UnitOfWork, project: Project, ev: Evaluation) -> SelfEvaluationDraft:
    return draft_of(project, _unit_name(uow, project.unit_id), ev, _thresholds(uow, ev),
                    stored_lines(uow.session, ev.id))


def _require_approved(uow: UnitOfWork, project: Project) -> GoalTableVersion:
    version = approved_version(uow.session, project)
    if version is None:
        status = uow.session.scalar(select(GoalTable.status).where(GoalTable.project_id == project.id))
        state = GOAL_STATUSES.get(status or "", "尚未填报")
        raise ValidationError(f"项目“{project.name}”的绩效目标表尚未批复（当前：{state}），不能进行单位自评。",
                              "project")
    if not version.indicators:
        raise ValidationError(f"项目“{project.name}”的绩效目标表没有绩效指标，无法自评。", "project")
    return version


def start_or_resume(uow: UnitOfWork, actor: Actor, project_id: int) -> SelfEvaluationDraft:
    """The project's saved self-evaluation, or a new one prefilled in memory (nothing is written)."""
    project = _project(uow, project_id)
    _require_filler(uow, actor, project)
    ev = _evaluation(uow, project_id)
    if ev is not None:
        return _detail(uow, project, ev)
    version = _require_approved(uow, project)
    weights = self_weights()
    lines = new_lines(version, weights)
    budget, executed = default_figures(uow.session, project)
    parts = initial_parts(project)
    return SelfEvaluationDraft(
        None, project.id, project.code, project.name, _unit_name(uow, project.unit_id), project.implementing_unit,
        project.year, "new", project.total_amount,
        tuple((label, Decimal(parts[key])) for key, label in FUND_PARTS),
        budget, executed, (version.annual_goal or "").strip(), "", lines, (), weights,
        grade_thresholds(uow.session), None, None, None, None, None)


def get(uow: UnitOfWork, actor: Actor, evaluation_id: int | None = None,
        project_id: int | None = None) -> SelfEvaluationDraft:
    """One saved self-evaluation, by its id or its project's."""
    ev = uow.session.get(Evaluation, evaluation_id) if evaluation_id is not None else (
        _evaluation(uow, project_id) if project_id is not None else None)
    if ev is None or ev.kind != KIND or ev.project_id is None:
        raise NotFound("没有找到这份单位自评，可能尚未保存。")
    project = _project(uow, ev.project_id)
    require_unit(uow.session, actor, project.unit_id)
    return _detail(uow, project, ev)


def _snapshot(ev: Evaluation | None) -> dict[str, str | None] | None:
    if ev is None:
        return None
    return {"status": ev.status, "budget": str(ev.budget), "executed": str(ev.executed), "score": str(ev.score),
            "grade": ev.grade}


def _store(uow: UnitOfWork, actor: Actor, project_id: int, form: SelfEvaluationForm, final: bool) -> Changes:
    uow.write()
    project = _project(uow, project_id)
    _require_filler(uow, actor, project)
    ev = _evaluation(uow, project_id)
    if ev is not None and ev.status == DraftStatus.FINAL:
        raise ValidationError(f"项目“{project.name}”的单位自评已定稿，不能再修改。", "status")
    if ev is None:
        weights = self_weights()
        lines = new_lines(_require_approved(uow, project), weights)
        data: dict[str, object] = {"initial": initial_parts(project)}
    else:
        weights = weights_of(ev)
        lines = tuple(sheet_line(r) for r in stored_lines(uow.session, ev.id))
        data = json.loads(ev.data_json or "{}")
    check_keys(lines, form)
    budget: Decimal | None
    executed: Decimal | None
    try:
        if final:
            budget, executed = money_or_error(form.budget, "全年预算数"), money_or_error(form.executed, "全年执行数")
        else:
            budget, executed = parse_money(form.budget, "全年预算数"), parse_money(form.executed, "全年执行数")
        inputs = {i.key: i for i in form.lines}
        result = score_sheet(lines, inputs, weights, budget, executed, complete=final)
        if final:
            check_texts(lines, inputs, result, form.goal_actual)
    except ScoringError as exc:
        raise ValidationError(str(exc), "form") from exc
    before = _snapshot(ev)
    if ev is None:
        ev = Evaluation(year=project.year, kind=KIND, subject_kind="project", project_id=project.id,
                        unit_id=project.unit_id, title=f"{project.name}单位自评", status=DraftStatus.DRAFT,
                        created_by=actor.username,
                        framework_json=json.dumps({"weights": {k: str(v) for k, v in weights.items()}}))
        uow.session.add(ev)
        uow.session.flush()
    data.update(goal_expected=form.goal_expected.strip(), goal_actual=form.goal_actual.strip())
    data["overrides"] = write_lines(uow.session, ev, lines, form, result)
    ev.data_json = json.dumps(data, ensure_ascii=False)
    ev.budget, ev.executed, ev.score, ev.updated_at = budget, executed, result.total, utcnow()
    if final:
        thresholds = grade_thresholds(uow.session)
        ev.status, ev.finalised_at = DraftStatus.FINAL, utcnow()
        ev.grade, ev.grades_json = grade(result.total or Decimal(0), thresholds), thresholds_json(thresholds)
    uow.session.flush()
    uow.audit(actor.username, "evaluation.self.finalise" if final else "evaluation.self.save", "evaluation", ev.id,
              before, _snapshot(ev))
    uow.commit()
    return EVALUATION


def save_draft(uow: UnitOfWork, actor: Actor, project_id: int, form: SelfEvaluationForm) -> Changes:
    """Keep what is filled in (values that are there must be right; missing ones may stay open)."""
    return _store(uow, actor, project_id, form, final=False)


def finalise(uow: UnitOfWork, actor: Actor, project_id: int, form: SelfEvaluationForm) -> Changes:
    """Save and finalise: every line complete, analyses where points were lost, the goal's actual completion;
    the total is graded with the thresholds in force, which are recorded with it."""
    return _store(uow, actor, project_id, form, final=True)


def list_self(uow: UnitOfWork, actor: Actor, year: int) -> list[SelfEvaluationRow]:
    """The year's saved self-evaluations the actor may see, by project code."""
    stmt = (select(Evaluation, Project.code, Project.name, Unit.name).join(Project, Project.id == Evaluation.project_id)
            .join(Unit, Unit.id == Evaluation.unit_id).where(Evaluation.kind == KIND, Evaluation.year == year)
            .order_by(Project.code))
    visible = visible_unit_ids(uow.session, actor)
    if visible is not None:
        stmt = stmt.where(Evaluation.unit_id.in_(visible))
    return [SelfEvaluationRow(ev.id, ev.project_id or 0, code, name, unit, ev.status, SELF_EVALUATION_STATUSES[ev.status], ev.score,
                              ev.grade, ev.updated_at) for ev, code, name, unit in uow.session.execute(stmt)]


def list_candidates(uow: UnitOfWork, actor: Actor, year: int) -> list[CandidateRow]:
    """The projects the actor may self-evaluate: approved goal tables, own unit for a clerk."""
    if not may_fill(actor):
        return []
    stmt = (select(Project.id, Project.code, Project.name, Unit.name, Project.total_amount, Evaluation.status)
            .join(GoalTable, GoalTable.project_id == Project.id).join(Unit, Unit.id == Project.unit_id)
            .outerjoin(Evaluation, (Evaluation.project_id == Project.id) & (Evaluation.kind == KIND))
            .where(Project.year == year, GoalTable.status == "approved").order_by(Project.code))
    visible = None if actor.can(Permission.EVALUATE) or actor.can(Permission.MANAGE_UNITS) else (
        visible_unit_ids(uow.session, actor))
    if visible is not None:
        stmt = stmt.where(Project.unit_id.in_(visible))
    return [CandidateRow(pid, code, name, unit, amount, status or "new", SELF_EVALUATION_STATUSES[status or "new"])
            for pid, code, name, unit, amount, status in uow.session.execute(stmt)]


def self_evaluation_pdf(uow: UnitOfWork, actor: Actor, evaluation_id: int, target: Path) -> Path:
    """The 项目支出绩效自评表 of one self-evaluation (a draft is marked as such)."""
    detail = get(uow, actor, evaluation_id)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.evaluation.self_evaluation_report import build_self_evaluation_report
    return build_self_evaluation_report(detail, target)
