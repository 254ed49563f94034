"""部门整体绩效目标 use cases: a department's (or township's) goal table of a year — 年度总体目标, the department's
预算 by source beside the sum of its projects, 重点工作任务 and the indicator tree — created, read, saved as a
draft, submitted and adjusted with the same versions, statuses and rules as a project's goal table
(`core.goals.service`); only the header and the key tasks are the department's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.changes import Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import UNIT_KINDS
from core.goals.rules.department import (
    Budget,
    Contact,
    DepartmentError,
    TaskRow,
    join_codes,
    split_codes,
    validate,
)
from core.goals.rules.goal_table import GoalContent, can_edit, status_label
from core.goals.service import (
    GOALS,
    ConflictError,
    VersionInfo,
    _validated,
    new_version,
    version_content,
    version_of,
    write_indicators,
)
from core.org.access import require, require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from db.models import (
    DepartmentGoal,
    DepartmentTask,
    GoalTable,
    GoalTableVersion,
    Indicator,
    Project,
    Unit,
    utcnow,
)
from db.uow import UnitOfWork

DEPARTMENT_KINDS = ("department", "township")
SUFFIX = "部门整体绩效目标"


@dataclass(frozen=True)
class DepartmentGoalDetail:
    goal_table_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    status: str
    status_label: str
    updated_at: datetime  # the token to hand back when saving
    current_version: int
    budget: Budget
    project_budget: Budget  # the sum of the department's projects of the year, shown beside its budget
    content: GoalContent
    tasks: tuple[TaskRow, ...]
    versions: tuple[VersionInfo, ...]
    project_codes: tuple[str, ...]  # the projects a key task may name
    contact: Contact = field(default_factory=Contact)

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.year}年度{SUFFIX}"


@dataclass(frozen=True)
class DepartmentGoalRow:
    goal_table_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    total_amount: Decimal
    project_amount: Decimal
    status: str
    status_label: str
    current_version: int
    indicators: int
    tasks: int
    updated_at: datetime


def member_units(session: Session, unit_id: int) -> list[int]:
    """The department and the budget units under it: whose projects count as the department's."""
    return [unit_id, *session.scalars(select(Unit.id).where(Unit.parent_id == unit_id))]


def project_budget(session: Session, unit_id: int, year: int) -> Budget:
    """The sum of the department's projects of the year by source."""
    p = Project
    row = session.execute(select(func.sum(p.total_amount), func.sum(p.fiscal_amount), func.sum(p.carryover_amount),
                                 func.sum(p.other_amount))  # the Money type is kept: Decimal 万元
                          .where(p.year == year, p.unit_id.in_(member_units(session, unit_id)))).one()
    return Budget(*(Decimal(0) if v is None else v for v in row))


def project_codes(session: Session, unit_id: int, year: int) -> tuple[str, ...]:
    """The codes of the department's projects of the year: the projects a key task may name."""
    return tuple(session.scalars(select(Project.code).where(
        Project.year == year, Project.unit_id.in_(member_units(session, unit_id))).order_by(Project.code)))


def tasks_of(session: Session, version_id: int) -> tuple[TaskRow, ...]:
    return tuple(TaskRow(t.task, t.amount, split_codes(t.project_codes)) for t in session.scalars(
        select(DepartmentTask).where(DepartmentTask.version_id == version_id).order_by(DepartmentTask.position)))


