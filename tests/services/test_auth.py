"""First administrator (no default password), login, lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.common.errors import AuthenticationFailed, ValidationError
from core.common.runner import call
from core.org import admin, auth, settings
from db.database import Database
from db.models import User, utcnow
from tests.conftest import PASSWORD


def test_first_start_requires_choosing_a_password(db: Database) -> None:
    assert call(db, auth.needs_first_admin)
    with pytest.raises(ValidationError, match="至少需要 8 位"):
        call(db, auth.create_first_admin, "admin", "管理员", "abc1", "abc1")
    with pytest.raises(ValidationError, match="不一致"):
        call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD + "x")
    assert call(db, auth.needs_first_admin)  # nothing was written
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    assert actor.role.value == "admin"
    with pytest.raises(ValidationError, match="已有管理员"):
        call(db, auth.create_first_admin, "admin2", "另一个", PASSWORD, PASSWORD)


def test_login_and_wrong_password(db: Database, admin_actor: object) -> None:
    assert call(db, auth.login, "admin", PASSWORD).username == "admin"
    with pytest.raises(AuthenticationFailed, match="用户名或密码错误。再错 4 次"):
        call(db, auth.login, "admin", "wrong-password1")
    with pytest.raises(AuthenticationFailed, match=r"^用户名或密码错误。$"):
        call(db, auth.login, "nobody", PASSWORD)


def test_lockout_after_configured_failures_then_unlock(db: Database, admin_actor) -> None:  # type: ignore[no-untyped-def]
    call(db, settings.update_settings, admin_actor, {"auth.lock_minutes": 7})
    for _ in range(4):
        with pytest.raises(AuthenticationFailed, match="再错"):
            call(db, auth.login, "admin", "bad-pass-1")
    with pytest.raises(AuthenticationFailed, match="已锁定 7 分钟"):
        call(db, auth.login, "admin", "bad-pass-1")
    with pytest.raises(AuthenticationFailed, match="已被锁定"):
        call(db, auth.login, "admin", PASSWORD)  # even the right password, while locked
    with db.unit_of_work() as uow:
        user = uow.session.scalar(select(User).where(User.username == "admin"))
        assert user is not None and user.locked_until is not None
        assert timedelta(minutes=6) < user.locked_until - utcnow() <= timedelta(minutes=7)
        user_id = user.id
    call(db, admin.unlock_user, admin_actor, user_id)
    assert call(db, auth.login, "admin", PASSWORD).username == "admin"


def test_failed_logins_are_audited(db: Database, admin_actor: object) -> None:
    with pytest.raises(AuthenticationFailed):
        call(db, auth.login, "admin", "bad-pass-1")
    with db.unit_of_work() as uow:
        from db.models import AuditEntry

        actions = list(uow.session.scalars(select(AuditEntry.action)))
        assert "auth.login_failed" in actions
        assert uow.session.scalar(select(func.count()).select_from(User)) == 1


def test_change_password(db: Database, admin_actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="原密码不正确"):
        call(db, auth.change_password, admin_actor, "nope", "NewPassw0rd", "NewPassw0rd")
    call(db, auth.change_password, admin_actor, PASSWORD, "NewPassw0rd", "NewPassw0rd")
    assert call(db, auth.login, "admin", "NewPassw0rd").username == "admin"
