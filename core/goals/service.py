"""绩效目标表 use cases: read a table, save a draft, submit, adjust an approved table, compare versions.

A submitted version is frozen; an approved table changes only through an adjustment, which is a new
version with its reason. Saving carries the `updated_at` the editor started from, so two people
saving the same table cannot overwrite each other silently.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from core.common import formatting
from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import PROJECT_ATTRIBUTES
from core.goals.dto import GoalTableDetail, GoalTableRow, VersionInfo
from core.goals.rules.goal_table import (
    Change,
    ContentError,
    GoalContent,
    IndicatorRow,
    can_edit,
    diff_contents,
    status_label,
    validate_content,
)
from core.goals.rules.indicator_kind import settle_kinds
from core.org.access import require, require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from db.codes import GoalStatus
from db.models import GoalTable, GoalTableVersion, Indicator, Project, Unit, utcnow
from db.uow import UnitOfWork

GOALS = Changes.of(Area.GOALS)


class ConflictError(ValidationError):
    """Somebody else saved the table since this editor loaded it."""


def version_content(version: GoalTableVersion) -> GoalContent:
    """The texts and indicators of one version, as the rules and the exchange packages see them."""
    return GoalContent(
        version.overview, version.basis, version.schedule, version.long_term_goal, version.annual_goal,
        tuple(IndicatorRow(i.level1, i.level2, i.name, i.comparator, i.target, i.target_text, i.unit_of_measure,
                           i.weight, i.scoring_standard, i.note, i.kind, i.kind_chosen) for i in version.indicators),
    )


def _load(uow: UnitOfWork, actor: Actor, project_id: int) -> tuple[Project, GoalTable]:
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    require_unit(uow.session, actor, project.unit_id)
    table = uow.session.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
    if table is None:
        raise NotFound(f"项目“{project.name}”还没有绩效目标表。")
    return project, table


def version_of(table: GoalTable, number: int) -> GoalTableVersion:
    """Version `number` of a goal table (NotFound when there is none)."""
    for version in table.versions:
        if version.version == number:
            return version
    raise NotFound(f"绩效目标表没有第 {number} 版。")


def get_table(uow: UnitOfWork, actor: Actor, project_id: int) -> GoalTableDetail:
    project, table = _load(uow, actor, project_id)
    unit_name = uow.session.scalar(select(Unit.name).where(Unit.id == project.unit_id)) or ""
    return GoalTableDetail(
        project.id, project.code, project.name, unit_name, project.year, table.status,
        status_label(table.status), table.updated_at, table.current_version,
        version_content(version_of(table, table.current_version)),
        tuple(VersionInfo(v.version, v.reason, v.created_by, v.created_at, v.submitted_at) for v in table.versions),
        project.sector,
    )


def _require_editor(uow: UnitOfWork, actor: Actor, project: Project) -> None:
    if not actor.can(Permission.MANAGE_UNITS):  # the administrator may correct any unit's table
        require(actor, Permission.EDIT_OWN_UNIT_DATA)
    require_unit(uow.session, actor, project.unit_id)


def _check_token(table: GoalTable, expected: datetime, project: Project) -> None:
    if table.updated_at != expected:
        raise ConflictError(
            f"项目“{project.name}”的绩效目标表在您打开之后已被他人保存（{formatting.screen_time(table.updated_at)}）。"
            "为避免覆盖对方的修改，本次未保存；请重新打开该表，核对后再修改。")


def _validated(content: GoalContent) -> GoalContent:
    try:
        validate_content(content)
    except ContentError as exc:
        raise ValidationError(str(exc), exc.field) from exc
    return content


def write_indicators(uow: UnitOfWork, version: GoalTableVersion, content: GoalContent) -> None:
    """Replace the version's texts and indicators; each indicator keeps the kind a person chose, else gets the kind
    its content implies (None: 待定)."""
    content = settle_kinds(content)
    for old in list(version.indicators):
        uow.session.delete(old)
    uow.session.flush()
    for position, row in enumerate(content.indicators, 1):
        uow.session.add(Indicator(version_id=version.id, position=position, level1=row.level1, level2=row.level2,
                                  name=row.name.strip(), comparator=row.comparator, target=row.target,
                                  target_text=row.target_text, unit_of_measure=row.unit_of_measure,
                                  weight=row.weight, scoring_standard=row.scoring_standard, note=row.note,
                                  kind=row.kind, kind_chosen=row.kind_chosen))
    for key in ("overview", "basis", "schedule", "long_term_goal", "annual_goal"):
        setattr(version, key, getattr(content, key))
    uow.session.flush()
    uow.session.expire(version, ["indicators"])


def new_version(uow: UnitOfWork, actor: Actor, table: GoalTable, reason: str) -> GoalTableVersion:
    version = GoalTableVersion(goal_table_id=table.id, version=table.current_version + 1, reason=reason,
                               created_by=actor.username)
    uow.session.add(version)
    uow.session.flush()
    table.current_version = version.version
    return version


def save_draft(uow: UnitOfWork, actor: Actor, project_id: int, content: GoalContent,
               expected_updated_at: datetime) -> Changes:
    """Save the working copy of a draft or returned table; a frozen version gets a new working version."""
    uow.write()
    project, table = _load(uow, actor, project_id)
    _require_editor(uow, actor, project)
    if not can_edit(table.status):
        raise ValidationError(f"项目“{project.name}”的绩效目标表状态为“{status_label(table.status)}”，不能直接修改。"
                              + ("已通过的目标表只能通过“调整”修改，并须填写调整原因。"
                                 if table.status == GoalStatus.APPROVED else ""),
                              "status")
    _check_token(table, expected_updated_at, project)
    _validated(content)
    current = version_of(table, table.current_version)
    before = version_content(current)
    if current.submitted_at is not None:
        current = new_version(uow, actor, table, "退回后修改")
    write_indicators(uow, current, content)
    table.updated_at = utcnow()
    uow.audit(actor.username, "goal_table.save_draft", "goal_table", table.id,
              {"version": current.version, "indicators": len(before.indicators)},
              {"version": current.version, "indicators": len(content.indicators)})
    uow.commit()
    return GOALS


def submit(uow: UnitOfWork, actor: Actor, project_id: int, expected_updated_at: datetime,
           reason: str = "申报") -> Changes:
    """Freeze the working version and send the table to review."""
    uow.write()
    project, table = _load(uow, actor, project_id)
    _require_editor(uow, actor, project)
    if not can_edit(table.status):
        raise ValidationError(f"项目“{project.name}”的绩效目标表状态为“{status_label(table.status)}”，不能再次提交。",
                              "status")
    _check_token(table, expected_updated_at, project)
    current = version_of(table, table.current_version)
    content = _validated(version_content(current))
    if not content.indicators:
        raise ValidationError(f"项目“{project.name}”的绩效目标表还没有任何指标，不能提交。", "indicators")
    now = utcnow()
    current.submitted_at = now
    current.reason = reason.strip() or current.reason
    before = table.status
    table.status, table.updated_at = GoalStatus.SUBMITTED, now
    uow.audit(actor.username, "goal_table.submit", "goal_table", table.id, {"status": before},
              {"status": GoalStatus.SUBMITTED, "version": current.version})
    uow.commit()
    return GOALS


def save_and_submit(uow: UnitOfWork, actor: Actor, project_id: int, content: GoalContent,
                    expected_updated_at: datetime) -> Changes:
    """What 提交 in the editor does: save the working copy, then submit it."""
    save_draft(uow, actor, project_id, content, expected_updated_at)
    _project, table = _load(uow, actor, project_id)
    return submit(uow, actor, project_id, table.updated_at)


def adjust(uow: UnitOfWork, actor: Actor, project_id: int, content: GoalContent, reason: str,
           expected_updated_at: datetime) -> Changes:
    """Change an approved table: a new frozen version with its reason, back to review."""
    uow.write()
    project, table = _load(uow, actor, project_id)
    _require_editor(uow, actor, project)
    if table.status != GoalStatus.APPROVED:
        raise ValidationError(f"只有已通过的绩效目标表需要走调整程序；当前状态为“{status_label(table.status)}”，"
                              "请直接修改后提交。", "status")
    if len(reason.strip()) < 4:
        raise ValidationError("请填写调整原因（至少 4 个字），例如“年中预算追加，产出数量相应调整”。", "reason")
    _check_token(table, expected_updated_at, project)
    _validated(content)
    version = new_version(uow, actor, table, f"调整：{reason.strip()}")
    write_indicators(uow, version, content)
    now = utcnow()
    version.submitted_at = now
    table.status, table.updated_at = GoalStatus.SUBMITTED, now
    uow.audit(actor.username, "goal_table.adjust", "goal_table", table.id, {"status": GoalStatus.APPROVED},
              {"status": GoalStatus.SUBMITTED, "version": version.version, "reason": reason.strip()})
    uow.commit()
    return GOALS


def compare_versions(uow: UnitOfWork, actor: Actor, project_id: int, old: int, new: int) -> list[Change]:
    _project, table = _load(uow, actor, project_id)
    return diff_contents(version_content(version_of(table, old)), version_content(version_of(table, new)))


def list_tables(uow: UnitOfWork, actor: Actor, year: int, status: str | None = None) -> list[GoalTableRow]:
    """The year's goal tables the actor may see (a clerk: its own unit), largest amounts first."""
    counts = (select(GoalTableVersion.goal_table_id, func.count(Indicator.id).label("n"))
              .join(Indicator, Indicator.version_id == GoalTableVersion.id)
              .join(GoalTable, (GoalTable.id == GoalTableVersion.goal_table_id)
                    & (GoalTable.current_version == GoalTableVersion.version))
              .group_by(GoalTableVersion.goal_table_id).subquery())
    stmt = (select(Project, Unit.name, GoalTable, counts.c.n)
            .join(GoalTable, GoalTable.project_id == Project.id).join(Unit, Unit.id == Project.unit_id)
            .outerjoin(counts, counts.c.goal_table_id == GoalTable.id)
            .where(Project.year == year).order_by(Project.total_amount.desc(), Project.code))
    visible = visible_unit_ids(uow.session, actor)
    if visible is not None:
        stmt = stmt.where(Project.unit_id.in_(visible))
    if status:
        stmt = stmt.where(GoalTable.status == status)
    return [GoalTableRow(p.id, p.code, p.name, p.unit_id, unit_name, PROJECT_ATTRIBUTES.get(p.attribute, p.attribute),
                         p.total_amount, t.status, status_label(t.status), t.current_version, n or 0, t.updated_at)
            for p, unit_name, t, n in uow.session.execute(stmt)]
