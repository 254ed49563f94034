"""财政重点评价 / 部门评价 use cases: the year's key evaluations, what can be evaluated (projects, departments,
policies), creating one from a framework template, changing its framework, the report texts, finalising it
(panel score and grade with the thresholds in force recorded), the agency's quality rating and the evaluation
report PDF. Panels and scores live in key_evaluation_panel, the expert's scoring workbook in
key_evaluation_workbook, templates in key_evaluation_templates; their entry points are re-exported here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import DRAFT_STATUSES, SUBJECT_KINDS
from core.evaluation.common import grade_thresholds, require_evaluator, thresholds_json
from core.evaluation.key_base import (
    EVALUATION,
    MAX_TEXT,
    TEXT_PARTS,
    build_detail,
    data_of,
    framework_snapshot,
    items_of,
    load,
    panel_of,
    project_money,
    require_draft,
    scores_of,
)
from core.evaluation.key_dto import (
    Created,
    KeyEvaluationDetail,
    KeyEvaluationRow,
    SubjectOption,
    Subjects,
)
from core.evaluation.key_panel import enter_panel_scores, enter_scores, panel_candidates, set_panel
from core.evaluation.key_templates import (
    check_items,
    copy_template,
    get_template,
    list_templates,
    save_template,
)
from core.evaluation.rules.scoring import FrameworkItem, ScoringError, grade, panel_score
from core.org import settings
from core.org.access import require
from core.org.lookups import DEPARTMENT_KINDS, departments
from core.org.rules.roles import Actor, Permission
from db.codes import DraftStatus
from db.models import Agency, Evaluation, FiscalYear, PanelMember, Project, Unit, utcnow
from db.uow import UnitOfWork

__all__ = [
    "copy_template", "enter_panel_scores", "enter_scores", "list_templates", "panel_candidates", "save_template",
    "set_panel",
]
_WORKBOOK_USE_CASES = ("expert_workbook", "read_expert_workbook")


def __getattr__(name: str) -> Any:
    """The expert workbook use cases, imported on first use: openpyxl stays off the path that opens the page."""
    if name in _WORKBOOK_USE_CASES:
        from core.evaluation import key_workbook

        return getattr(key_workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def list_key_evaluations(uow: UnitOfWork, actor: Actor, year: int) -> list[KeyEvaluationRow]:
    """The year's key evaluations, drafts first, then by subject."""
    require(actor, Permission.VIEW_ALL_UNITS)
    s = uow.session
    experts = dict(s.execute(select(PanelMember.evaluation_id, func.count()).group_by(PanelMember.evaluation_id))
                   .all())
    stmt = (select(Evaluation, Project.code, Project.name, Unit.name, Agency.name)
            .join(Unit, Unit.id == Evaluation.unit_id)
            .outerjoin(Project, Project.id == Evaluation.project_id)
            .outerjoin(Agency, Agency.id == Evaluation.agency_id)
            .where(Evaluation.year == year, Evaluation.kind == "key")
            .order_by(Evaluation.status, Evaluation.title, Evaluation.id))
    deps = departments(s)
    return [KeyEvaluationRow(e.id, SUBJECT_KINDS[e.subject_kind],
                             project or (unit_name if e.subject_kind == "department" else e.title), code, unit_name,
                             deps.get(e.unit_id, (0, ""))[1], experts.get(e.id, 0), agency, e.score, e.grade,
                             e.status, e.agency_rating)
            for e, code, project, unit_name, agency in s.execute(stmt)]


def subjects(uow: UnitOfWork, actor: Actor, year: int) -> Subjects:
    """The year's projects (largest first) and the departments and townships, for the wizard's first step."""
    require(actor, Permission.VIEW_ALL_UNITS)
    s = uow.session
    projects = [SubjectOption(p.id, p.code, p.name, unit_name) for p, unit_name in s.execute(
        select(Project, Unit.name).join(Unit, Unit.id == Project.unit_id).where(Project.year == year)
        .order_by(Project.total_amount.desc(), Project.code))]
    units = [SubjectOption(u.id, u.code, u.name, u.name) for u in s.scalars(
        select(Unit).where(Unit.kind.in_(DEPARTMENT_KINDS), Unit.active.is_(True)).order_by(Unit.code))]
    return Subjects(projects, units)


