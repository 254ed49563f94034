"""评价总览 and 自评核查 use cases: the year's evaluations of every kind as plain rows, counts per grade, and the
cross-check of finalised self-evaluations against finalised key evaluations of the same project (the gap, the
self-scores inflated by more than the setting evaluation.inflation_points, departments by average inflation).

Reads the Evaluation table directly, so it does not depend on how each kind of evaluation is produced."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.labels import DRAFT_STATUSES, EVALUATION_KINDS, SUBJECT_KINDS
from core.evaluation.dto import (
    CrossCheck,
    CrossCheckRow,
    DepartmentInflation,
    EvaluationRow,
)
from core.evaluation.rules.scoring import q
from core.org import settings
from core.org.access import visible_unit_ids
from core.org.lookups import departments
from core.org.rules.roles import Actor
from db.codes import DraftStatus
from db.models import Evaluation, Project, Unit
from db.uow import UnitOfWork

GRADES = ("优", "良", "中", "差")


def _departments(uow: UnitOfWork) -> dict[int, tuple[str, str]]:
    """unit id → (unit name, name of its department: the nearest ancestor that is not a budget unit)."""
    names: dict[int, str] = {uid: name for uid, name in uow.session.execute(select(Unit.id, Unit.name))}
    return {uid: (names[uid], department) for uid, (_top, department) in departments(uow.session).items()}


def _visible(uow: UnitOfWork, actor: Actor, year: int, kind: str | None = None,
             final_only: bool = False) -> list[tuple[Evaluation, Project | None]]:
    stmt = (select(Evaluation, Project).outerjoin(Project, Project.id == Evaluation.project_id)
            .where(Evaluation.year == year).order_by(Evaluation.id))
    if kind is not None:
        stmt = stmt.where(Evaluation.kind == kind)
    if final_only:
        stmt = stmt.where(Evaluation.status == DraftStatus.FINAL)
    allowed = visible_unit_ids(uow.session, actor)
    if allowed is not None:
        stmt = stmt.where(Evaluation.unit_id.in_(allowed))
    return [(e, p) for e, p in uow.session.execute(stmt)]


def list_evaluations(uow: UnitOfWork, actor: Actor, year: int, kind: str | None = None) -> list[EvaluationRow]:
    """The year's evaluations (optionally of one kind: self | key | department) that the actor may see."""
    if kind is not None and kind not in EVALUATION_KINDS:
        raise ValidationError(f"评价类型“{kind}”无法识别，应为 {'、'.join(EVALUATION_KINDS)} 之一。", "kind")
    names = _departments(uow)
    rows = []
    order = {k: n for n, k in enumerate(EVALUATION_KINDS)}
    found = sorted(_visible(uow, actor, year, kind), key=lambda ep: (order.get(ep[0].kind, len(order)),
                                                                      ep[1].code if ep[1] else "", ep[0].id))
    for e, p in found:
        unit_name, department = names.get(e.unit_id, ("", ""))
        subject = p.name if p is not None else (unit_name if e.subject_kind == "department" else e.title)
        rows.append(EvaluationRow(
            e.id, e.kind, EVALUATION_KINDS.get(e.kind, e.kind),
            SUBJECT_KINDS.get(e.subject_kind, e.subject_kind), subject,
            p.code if p is not None else None, unit_name, department, e.score, e.grade, e.status,
            DRAFT_STATUSES.get(e.status, e.status)))
    return rows


def grade_counts(rows: list[EvaluationRow]) -> dict[str, int]:
    """Finalised evaluations per grade, every grade present (0 when none)."""
    counts = dict.fromkeys(GRADES, 0)
    for r in rows:
        if r.status == DraftStatus.FINAL and r.grade:
            counts[r.grade] = counts.get(r.grade, 0) + 1
    return counts


def cross_check(uow: UnitOfWork, actor: Actor, year: int) -> CrossCheck:
    """Projects with both a final self-evaluation and a final key evaluation: the gap and the inflation flag."""
    threshold = Decimal(str(settings.get(uow.session, "evaluation.inflation_points")))
    latest: dict[tuple[str, int], Evaluation] = {}
    projects: dict[int, Project] = {}
    for e, p in _visible(uow, actor, year, final_only=True):
        if p is None or e.kind not in ("self", "key") or e.score is None:
            continue
        projects[p.id] = p
        latest[(e.kind, p.id)] = e  # ordered by id: the latest final one wins
    names = _departments(uow)
    rows = []
    for (kind, project_id), own in latest.items():
        key = latest.get(("key", project_id))
        if kind != "self" or key is None:
            continue
        p = projects[project_id]
        unit_name, department = names.get(p.unit_id, ("", ""))
        assert own.score is not None and key.score is not None
        gap = q(own.score - key.score)
        rows.append(CrossCheckRow(p.id, p.code, p.name, unit_name, department, own.score, key.score, gap,
                                  own.grade, key.grade, gap > threshold))
    rows.sort(key=lambda r: (-r.gap, r.project_code))
    by_department: dict[str, list[CrossCheckRow]] = defaultdict(list)
    for r in rows:
        by_department[r.department].append(r)
    departments = [DepartmentInflation(d, len(rs), q(sum((r.gap for r in rs), Decimal(0)) / len(rs)),
                                       sum(1 for r in rs if r.inflated)) for d, rs in by_department.items()]
    departments.sort(key=lambda d: (-d.average_gap, d.department))
    return CrossCheck(threshold, rows, departments)
