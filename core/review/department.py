"""Pre-review of department goal tables (部门整体绩效目标): the same rules as project tables run over the department's
header, texts and indicators, plus the department's own check (the annual goal covers the key tasks), compared
with the department's table of last year. Read-only.

In the reviewer's queue a department table is keyed by minus its goal table id (`queue_key`), so one queue, one
review view and one decision path serve project and department tables alike."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.goals.department import SUFFIX, tasks_of
from core.goals.rules.department import uncovered_tasks
from core.org.access import visible_unit_ids
from core.org.rules.roles import Actor
from core.review.auto import TEXTS, ReviewBase, TableReview
from core.review.rules.engine import quality_score, run_rules
from core.review.rules.model import DIMENSIONS, Finding, IndicatorView, TableView
from db.models import DepartmentGoal, GoalTable, GoalTableVersion, Indicator, Project, Unit

TASK_RULE = "D01"  # the department's own check, beside the shared rule ids
ATTRIBUTE = "部门整体"  # how the queue marks a department table


def queue_key(goal_table_id: int) -> int:
    """The queue key of a department table (project tables are keyed by their positive project id)."""
    return -goal_table_id


def goal_table_of(key: int) -> int:
    return -key


@dataclass(frozen=True)
class Subject:
    """What a goal table is of: a project, or a department's year (key < 0)."""

    key: int
    name: str
    year: int
    unit_id: int


def subject(s: Session, project_id: int) -> tuple[Subject, GoalTable]:
    """The project or department (key < 0) a queue key names, with its goal table."""
    if project_id < 0:
        goal = s.scalar(select(DepartmentGoal).where(DepartmentGoal.goal_table_id == goal_table_of(project_id)))
        if goal is None:
            raise NotFound(f"部门整体绩效目标表（编号 {goal_table_of(project_id)}）不存在。")
        unit = s.get(Unit, goal.unit_id)
        return Subject(project_id, f"{unit.name if unit else ''}（部门整体）", goal.year, goal.unit_id), goal.goal_table
    project = s.get(Project, project_id)
    table = s.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
    if project is None or table is None:
        raise NotFound(f"项目（编号 {project_id}）不存在或还没有绩效目标表。")
    return Subject(project.id, project.name, project.year, project.unit_id), table


def _views(session: Session, where: Any) -> dict[int, tuple[TableView, int, int]]:
    """Goal table id → (TableView, unit id, version id) of every department table matching `where`."""
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    head = session.execute(
        select(DepartmentGoal, Unit, GoalTable.status, GoalTableVersion.id, *(getattr(GoalTableVersion, t) for t in TEXTS))
        .join(Unit, Unit.id == DepartmentGoal.unit_id).join(GoalTable, GoalTable.id == DepartmentGoal.goal_table_id)
        .join(GoalTableVersion, current).where(where)).all()
    inds: dict[int, list[IndicatorView]] = defaultdict(list)
    vids = [r[3] for r in head]
    for vid, pos, level1, level2, name, comparator, target, text, unit, weight, scoring, kind in session.execute(
            select(Indicator.version_id, Indicator.position, Indicator.level1, Indicator.level2, Indicator.name,
                   Indicator.comparator, Indicator.target, Indicator.target_text, Indicator.unit_of_measure,
                   Indicator.weight, Indicator.scoring_standard, Indicator.kind)
            .where(Indicator.version_id.in_(vids)).order_by(Indicator.version_id, Indicator.position)):
        inds[vid].append(IndicatorView(pos, level1, level2, name, comparator, target, text, unit, weight, scoring,
                                       kind=kind))
    out = {}
    for goal, unit, status, vid, *texts in head:
        view = TableView(
            unit.code, f"{unit.name}{SUFFIX}", unit.name, unit.name, unit.sector, "continuing", "recurring", "general",
            goal.total_amount, goal.fiscal_amount, goal.carryover_amount, goal.other_amount,
            date(goal.year, 1, 1), date(goal.year, 12, 31), goal.year, goal.manager, goal.phone, **dict(zip(TEXTS, texts, strict=True)),
            status=status, indicators=tuple(inds.get(vid, ())))
        out[goal.goal_table_id] = (view, unit.id, vid)
    return out


def task_findings(annual_goal: str | None, tasks: tuple[Any, ...]) -> list[Finding]:
    """The department's own check: each key task should be spoken of in the annual goal."""
    return [Finding(TASK_RULE, DIMENSIONS["relevance"], "warning", "annual_goal",
                    f"重点工作任务“{name}”在年度总体目标中没有体现，年度总体目标应概括全部重点工作任务。")
            for name in uncovered_tasks(annual_goal, tasks)]


def department_reviews(session: Session, actor: Actor, year: int, base: ReviewBase,
                       goal_table_ids: list[int] | None = None, statuses: tuple[str, ...] | None = None
                       ) -> list[TableReview]:
    """Pre-review the current version of the year's department tables the actor may see (optionally only some);
    each TableReview's `project_id` is the queue key."""
    where: Any = DepartmentGoal.year == year
    visible = visible_unit_ids(session, actor)
    if visible is not None:
        where = and_(where, DepartmentGoal.unit_id.in_(sorted(visible)))
    if goal_table_ids is not None:
        where = and_(where, DepartmentGoal.goal_table_id.in_(sorted(goal_table_ids)))
    if statuses is not None:
        where = and_(where, GoalTable.status.in_(statuses))
    tables = _views(session, where)
    units = {unit_id for _view, unit_id, _vid in tables.values()}
    previous = {unit_id: view for view, unit_id, _vid in _views(
        session, and_(DepartmentGoal.year == year - 1, DepartmentGoal.unit_id.in_(sorted(units)))).values()}
    out = []
    for table_id, (view, unit_id, vid) in tables.items():
        prev = previous.get(unit_id)
        ctx = replace(base.context, previous=prev, has_exante=None)
        findings = (*run_rules(view, ctx, base.config), *task_findings(view.annual_goal, tasks_of(session, vid)))
        out.append(TableReview(queue_key(table_id), view.project_code, view.project_name, view.unit_name or "",
                               view.status, view.total_amount or Decimal(0), findings,
                               quality_score(findings, base.config), view, prev))
    out.sort(key=lambda r: (r.score, r.project_code))
    return out
