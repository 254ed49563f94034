"""Reviewer workspace use cases (绩效目标审核): the queue with counters, one table opened for review with its
findings and last year's table, the opinion saved as a draft or decided (财预〔2015〕88号 outcome), and
batch approval of clean tables.

Every save carries the goal table's `updated_at` the reviewer opened, so two reviewers deciding the same
table cannot overwrite each other: the second gets a ConflictError and nothing is written.

Department goal tables (部门整体) share the queue, the review view and the decisions: their key is minus their goal
table id (`core.review.department.queue_key`), a project table's key its project id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import PROJECT_ATTRIBUTES
from core.goals.rules.goal_table import status_label
from core.goals.service import ConflictError
from core.org.access import require, require_unit
from core.org.lookups import departments
from core.org.rules.roles import Actor, Permission
from core.review import department as dept_review
from core.review.auto import review_base, review_scope, review_where
from core.review.department import Subject
from core.review.dto import Decision, Queue, QueueRow, ReviewBase, ReviewForm, ReviewView, TableReview
from core.review.rules.model import DIMENSIONS, Finding
from core.review.rules.outcome import (
    DIMENSION_KEYS,
    GRADES,
    ReviewRuleError,
    check_decision,
    finding_key,
)
from db.codes import DraftStatus, GoalStatus, ReviewGrade, ReviewOutcome
from db.models import DepartmentGoal, GoalReview, GoalTable, Project, User, utcnow
from db.uow import UnitOfWork

REVIEWS = Changes.of(Area.REVIEW, Area.GOALS)  # a decision changes the goal table's status too
QUEUE_STATUSES = (GoalStatus.SUBMITTED, GoalStatus.RETURNED, GoalStatus.APPROVED, GoalStatus.REJECTED)
STAGES: dict[str, str] = {GoalStatus.SUBMITTED: "待审", GoalStatus.RETURNED: "退回", GoalStatus.APPROVED: "已审",
          GoalStatus.REJECTED: "已审"}


def _require_reviewer(actor: Actor) -> None:
    require(actor, Permission.REVIEW_GOALS)


def _counts(findings: tuple[Finding, ...]) -> tuple[int, int, int]:
    sev = [f.severity for f in findings]
    return sev.count("error"), sev.count("warning"), sev.count("info")


def load_queue(uow: UnitOfWork, actor: Actor, year: int, base: ReviewBase | None = None) -> Queue:
    """Every goal table of the year that reached review, with its pre-review counts; worst score first.

    The returned queue carries the review base, so opening tables and refreshing rows reuse it."""
    base = base if base is not None and base.year == year else review_base(uow.session, year)
    return Queue(year, tuple(queue_rows(uow, actor, year, None, base)), base)


def queue_rows(uow: UnitOfWork, actor: Actor, year: int, project_ids: list[int] | None,
               base: ReviewBase) -> list[QueueRow]:
    """Queue rows of the year (or only of `project_ids`, to refresh what a reviewer just decided); department
    tables (部门整体) follow the project tables."""
    s = uow.session
    wanted = None if project_ids is None else [k for k in project_ids if k > 0]
    rows = _project_rows(uow, actor, year, wanted, base) if wanted is None or wanted else []
    tables = None if project_ids is None else [dept_review.goal_table_of(k) for k in project_ids if k < 0]
    if tables is None or tables:
        rows += _department_rows(s, actor, year, tables, base)
    return rows


def _department_rows(s: Session, actor: Actor, year: int, table_ids: list[int] | None,
                     base: ReviewBase) -> list[QueueRow]:
    reviews = dept_review.department_reviews(s, actor, year, base, table_ids, QUEUE_STATUSES)
    tables = {t.id: (t, u) for t, u in s.execute(
        select(GoalTable, DepartmentGoal.unit_id).join(DepartmentGoal, DepartmentGoal.goal_table_id == GoalTable.id)
        .where(GoalTable.id.in_([dept_review.goal_table_of(r.project_id) for r in reviews])))}
    decided = {(r.goal_table_id, r.version): r for r in s.scalars(
        select(GoalReview).where(GoalReview.goal_table_id.in_(list(tables)), GoalReview.status == "final"))}
    names = dict(s.execute(select(User.username, User.display_name)).all())
    rows = []
    for r in reviews:
        table, unit_id = tables[dept_review.goal_table_of(r.project_id)]
        rows.append(_row(r, unit_id, (unit_id, r.unit_name), dept_review.ATTRIBUTE, table,
                         decided.get((table.id, table.current_version)), names))
    return rows


def _row(r: TableReview, unit_id: int, top: tuple[int, str], attribute: str, table: GoalTable,
         done: GoalReview | None, names: dict[str, str]) -> QueueRow:
    return QueueRow(
        r.project_id, r.project_code, r.project_name, unit_id, r.unit_name, *top, attribute, r.total_amount,
        table.status, status_label(table.status), STAGES[table.status], table.current_version, table.updated_at,
        r.score, *_counts(r.findings), GRADES[done.grade].label if done and done.grade in GRADES else None,
        names.get(done.reviewed_by, done.reviewed_by) if done else None)


def _project_rows(uow: UnitOfWork, actor: Actor, year: int, project_ids: list[int] | None,
                  base: ReviewBase) -> list[QueueRow]:
    s = uow.session
    in_review = select(GoalTable.project_id).where(GoalTable.status.in_(QUEUE_STATUSES))
    where = review_scope(s, actor, year, None) & Project.id.in_(in_review.scalar_subquery())
    if project_ids is not None:
        where = where & Project.id.in_(sorted(project_ids))
    reviews = review_where(s, where, base)
    meta = {p.id: (p, t) for p, t in s.execute(
        select(Project, GoalTable).join(GoalTable, GoalTable.project_id == Project.id).where(where))}
    decided = {(r.goal_table_id, r.version): r for r in s.scalars(
        select(GoalReview).join(GoalTable, GoalTable.id == GoalReview.goal_table_id)
        .join(Project, Project.id == GoalTable.project_id)
        .where(where, GoalReview.status == DraftStatus.FINAL))}
    names = dict(s.execute(select(User.username, User.display_name)).all())
    tops = departments(s)
    rows = []
    for r in reviews:
        project, table = meta[r.project_id]
        rows.append(_row(r, project.unit_id, tops.get(project.unit_id, (project.unit_id, r.unit_name)),
                         PROJECT_ATTRIBUTES.get(project.attribute, project.attribute), table,
                         decided.get((table.id, table.current_version)), names))
    return rows


def _table(s: Session, key: int) -> tuple[Subject, GoalTable]:
    return dept_review.subject(s, key)


def _form(review: GoalReview | None) -> ReviewForm:
    if review is None:
        return ReviewForm()
    marks = {m["key"]: m["mark"] for m in json.loads(review.findings_json or "[]") if m.get("mark") != "open"}
    return ReviewForm(review.grade, {k: getattr(review, k) or "" for k in DIMENSION_KEYS}, review.opinion or "",
                      marks)


def _single(uow: UnitOfWork, actor: Actor, project: Subject, base: ReviewBase | None) -> TableReview:
    s = uow.session
    base = base if base is not None and base.year == project.year else review_base(s, project.year)
    if project.key < 0:
        review_scope(s, actor, project.year, None)  # the permission check
        found = dept_review.department_reviews(s, actor, project.year, base, [dept_review.goal_table_of(project.key)])
    else:
        found = review_where(s, review_scope(s, actor, project.year, None) & (Project.id == project.key), base)
    if not found:
        raise NotFound(f"项目“{project.name}”不在您可以审核的范围内。")
    return found[0]


def open_review(uow: UnitOfWork, actor: Actor, project_id: int, base: ReviewBase | None = None) -> ReviewView:
    """One table as the reviewer sees it: header and indicators, findings, last year's table, the opinion so far."""
    s = uow.session
    project, table = _table(s, project_id)
    reviewed = _single(uow, actor, project, base)
    review = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id,
                                               GoalReview.version == table.current_version))
    dept = departments(s).get(project.unit_id, (project.unit_id, reviewed.unit_name))[1]
    by = s.scalar(select(User.display_name).where(User.username == review.reviewed_by)) if review else None
    assert reviewed.table is not None
    return ReviewView(project.key, dept, reviewed.table, reviewed.previous, reviewed.findings, reviewed.score,
                      table.current_version, table.updated_at, _form(review),
                      review.status if review else None, by or (review.reviewed_by if review else None),
                      review.decided_at if review else None)


