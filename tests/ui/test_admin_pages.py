"""系统管理 pages driven through their widgets against a real temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QSpinBox
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.org import admin, settings
from core.org.dto import UnitInput
from core.org.rules.roles import Actor, Role
from db.database import Database
from desktop.pages.org.area import AdminPage
from desktop.pages.org.units import AdminTab, ServiceDialog
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner

Message = tuple[str, str, str]


def make_page(qtbot: QtBot, ctx: AppContext, messages: list[Message] | None = None) -> AdminPage:
    """An AdminPage on screen whose message boxes and error dialogs are recorded instead of shown; every tab has
    been opened (and loaded) once."""
    page = AdminPage(ctx)
    qtbot.addWidget(page)
    page.show()
    sink = messages if messages is not None else []
    for key, tab in page.pages.items():
        tab.notify = lambda kind, title, text: sink.append((kind, title, text))  # type: ignore[method-assign]
        tab.failed = lambda exc: sink.append(("error", type(exc).__name__, str(exc)))  # type: ignore[method-assign]
        page.show_tab(key)
        qtbot.waitUntil(ctx.runner.idle)
    page.show_tab(next(iter(page.pages)))
    return page


def open_tab(page: AdminPage, key: str) -> AdminTab:
    """Bring a tab to the front, as a click on it does (a tab loads what changed while hidden when shown)."""
    page.show_tab(key)
    return page.pages[key]  # type: ignore[return-value]


def press_ok(qtbot: QtBot, dialog: ServiceDialog, runner: TaskRunner) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(runner.idle)


def codes(db: Database, actor: Actor) -> list[str]:
    return [u.code for u in call(db, admin.list_units, actor)]


def table_column(tab: AdminTab, column: int) -> list[str]:
    """A column's texts in the order the view shows them."""
    model = tab.table.proxy  # type: ignore[attr-defined]
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_new_unit_dialog_saves_and_lists_the_unit(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    units = open_tab(page, "units")
    units.new_unit()  # type: ignore[attr-defined]
    dialog = units.dialog  # type: ignore[attr-defined]
    dialog.code.setText("101")
    dialog.name.setText("县教育局")
    dialog.kind.setCurrentIndex(dialog.kind.findData("department"))
    dialog.sector.setCurrentText("教育")
    press_ok(qtbot, dialog, ctx.runner)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "县教育局" in table_column(units, 1))
    assert table_column(units, 2) == ["部门"]
    assert codes(db, ctx.actor) == ["101"]


def test_budget_unit_gets_its_department_as_parent(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, admin.save_unit, ctx.actor, UnitInput("101", "县教育局", "department"))
    page = make_page(qtbot, ctx)
    units = open_tab(page, "units")
    units.new_unit()  # type: ignore[attr-defined]
    dialog = units.dialog  # type: ignore[attr-defined]
    dialog.code.setText("101001")
    dialog.name.setText("县第一中学")
    assert dialog.kind.currentData() == "budget_unit"
    dialog.parent_unit.setCurrentIndex(dialog.parent_unit.findText("101 县教育局"))
    press_ok(qtbot, dialog, ctx.runner)
    qtbot.waitUntil(lambda: "县第一中学" in table_column(units, 1))
    school = next(u for u in call(db, admin.list_units, ctx.actor) if u.code == "101001")
    assert school.parent_name == "县教育局"


def test_duplicate_unit_code_keeps_dialog_open_and_writes_nothing(
        qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, admin.save_unit, ctx.actor, UnitInput("101", "县教育局", "department"))
    page = make_page(qtbot, ctx)
    units = open_tab(page, "units")
    units.show()
    units.new_unit()  # type: ignore[attr-defined]
    dialog = units.dialog  # type: ignore[attr-defined]
    dialog.code.setText("101")
    dialog.name.setText("县卫健委")
    dialog.kind.setCurrentIndex(dialog.kind.findData("department"))
    press_ok(qtbot, dialog, ctx.runner)
    assert dialog.isVisible()
    assert "单位编码“101”已被“县教育局”使用" in dialog.error.text()
    assert dialog.focusWidget() is dialog.code
    assert [u.name for u in call(db, admin.list_units, ctx.actor)] == ["县教育局"]


