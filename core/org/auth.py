"""Login, the first administrator, lockout after repeated failures, and password changes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.errors import AuthenticationFailed, ValidationError
from core.org import settings
from core.org.rules.passwords import hash_password, password_problems, verify_password
from core.org.rules.roles import Actor, Role
from db.models import Unit, User, utcnow
from db.uow import UnitOfWork


def needs_first_admin(uow: UnitOfWork) -> bool:
    return not uow.session.scalar(select(func.count()).select_from(User))


def check_new_password(uow: UnitOfWork, password: str, confirm: str | None = None) -> None:
    if confirm is not None and password != confirm:
        raise ValidationError("两次输入的密码不一致。", "password")
    problems = password_problems(password, settings.get(uow.session, "auth.min_password_length"))
    if problems:
        raise ValidationError("；".join(problems) + "。", "password")


def create_first_admin(uow: UnitOfWork, username: str, display_name: str, password: str,
                       confirm: str) -> Actor:
    """Only possible while the database has no user at all: there is no default password."""
    uow.write()
    if not needs_first_admin(uow):
        raise ValidationError("系统已有管理员账户，不能再次初始化。请用已有账户登录。")
    username = username.strip()
    if not username:
        raise ValidationError("请填写管理员用户名。", "username")
    check_new_password(uow, password, confirm)
    user = User(username=username, display_name=display_name.strip() or username, role=Role.ADMIN,
                password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    uow.audit(username, "user.create_first_admin", "app_user", user.id, None,
              {"username": username, "role": Role.ADMIN.value})
    uow.commit()
    return Actor(username, user.display_name, Role.ADMIN)


def _actor_of(uow: UnitOfWork, user: User) -> Actor:
    unit_name = uow.session.scalar(select(Unit.name).where(Unit.id == user.unit_id)) if user.unit_id else None
    return Actor(user.username, user.display_name, Role(user.role), user.unit_id, unit_name)


def login(uow: UnitOfWork, username: str, password: str) -> Actor:
    """Check the password; count failures and lock the account after the configured number."""
    uow.write()
    user = uow.session.scalar(select(User).where(User.username == username.strip()))
    now = utcnow()
    if user is None or not user.active:
        # Same message as a wrong password: do not reveal which user names exist.
        verify_password(password, hash_password("timing-equaliser"))
        raise AuthenticationFailed("用户名或密码错误。")
    if user.locked_until is not None and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise AuthenticationFailed(f"账户“{user.username}”因多次密码错误已被锁定，请 {minutes} 分钟后再试，或请管理员解锁。")
    if not verify_password(password, user.password_hash):
        limit = settings.get(uow.session, "auth.max_failed_attempts")
        user.failed_attempts += 1
        left = limit - user.failed_attempts
        if left <= 0:
            lock_minutes = settings.get(uow.session, "auth.lock_minutes")
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_attempts = 0
            message = f"密码连续错误 {limit} 次，账户已锁定 {lock_minutes} 分钟。"
        else:
            message = f"用户名或密码错误。再错 {left} 次账户将被锁定。"
        uow.audit(user.username, "auth.login_failed", "app_user", user.id, None,
                  {"failed_attempts": user.failed_attempts, "locked": user.locked_until is not None})
        uow.commit()  # the failure count must survive, or lockout could be dodged
        raise AuthenticationFailed(message)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    uow.audit(user.username, "auth.login", "app_user", user.id)
    uow.commit()
    return _actor_of(uow, user)


def change_password(uow: UnitOfWork, actor: Actor, old: str, new: str, confirm: str) -> Changes:
    uow.write()
    user = uow.session.scalar(select(User).where(User.username == actor.username))
    if user is None or not verify_password(old, user.password_hash):
        raise ValidationError("原密码不正确。", "old_password")
    check_new_password(uow, new, confirm)
    user.password_hash = hash_password(new)
    uow.audit(actor.username, "user.change_password", "app_user", user.id)
    uow.commit()
    return Changes.of(Area.USERS, Area.AUDIT)