def _check_open(project: Subject, table: GoalTable, expected: datetime, s: Session) -> GoalReview | None:
    review = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id,
                                               GoalReview.version == table.current_version))
    if review is not None and review.status == DraftStatus.FINAL:
        who = s.scalar(select(User.display_name).where(User.username == review.reviewed_by)) or review.reviewed_by
        raise ConflictError(f"项目“{project.name}”的绩效目标表（第 {table.current_version} 版）已由{who}审核完毕"
                            f"（结论：{GRADES[review.grade].label if review.grade in GRADES else '—'}），本次未保存。")
    if table.updated_at != expected:
        raise ConflictError(f"项目“{project.name}”的绩效目标表在您打开之后已被他人修改或审核"
                            f"（{formatting.screen_time(table.updated_at)}）。本次未保存；请重新打开后再审核。")
    if table.status != GoalStatus.SUBMITTED:
        raise ValidationError(f"项目“{project.name}”的绩效目标表状态为“{status_label(table.status)}”，"
                              "只有已提交的目标表可以审核。", "status")
    return review


def _marks_json(findings: tuple[Finding, ...], marks: dict[str, str]) -> str:
    return json.dumps([{"key": finding_key(f), "rule": f.rule_id, "dimension": f.dimension, "severity": f.severity,
                        "field": f.field, "message": f.message, "mark": marks.get(finding_key(f), "open")}
                       for f in findings], ensure_ascii=False)


