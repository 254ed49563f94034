"""Password hashing and policy; the role → permission matrix."""

import pytest

from core.org.rules.passwords import hash_password, password_problems, verify_password
from core.org.rules.roles import PERMISSIONS, Actor, Permission, Role


def test_hash_verifies_and_is_salted() -> None:
    first, second = hash_password("Abc12345"), hash_password("Abc12345")
    assert first != second and first.startswith("scrypt$")
    assert verify_password("Abc12345", first)
    assert not verify_password("Abc12346", first)
    assert not verify_password("Abc12345", "garbage")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Abc12345", True), ("abc1234", False), ("abcdefgh", False), ("12345678", False), (" Abc12345", False)],
)
def test_policy(password: str, ok: bool) -> None:
    assert (password_problems(password, 8) == []) is ok


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.ADMIN, Permission.MANAGE_USERS, Permission.EDIT_OWN_UNIT_DATA),
        (Role.REVIEWER, Permission.REVIEW_GOALS, Permission.MANAGE_USERS),
        (Role.EVALUATOR, Permission.EVALUATE, Permission.REVIEW_GOALS),
        (Role.CLERK, Permission.EDIT_OWN_UNIT_DATA, Permission.VIEW_ALL_UNITS),
        (Role.LEADER, Permission.VIEW_ALL_UNITS, Permission.BACKUP_RESTORE),
    ],
)
def test_role_matrix(role: Role, allowed: Permission, denied: Permission) -> None:
    actor = Actor("u", "u", role, 1)
    assert actor.can(allowed) and not actor.can(denied)


def test_leader_is_read_only() -> None:
    writes = {Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.MANAGE_SETTINGS,
              Permission.BACKUP_RESTORE, Permission.EDIT_OWN_UNIT_DATA, Permission.REVIEW_GOALS,
              Permission.EVALUATE, Permission.GENERATE_DEMO}
    assert not PERMISSIONS[Role.LEADER] & writes


def test_clerk_sees_only_its_unit_and_children() -> None:
    clerk = Actor("c", "c", Role.CLERK, unit_id=5)
    assert clerk.can_see_unit(5)
    assert clerk.can_see_unit(9, ancestors=frozenset({5}))
    assert not clerk.can_see_unit(6)
