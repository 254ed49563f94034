"""系统管理 area: one tab per administrative task, showing only the tabs the logged-in role may use."""

from __future__ import annotations

import functools

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from core.org.rules.roles import Permission
from desktop.pages.org.audit import AuditTab
from desktop.pages.org.backup import BackupTab
from desktop.pages.org.rules import RulesTab
from desktop.pages.org.settings import SettingsTab
from desktop.pages.org.units import AdminTab, UnitsTab
from desktop.pages.org.users import UsersTab
from desktop.shell.context import AppContext
from desktop.widgets.tabbed_area import lazy_tabs

# (key, tab title, page class, permission needed to see it; None: everyone, read-only without MANAGE_UNITS)
TABS: tuple[tuple[str, str, type[AdminTab], Permission | None], ...] = (
    ("units", "单位管理", UnitsTab, None),
    ("users", "用户与角色", UsersTab, Permission.MANAGE_USERS),
    ("settings", "系统设置", SettingsTab, Permission.MANAGE_SETTINGS),
    ("rules", "审核规则", RulesTab, Permission.MANAGE_SETTINGS),
    ("backup", "备份与恢复", BackupTab, Permission.BACKUP_RESTORE),
    ("audit", "审计日志", AuditTab, Permission.VIEW_AUDIT),
)


class AdminPage(QWidget):
    """The tabs by key in `pages` (units, users, settings, rules, backup, audit), as far as the role allows; each
    built when first shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget(self)
        self.pages = lazy_tabs(self.tabs, [(key, title, functools.partial(page_class, ctx))
                                           for key, title, page_class, permission in TABS
                                           if permission is None or ctx.actor.can(permission)])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentWidget(self.pages.slots[key])
