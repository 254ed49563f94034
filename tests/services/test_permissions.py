"""Permissions are enforced in the services, per role; a refused write leaves the database as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied
from core.common.runner import call
from core.org import access, admin, maintenance, settings
from core.org.dto import UnitInput, UserInput
from core.org.rules.roles import Actor, Role
from core.statistics import overview as stats
from db.database import Database
from db.models import AuditEntry, Unit
from tests.conftest import PASSWORD, actor_of

WRITES: dict[str, Callable[[Database, Actor], Any]] = {
    "save_unit": lambda db, a: call(db, admin.save_unit, a, UnitInput("D099", "新部门", "department")),
    "create_user": lambda db, a: call(db, admin.create_user, a,
                                      UserInput("u9", "某人", "reviewer"), PASSWORD, PASSWORD),
    "update_settings": lambda db, a: call(db, settings.update_settings, a, {"auth.lock_minutes": 30}),
    "backup": lambda db, a: maintenance.backup_database(db, a),
}
READS: dict[str, Callable[[Database, Actor], Any]] = {
    "list_users": lambda db, a: call(db, admin.list_users, a),
    "verify_audit": lambda db, a: call(db, maintenance.verify_audit, a),
}
ALLOWED = {Role.ADMIN: set(WRITES) | set(READS)}


def _audit_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(WRITES) + sorted(READS))
def test_role_permissions(db: Database, two_units: tuple[int, int], role: Role, name: str) -> None:
    actor = actor_of(role, two_units[0] if role is Role.CLERK else None)
    operation = {**WRITES, **READS}[name]
    if name in ALLOWED.get(role, set()):
        operation(db, actor)
        return
    before = _audit_count(db)
    with pytest.raises(PermissionDenied, match=r"没有“.+”的权限"):
        operation(db, actor)
    assert _audit_count(db) == before


def test_clerk_cannot_reach_another_units_data(db: Database, two_units: tuple[int, int]) -> None:
    own, other = two_units
    clerk = actor_of(Role.CLERK, own)
    with db.unit_of_work() as uow:
        access.require_unit(uow.session, clerk, own)
        with pytest.raises(PermissionDenied, match="只能查看和填报本单位"):
            access.require_unit(uow.session, clerk, other)
    assert [u.id for u in call(db, admin.list_units, clerk)] == [own]


def test_clerk_figures_cover_only_its_unit(db: Database, two_units: tuple[int, int]) -> None:
    clerk = actor_of(Role.CLERK, two_units[0])
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(Unit(code="B001", name="县第一中学", kind="budget_unit", parent_id=two_units[0]))
        uow.commit()
    figures = call(db, stats.year_figures, clerk, 2024)
    assert figures.units_by_kind == {"department": 1, "budget_unit": 1}
