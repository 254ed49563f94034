"""The yearly statistics of each stage (goal review, monitoring, evaluation, ex-ante assessment, rectification) for
one year, counted from the rows and limited to the units an actor may see; `year_statistics` puts two years
side by side. Money is Decimal 万元, percentages Decimal to one place (None when the whole is zero)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.labels import SUBJECT_KINDS
from core.org.access import scoped
from core.org.lookups import DEPARTMENT_KINDS
from core.results.rectification import unit_records
from core.review.rules.outcome import GRADES
from core.statistics.dto import (
    GRADE_LABELS,
    EvaluationFigures,
    ExAnteFigures,
    GoalFigures,
    MonitoringFigures,
    RectificationFigures,
)
from db.codes import DraftStatus
from db.models import (
    Evaluation,
    ExAnteAssessment,
    GoalReview,
    GoalTable,
    MonitoringEntry,
    MonitoringRound,
    Project,
    Unit,
)

ZERO = Decimal(0)


def _projects(s: Session, year: int, visible: set[int] | None) -> dict[int, Decimal]:
    """Project id → total amount of the year's projects in scope."""
    stmt = scoped(select(Project.id, Project.total_amount).where(Project.year == year), Project.unit_id, visible)
    return {pid: amount for pid, amount in s.execute(stmt)}


def goal_figures(s: Session, year: int, visible: set[int] | None) -> GoalFigures:
    tables: Counter[str] = Counter({status: n for status, n in s.execute(scoped(
        select(GoalTable.status, func.count()).join(Project, GoalTable.project_id == Project.id)
        .where(Project.year == year).group_by(GoalTable.status), Project.unit_id, visible))})
    decided = scoped(
        select(GoalReview.goal_table_id, GoalReview.version, GoalReview.grade, GoalReview.outcome)
        .join(GoalTable, GoalReview.goal_table_id == GoalTable.id).join(Project, GoalTable.project_id == Project.id)
        .where(Project.year == year, GoalReview.status == DraftStatus.FINAL,
               GoalReview.grade.in_(tuple(GRADES))),
        Project.unit_id, visible)
    latest: dict[int, tuple[int, str]] = {}
    returned: set[int] = set()
    for table_id, version, grade, outcome in s.execute(decided):
        assert grade is not None  # graded reviews only
        if table_id not in latest or version > latest[table_id][0]:
            latest[table_id] = (version, grade)
        if outcome == "returned":
            returned.add(table_id)
    grades = Counter(GRADES[grade].label for _version, grade in latest.values())
    return GoalFigures(tables=sum(tables.values()), submitted=sum(tables.values()) - tables["draft"],
                       reviewed=len(latest), by_grade={g: grades[g] for g in GRADE_LABELS},
                       returned=len(returned), approved=tables["approved"])


def monitoring_figures(s: Session, year: int, visible: set[int] | None) -> MonitoringFigures:
    projects = _projects(s, year, visible)
    entries = scoped(
        select(MonitoringEntry.project_id, MonitoringEntry.key_monitoring)
        .join(MonitoringRound, MonitoringEntry.round_id == MonitoringRound.id)
        .join(Project, MonitoringEntry.project_id == Project.id)
        .where(MonitoringRound.year == year, Project.year == year), Project.unit_id, visible)
    monitored: set[int] = set()
    key: set[int] = set()
    for project_id, key_monitoring in s.execute(entries):
        monitored.add(project_id)
        if key_monitoring:
            key.add(project_id)
    rounds = s.scalar(select(func.count()).select_from(MonitoringRound).where(MonitoringRound.year == year)) or 0
    return MonitoringFigures(
        projects=len(projects), funds=sum(projects.values(), ZERO), rounds=rounds,
        monitored_projects=len(monitored), monitored_funds=sum((projects[p] for p in monitored), ZERO),
        key_projects=len(key), key_funds=sum((projects[p] for p in key), ZERO))


def evaluation_figures(s: Session, year: int, visible: set[int] | None) -> EvaluationFigures:
    rows = list(s.execute(scoped(
        select(Evaluation.kind, Evaluation.subject_kind, Evaluation.project_id, Evaluation.unit_id,
               Evaluation.budget, Evaluation.grade)
        .where(Evaluation.year == year, Evaluation.status == DraftStatus.FINAL),
        Evaluation.unit_id, visible)))
    grades: dict[str, Counter[str]] = {kind: Counter() for kind in ("self", "key", "department")}
    key_subjects: Counter[str] = Counter()
    for kind, subject_kind, _project, _unit, _budget, grade in rows:
        if grade in GRADE_LABELS and kind in grades:
            grades[kind][grade] += 1
        if kind == "key":
            key_subjects[SUBJECT_KINDS.get(subject_kind, subject_kind)] += 1
    units = scoped(select(func.count()).select_from(Unit)
                   .where(Unit.kind.in_(DEPARTMENT_KINDS), Unit.active.is_(True)), Unit.id, visible)
    return EvaluationFigures(
        self_count=sum(1 for r in rows if r.kind == "self"),
        self_projects=len({r.project_id for r in rows if r.kind == "self" and r.project_id is not None}),
        projects=len(_projects(s, year, visible)),
        key_count=sum(key_subjects.values()),
        key_by_subject={label: key_subjects[label] for label in SUBJECT_KINDS.values()},
        key_funds=sum((r.budget for r in rows if r.kind == "key" and r.budget is not None), ZERO),
        departments_evaluated=len({r.unit_id for r in rows if r.kind == "department"}),
        departments=s.scalar(units) or 0,
        grades={kind: {g: by[g] for g in GRADE_LABELS} for kind, by in grades.items()})


def exante_figures(s: Session, year: int, visible: set[int] | None) -> ExAnteFigures:
    rows = list(s.execute(scoped(
        select(ExAnteAssessment.kind, ExAnteAssessment.conclusion, ExAnteAssessment.requested_amount,
               ExAnteAssessment.recommended_amount)
        .join(Project, ExAnteAssessment.project_id == Project.id)
        .where(Project.year == year, ExAnteAssessment.status == DraftStatus.FINAL),
        Project.unit_id, visible)))
    conclusions = Counter(r.conclusion for r in rows)
    return ExAnteFigures(
        count=len(rows), key_count=sum(1 for r in rows if r.kind == "key"),
        by_conclusion={c: conclusions[c] for c in ("support", "partial", "reject")},
        requested=sum((r.requested_amount for r in rows), ZERO),
        supported=sum((r.recommended_amount for r in rows), ZERO))


def rectification_figures(s: Session, year: int, as_of: date, visible: set[int] | None) -> RectificationFigures:
    records = [r for uid, r in unit_records(s, year, as_of).items() if visible is None or uid in visible]
    return RectificationFigures(
        total=sum(r.total for r in records), done=sum(r.done for r in records),
        failed=sum(r.failed for r in records), overdue=sum(r.overdue for r in records),
        open=sum(r.open for r in records), units=sum(1 for r in records if r.total),
        lagging_units=sum(1 for r in records if r.lagging))
