"""The evaluation and monitoring part of the results package (bureau → unit): 评价结果 (the unit's final
evaluations: kind, subject, score, grade) and 监控预警 (the newest monitoring round's red and yellow projects).
On the hub, the rows; on the unit, each evaluation new / changed / unchanged / conflicting with located problems
and the writing of its result. Warnings are for the unit to read: their project codes are checked, nothing of
them is stored (the unit's installation has no treasury figures to recompute them from).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.labels import EVALUATION_KINDS, SUBJECT_KINDS
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import RowChange
from core.exchange.results_register import Family
from core.exchange.rules.results_sheets import (
    EVALUATION_SHEET,
    EVALUATIONS,
    WARNING_SHEET,
    WARNINGS,
    evaluation_row_id,
    format_moment,
    parse_moment,
)
from core.exchange.workbook import Problem, ReadPackage
from core.monitoring.grid import grid
from core.monitoring.rules import lights as mrules
from core.org.rules.roles import Actor
from db.models import Evaluation, MonitoringRound, Project, Unit
from db.uow import UnitOfWork

WARNING_LIGHTS = ("red", "yellow")  # what monitoring_rounds.warnings lists by default
KIND_BY_LABEL = {label: code for code, label in EVALUATION_KINDS.items()}
SUBJECT_BY_LABEL = {label: code for code, label in SUBJECT_KINDS.items()}
RESULT_FIELDS = ("title", "score", "grade", "finalised_at")


# --- export ------------------------------------------------------------------------------------------------


def _subject(e: Evaluation, project_code: str | None, unit_code: str) -> str:
    if e.subject_kind == "project" and project_code:
        return project_code
    return unit_code if e.subject_kind == "department" else e.title


def keyed_evaluations(s: Session, year: int, unit_ids: list[int]) -> list[tuple[str, Evaluation, str | None, str]]:
    """(row id, evaluation, project code, unit code) of the units' evaluations of the year, in id order; the
    same subject evaluated twice gets ":2" (see `evaluation_row_id`)."""
    seen: Counter[str] = Counter()
    out: list[tuple[str, Evaluation, str | None, str]] = []
    for e, project, unit in s.execute(select(Evaluation, Project.code, Unit.code)
                                      .join(Unit, Unit.id == Evaluation.unit_id)
                                      .outerjoin(Project, Project.id == Evaluation.project_id)
                                      .where(Evaluation.year == year, Evaluation.unit_id.in_(unit_ids))
                                      .order_by(Evaluation.id)):
        base = evaluation_row_id(e.kind, e.subject_kind, _subject(e, project, unit))
        seen[base] += 1
        out.append((evaluation_row_id(e.kind, e.subject_kind, _subject(e, project, unit), seen[base]), e, project,
                    unit))
    return out


def evaluation_rows(s: Session, year: int, unit_ids: list[int]) -> list[dict[str, Any]]:
    """The 评价结果 rows: the units' final evaluations."""
    return [{"row_id": key, "version": 1, "deleted": False, "kind": EVALUATION_KINDS[e.kind],
             "subject_kind": SUBJECT_KINDS[e.subject_kind], "project_code": project, "unit_code": unit,
             "title": e.title, "score": e.score, "grade": e.grade,
             "finalised_at": format_moment(e.finalised_at or e.updated_at)}
            for key, e, project, unit in keyed_evaluations(s, year, unit_ids) if e.status == "final"]


def warning_rows(uow: UnitOfWork, actor: Actor, year: int, unit_ids: list[int]) -> list[dict[str, Any]]:
    """The 监控预警 rows: the units' red and yellow projects in the newest monitoring round of the year, worst first
    (as `monitoring_rounds.warnings` lists them, computed for these projects only)."""
    s = uow.session
    found = s.scalar(select(MonitoringRound).where(MonitoringRound.year == year)
                     .order_by(MonitoringRound.as_of_month.desc(), MonitoringRound.id.desc()).limit(1))
    ids = list(s.scalars(select(Project.id).where(Project.year == year, Project.unit_id.in_(unit_ids))))
    if found is None or not ids:
        return []
    rows = [r for r in grid(uow, actor, year, found.id, project_ids=ids).rows if r.project_light in WARNING_LIGHTS]
    rows.sort(key=lambda r: (mrules.LIGHT_RANK[r.project_light], -r.adjusted_budget, r.project_code))
    return [{"row_id": r.project_code, "version": 1, "deleted": False, "project_code": r.project_code,
             "project_name": r.project_name, "round": found.name, "as_of_month": found.as_of_month,
             "light": mrules.LIGHTS[r.project_light], "budget_light": mrules.LIGHTS[r.budget_light],
             "goal_light": mrules.LIGHTS[r.goal_light], "adjusted_budget": r.adjusted_budget, "spent": r.spent,
             "execution_rate": r.execution_rate, "time_progress": r.time_progress, "reasons": r.reasons or None,
             "key_monitoring": r.key_monitoring} for r in rows]


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class EvaluationPlan:
    """What applying writes: each evaluation's values by row id, with the id of the one here (None: new)."""

    results: dict[str, tuple[int | None, dict[str, Any]]] = field(default_factory=dict)


def check_warnings(read: ReadPackage, fam: Family, problems: list[Problem]) -> None:
    """Every warning names a project of the unit (a located problem otherwise)."""
    bad = {p.row for p in problems if p.sheet == WARNING_SHEET.title}
    for values, line in zip(read.sheets[WARNINGS].rows, read.sheets[WARNINGS].lines, strict=True):
        code = values["project_code"]
        if line not in bad and not values["deleted"]:
            problem = xpj.project_problem(WARNING_SHEET, line, "project_code", code, fam.projects.get(code),
                                          fam.manifest)
            if problem is not None:
                problems.append(problem)


