"""The facts of budget year Y that result application works from, read in a few bulk queries: per project its
amount, nature, end date and the results that apply (evaluation grade, goal review, monitoring light, ex-ante
conclusion and cut), per department the raw material of the composite score (key ex-ante scores, review grades,
key-monitored lights, the overall evaluation score, audit and inspection deductions, rectification record), and
the bureau's overrides. Pure assembly with a policy happens in result_suggestions, so a what-if costs no query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.monitoring import grid as monitoring
from core.org.access import visible_unit_ids
from core.org.lookups import DEPARTMENT_KINDS, departments
from core.org.rules.roles import SYSTEM, Actor
from core.results import rectification
from core.results.dto import DepartmentFacts, Override, ProjectFacts, ResultInputs
from core.results.rules.policy import REVIEW_GRADES
from db.codes import DraftStatus
from db.models import (
    AuditFinding,
    BudgetOverride,
    Evaluation,
    ExAnteAssessment,
    GoalReview,
    GoalTable,
    MonitoringRound,
    Project,
    Unit,
)
from db.uow import UnitOfWork

EVALUATION_SOURCES = {"key": "重点评价", "self": "单位自评"}


@dataclass
class _Collected:
    exante: list[Decimal] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    lights: list[str] = field(default_factory=list)
    findings: list[Decimal] = field(default_factory=list)
    overdue: int = 0
    failed: int = 0


def _grades(s: Session, year: int) -> dict[int, tuple[str, str]]:
    """Project id → (grade, source) of its final key evaluation, else of its final self-evaluation."""
    out: dict[int, tuple[str, str]] = {}
    rows = s.execute(select(Evaluation.project_id, Evaluation.kind, Evaluation.grade)
                     .where(Evaluation.year == year, Evaluation.status == DraftStatus.FINAL,
                            Evaluation.subject_kind == "project",
                            Evaluation.kind.in_(tuple(EVALUATION_SOURCES)), Evaluation.grade.is_not(None))
                     .order_by(Evaluation.id))
    for project_id, kind, grade in rows:
        if project_id is not None and grade is not None and (project_id not in out or kind == "key"):
            out[project_id] = (grade, kind)
    return out


def _reviews(s: Session, year: int) -> dict[int, str]:
    """Project id → grade code of the newest decided review of its goal table."""
    newest = (select(GoalReview.goal_table_id, func.max(GoalReview.version).label("version"))
              .where(GoalReview.status == DraftStatus.FINAL).group_by(GoalReview.goal_table_id).subquery())
    rows = s.execute(select(GoalTable.project_id, GoalReview.grade)
                     .join(GoalReview, GoalReview.goal_table_id == GoalTable.id)
                     .join(newest, (newest.c.goal_table_id == GoalReview.goal_table_id)
                           & (newest.c.version == GoalReview.version))
                     .join(Project, Project.id == GoalTable.project_id).where(Project.year == year))
    return {pid: grade for pid, grade in rows if pid is not None and grade in REVIEW_GRADES}


def _lights(uow: UnitOfWork, actor: Actor, year: int) -> dict[int, tuple[str, bool]]:
    """Project id → (project light, key-monitored) in the year's latest monitoring round."""
    latest = uow.session.scalar(select(MonitoringRound.id).where(MonitoringRound.year == year)
                                .order_by(MonitoringRound.as_of_month.desc(), MonitoringRound.id.desc()).limit(1))
    if latest is None:
        return {}
    # A round on record is the material to apply, however its period relates to today's date.
    found = monitoring.grid(uow, actor, year, round_id=latest, today=date(year + 1, 12, 31))
    return {r.project_id: (r.project_light, r.key_monitoring) for r in found.rows}


def _overrides(s: Session, year: int) -> tuple[dict[int, Override], dict[int, Override]]:
    projects, totals = {}, {}
    for o in s.scalars(select(BudgetOverride).where(BudgetOverride.year == year).order_by(BudgetOverride.id)):
        entry = Override(o.amount, o.reason, o.decided_by)
        if o.project_id is None:
            totals[o.unit_id] = entry
        else:
            projects[o.project_id] = entry
    return projects, totals


def load_inputs(uow: UnitOfWork, actor: Actor, year: int, as_of: date | None = None) -> ResultInputs:
    """Everything result application needs for `year`, limited to what the actor may see (a clerk: its unit);
    `as_of` dates the rectification record (default today). Reads only."""
    s = uow.session
    when = as_of or date.today()
    visible = visible_unit_ids(s, actor)
    tops = departments(s)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    grades, reviews, lights = _grades(s, year), _reviews(s, year), _lights(uow, SYSTEM, year)
    exante = {a.project_id: a for a in s.scalars(
        select(ExAnteAssessment).join(Project, Project.id == ExAnteAssessment.project_id)
        .where(Project.year == year, ExAnteAssessment.status == DraftStatus.FINAL))}
    by_dept: dict[int, _Collected] = defaultdict(_Collected)
    projects = []
    for p in s.scalars(select(Project).where(Project.year == year).order_by(Project.code)):
        dept = tops.get(p.unit_id, (p.unit_id, ""))[0]
        a = exante.get(p.id)
        cut = p.total_amount - a.recommended_amount if a is not None else None
        grade, source = grades.get(p.id, (None, None))
        light, key = lights.get(p.id, (None, False))
        facts = by_dept[dept]
        if a is not None and a.kind == "key":
            facts.exante.append(a.score)
        if p.id in reviews:
            facts.reviews.append(reviews[p.id])
        if key and light is not None:
            facts.lights.append(light)
        if visible is None or p.unit_id in visible:
            projects.append(ProjectFacts(p.id, p.code, p.name, dept, names.get(p.unit_id, ""), p.nature, p.end_date,
                                         p.total_amount, grade, source, reviews.get(p.id), light,
                                         a.conclusion if a is not None else None,
                                         cut if cut is not None and cut > 0 else None))
    for unit_id, deduction in s.execute(select(AuditFinding.unit_id, AuditFinding.deduction)
                                        .where(AuditFinding.year == year).order_by(AuditFinding.id)):
        by_dept[tops.get(unit_id, (unit_id, ""))[0]].findings.append(deduction)
    for unit_id, r in rectification.unit_records(s, year, when).items():
        facts = by_dept[tops.get(unit_id, (unit_id, ""))[0]]
        facts.overdue += r.overdue
        facts.failed += r.failed
    scores = dict(s.execute(select(Evaluation.unit_id, Evaluation.score).where(
        Evaluation.year == year, Evaluation.kind == "department", Evaluation.status == DraftStatus.FINAL,
        Evaluation.score.is_not(None))).all())
    units = s.scalars(select(Unit).where(Unit.kind.in_(DEPARTMENT_KINDS), Unit.active.is_(True)).order_by(Unit.code))
    depts = tuple(
        DepartmentFacts(u.id, u.code, u.name, tuple(c.exante), tuple(c.reviews), tuple(c.lights), scores.get(u.id),
                        tuple(c.findings), c.overdue, c.failed)
        for u in units if visible is None or u.id in visible for c in (by_dept[u.id],))
    project_overrides, department_overrides = _overrides(s, year)
    return ResultInputs(year, when, tuple(projects), depts, project_overrides, department_overrides)
