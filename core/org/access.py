"""Permission checks shared by every service: role permissions and a clerk's own-unit boundary."""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound, PermissionDenied
from core.org.rules.roles import Actor, Permission
from db.models import Unit

PERMISSION_LABELS = {
    Permission.VIEW_ALL_UNITS: "查看全部单位数据",
    Permission.MANAGE_UNITS: "管理单位",
    Permission.MANAGE_USERS: "管理用户和角色",
    Permission.MANAGE_SETTINGS: "修改系统设置",
    Permission.BACKUP_RESTORE: "备份与恢复",
    Permission.VIEW_AUDIT: "查看审计日志",
    Permission.EDIT_OWN_UNIT_DATA: "填报本单位数据",
    Permission.REVIEW_GOALS: "审核绩效目标",
    Permission.EVALUATE: "绩效评价",
    Permission.GENERATE_DEMO: "生成演示数据",
}


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(
            f"当前用户“{actor.display_name}”（{actor.role_label}）没有“{PERMISSION_LABELS[permission]}”的权限。"
        )


def unit_ancestors(session: Session, unit_id: int) -> frozenset[int]:
    seen: set[int] = set()
    current = session.get(Unit, unit_id)
    if current is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在。")
    while current.parent_id is not None and current.parent_id not in seen:
        seen.add(current.parent_id)
        current = session.get(Unit, current.parent_id)
        if current is None:
            break
    return frozenset(seen)


def require_unit(session: Session, actor: Actor, unit_id: int) -> None:
    """A clerk may only touch its own unit (and the budget units under it)."""
    if not actor.can_see_unit(unit_id, unit_ancestors(session, unit_id)):
        name = session.scalar(select(Unit.name).where(Unit.id == unit_id))
        raise PermissionDenied(
            f"填报员只能查看和填报本单位（{actor.unit_name or actor.unit_id}）的数据，无权访问“{name}”的数据。"
        )


def visible_unit_ids(session: Session, actor: Actor) -> set[int] | None:
    """None means every unit; otherwise the ids this actor may see."""
    if actor.can(Permission.VIEW_ALL_UNITS):
        return None
    if actor.unit_id is None:
        return set()
    ids = {actor.unit_id}
    ids.update(session.scalars(select(Unit.id).where(Unit.parent_id == actor.unit_id)))
    return ids


Columns = TypeVarTuple("Columns")


def scoped(stmt: Select[*Columns], unit_column: Any, visible: set[int] | None) -> Select[*Columns]:
    """The statement limited to the visible units (`visible_unit_ids`; None leaves it as it is)."""
    return stmt if visible is None else stmt.where(unit_column.in_(visible))