def _theirs(values: dict[str, Any], line: int, fam: Family, problems: list[Problem]) -> dict[str, Any] | None:
    count = len(problems)
    kind, subject_kind = KIND_BY_LABEL.get(values["kind"]), SUBJECT_BY_LABEL.get(values["subject_kind"])
    if kind is None:
        problems.append(xpk.located(EVALUATION_SHEET, line, "kind",
                                    f"评价类型只能是{'、'.join(EVALUATION_KINDS.values())}之一。"))
    if subject_kind is None:
        problems.append(xpk.located(EVALUATION_SHEET, line, "subject_kind",
                                    f"评价对象只能是{'、'.join(SUBJECT_KINDS.values())}之一。"))
    unit_id = fam.units.get(values["unit_code"])
    if unit_id is None:
        problems.append(xpk.located(EVALUATION_SHEET, line, "unit_code",
                                    f"单位编码“{values['unit_code']}”不是本单位或其所属预算单位。"))
    code, project_id = values["project_code"], None
    if subject_kind == "project" or code:
        problem = xpj.project_problem(EVALUATION_SHEET, line, "project_code", code or "", fam.projects.get(code or ""),
                                      fam.manifest)
        if problem is not None:
            problems.append(problem)
        else:
            project_id = fam.projects[code].id
    finalised = None
    try:
        finalised = parse_moment(values["finalised_at"])
    except ValueError as exc:
        problems.append(xpk.located(EVALUATION_SHEET, line, "finalised_at", f"“定稿时间”{exc}"))
    if len(problems) > count:
        return None
    subject = code if subject_kind == "project" else values["unit_code"] if subject_kind == "department" \
        else values["title"]
    if not str(values["row_id"] or "").startswith(evaluation_row_id(str(kind), str(subject_kind), subject)):
        problems.append(xpk.located(EVALUATION_SHEET, line, "row_id", f"行标识“{values['row_id']}”与评价类型、"
                                    "评价对象不一致：请勿修改行标识、评价类型、项目编码和单位编码。"))
        return None
    return {"kind": kind, "subject_kind": subject_kind, "project_id": project_id, "unit_id": unit_id,
            "title": values["title"], "score": values["score"], "grade": values["grade"], "finalised_at": finalised}


def _change(key: str, line: int, mine: Evaluation | None, theirs: dict[str, Any]) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(key, theirs["title"], status, EVALUATION_SHEET.title, line, reason)

    if mine is None:
        return change("new")
    if mine.status == "final" and all(getattr(mine, k) == theirs[k] for k in RESULT_FIELDS):
        return change("unchanged")
    if mine.updated_at > theirs["finalised_at"]:
        return change("conflicting", f"本机在财政局定稿（{formatting.screen_time(theirs['finalised_at'])}）之后修改过"
                                     f"该评价（{formatting.screen_time(mine.updated_at)}），请人工核对。")
    return change("changed")


def analyse_evaluations(uow: UnitOfWork, read: ReadPackage, fam: Family, problems: list[Problem],
                        plan: EvaluationPlan) -> list[RowChange]:
    """The package's evaluation results compared with this installation's; fills `plan`."""
    s = uow.session
    bad = {p.row for p in problems if p.sheet == EVALUATION_SHEET.title}
    mine = {key: e for key, e, _, _ in keyed_evaluations(s, fam.year, list(fam.units.values()))}
    changes: list[RowChange] = []
    for values, line in zip(read.sheets[EVALUATIONS].rows, read.sheets[EVALUATIONS].lines, strict=True):
        if line in bad or values["deleted"]:
            continue
        if values["row_id"] in plan.results or any(c.code == values["row_id"] for c in changes):
            problems.append(xpk.located(EVALUATION_SHEET, line, "row_id", f"行标识“{values['row_id']}”重复出现。"))
            continue
        theirs = _theirs(values, line, fam, problems)
        if theirs is None:
            continue
        here = mine.get(values["row_id"])
        change = _change(values["row_id"], line, here, theirs)
        if change.status in ("new", "changed"):
            plan.results[values["row_id"]] = (here.id if here is not None else None, theirs)
        changes.append(change)
    return changes


def write_evaluations(uow: UnitOfWork, actor: Actor, year: int, plan: EvaluationPlan) -> list[str]:
    """Write each planned result: a new final evaluation carrying the bureau's result, or the result on the one
    here; the row ids written."""
    s = uow.session
    for evaluation_id, theirs in plan.results.values():
        e = s.get(Evaluation, evaluation_id) if evaluation_id is not None else None
        before = None if e is None else {"status": e.status, "score": e.score, "grade": e.grade}
        finalised: datetime = theirs["finalised_at"]
        if e is None:
            e = Evaluation(year=year, kind=theirs["kind"], subject_kind=theirs["subject_kind"],
                           project_id=theirs["project_id"], unit_id=theirs["unit_id"], created_by=actor.username,
                           data_json=json.dumps({"source": "exchange"}), updated_at=finalised)
            s.add(e)
        e.title, e.score, e.grade, e.status, e.finalised_at = (theirs["title"], theirs["score"], theirs["grade"],
                                                               "final", finalised)
        e.updated_at = max(e.updated_at or finalised, finalised)
        s.flush()
        uow.audit(actor.username, "evaluation.exchange_import", "evaluation", e.id, before,
                  {"status": "final", "score": e.score, "grade": e.grade})
    return [f"{EVALUATION_SHEET.title}:{key}" for key in plan.results]
