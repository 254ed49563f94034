"""The 部门整体 tab of the 绩效目标 area driven with pytest-qt: a department's clerk starts the department's table,
types contacts, budget, annual goal, key tasks and indicators with the keyboard, saves, submits; the reviewer's
queue then lists the table. Bad input (a budget that does not add up) shows the service's message."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.common.runner import call
from core.goals import department as dg
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from core.review.department import queue_key
from db.database import Database
from desktop.pages.goals.area import GoalsPage
from desktop.pages.goals.department_tasks import AMOUNT, PROJECTS, TASK
from desktop.pages.goals.indicators import NAME, VALUE, WEIGHT
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.conftest import actor_of
from tests.services.department_goal_helpers import CONTENT, YEAR, add_year_and_projects, clerk_of

D = Decimal


def test_clerk_fills_saves_and_submits_the_department_table(  # type: ignore[no-untyped-def]
        qtbot, db: Database, runner: TaskRunner, admin_actor: Actor, two_units: tuple[int, int]) -> None:
    department = two_units[0]
    add_year_and_projects(db, department)
    page = GoalsPage(AppContext(runner, runner.hub, clerk_of(department), YEAR))
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentWidget(page.department)
    tab = page.department
    qtbot.waitUntil(lambda: tab.units.count() == 1 and tab.new_button.isEnabled())
    assert tab.units.currentText() == "县教育局"  # a clerk may start only its own department's table
    qtbot.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible())
    editor = tab.dialog
    assert editor is not None and tab.model.rowCount() == 1
    assert editor.project_sums["total"].text() == "项目合计 2,000.00" and editor.amounts["total"].text() == "2000.00"
    editor.manager.setText("王建国")  # QTest types ASCII only
    qtbot.keyClicks(editor.phone, "0735-1234567")
    editor.amounts["total"].setText("2100")
    editor.texts["annual_goal"].setPlainText(CONTENT.annual_goal or "")
    editor.save()  # 2100 is not 1800 + 200 + 0
    qtbot.waitUntil(lambda: "分来源之和" in editor.message.text())
    editor.amounts["total"].setText("2000")
    editor.add_task()
    tasks = editor.tasks
    assert tasks.setData(tasks.index(0, TASK), "义务教育均衡发展")
    assert tasks.setData(tasks.index(0, AMOUNT), "1,200") and tasks.setData(tasks.index(0, PROJECTS), "P1")
    assert not tasks.setData(tasks.index(0, AMOUNT), "一千") and "资金“一千”不是有效的数值" in editor.message.text()
    grid = editor.indicators
    for level1, level2, name, value in (("产出指标", "数量指标", "新建改建幼儿园", "≥4所"),
                                        ("效益指标", "社会效益指标", "适龄儿童入学率", "≥99%")):
        grid.add_row()
        row = len(grid.model.rows) - 1
        assert grid.model.setData(grid.model.index(row, 0), level1)
        assert grid.model.setData(grid.model.index(row, 1), level2)
        assert grid.model.setData(grid.model.index(row, NAME), name)
        assert grid.model.setData(grid.model.index(row, VALUE), value)
        assert grid.model.setData(grid.model.index(row, WEIGHT), "50")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editor.message.text().startswith("已保存"))
    table_id = editor.detail.goal_table_id
    saved = call(db, dg.get, admin_actor, table_id)
    assert saved.contact.manager == "王建国" and saved.budget.total == D(2000)
    assert [(t.task, t.amount, t.projects) for t in saved.tasks] == [("义务教育均衡发展", D(1200), ("P1",))]
    assert [(i.name, i.target, i.unit_of_measure) for i in saved.content.indicators] == [
        ("新建改建幼儿园", D(4), "所"), ("适龄儿童入学率", D(99), "%")]
    editor.submit()
    qtbot.waitUntil(lambda: editor.detail.status == "submitted")
    assert not editor.buttons["save"].isEnabled() and not grid.buttons["add"].isEnabled()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.row_at(0).status_label == "已提交")
    queue = call(db, review.load_queue, actor_of(Role.REVIEWER), YEAR)
    assert [(r.project_id, r.attribute_label, r.stage) for r in queue.rows] == [(queue_key(table_id), "部门整体", "待审")]
    editor.reject()
    assert QApplication.activeModalWidget() is None
