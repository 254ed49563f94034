"""Reviewer workspace use cases (绩效目标审核): the queue with counters, one table opened for review with its
findings and last year's table, the opinion saved as a draft or decided (财预〔2015〕88号 outcome), and
batch approval of clean tables.

Every save carries the goal table's `updated_at` the reviewer opened, so two reviewers deciding the same
table cannot overwrite each other: the second gets a ConflictError and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import PROJECT_ATTRIBUTES
from core.goals.rules.goal_table import status_label
from core.goals.service import ConflictError
from core.org.access import require, require_unit
from core.org.rules.roles import Actor, Permission
from core.review.auto import ReviewBase, TableReview, review_base, review_scope, review_where
from core.review.rules.model import DIMENSIONS, Finding, TableView
from core.review.rules.outcome import (
    DIMENSION_KEYS,
    GRADES,
    ReviewRuleError,
    check_decision,
    finding_key,
)
from db.models import GoalReview, GoalTable, Project, Unit, User, utcnow
from db.uow import UnitOfWork

REVIEWS = Changes.of(Area.REVIEW, Area.GOALS)  # a decision changes the goal table's status too
QUEUE_STATUSES = ("submitted", "returned", "approved", "rejected")
STAGES = {"submitted": "待审", "returned": "退回", "approved": "已审", "rejected": "已审"}


@dataclass(frozen=True)
class QueueRow:
    project_id: int
    project_code: str
    project_name: str
    unit_id: int
    unit_name: str
    department_id: int
    department_name: str
    attribute_label: str
    total_amount: Decimal
    status: str
    status_label: str
    stage: str  # 待审 | 退回 | 已审
    version: int
    updated_at: datetime
    score: Decimal
    errors: int
    warnings: int
    infos: int
    grade_label: str | None  # of the decided review of the current version
    reviewed_by: str | None

    @property
    def severity(self) -> str:
        """The worst severity among the findings: error, warning, info or none."""
        return "error" if self.errors else "warning" if self.warnings else "info" if self.infos else "none"


@dataclass(frozen=True)
class Queue:
    year: int
    rows: tuple[QueueRow, ...]
    base: ReviewBase | None = field(default=None, compare=False, repr=False)

    def counters(self) -> dict[str, int]:
        out = {"待审": 0, "已审": 0, "退回": 0}
        for row in self.rows:
            out[row.stage] += 1
        return out


@dataclass(frozen=True)
class ReviewForm:
    """What the reviewer fills in: the 88号 grade, an opinion per dimension, the overall opinion, and each
    finding marked accepted or dismissed (keyed by `finding_key`)."""

    grade: str | None = None
    dimension_opinions: dict[str, str] = field(default_factory=dict)
    opinion: str = ""
    marks: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewView:
    project_id: int
    department_name: str
    table: TableView
    previous: TableView | None
    findings: tuple[Finding, ...]
    score: Decimal
    version: int
    updated_at: datetime  # the token to hand back when saving
    form: ReviewForm
    review_status: str | None  # None (not started) | draft | final
    reviewed_by: str | None
    decided_at: datetime | None

    @property
    def decided(self) -> bool:
        return self.review_status == "final"


def _require_reviewer(actor: Actor) -> None:
    require(actor, Permission.REVIEW_GOALS)


def departments(session: Session) -> dict[int, tuple[int, str]]:
    """Unit id → (id, name) of the department or township it reports to (itself for those)."""
    units = {u.id: u for u in session.scalars(select(Unit))}
    out: dict[int, tuple[int, str]] = {}
    for uid, unit in units.items():
        top, seen = unit, {uid}
        while top.kind == "budget_unit" and top.parent_id in units and top.parent_id not in seen:
            seen.add(top.parent_id)
            top = units[top.parent_id]
        out[uid] = (top.id, top.name)
    return out


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
    """Queue rows of the year (or only of `project_ids`, to refresh what a reviewer just decided)."""
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
        .join(Project, Project.id == GoalTable.project_id).where(where, GoalReview.status == "final"))}
    names = dict(s.execute(select(User.username, User.display_name)).all())
    tops = departments(s)
    rows = []
    for r in reviews:
        project, table = meta[r.project_id]
        dept_id, dept_name = tops.get(project.unit_id, (project.unit_id, r.unit_name))
        done = decided.get((table.id, table.current_version))
        rows.append(QueueRow(
            r.project_id, r.project_code, r.project_name, project.unit_id, r.unit_name, dept_id, dept_name,
            PROJECT_ATTRIBUTES.get(project.attribute, project.attribute), r.total_amount, table.status,
            status_label(table.status), STAGES[table.status], table.current_version, table.updated_at, r.score,
            *_counts(r.findings), GRADES[done.grade].label if done and done.grade in GRADES else None,
            names.get(done.reviewed_by, done.reviewed_by) if done else None))
    return rows


def _table(s: Session, project_id: int) -> tuple[Project, GoalTable]:
    project = s.get(Project, project_id)
    table = s.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
    if project is None or table is None:
        raise NotFound(f"项目（编号 {project_id}）不存在或还没有绩效目标表。")
    return project, table


def _form(review: GoalReview | None) -> ReviewForm:
    if review is None:
        return ReviewForm()
    marks = {m["key"]: m["mark"] for m in json.loads(review.findings_json or "[]") if m.get("mark") != "open"}
    return ReviewForm(review.grade, {k: getattr(review, k) or "" for k in DIMENSION_KEYS}, review.opinion or "",
                      marks)


def _single(uow: UnitOfWork, actor: Actor, project: Project, base: ReviewBase | None) -> TableReview:
    s = uow.session
    where = review_scope(s, actor, project.year, None) & (Project.id == project.id)
    found = review_where(s, where, base if base is not None and base.year == project.year
                         else review_base(s, project.year))
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
    return ReviewView(project.id, dept, reviewed.table, reviewed.previous, reviewed.findings, reviewed.score,
                      table.current_version, table.updated_at, _form(review),
                      review.status if review else None, by or (review.reviewed_by if review else None),
                      review.decided_at if review else None)


def _check_open(project: Project, table: GoalTable, expected: datetime, s: Session) -> GoalReview | None:
    review = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id,
                                               GoalReview.version == table.current_version))
    if review is not None and review.status == "final":
        who = s.scalar(select(User.display_name).where(User.username == review.reviewed_by)) or review.reviewed_by
        raise ConflictError(f"项目“{project.name}”的绩效目标表（第 {table.current_version} 版）已由{who}审核完毕"
                            f"（结论：{GRADES[review.grade].label if review.grade in GRADES else '—'}），本次未保存。")
    if table.updated_at != expected:
        raise ConflictError(f"项目“{project.name}”的绩效目标表在您打开之后已被他人修改或审核"
                            f"（{table.updated_at.astimezone():%Y-%m-%d %H:%M}）。本次未保存；请重新打开后再审核。")
    if table.status != "submitted":
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
    review.status = "final" if decide else "draft"
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
    where = review_scope(s, actor, year, None) & Project.id.in_(sorted(tokens))
    reviews = {r.project_id: r for r in review_where(s, where, base if base and base.year == year
                                                     else review_base(s, year))}
    now = utcnow()
    for project, table in pairs:
        existing = _check_open(project, table, tokens[project.id], s)
        found = reviews[project.id].findings
        if any(f.severity in ("error", "warning") for f in found):
            raise ValidationError(f"项目“{project.name}”的预审发现错误或警告，不能批量通过，请逐表审核。", "selection")
        review = existing or GoalReview(goal_table_id=table.id, version=table.current_version)
        review.status, review.grade, review.outcome = "final", "excellent", "approved"
        review.opinion = review.opinion or "经审核，绩效目标设置符合要求，予以通过。"
        for key in DIMENSION_KEYS:
            setattr(review, key, getattr(review, key, None) or "")
        review.findings_json = _marks_json(found, {})
        review.score, review.reviewed_by, review.reviewed_at, review.decided_at = (
            reviews[project.id].score, actor.username, now, now)
        s.add(review)
        table.status, table.updated_at = "approved", now
    s.flush()
    uow.audit(actor.username, "goal_review.batch_approve", "goal_table", None, None,
              {"projects": sorted(tokens), "grade": "excellent"})
    uow.commit()
    return BatchApproved(len(pairs))


@dataclass(frozen=True)
class Decision:
    """The newest decided review of a goal table, as the unit sees it when the table comes back."""

    version: int
    grade_label: str
    outcome_label: str
    dimension_opinions: tuple[tuple[str, str], ...]  # (dimension label, text), only those written
    opinion: str
    reviewed_by: str
    decided_at: datetime


def latest_decision(uow: UnitOfWork, actor: Actor, project_id: int) -> Decision | None:
    """The reviewer's opinion on the newest decided version (None if never decided); a clerk sees its own unit's."""
    s = uow.session
    project, table = _table(s, project_id)
    require_unit(s, actor, project.unit_id)
    found = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id, GoalReview.status == "final")
                     .order_by(GoalReview.version.desc()).limit(1))
    if found is None or found.grade not in GRADES or found.decided_at is None:
        return None
    grade = GRADES[found.grade]
    by = s.scalar(select(User.display_name).where(User.username == found.reviewed_by)) or found.reviewed_by
    texts = tuple((DIMENSIONS[k], (getattr(found, k) or "").strip()) for k in DIMENSION_KEYS
                  if (getattr(found, k) or "").strip())
    return Decision(found.version, grade.label, grade.outcome_label, texts, found.opinion or "", by, found.decided_at)