def test_enter_on_a_row_opens_it_for_editing(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, admin.save_unit, ctx.actor, UnitInput("101", "县教育局", "department"))
    page = make_page(qtbot, ctx)
    units = open_tab(page, "units")
    qtbot.waitUntil(lambda: units.model.rowCount() == 1)  # type: ignore[attr-defined]
    view = units.table.view  # type: ignore[attr-defined]
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = units.dialog  # type: ignore[attr-defined]
    assert dialog is not None and dialog.name.text() == "县教育局"
    dialog.name.setText("县教育和体育局")
    press_ok(qtbot, dialog, ctx.runner)
    qtbot.waitUntil(lambda: table_column(units, 1) == ["县教育和体育局"])


def fill_user(dialog: ServiceDialog, username: str, role: Role, password: str = "Secret123") -> None:
    dialog.username.setText(username)  # type: ignore[attr-defined]
    dialog.display_name.setText("张三")  # type: ignore[attr-defined]
    dialog.role.setCurrentIndex(dialog.role.findData(role.value))  # type: ignore[attr-defined]
    dialog.password.setText(password)  # type: ignore[attr-defined]
    dialog.confirm.setText(password)  # type: ignore[attr-defined]


def test_clerk_without_unit_is_refused(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    users = open_tab(page, "users")
    users.new_user()  # type: ignore[attr-defined]
    dialog = users.dialog  # type: ignore[attr-defined]
    fill_user(dialog, "zhangsan", Role.CLERK)
    assert dialog.unit.isEnabled() and dialog.unit.currentData() is None
    press_ok(qtbot, dialog, ctx.runner)
    assert dialog.isVisible()
    assert "填报员必须指定所属单位" in dialog.error.text()
    assert [u.username for u in call(db, admin.list_users, ctx.actor)] == ["admin"]


def test_reviewer_is_created_and_listed(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    users = open_tab(page, "users")
    users.new_user()  # type: ignore[attr-defined]
    dialog = users.dialog  # type: ignore[attr-defined]
    fill_user(dialog, "lisi", Role.REVIEWER)
    assert not dialog.unit.isEnabled()
    press_ok(qtbot, dialog, ctx.runner)
    assert not dialog.isVisible(), dialog.error.text()
    qtbot.waitUntil(lambda: "lisi" in table_column(users, 0))
    assert "审核员" in table_column(users, 2)
    created = next(u for u in call(db, admin.list_users, ctx.actor) if u.username == "lisi")
    assert created.role == Role.REVIEWER.value and created.unit_name is None


def test_reset_password_with_mismatched_confirmation_is_refused(qtbot: QtBot, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    users = open_tab(page, "users")
    qtbot.waitUntil(lambda: users.model.rowCount() == 1)  # type: ignore[attr-defined]
    users.table.view.setCurrentIndex(users.table.proxy.index(0, 0))  # type: ignore[attr-defined]
    users.reset_selected()  # type: ignore[attr-defined]
    dialog = users.dialog  # type: ignore[attr-defined]
    dialog.password.setText("NewPassw0rd")
    dialog.confirm.setText("NewPassw0rd!")
    press_ok(qtbot, dialog, ctx.runner)
    assert dialog.isVisible() and "两次输入的密码不一致" in dialog.error.text()


def setting_values(db: Database, actor: Actor) -> dict[str, object]:
    return {row.key: row.value for row in call(db, settings.list_settings, actor)}


def test_settings_save_persists_changed_values(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    tab = open_tab(page, "settings")
    qtbot.waitUntil(lambda: "auth.lock_minutes" in tab.editors)  # type: ignore[attr-defined]
    lock_minutes = tab.editors["auth.lock_minutes"]  # type: ignore[attr-defined]
    assert isinstance(lock_minutes, QSpinBox)
    lock_minutes.setValue(30)
    tab.editors["org.name"].setText("某某县财政局")  # type: ignore[attr-defined]
    assert tab.changed_values() == {"auth.lock_minutes": 30, "org.name": "某某县财政局"}  # type: ignore[attr-defined]
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "已保存 2 项" in tab.status.text())  # type: ignore[attr-defined]
    stored = setting_values(db, ctx.actor)
    assert stored["auth.lock_minutes"] == 30 and stored["org.name"] == "某某县财政局"
    qtbot.waitUntil(ctx.runner.idle)  # the tab reloads after the save; let it finish before the page goes


def test_invalid_setting_is_refused_and_nothing_is_saved(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    tab = open_tab(page, "settings")
    qtbot.waitUntil(lambda: "org.name" in tab.editors)  # type: ignore[attr-defined]
    before = setting_values(db, ctx.actor)
    tab.editors["org.name"].setText("某某县财政局")  # type: ignore[attr-defined]
    tab.editors["auth.max_failed_attempts"].setValue(100)  # type: ignore[attr-defined]
    tab.editors["exante.threshold_wan"].setText("一百")  # type: ignore[attr-defined]
    tab.save()  # type: ignore[attr-defined]
    qtbot.waitUntil(ctx.runner.idle)
    assert tab.status.text().startswith("未保存：设置“")  # type: ignore[attr-defined]
    assert setting_values(db, ctx.actor) == before


def test_restore_defaults_fills_the_form(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, settings.update_settings, ctx.actor, {"auth.lock_minutes": 60})
    page = make_page(qtbot, ctx)
    tab = open_tab(page, "settings")
    qtbot.waitUntil(lambda: "auth.lock_minutes" in tab.editors)  # type: ignore[attr-defined]
    assert tab.editors["auth.lock_minutes"].value() == 60  # type: ignore[attr-defined]
    tab.fill_defaults()  # type: ignore[attr-defined]
    assert tab.changed_values() == {"auth.lock_minutes": 15}  # type: ignore[attr-defined]


def test_backup_then_restore_brings_back_the_earlier_state(
        qtbot: QtBot, ctx: AppContext, db: Database, tmp_path: Path) -> None:
    messages: list[Message] = []
    page = make_page(qtbot, ctx, messages)
    call(db, admin.save_unit, ctx.actor, UnitInput("101", "县教育局", "department"))
    target = tmp_path / "out" / "workbench-备份.sqlite"
    open_tab(page, "backup").backup_to(target)  # type: ignore[attr-defined]
    qtbot.waitUntil(ctx.runner.idle)
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"
    assert messages[-1][:2] == ("info", "备份完成") and str(target) in messages[-1][2]
    call(db, admin.save_unit, ctx.actor, UnitInput("999", "后来新增的单位", "department"))
    open_tab(page, "backup").restore_from(target)  # type: ignore[attr-defined]
    qtbot.waitUntil(ctx.runner.idle)
    assert messages[-1][:2] == ("info", "恢复完成"), messages
    assert codes(db, ctx.actor) == ["101"]
    qtbot.waitUntil(lambda: table_column(open_tab(page, "units"), 0) == ["101"])


def test_restore_from_a_file_that_is_no_database_is_refused(
        qtbot: QtBot, ctx: AppContext, db: Database, tmp_path: Path) -> None:
    messages: list[Message] = []
    page = make_page(qtbot, ctx, messages)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("不是数据库", encoding="utf-8")
    open_tab(page, "backup").restore_from(junk)  # type: ignore[attr-defined]
    qtbot.waitUntil(ctx.runner.idle)
    assert messages[-1][0] == "error" and "不是工作台的备份文件" in messages[-1][2]
    assert open_tab(page, "backup").restore_button.isEnabled()  # type: ignore[attr-defined]


def test_audit_tab_lists_entries_shows_details_and_verifies(
        qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, admin.save_unit, ctx.actor, UnitInput("101", "县教育局", "department"))
    messages: list[Message] = []
    page = make_page(qtbot, ctx, messages)
    page.show()
    page.show_tab("audit")
    audit = open_tab(page, "audit")
    qtbot.waitUntil(lambda: audit.model.rowCount() >= 2)  # type: ignore[attr-defined]
    assert table_column(audit, 2)[0] == "新增单位"  # newest first
    audit.table.view.setCurrentIndex(audit.table.proxy.index(0, 0))  # type: ignore[attr-defined]
    assert '"name": "县教育局"' in audit.details.toPlainText()  # type: ignore[attr-defined]
    audit.search.setText("新增单位")  # type: ignore[attr-defined]
    audit.reload()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1)  # type: ignore[attr-defined]
    audit.verify()  # type: ignore[attr-defined]
    qtbot.waitUntil(ctx.runner.idle)
    assert messages[-1][0] == "info" and "哈希链校验通过" in messages[-1][2]


@pytest.mark.parametrize("role", [Role.LEADER, Role.REVIEWER])
def test_roles_without_admin_rights_see_only_the_unit_list(
        qtbot: QtBot, runner: TaskRunner, admin_actor: Actor, role: Role) -> None:
    ctx = AppContext(runner, runner.hub, Actor("someone", "某人", role), None)
    page = make_page(qtbot, ctx)
    assert list(page.pages) == ["units"]
    assert page.tabs.count() == 1
    assert not open_tab(page, "units").add_button.isVisibleTo(page)  # type: ignore[attr-defined]
