"""Review opinion letters (绩效目标审核意见书): the decided review of one project's goal table, or of every
project of a department or township and its budget units, gathered into plain DTOs for the letter PDFs.

Read-only: nothing here writes. Only decided (final) reviews are letters; a draft opinion is never printed.
"""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.common.labels import PROJECT_ATTRIBUTES
from core.org.access import require_unit, visible_unit_ids
from core.org.lookups import DEPARTMENT_KINDS, departments
from core.org.rules.roles import Actor, Permission
from core.review.dto import DepartmentLetters, OutcomeCount, ReviewLetter
from core.review.rules.model import DIMENSIONS
from core.review.rules.outcome import GRADES
from db.codes import DraftStatus
from db.models import GoalReview, GoalTable, Project, Unit, User
from db.uow import UnitOfWork

DOC_PREFIX = "财绩审"  # 文号 of a project letter: 财绩审〔2024〕12号; of a department letter: 财绩审汇〔2024〕3号


def _check_unit(s: Session, actor: Actor, unit_id: int) -> None:
    """Reviewers and everyone who sees all units pass; a clerk only its own unit and those below it."""
    if not actor.can(Permission.REVIEW_GOALS):
        require_unit(s, actor, unit_id)


def _newest_decided() -> Subquery:
    """goal_table_id → the newest version whose review is decided."""
    return (select(GoalReview.goal_table_id, func.max(GoalReview.version).label("version"))
            .where(GoalReview.status == DraftStatus.FINAL, GoalReview.grade.in_(list(GRADES)))
            .group_by(GoalReview.goal_table_id).subquery())


def _serials(s: Session, year: int) -> dict[int, int]:
    """Review id → its number among the year's decisions in the order they were made (the 文号's number);
    a later decision never renumbers an earlier letter."""
    ids = s.scalars(select(GoalReview.id).join(GoalTable, GoalTable.id == GoalReview.goal_table_id)
                    .join(Project, Project.id == GoalTable.project_id)
                    .where(Project.year == year, GoalReview.status == DraftStatus.FINAL)
                    .order_by(GoalReview.decided_at, GoalReview.id))
    return {rid: n for n, rid in enumerate(ids, start=1)}


def _findings(raw: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(f.get("dimension") or ""), str(f.get("message") or ""))
                 for f in json.loads(raw or "[]") if f.get("mark") == "accepted")


def _letters(s: Session, where: ColumnElement[bool], year: int) -> list[ReviewLetter]:
    newest = _newest_decided()
    stmt = (select(Project, Unit.name, GoalReview)
            .join(GoalTable, GoalTable.project_id == Project.id)
            .join(newest, newest.c.goal_table_id == GoalTable.id)
            .join(GoalReview, (GoalReview.goal_table_id == GoalTable.id)
                  & (GoalReview.version == newest.c.version))
            .join(Unit, Unit.id == Project.unit_id)
            .where(where).order_by(Project.code, Project.id))
    rows = s.execute(stmt).all()
    if not rows:
        return []
    names = dict(s.execute(select(User.username, User.display_name)).all())
    tops, serials = departments(s), _serials(s, year)
    out = []
    for project, unit_name, review in rows:
        assert review.grade is not None and review.decided_at is not None  # decided reviews only
        grade = GRADES[review.grade]
        out.append(ReviewLetter(
            project.id, project.code, project.name, unit_name, tops.get(project.unit_id, (0, unit_name))[1],
            project.year, project.total_amount, project.fiscal_amount,
            PROJECT_ATTRIBUTES.get(project.attribute, project.attribute), review.version, grade.code, grade.label,
            grade.outcome_label, grade.meaning,
            tuple((label, (getattr(review, key) or "").strip()) for key, label in DIMENSIONS.items()),
            (review.opinion or "").strip(), _findings(review.findings_json),
            names.get(review.reviewed_by, review.reviewed_by), review.decided_at,
            f"{DOC_PREFIX}〔{project.year}〕{serials.get(review.id, 0)}号"))
    return out


def project_letter(uow: UnitOfWork, actor: Actor, project_id: int) -> ReviewLetter:
    """The letter of the newest decided version of the project's goal table."""
    s = uow.session
    project = s.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    _check_unit(s, actor, project.unit_id)
    found = _letters(s, Project.id == project.id, project.year)
    if not found:
        raise NotFound(f"项目“{project.name}”的绩效目标表还没有审核结论（审核意见尚未定稿），"
                       "无法生成审核意见书。请先在审核工作台作出审核结论。")
    return found[0]


def department_letters(uow: UnitOfWork, actor: Actor, year: int, department_id: int) -> DepartmentLetters:
    """Every project of the department or township (and of its budget units) with a decided review in the
    year, each at its newest decided version; with the counts and amounts per outcome."""
    s = uow.session
    dept = s.get(Unit, department_id)
    if dept is None:
        raise NotFound(f"单位（编号 {department_id}）不存在。")
    _check_unit(s, actor, dept.id)
    # A budget unit's id gives that unit's letters alone (it is its own member, never anybody's top).
    members = sorted({dept.id} | {uid for uid, (top, _) in departments(s).items() if top == dept.id})
    visible = None if actor.can(Permission.REVIEW_GOALS) else visible_unit_ids(s, actor)
    if visible is not None:
        members = [uid for uid in members if uid in visible]
    letters = tuple(_letters(s, (Project.year == year) & Project.unit_id.in_(members), year))
    if not letters:
        raise NotFound(f"{dept.name}（含所属预算单位）{year}年度还没有作出审核结论的绩效目标表，无法生成审核意见书。")
    outcomes = tuple(OutcomeCount(
        g.label, g.outcome_label, sum(1 for x in letters if x.grade == g.code),
        sum((x.total_amount for x in letters if x.grade == g.code), Decimal(0)),
        sum((x.fiscal_amount for x in letters if x.grade == g.code), Decimal(0))) for g in GRADES.values())
    tops = sorted(s.execute(select(Unit.code, Unit.id).where(Unit.kind.in_(DEPARTMENT_KINDS))).all())
    number = next((n for n, (_, uid) in enumerate(tops, start=1) if uid == dept.id), dept.id)
    return DepartmentLetters(dept.id, dept.name, year, letters, outcomes,
                             sum((x.total_amount for x in letters), Decimal(0)),
                             sum((x.fiscal_amount for x in letters), Decimal(0)),
                             f"{DOC_PREFIX}汇〔{year}〕{number}号")
