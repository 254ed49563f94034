"""The 指标库 area driven with pytest-qt: search and sector filter, the detail pane with history, adding and retiring
an entry with permission (none for a clerk), and inserting entries into the goal editor's grid by keyboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.goals.dto import GoalTableDetail
from core.library import service as library
from core.library.rules import load_default_library
from core.org.rules.roles import Actor, Role
from db.database import Database
from desktop.pages.goals.editor import GoalEditorDialog
from desktop.pages.goals.indicators import VALUE, IndicatorModel, from_library
from desktop.pages.library.area import LibraryPage
from desktop.pages.library.browser import LibraryBrowser
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.conftest import actor_of

SHIPPED = len(load_default_library())


def names(browser: LibraryBrowser) -> list[str]:
    return [browser.proxy.index(r, 3).data() for r in range(browser.proxy.rowCount())]


def make_page(qtbot: QtBot, ctx: AppContext) -> LibraryPage:
    page = LibraryPage(ctx)
    qtbot.addWidget(page)
    page.failed = lambda exc: pytest.fail(f"error dialog: {exc}")  # type: ignore[method-assign]
    page.show()
    qtbot.waitUntil(lambda: page.browser.model.rowCount() > 0 and page.browser.sector.count() > 10)
    return page


def test_search_and_sector_filter_the_rows(qtbot: QtBot, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    browser = page.browser
    assert browser.model.rowCount() == SHIPPED and browser.count.text() == f"共 {SHIPPED} 条"
    browser.search.insert("满意度")  # QTest types ASCII only; insert() is typing for the line edit
    qtbot.waitUntil(lambda: 0 < browser.model.rowCount() < SHIPPED)
    assert all("满意度" in name for name in names(browser))
    with_satisfaction = browser.model.rowCount()
    browser.sector.setCurrentIndex(browser.sector.findData("教育"))
    qtbot.waitUntil(lambda: browser.model.rowCount() < with_satisfaction)
    assert {browser.proxy.index(r, 0).data() for r in range(browser.proxy.rowCount())} == {"教育"}
    browser.search.clear()
    qtbot.waitUntil(lambda: browser.model.rowCount() > with_satisfaction // 2 and "满意度" not in names(browser)[0])
    assert len(names(browser)) == sum(1 for e in load_default_library() if e.sector == "教育")
    qtbot.keyClick(browser.search, Qt.Key.Key_Return)  # Enter goes to the results, on the first row
    assert browser.view.hasFocus() and browser.current() is not None
    assert page.detail.fields["scoring"].text() == browser.current().scoring  # type: ignore[union-attr]


def test_detail_shows_what_approved_tables_used(qtbot: QtBot, db: Database, runner: TaskRunner,
                                                admin_actor: Actor) -> None:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    used = next(r for r in call(db, library.browse, admin_actor)
                if call(db, library.history, admin_actor, r.name, r.unit))
    page = make_page(qtbot, AppContext(runner, runner.hub, actor_of(Role.CLERK, 1), 2024))
    assert page.browser.select_code(used.code)
    qtbot.waitUntil(lambda: page.detail.history.rowCount() > 0)
    expected = call(db, library.history, admin_actor, used.name, used.unit)
    assert page.detail.history.rowCount() == len(expected)
    assert page.detail.history.index(0, 0).data() == expected[0].sector
    assert used.name in page.detail.title.text() and "共" in page.detail.history_note.text()


def test_clerk_sees_no_add_or_retire_button(qtbot: QtBot, runner: TaskRunner) -> None:
    page = make_page(qtbot, AppContext(runner, runner.hub, actor_of(Role.CLERK, 1), None))
    assert not page.add_button.isVisibleTo(page) and not page.retire_button.isVisibleTo(page)


def test_add_entry_through_the_dialog_then_retire_it(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    page = make_page(qtbot, ctx)
    assert page.add_button.isVisibleTo(page)
    page.browser.sector.setCurrentIndex(page.browser.sector.findData("交通运输"))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible() and dialog.sector.currentText() == "交通运输"
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter is OK; the service names the missing field
    qtbot.waitUntil(ctx.runner.idle)
    assert dialog.isVisible() and dialog.error.text().startswith("三级指标名称：请填写")
    assert QApplication.focusWidget() is dialog.name
    dialog.name.insert("新建农村公路涵洞数量")
    dialog.unit.insert("座")
    qtbot.keyClicks(dialog.typical_min, "2")
    qtbot.keyClicks(dialog.typical_max, "40")
    qtbot.keyClicks(dialog.cost_min, "12")
    qtbot.keyClicks(dialog.cost_max, "1.5")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(ctx.runner.idle)
    assert "单位成本下限（万元）：下限 12 大于上限 1.5" in dialog.error.text()
    dialog.cost_min.setText("1.5")
    dialog.cost_max.setText("12")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    browser = page.browser
    qtbot.waitUntil(lambda: (browser.current() is not None and browser.current().code == "BUR-0001"))  # type: ignore[union-attr]
    assert browser.proxy.index(browser.view.currentIndex().row(), 7).data() == "本局新增"
    assert "新建农村公路涵洞数量" in page.detail.title.text() and page.retire_button.isEnabled()
    page.confirm = lambda title, text: True  # type: ignore[method-assign]
    qtbot.mouseClick(page.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "新建农村公路涵洞数量" not in names(browser))
    assert all(r.code != "BUR-0001" for r in call(db, library.browse, ctx.actor))


def test_qualitative_choice_disables_unit_and_numbers(qtbot: QtBot, ctx: AppContext) -> None:
    page = make_page(qtbot, ctx)
    page.new_entry()
    dialog = page.dialog
    assert dialog is not None and dialog.cost_min.isEnabled()
    dialog.level1.setCurrentText("效益指标")
    assert dialog.level2.currentText() == "经济效益指标" and dialog.level2.count() == 4
    assert not dialog.cost_min.isEnabled() and dialog.unit.isEnabled()
    dialog.comparator.setCurrentIndex(dialog.comparator.findData("qual"))
    assert not dialog.unit.isEnabled() and not dialog.typical_min.isEnabled()


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _detail(db: Database, actor: Actor, status: str) -> GoalTableDetail:
    row = next(r for r in call(db, goals.list_tables, actor, 2024, status))
    return call(db, goals.get_table, actor, row.project_id)


def test_indicator_model_with_library_rows_passes_qtmodeltester(qtmodeltester, db: Database,  # type: ignore[no-untyped-def]
                                                                 admin_actor: Actor) -> None:
    entries = [r for r in call(db, library.browse, admin_actor, "教育") if r.code in ("EDU-001", "EDU-018")]
    model = IndicatorModel(tuple(from_library(e) for e in entries))
    qtmodeltester.check(model)
    assert model.index(0, VALUE).data() == "≥（待填）平方米" and model.index(0, VALUE).data(Qt.ItemDataRole.EditRole) == ""
    assert model.setData(model.index(0, VALUE), "1200") is True
    assert (model.rows[0].comparator, model.rows[0].target, model.rows[0].unit_of_measure) == (">=", 1200, "平方米")
    assert model.setData(model.index(1, VALUE), "≤95") is True  # a written comparator wins, the unit stays
    assert model.index(1, VALUE).data() == "≤95%"


def test_picker_inserts_chosen_entries_by_keyboard(qtbot: QtBot, db: Database, county_ctx: AppContext) -> None:
    detail = _detail(db, county_ctx.actor, "draft")
    editor = GoalEditorDialog(county_ctx, detail)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    before = len(editor.indicators.model.rows)
    qtbot.keyClick(editor.indicators.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    picker = editor.indicators.picker
    assert picker is not None and picker.isVisible()
    browser = picker.browser
    qtbot.waitUntil(lambda: browser.sector.count() > 10 and browser.model.rowCount() > 0)
    assert browser.sector.currentData() == detail.sector
    browser.sector.setCurrentIndex(browser.sector.findData("教育"))
    browser.search.insert("校舍")
    qtbot.waitUntil(lambda: browser.model.rowCount() >= 2 and all("校舍" in n for n in names(browser)))
    qtbot.keyClick(browser.search, Qt.Key.Key_Return)  # first Enter: into the results, nothing inserted yet
    assert picker.isVisible() and browser.view.hasFocus()
    qtbot.keyClick(browser.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    chosen = browser.chosen()
    assert len(chosen) == 2
    qtbot.keyClick(browser.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not picker.isVisible())
    added = editor.indicators.model.rows[before:]
    assert [(r.level1, r.level2, r.name, r.comparator, r.unit_of_measure, r.target, r.scoring_standard)
            for r in added] == [(c.level1, c.level2, c.name, c.comparator, c.unit, None, c.scoring) for c in chosen]
    current = editor.indicators.grid.currentIndex()
    assert current.row() == before and current.column() == VALUE
    assert "已从指标库插入 2 条指标" in editor.message.text()
    for offset in range(2):
        assert editor.indicators.model.setData(editor.indicators.model.index(before + offset, VALUE), "30") is True
    editor.save()
    qtbot.waitUntil(lambda: editor.message.text().startswith("已保存"))
    saved = call(db, goals.get_table, county_ctx.actor, detail.project_id).content.indicators[before:]
    assert [(r.name, r.comparator, r.target, r.unit_of_measure) for r in saved] == [
        (c.name, c.comparator, Decimal(30), c.unit) for c in chosen]


def test_read_only_table_offers_no_library_insert(qtbot: QtBot, db: Database, county_ctx: AppContext) -> None:
    editor = GoalEditorDialog(county_ctx, _detail(db, county_ctx.actor, "submitted"))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    assert not editor.indicators.buttons["library"].isEnabled()
    editor.indicators.insert_from_library()
    assert editor.indicators.picker is None
