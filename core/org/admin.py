"""系统管理: units and user accounts with their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import ROLES, UNIT_KINDS
from core.org.access import require, visible_unit_ids
from core.org.auth import check_new_password
from core.org.dto import UnitInput, UnitRow, UserInput, UserRow
from core.org.rules.passwords import hash_password
from core.org.rules.roles import Actor, Permission, Role
from db.models import Unit, User, utcnow
from db.uow import UnitOfWork


def list_units(uow: UnitOfWork, actor: Actor) -> list[UnitRow]:
    parent = aliased(Unit)
    stmt = select(Unit, parent.name).outerjoin(parent, Unit.parent_id == parent.id).order_by(Unit.code)
    visible = visible_unit_ids(uow.session, actor)
    if visible is not None:
        stmt = stmt.where(Unit.id.in_(visible))
    return [
        UnitRow(u.id, u.code, u.name, u.kind, UNIT_KINDS.get(u.kind, u.kind), u.parent_id, pname, u.sector,
                u.active)
        for u, pname in uow.session.execute(stmt)
    ]


def _unit_state(u: Unit) -> dict[str, object]:
    return {"code": u.code, "name": u.name, "kind": u.kind, "parent_id": u.parent_id,
            "sector": u.sector, "active": u.active}


def save_unit(uow: UnitOfWork, actor: Actor, data: UnitInput) -> Changes:
    uow.write()
    require(actor, Permission.MANAGE_UNITS)
    code, name = data.code.strip(), data.name.strip()
    if not code:
        raise ValidationError("请填写单位编码。", "code")
    if not name:
        raise ValidationError("请填写单位名称。", "name")
    if data.kind not in UNIT_KINDS:
        raise ValidationError(f"单位类型“{data.kind}”无效，应为：{'、'.join(UNIT_KINDS.values())}。", "kind")
    if data.kind == "budget_unit" and data.parent_id is None:
        raise ValidationError("预算单位必须指定所属部门。", "parent_id")
    clash = uow.session.scalar(select(Unit).where(Unit.code == code, Unit.id != (data.id or -1)))
    if clash is not None:
        raise ValidationError(f"单位编码“{code}”已被“{clash.name}”使用。", "code")
    if data.parent_id is not None and uow.session.get(Unit, data.parent_id) is None:
        raise ValidationError("所属上级单位不存在。", "parent_id")
    unit: Unit | None
    if data.id is None:
        unit = Unit(code=code, name=name, kind=data.kind, parent_id=data.parent_id,
                    sector=data.sector or None, active=data.active)
        uow.session.add(unit)
        uow.session.flush()
        uow.audit(actor.username, "unit.create", "unit", unit.id, None, _unit_state(unit))
    else:
        unit = uow.session.get(Unit, data.id)
        if unit is None:
            raise NotFound(f"单位（编号 {data.id}）不存在。")
        if data.parent_id == unit.id:
            raise ValidationError("单位不能是自己的上级。", "parent_id")
        before = _unit_state(unit)
        unit.code, unit.name, unit.kind = code, name, data.kind
        unit.parent_id, unit.sector, unit.active = data.parent_id, data.sector or None, data.active
        uow.audit(actor.username, "unit.update", "unit", unit.id, before, _unit_state(unit))
    uow.commit()
    return Changes.of(Area.UNITS)


def list_users(uow: UnitOfWork, actor: Actor) -> list[UserRow]:
    require(actor, Permission.MANAGE_USERS)
    now = utcnow()
    rows = uow.session.execute(
        select(User, Unit.name).outerjoin(Unit, User.unit_id == Unit.id).order_by(User.username)
    )
    return [
        UserRow(u.id, u.username, u.display_name, u.role, ROLES[Role(u.role)], u.unit_id, uname, u.active,
                u.locked_until is not None and u.locked_until > now, u.last_login_at)
        for u, uname in rows
    ]


def _user_state(u: User) -> dict[str, object]:
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "unit_id": u.unit_id, "active": u.active}


def _validate_user(uow: UnitOfWork, data: UserInput) -> Role:
    if not data.username.strip():
        raise ValidationError("请填写用户名。", "username")
    try:
        role = Role(data.role)
    except ValueError as exc:
        raise ValidationError(f"角色“{data.role}”无效。", "role") from exc
    if role is Role.CLERK and data.unit_id is None:
        raise ValidationError("填报员必须指定所属单位（只能查看和填报本单位数据）。", "unit_id")
    if data.unit_id is not None and uow.session.get(Unit, data.unit_id) is None:
        raise ValidationError("所属单位不存在。", "unit_id")
    return role


def create_user(uow: UnitOfWork, actor: Actor, data: UserInput, password: str, confirm: str) -> Changes:
    uow.write()
    require(actor, Permission.MANAGE_USERS)
    role = _validate_user(uow, data)
    username = data.username.strip()
    if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError(f"用户名“{username}”已存在。", "username")
    check_new_password(uow, password, confirm)
    user = User(username=username, display_name=data.display_name.strip() or username, role=role.value,
                unit_id=data.unit_id, active=data.active, password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    uow.audit(actor.username, "user.create", "app_user", user.id, None, _user_state(user))
    uow.commit()
    return Changes.of(Area.USERS)


def _get_user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户（编号 {user_id}）不存在。")
    return user


def update_user(uow: UnitOfWork, actor: Actor, data: UserInput) -> Changes:
    uow.write()
    require(actor, Permission.MANAGE_USERS)
    role = _validate_user(uow, data)
    user = _get_user(uow, data.id or -1)
    if user.username == actor.username and (role is not Role.ADMIN or not data.active):
        raise ValidationError("不能停用自己的账户或取消自己的管理员角色。", "role")
    before = _user_state(user)
    user.display_name = data.display_name.strip() or user.username
    user.role, user.unit_id, user.active = role.value, data.unit_id, data.active
    uow.audit(actor.username, "user.update", "app_user", user.id, before, _user_state(user))
    uow.commit()
    return Changes.of(Area.USERS)


def reset_password(uow: UnitOfWork, actor: Actor, user_id: int, password: str, confirm: str) -> Changes:
    uow.write()
    require(actor, Permission.MANAGE_USERS)
    user = _get_user(uow, user_id)
    check_new_password(uow, password, confirm)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    uow.audit(actor.username, "user.reset_password", "app_user", user.id)
    uow.commit()
    return Changes.of(Area.USERS)


def unlock_user(uow: UnitOfWork, actor: Actor, user_id: int) -> Changes:
    uow.write()
    require(actor, Permission.MANAGE_USERS)
    user = _get_user(uow, user_id)
    before = {"locked_until": user.locked_until}
    user.failed_attempts, user.locked_until = 0, None
    uow.audit(actor.username, "user.unlock", "app_user", user.id, before, {"locked_until": None})
    uow.commit()
    return Changes.of(Area.USERS)