def _department(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在。")
    if unit.kind not in DEPARTMENT_KINDS:
        raise ValidationError(f"“{unit.name}”是{UNIT_KINDS.get(unit.kind, unit.kind)}，部门整体绩效目标只属于部门或镇街。",
                              "unit_id")
    require_unit(session, actor, unit_id)
    return unit


def _load(uow: UnitOfWork, actor: Actor, goal_table_id: int) -> tuple[DepartmentGoal, GoalTable, Unit]:
    goal = uow.session.scalar(select(DepartmentGoal).where(DepartmentGoal.goal_table_id == goal_table_id))
    if goal is None:
        raise NotFound(f"部门整体绩效目标表（编号 {goal_table_id}）不存在。")
    unit = uow.session.get(Unit, goal.unit_id)
    assert unit is not None
    require_unit(uow.session, actor, unit.id)
    return goal, goal.goal_table, unit


def _require_editor(actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_UNITS):  # the administrator may correct any department's table
        require(actor, Permission.EDIT_OWN_UNIT_DATA)


def find(uow: UnitOfWork, actor: Actor, unit_id: int, year: int) -> int | None:
    """The goal table id of the department's table of the year, if it has one."""
    _department(uow.session, actor, unit_id)
    return uow.session.scalar(select(DepartmentGoal.goal_table_id).where(DepartmentGoal.unit_id == unit_id,
                                                                         DepartmentGoal.year == year))


def create(uow: UnitOfWork, actor: Actor, unit_id: int, year: int) -> int:
    """Start the department's table of the year as an empty draft, its budget prefilled with its projects' sum."""
    uow.write()
    _require_editor(actor)
    unit = _department(uow.session, actor, unit_id)
    if find(uow, actor, unit_id, year) is not None:
        raise ValidationError(f"“{unit.name}”{year} 年度已有部门整体绩效目标表。", "year")
    budget = project_budget(uow.session, unit_id, year)
    table = GoalTable(project_id=None, status="draft", current_version=1, updated_at=utcnow())
    uow.session.add(table)
    uow.session.flush()
    uow.session.add(GoalTableVersion(goal_table_id=table.id, version=1, reason="新建", created_by=actor.username))
    uow.session.add(DepartmentGoal(unit_id=unit_id, year=year, goal_table_id=table.id, total_amount=budget.total,
                                   fiscal_amount=budget.fiscal, carryover_amount=budget.carryover,
                                   other_amount=budget.other))
    uow.session.flush()
    uow.audit(actor.username, "department_goal.create", "goal_table", table.id, None,
              {"unit_id": unit_id, "year": year})
    uow.commit()
    return table.id


def get(uow: UnitOfWork, actor: Actor, goal_table_id: int) -> DepartmentGoalDetail:
    goal, table, unit = _load(uow, actor, goal_table_id)
    current = version_of(table, table.current_version)
    return DepartmentGoalDetail(
        table.id, unit.id, unit.code, unit.name, goal.year, table.status, status_label(table.status),
        table.updated_at, table.current_version, budget_of(goal), project_budget(uow.session, unit.id, goal.year),
        version_content(current), tasks_of(uow.session, current.id),
        tuple(VersionInfo(v.version, v.reason, v.created_by, v.created_at, v.submitted_at) for v in table.versions),
        project_codes(uow.session, unit.id, goal.year), contact_of(goal))


def contact_of(goal: DepartmentGoal) -> Contact:
    return Contact(goal.manager, goal.phone)


def budget_of(goal: DepartmentGoal) -> Budget:
    return Budget(goal.total_amount, goal.fiscal_amount, goal.carryover_amount, goal.other_amount)


def check_table(content: GoalContent, budget: Budget, tasks: tuple[TaskRow, ...], codes: frozenset[str],
                contact: Contact) -> None:
    """Raise a ValidationError naming the field when the table cannot be saved: its content as a project's goal
    table, then its budget, key tasks (naming only `codes`) and contacts."""
    _validated(content)
    try:
        validate(budget, tasks, codes, contact)
    except DepartmentError as exc:
        raise ValidationError(str(exc), exc.field) from exc


def _check(uow: UnitOfWork, goal: DepartmentGoal, unit: Unit, budget: Budget, content: GoalContent,
           tasks: tuple[TaskRow, ...], contact: Contact | None = None) -> None:
    check_table(content, budget, tasks, frozenset(project_codes(uow.session, unit.id, goal.year)),
                contact or contact_of(goal))


def _check_token(table: GoalTable, expected: datetime, unit: Unit) -> None:
    if table.updated_at != expected:
        raise ConflictError(
            f"“{unit.name}”的部门整体绩效目标表在您打开之后已被他人保存（{formatting.screen_time(table.updated_at)}）。"
            "为避免覆盖对方的修改，本次未保存；请重新打开该表，核对后再修改。")


def _write(uow: UnitOfWork, goal: DepartmentGoal, version: GoalTableVersion, budget: Budget, content: GoalContent,
           tasks: tuple[TaskRow, ...], contact: Contact | None) -> None:
    """Write the version's indicators and key tasks and the table's budget (and contacts, unless None: keep)."""
    write_indicators(uow, version, content)
    for old in uow.session.scalars(select(DepartmentTask).where(DepartmentTask.version_id == version.id)):
        uow.session.delete(old)
    uow.session.flush()
    for position, row in enumerate(tasks, 1):
        uow.session.add(DepartmentTask(version_id=version.id, position=position, task=row.task.strip(),
                                       amount=row.amount, project_codes=join_codes(row.projects)))
    goal.total_amount, goal.fiscal_amount = budget.total, budget.fiscal
    goal.carryover_amount, goal.other_amount = budget.carryover, budget.other
    if contact is not None:
        goal.manager, goal.phone = contact.manager, contact.phone
    uow.session.flush()


def save_draft(uow: UnitOfWork, actor: Actor, goal_table_id: int, budget: Budget, content: GoalContent,
               tasks: tuple[TaskRow, ...], expected_updated_at: datetime, contact: Contact | None = None) -> Changes:
    """Save the working copy of a draft or returned table; a frozen version gets a new working version.
    `contact` None keeps the 负责人 and 联系电话 as they are."""
    contact = contact.cleaned() if contact is not None else None
    uow.write()
    _require_editor(actor)
    goal, table, unit = _load(uow, actor, goal_table_id)
    if not can_edit(table.status):
        raise ValidationError(f"“{unit.name}”的部门整体绩效目标表状态为“{status_label(table.status)}”，不能直接修改。"
                              + ("已通过的目标表只能通过“调整”修改，并须填写调整原因。" if table.status == "approved" else ""),
                              "status")
    _check_token(table, expected_updated_at, unit)
    _check(uow, goal, unit, budget, content, tasks, contact)
    current = version_of(table, table.current_version)
    if current.submitted_at is not None:
        current = new_version(uow, actor, table, "退回后修改")
    _write(uow, goal, current, budget, content, tasks, contact)
    table.updated_at = utcnow()
    uow.audit(actor.username, "department_goal.save_draft", "goal_table", table.id, None,
              {"version": current.version, "indicators": len(content.indicators), "tasks": len(tasks)})
    uow.commit()
    return GOALS


def submit(uow: UnitOfWork, actor: Actor, goal_table_id: int, expected_updated_at: datetime) -> Changes:
    """Freeze the working version and send the table to review."""
    uow.write()
    _require_editor(actor)
    goal, table, unit = _load(uow, actor, goal_table_id)
    if not can_edit(table.status):
        raise ValidationError(f"“{unit.name}”的部门整体绩效目标表状态为“{status_label(table.status)}”，不能再次提交。",
                              "status")
    _check_token(table, expected_updated_at, unit)
    current = version_of(table, table.current_version)
    content, tasks = version_content(current), tasks_of(uow.session, current.id)
    _check(uow, goal, unit, budget_of(goal), content, tasks)
    if not content.indicators:
        raise ValidationError(f"“{unit.name}”的部门整体绩效目标表还没有任何指标，不能提交。", "indicators")
    if not tasks:
        raise ValidationError(f"“{unit.name}”的部门整体绩效目标表还没有填写重点工作任务，不能提交。", "tasks")
    now = utcnow()
    current.submitted_at, current.reason = now, "申报" if current.reason == "新建" else current.reason
    before = table.status
    table.status, table.updated_at = "submitted", now
    uow.audit(actor.username, "department_goal.submit", "goal_table", table.id, {"status": before},
              {"status": "submitted", "version": current.version})
    uow.commit()
    return GOALS


def save_and_submit(uow: UnitOfWork, actor: Actor, goal_table_id: int, budget: Budget, content: GoalContent,
                    tasks: tuple[TaskRow, ...], expected_updated_at: datetime, contact: Contact | None = None
                    ) -> Changes:
    """What 提交 in the editor does: save the working copy, then submit it."""
    save_draft(uow, actor, goal_table_id, budget, content, tasks, expected_updated_at, contact)
    return submit(uow, actor, goal_table_id, _load(uow, actor, goal_table_id)[1].updated_at)


def adjust(uow: UnitOfWork, actor: Actor, goal_table_id: int, budget: Budget, content: GoalContent,
           tasks: tuple[TaskRow, ...], reason: str, expected_updated_at: datetime, contact: Contact | None = None
           ) -> Changes:
    """Change an approved table: a new frozen version with its reason, back to review."""
    contact = contact.cleaned() if contact is not None else None
    uow.write()
    _require_editor(actor)
    goal, table, unit = _load(uow, actor, goal_table_id)
    if table.status != "approved":
        raise ValidationError(f"只有已通过的目标表需要走调整程序；当前状态为“{status_label(table.status)}”。", "status")
    if len(reason.strip()) < 4:
        raise ValidationError("请填写调整原因（至少 4 个字）。", "reason")
    _check_token(table, expected_updated_at, unit)
    _check(uow, goal, unit, budget, content, tasks, contact)
    version = new_version(uow, actor, table, f"调整：{reason.strip()}")
    _write(uow, goal, version, budget, content, tasks, contact)
    now = utcnow()
    version.submitted_at = now
    table.status, table.updated_at = "submitted", now
    uow.audit(actor.username, "department_goal.adjust", "goal_table", table.id, {"status": "approved"},
              {"status": "submitted", "version": version.version, "reason": reason.strip()})
    uow.commit()
    return GOALS


def write_imported(uow: UnitOfWork, actor: Actor, unit_id: int, year: int, budget: Budget, contact: Contact,
                   content: GoalContent, tasks: tuple[TaskRow, ...], moment: datetime | None = None) -> int:
    """Write a department table that arrived in an exchange package as its working version, exactly as saving a
    draft does (a new table when the department has none; a frozen version gets a new working version). The caller
    has checked that the table may change; `moment` is the sender's 更新时间 when the bureau sends it."""
    s = uow.session
    require_unit(s, actor, unit_id)
    goal = s.scalar(select(DepartmentGoal).where(DepartmentGoal.unit_id == unit_id, DepartmentGoal.year == year))
    if goal is None:
        table = GoalTable(project_id=None, status="draft", current_version=1, updated_at=utcnow())
        s.add(table)
        s.flush()
        current = GoalTableVersion(goal_table_id=table.id, version=1, reason="交换包导入", created_by=actor.username)
        goal = DepartmentGoal(unit_id=unit_id, year=year, goal_table_id=table.id, total_amount=budget.total,
                              fiscal_amount=budget.fiscal, carryover_amount=budget.carryover, other_amount=budget.other)
        s.add_all([current, goal])
        s.flush()
    else:
        table = goal.goal_table
        current = version_of(table, table.current_version)
        if current.submitted_at is not None:
            current = new_version(uow, actor, table, "交换包导入")
    _write(uow, goal, current, budget, content, tasks, contact)
    table.updated_at = moment or utcnow()
    uow.audit(actor.username, "department_goal.exchange_import", "goal_table", table.id, None,
              {"version": current.version, "indicators": len(content.indicators), "tasks": len(tasks)})
    return table.id


def list_tables(uow: UnitOfWork, actor: Actor, year: int, status: str | None = None) -> list[DepartmentGoalRow]:
    """The year's department goal tables the actor may see, by unit code."""
    s = uow.session
    current = ((GoalTableVersion.goal_table_id == GoalTable.id)
               & (GoalTableVersion.version == GoalTable.current_version))
    indicators = (select(func.count(Indicator.id)).where(Indicator.version_id == GoalTableVersion.id)
                  .correlate(GoalTableVersion).scalar_subquery())
    tasks = (select(func.count(DepartmentTask.id)).where(DepartmentTask.version_id == GoalTableVersion.id)
             .correlate(GoalTableVersion).scalar_subquery())
    stmt = (select(DepartmentGoal, Unit, GoalTable, indicators, tasks)
            .join(Unit, Unit.id == DepartmentGoal.unit_id).join(GoalTable, GoalTable.id == DepartmentGoal.goal_table_id)
            .join(GoalTableVersion, current).where(DepartmentGoal.year == year).order_by(Unit.code))
    visible = visible_unit_ids(s, actor)
    if visible is not None:
        stmt = stmt.where(DepartmentGoal.unit_id.in_(visible))
    if status:
        stmt = stmt.where(GoalTable.status == status)
    return [DepartmentGoalRow(t.id, u.id, u.code, u.name, g.total_amount, project_budget(s, u.id, year).total,
                              t.status, status_label(t.status), t.current_version, n or 0, k or 0, t.updated_at)
            for g, u, t, n, k in s.execute(stmt)]


def open_units(uow: UnitOfWork, actor: Actor, year: int) -> list[tuple[int, str]]:
    """The departments and townships the actor may see that have no table of the year yet: (unit id, name)."""
    taken = select(DepartmentGoal.unit_id).where(DepartmentGoal.year == year)
    stmt = select(Unit.id, Unit.name).where(Unit.kind.in_(DEPARTMENT_KINDS), Unit.id.not_in(taken)).order_by(Unit.code)
    visible = visible_unit_ids(uow.session, actor)
    if visible is not None:
        stmt = stmt.where(Unit.id.in_(visible))
    return [(unit_id, name) for unit_id, name in uow.session.execute(stmt)]


def approved_goal(session: Session, unit_id: int, year: int) -> tuple[GoalContent, tuple[TaskRow, ...], Budget] | None:
    """The approved department table of the year (its current version), for the overall evaluation."""
    goal = session.scalar(select(DepartmentGoal).join(GoalTable, GoalTable.id == DepartmentGoal.goal_table_id)
                          .where(DepartmentGoal.unit_id == unit_id, DepartmentGoal.year == year,
                                 GoalTable.status == "approved"))
    if goal is None:
        return None
    version = version_of(goal.goal_table, goal.goal_table.current_version)
    return version_content(version), tasks_of(session, version.id), budget_of(goal)