def _subject(uow: UnitOfWork, year: int, subject_kind: str, subject_id: int, title: str
             ) -> tuple[str, int, int | None, Decimal | None, Decimal | None]:
    """(title, evaluated unit, project, budget, executed) of the subject; refused when it cannot be evaluated."""
    s = uow.session
    if subject_kind == "project":
        project = s.get(Project, subject_id)
        if project is None:
            raise NotFound(f"项目（编号 {subject_id}）不存在。")
        if project.year != year:
            raise ValidationError(f"项目“{project.name}”属于 {project.year} 年度，不是 {year} 年度的项目。", "subject")
        budget, executed = project_money(s, project)
        return f"{project.name}财政重点绩效评价", project.unit_id, project.id, budget, executed
    unit = s.get(Unit, subject_id)
    if unit is None or unit.kind not in DEPARTMENT_KINDS:
        raise ValidationError("请选择被评价的部门（或政策的主管部门）。", "subject")
    if subject_kind == "department":
        total: Decimal | None = s.scalar(select(func.sum(Project.total_amount)).join(Unit, Unit.id == Project.unit_id).where(
            Project.year == year, (Unit.id == unit.id) | (Unit.parent_id == unit.id)))
        return f"{unit.name}部门评价", unit.id, None, Decimal(total) if total else None, None
    name = title.strip()
    if not name:
        raise ValidationError("请填写被评价政策的名称。", "title")
    if len(name) > 200:
        raise ValidationError("政策名称最多 200 个字。", "title")
    return name, unit.id, None, None, None


def create(uow: UnitOfWork, actor: Actor, year: int, subject_kind: str, subject_id: int, template_id: int | None,
           items: Sequence[FrameworkItem] | None = None, title: str = "") -> Created:
    """Start a key evaluation of a project, a department or a policy (`title`, owned by department
    `subject_id`) with the framework of a template, as edited (`items`); weights must sum to 100."""
    uow.write()
    require_evaluator(actor)
    if subject_kind not in SUBJECT_KINDS:
        raise ValidationError(f"评价对象类型“{subject_kind}”无效，应为{'、'.join(SUBJECT_KINDS.values())}。",
                              "subject_kind")
    if uow.session.get(FiscalYear, year) is None:
        raise ValidationError(f"{year} 年度尚未建立，不能创建评价。", "year")
    name, unit_id, project_id, budget, executed = _subject(uow, year, subject_kind, subject_id, title)
    same_subject = {"project": Evaluation.project_id == project_id, "department": Evaluation.unit_id == unit_id,
                    "policy": Evaluation.title == name}[subject_kind]
    same = uow.session.scalar(select(Evaluation).where(
        Evaluation.year == year, Evaluation.kind == "key", Evaluation.subject_kind == subject_kind, same_subject))
    if same is not None:
        raise ValidationError(f"“{same.title}”已是 {year} 年度的重点评价（编号 {same.id}，{DRAFT_STATUSES[same.status]}），"
                              "请在列表中选择后继续，不要重复创建。", "subject")
    template = get_template(uow, template_id)
    chosen = list(items) if items is not None else list(template.items)
    warnings = check_items(chosen)
    ev = Evaluation(year=year, kind="key", subject_kind=subject_kind, project_id=project_id, unit_id=unit_id,
                    title=name, status=DraftStatus.DRAFT,
                    framework_json=framework_snapshot(template.name, chosen, warnings),
                    data_json="{}", budget=budget, executed=executed, created_by=actor.username)
    uow.session.add(ev)
    uow.session.flush()
    uow.audit(actor.username, "evaluation.create", "evaluation", ev.id, None,
              {"kind": "key", "subject_kind": subject_kind, "title": name, "template": template.name})
    uow.commit()
    return Created(ev.id, tuple(warnings), EVALUATION)