def save_review(uow: UnitOfWork, actor: Actor, project_id: int, form: ReviewForm, expected_updated_at: datetime,
                decide: bool = False, base: ReviewBase | None = None) -> Changes:
    """Save the opinion as a draft, or decide it: the table becomes approved, returned or rejected."""
    _require_reviewer(actor)
    uow.write()
    s = uow.session
    project, table = _table(s, project_id)
    review = _check_open(project, table, expected_updated_at, s)
    reviewed = _single(uow, actor, project, base)
    unknown = set(form.dimension_opinions) - set(DIMENSION_KEYS)
    if unknown or any(m not in ("accepted", "dismissed", "open") for m in form.marks.values()):
        raise ValidationError("审核意见的维度或问题标记无效。", "opinion")
    grade = None
    if decide:
        try:
            grade = check_decision(form.grade, form.opinion, form.dimension_opinions)
        except ReviewRuleError as exc:
            raise ValidationError(str(exc), exc.field) from exc
    elif form.grade is not None and form.grade not in GRADES:
        raise ValidationError("审核结论只能是优、良、中、差之一。", "grade")
    now = utcnow()
    if review is None:
        review = GoalReview(goal_table_id=table.id, version=table.current_version, reviewed_by=actor.username)
        s.add(review)
    review.status = DraftStatus.FINAL if decide else DraftStatus.DRAFT
    review.grade, review.opinion = form.grade, form.opinion.strip()
    for key in DIMENSION_KEYS:
        setattr(review, key, (form.dimension_opinions.get(key) or "").strip())
    review.findings_json = _marks_json(reviewed.findings, form.marks)
    review.score, review.reviewed_by, review.reviewed_at = reviewed.score, actor.username, now
    before = table.status
    if grade is not None:
        review.decided_at, review.outcome = now, grade.outcome
        table.status = grade.outcome
    table.updated_at = now
    s.flush()
    uow.audit(actor.username, "goal_review.decide" if decide else "goal_review.save", "goal_table", table.id,
              {"status": before}, {"status": table.status, "version": table.current_version, "grade": form.grade})
    uow.commit()
    return REVIEWS


