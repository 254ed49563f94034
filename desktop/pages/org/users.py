"""系统管理 → 用户与角色: user accounts, their role and unit; new user, edit, reset password, unlock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.common.changes import Area
from core.common.labels import ROLES
from core.org import admin
from core.org.dto import UnitRow, UserInput, UserRow
from core.org.rules.roles import Role
from desktop.pages.org.units import AdminTab, edit_on_activate, select_data, stretch_column
from desktop.shell.context import AppContext
from desktop.widgets.common import SearchableTable
from desktop.widgets.forms import ServiceDialog
from desktop.widgets.table_model import Column, RowTableModel


def password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(ServiceDialog):
    """新增用户 (with a password) or 编辑 (user name fixed); the unit is asked for only for 填报员."""

    def __init__(self, ctx: AppContext, units: list[UnitRow], user: UserRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "编辑用户" if user else "新增用户", parent)
        self.user_id = user.id if user else None
        self.username = self.add("用户名(&U)：", "username", QLineEdit(user.username if user else "", self))
        self.username.setReadOnly(user is not None)
        self.display_name = self.add("姓名(&M)：", "display_name",
                                     QLineEdit(user.display_name if user else "", self))
        self.role = self.add("角色(&R)：", "role", QComboBox(self))
        for role, label in ROLES.items():
            self.role.addItem(label, role.value)
        self.unit = self.add("所属单位(&D)：", "unit_id", QComboBox(self))
        self.unit.addItem("（请选择单位）", None)
        for row in units:
            self.unit.addItem(f"{row.code} {row.name}{'' if row.active else '（已停用）'}", row.id)
        self.password = self.confirm = None
        if user is None:
            self.password = self.add("密码(&P)：", "password", password_edit(self))
            self.confirm = self.add("确认密码(&C)：", "confirm", password_edit(self))
        self.active = self.add("", "active", QCheckBox("启用(&A)", self))
        self.active.setChecked(user.active if user else True)
        if user is None:
            select_data(self.role, Role.CLERK.value)
        else:
            select_data(self.role, user.role)
            select_data(self.unit, user.unit_id)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self) -> None:
        # Only a 填报员 is tied to a unit; every other role sees all units.
        is_clerk = self.role.currentData() == Role.CLERK.value
        self.unit.setEnabled(is_clerk)
        if not is_clerk:
            self.unit.setCurrentIndex(0)

    def submit(self) -> None:
        data = UserInput(self.username.text(), self.display_name.text(), self.role.currentData(),
                               self.unit.currentData(), self.active.isChecked(), self.user_id)
        if self.password is None or self.confirm is None:
            self.run(admin.update_user, data)
        else:
            self.run(admin.create_user, data, self.password.text(), self.confirm.text())


class PasswordDialog(ServiceDialog):
    """重置密码: the administrator sets a new password, which also clears a lock."""

    def __init__(self, ctx: AppContext, user: UserRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"重置密码 — {user.display_name}（{user.username}）", parent)
        self.user_id = user.id
        self.password = self.add("新密码(&P)：", "password", password_edit(self))
        self.confirm = self.add("确认新密码(&C)：", "confirm", password_edit(self))

    def submit(self) -> None:
        self.run(admin.reset_password, self.user_id, self.password.text(), self.confirm.text())


class UsersTab(AdminTab):
    """The user list; the page is shown only to those who may manage users."""

    areas = frozenset({Area.USERS, Area.UNITS})  # the unit names shown in the list may have changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: ServiceDialog | None = None
        self.units: list[UnitRow] = []
        self.model: RowTableModel[UserRow] = RowTableModel([
            Column("用户名", lambda r: r.username), Column("姓名", lambda r: r.display_name),
            Column("角色", lambda r: r.role_label), Column("所属单位", lambda r: r.unit_name),
            Column("启用", lambda r: r.active), Column("锁定", lambda r: r.locked),
            Column("最近登录", lambda r: r.last_login_at)])
        self.table = SearchableTable(self.model, "搜索用户名、姓名、角色、单位…", self)
        stretch_column(self.table, 3)
        buttons = QHBoxLayout()
        self.add_button = self._button(buttons, "新增用户(&N)…", self.new_user)
        self.edit_button = self._button(buttons, "编辑(&E)…", self.edit_selected)
        self.password_button = self._button(buttons, "重置密码(&P)…", self.reset_selected)
        self.unlock_button = self._button(buttons, "解锁(&U)", self.unlock_selected)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        edit_on_activate(self.table, self.edit_selected)

    def _button(self, row: QHBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def load(self) -> None:
        self.read(admin.list_users, self.ctx.actor, on_done=self._show, on_error=self.failed)
        self.read(admin.list_units, self.ctx.actor, on_done=self._set_units, on_error=self.failed)

    def _show(self, rows: list[UserRow]) -> None:
        self.model.set_rows(rows)
        self.table.fit_columns()

    def _set_units(self, units: list[UnitRow]) -> None:
        self.units = units

    def _selected(self, action: str) -> UserRow | None:
        row = self.table.selected_row()
        if row is None:
            self.notify("info", action, "请先在表中选择一个用户。")
        return row

    def new_user(self) -> None:
        self._open(UserDialog(self.ctx, self.units, None, self))

    def edit_selected(self) -> None:
        row = self._selected("编辑用户")
        if row is not None:
            self._open(UserDialog(self.ctx, self.units, row, self))

    def reset_selected(self) -> None:
        row = self._selected("重置密码")
        if row is not None:
            self._open(PasswordDialog(self.ctx, row, self))

    def unlock_selected(self) -> None:
        row = self._selected("解锁")
        if row is None:
            return
        if not row.locked:
            self.notify("info", "解锁", f"用户“{row.username}”当前没有被锁定。")
            return
        self.write(admin.unlock_user, self.ctx.actor, row.id, on_error=self.failed,
                   on_done=lambda _c: self.notify("info", "解锁", f"用户“{row.username}”已解锁。"))

    def _open(self, dialog: ServiceDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()  # one form at a time; keep the last one for its caller until the next
        self.dialog = dialog
        dialog.open()