def update_framework(uow: UnitOfWork, actor: Actor, evaluation_id: int, template_name: str,
                     items: Sequence[FrameworkItem]) -> Created:
    """Replace the evaluation's framework; scores already given must still fit (same item, within its points)."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    warnings = check_items(items)
    by_key = {i.key: i for i in items}
    for expert_scores in scores_of(uow.session, ev.id).values():
        for key, row in expert_scores.items():
            item = by_key.get(key)
            if item is None or row.score > item.weight:
                old = next((i.name for i in items_of(ev) if i.key == key), key)
                raise ValidationError(f"指标“{old}”已有专家评分（{row.score} 分），修改后的指标体系"
                                      f"{'删除了该指标' if item is None else f'把它的分值改为 {item.weight} 分'}；"
                                      "请保留该指标及不低于已评分数的分值。", "weights")
    before = json.loads(ev.framework_json or "{}")
    ev.framework_json = framework_snapshot(template_name, items, warnings)
    ev.updated_at = utcnow()
    uow.audit(actor.username, "evaluation.framework", "evaluation", ev.id, before, json.loads(ev.framework_json))
    uow.commit()
    return Created(ev.id, tuple(warnings), EVALUATION)


def get_evaluation(uow: UnitOfWork, actor: Actor, evaluation_id: int) -> KeyEvaluationDetail:
    return build_detail(uow, load(uow, actor, evaluation_id))


def save_texts(uow: UnitOfWork, actor: Actor, evaluation_id: int, texts: Mapping[str, str]) -> Changes:
    """The written parts of the report (findings, causes, recommendations and the others of TEXT_PARTS)."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    for key, text in texts.items():
        if key not in TEXT_PARTS:
            raise ValidationError(f"报告内容“{key}”无法识别。", key)
        if len(text) > MAX_TEXT:
            raise ValidationError(f"“{TEXT_PARTS[key]}”最多 {MAX_TEXT} 个字，现有 {len(text)} 个字。", key)
    data = data_of(ev)
    before = {k: data.get(k) for k in texts}
    data |= {k: v.strip() for k, v in texts.items()}
    ev.data_json = json.dumps(data, ensure_ascii=False)
    ev.updated_at = utcnow()
    uow.audit(actor.username, "evaluation.texts", "evaluation", ev.id, before, {k: data[k] for k in texts})
    uow.commit()
    return EVALUATION


def finalise(uow: UnitOfWork, actor: Actor, evaluation_id: int) -> Changes:
    """Fix the score (panel mean per item, extremes dropped with five or more experts) and the grade, with the
    thresholds in force recorded; refused while an expert's scores or the findings are missing."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    detail = build_detail(uow, ev)
    if detail.missing:
        more = f"（另有 {len(detail.missing) - 1} 项未完成）" if len(detail.missing) > 1 else ""
        raise ValidationError(f"“{ev.title}”还不能定稿：{detail.missing[0]}{more}", "missing")
    items = items_of(ev)
    scores = scores_of(uow.session, ev.id)
    names = [e.name for _m, e in panel_of(uow.session, ev.id)]
    by_expert = {(e.name if names.count(e.name) == 1 else f"{e.name}（编号 {e.id}）"):
                 {k: s.score for k, s in scores.get(e.id, {}).items()} for _m, e in panel_of(uow.session, ev.id)}
    try:
        total, _aggregates = panel_score(items, by_expert)
    except ScoringError as exc:
        raise ValidationError(str(exc), "scores") from exc
    thresholds = grade_thresholds(uow.session)
    if ev.project_id is not None:
        project = uow.session.get(Project, ev.project_id)
        if project is not None:
            ev.budget, ev.executed = project_money(uow.session, project)
    ev.score, ev.grade, ev.grades_json = total, grade(total, thresholds), thresholds_json(thresholds)
    ev.status, ev.finalised_at = DraftStatus.FINAL, utcnow()
    ev.updated_at = ev.finalised_at
    uow.audit(actor.username, "evaluation.finalise", "evaluation", ev.id, {"status": DraftStatus.DRAFT},
              {"status": DraftStatus.FINAL, "score": str(total), "grade": ev.grade, "grades": ev.grades_json})
    uow.commit()
    return EVALUATION


def rate_agency(uow: UnitOfWork, actor: Actor, evaluation_id: int, rating: int | None) -> Changes:
    """The bureau's rating (1-5) of the third-party agency's work on this evaluation; None clears it."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    if ev.agency_id is None:
        raise ValidationError(f"“{ev.title}”没有委托第三方机构，无需评价机构工作质量。", "agency_rating")
    if rating is not None and not 1 <= rating <= 5:
        raise ValidationError(f"机构工作质量评分应为 1 至 5 分，收到 {rating}。", "agency_rating")
    before = ev.agency_rating
    ev.agency_rating = rating
    uow.audit(actor.username, "evaluation.agency_rating", "evaluation", ev.id, {"rating": before}, {"rating": rating})
    uow.commit()
    return EVALUATION | Changes.of(Area.EXPERTS)


def key_evaluation_pdf(uow: UnitOfWork, actor: Actor, evaluation_id: int, target: Path) -> Path:
    """The evaluation report (seven parts, score tables) of one key evaluation; a draft is marked as such."""
    detail = get_evaluation(uow, actor, evaluation_id)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.evaluation.key_report import build_key_evaluation_report
    return build_key_evaluation_report(detail, Path(target), org_name=str(settings.get(uow.session, "org.name")))