@dataclass(frozen=True)
class BatchApproved:
    """How many goal tables a batch approval passed; every page showing their statuses hears `changes`."""

    count: int
    changes: Changes = REVIEWS


def batch_approve(uow: UnitOfWork, actor: Actor, tokens: dict[int, datetime],
                  base: ReviewBase | None = None) -> BatchApproved:
    """Grade 优 every listed table in one transaction; refuses them all if any one has errors or warnings,
    is no longer waiting for review, or changed since the reviewer looked at it."""
    _require_reviewer(actor)
    uow.write()
    s = uow.session
    if not tokens:
        raise ValidationError("请先选择要批量通过的目标表。", "selection")
    pairs = [_table(s, pid) for pid in sorted(tokens)]
    year = pairs[0][0].year
    base = base if base and base.year == year else review_base(s, year)
    where = review_scope(s, actor, year, None) & Project.id.in_(sorted(k for k in tokens if k > 0))
    reviews = {r.project_id: r for r in review_where(s, where, base)}
    tables = [dept_review.goal_table_of(k) for k in tokens if k < 0]
    reviews |= {r.project_id: r for r in dept_review.department_reviews(s, actor, year, base, tables)} if tables else {}
    now = utcnow()
    for project, table in pairs:
        existing = _check_open(project, table, tokens[project.key], s)
        found = reviews[project.key].findings
        if any(f.severity in ("error", "warning") for f in found):
            raise ValidationError(f"项目“{project.name}”的预审发现错误或警告，不能批量通过，请逐表审核。", "selection")
        review = existing or GoalReview(goal_table_id=table.id, version=table.current_version)
        review.status, review.grade = DraftStatus.FINAL, ReviewGrade.EXCELLENT
        review.outcome = ReviewOutcome.APPROVED
        review.opinion = review.opinion or "经审核，绩效目标设置符合要求，予以通过。"
        for key in DIMENSION_KEYS:
            setattr(review, key, getattr(review, key, None) or "")
        review.findings_json = _marks_json(found, {})
        review.score, review.reviewed_by, review.reviewed_at, review.decided_at = (
            reviews[project.key].score, actor.username, now, now)
        s.add(review)
        table.status, table.updated_at = GoalStatus.APPROVED, now
    s.flush()
    uow.audit(actor.username, "goal_review.batch_approve", "goal_table", None, None,
              {"projects": sorted(tokens), "grade": "excellent"})
    uow.commit()
    return BatchApproved(len(pairs))


def latest_decision(uow: UnitOfWork, actor: Actor, project_id: int) -> Decision | None:
    """The reviewer's opinion on the newest decided version (None if never decided); a clerk sees its own unit's."""
    s = uow.session
    project, table = _table(s, project_id)
    require_unit(s, actor, project.unit_id)
    found = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id,
                                              GoalReview.status == DraftStatus.FINAL)
                     .order_by(GoalReview.version.desc()).limit(1))
    if found is None or found.grade not in GRADES or found.decided_at is None:
        return None
    grade = GRADES[found.grade]
    by = s.scalar(select(User.display_name).where(User.username == found.reviewed_by)) or found.reviewed_by
    texts = tuple((DIMENSIONS[k], (getattr(found, k) or "").strip()) for k in DIMENSION_KEYS
                  if (getattr(found, k) or "").strip())
    return Decision(found.version, grade.label, grade.outcome_label, texts, found.opinion or "", by, found.decided_at)
