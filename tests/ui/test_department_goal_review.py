"""A department goal table (部门整体绩效目标) in the reviewer's queue (pytest-qt): listed and marked 部门整体, opened
with Enter into the review view with its indicators, decided with the keyboard, the row refreshed as 已审."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.org.rules.roles import Actor
from core.review.department import queue_key
from db.database import Database
from desktop.pages.review.area import ReviewPage
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.services.department_goal_helpers import YEAR, add_year_and_projects, submitted_table

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_department_table_is_reviewed_in_the_queue(qtbot, db: Database, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                   admin_actor: Actor, two_units: tuple[int, int]) -> None:
    add_year_and_projects(db, two_units[0])
    table_id = submitted_table(db, two_units[0])
    page = ReviewPage(AppContext(runner, runner.hub, admin_actor, YEAR))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    rows = page.visible_rows()
    assert [(r.project_id, r.attribute_label, r.project_name) for r in rows] == [
        (queue_key(table_id), "部门整体", "县教育局部门整体绩效目标")]
    shown = [page.filter.index(0, c).data() for c in range(page.model.columnCount())]
    assert "部门整体" in shown and "县教育局" in shown
    view = page.table.view
    view.setFocus()
    view.setCurrentIndex(page.filter.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    ws = page.workspace
    qtbot.waitUntil(lambda: ws.view is not None and ws.view.project_id == queue_key(table_id))
    assert ws.view is not None and ws.view.table.indicators[0].name == "新建改建幼儿园"
    assert "县教育局" in ws.title.text()
    qtbot.keyClick(ws, Qt.Key.Key_1, ALT)
    ws.opinion.setPlainText("部门整体绩效目标清晰，予以通过。")
    qtbot.keyClick(ws, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: queue_key(table_id) in page._touched, timeout=10_000)
    qtbot.waitUntil(lambda: ws.view is not None and ws.view.decided, timeout=10_000)
    qtbot.keyClick(ws, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.model.rows()[0].stage == "已审", timeout=10_000)
    assert page.model.rows()[0].grade_label == "优"
