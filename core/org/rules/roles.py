"""What each role (db.codes.Role) may do; services check these, the GUI only mirrors them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.common.labels import ROLES
from db.codes import Role


class Permission(StrEnum):
    VIEW_ALL_UNITS = "view_all_units"
    MANAGE_UNITS = "manage_units"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    BACKUP_RESTORE = "backup_restore"
    VIEW_AUDIT = "view_audit"
    EDIT_OWN_UNIT_DATA = "edit_own_unit_data"
    REVIEW_GOALS = "review_goals"
    EVALUATE = "evaluate"
    GENERATE_DEMO = "generate_demo"


_ALL = frozenset(Permission)
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL - {Permission.EDIT_OWN_UNIT_DATA},
    Role.REVIEWER: frozenset({Permission.VIEW_ALL_UNITS, Permission.REVIEW_GOALS}),
    Role.EVALUATOR: frozenset({Permission.VIEW_ALL_UNITS, Permission.EVALUATE}),
    Role.CLERK: frozenset({Permission.EDIT_OWN_UNIT_DATA}),
    Role.LEADER: frozenset({Permission.VIEW_ALL_UNITS}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user (or `system` for the command line's own work)."""

    username: str
    display_name: str
    role: Role
    unit_id: int | None = None
    unit_name: str | None = None

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def can(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]

    def can_see_unit(self, unit_id: int, ancestors: frozenset[int] = frozenset()) -> bool:
        """A clerk sees its own unit and the units below it; other roles with VIEW_ALL_UNITS see all."""
        if self.can(Permission.VIEW_ALL_UNITS):
            return True
        return self.unit_id is not None and (unit_id == self.unit_id or self.unit_id in ancestors)


SYSTEM = Actor("system", "系统", Role.ADMIN)
