"""The reviewer workspace driven with the keyboard alone (pytest-qt): filter a department, open its first table
with Enter, accept findings with A, grade with Alt+1..4, decide with Ctrl+Enter, go back with Esc; the queue
refreshes the decided rows and counters. Also batch approval of a department's clean tables."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from core.common.labels import GOAL_STATUSES
from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from core.review.dto import Queue, ReviewForm
from db.codes import GoalStatus
from db.database import Database
from desktop.pages.goals.editor import GoalEditorDialog
from desktop.pages.review.area import ReviewPage
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, 2024)


@pytest.fixture
def page(qtbot, county_ctx: AppContext) -> ReviewPage:  # type: ignore[no-untyped-def]
    widget = ReviewPage(county_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    qtbot.waitUntil(lambda: widget.model.rowCount() > 0)
    return widget


def _department_with_waiting(page: ReviewPage, severity: str | None = None, least: int = 2) -> int:
    counts: dict[int, int] = {}
    for row in page.model.rows():
        if row.stage == "待审" and (severity is None or row.severity == severity):
            counts[row.department_id] = counts.get(row.department_id, 0) + 1
    return max((d for d, n in counts.items() if n >= least), key=lambda d: counts[d])


def test_queue_filters_and_counters(page: ReviewPage) -> None:
    rows = page.model.rows()
    assert page.counters.text() == "　".join(f"{k} {v}" for k, v in Queue(2024, tuple(rows)).counters().items())
    assert page.filter.rowCount() == sum(1 for r in rows if r.stage == "待审")  # 待审 is the default
    page.severity.setCurrentIndex(page.severity.findData("error"))
    assert page.filter.rowCount() == sum(1 for r in rows if r.stage == "待审" and r.errors)
    page.min_amount.setText("200")
    assert all(r.total_amount >= 200 and r.errors for r in page.visible_rows())
    page.min_amount.setText("abc")
    assert "b00020" in page.min_amount.styleSheet()
    page.min_amount.clear()
    page.severity.setCurrentIndex(0)
    page.stage.setCurrentIndex(0)
    page.table.search.setText(rows[0].project_code)
    assert [r.project_code for r in page.visible_rows()] == [rows[0].project_code]


def test_a_department_reviewed_with_the_keyboard_alone(qtbot, page: ReviewPage) -> None:  # type: ignore[no-untyped-def]
    dept = _department_with_waiting(page)
    page.department.setCurrentIndex(page.department.findData(dept))
    order = page.visible_rows()
    assert len(order) >= 2 and all(r.department_id == dept for r in order)
    view = page.table.view
    view.setFocus()
    view.setCurrentIndex(page.filter.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    ws = page.workspace
    qtbot.waitUntil(lambda: ws.view is not None and ws.view.project_id == order[0].project_id)
    assert page.stack.currentWidget() is ws and ws.title.text().startswith(f"第 1/{len(order)} 张")
    for _ in range(ws.findings.count()):  # accept every finding: A moves on to the next one
        qtbot.keyClick(ws.findings, Qt.Key.Key_A)
    if ws.findings.count():
        assert all(m == "accepted" for m in ws.marks.values())
        assert ws.opinion.toPlainText().strip()  # pre-filled from the accepted findings
    qtbot.keyClick(ws, Qt.Key.Key_3, ALT)
    assert ws.grade_buttons["fair"].isChecked()
    if not ws.opinion.toPlainText().strip():
        qtbot.keyClicks(ws.opinion, "请补充量化指标。")
    qtbot.keyClick(ws, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: ws.view is not None and ws.view.project_id == order[1].project_id)
    qtbot.keyClick(ws, Qt.Key.Key_1, ALT)
    qtbot.keyClick(ws, Qt.Key.Key_Return, CTRL)
    following = order[2].project_id if len(order) > 2 else order[1].project_id
    qtbot.waitUntil(lambda: order[1].project_id in page._touched and ws.view.project_id == following)
    while ws.index > 0:  # F7 back to the first one: decided, read-only
        before = ws.index
        qtbot.keyClick(ws, Qt.Key.Key_F7)
        qtbot.waitUntil(lambda before=before: ws.view.project_id == order[before - 1].project_id)
    assert ws.view.decided and not ws.decide_button.isEnabled() and "本版已审核：中" in ws.banner.text()
    qtbot.keyClick(ws, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0
    qtbot.waitUntil(lambda: {r.project_id: r.stage for r in page.model.rows()}[order[0].project_id] == "退回")
    stages = {r.project_id: (r.stage, r.grade_label) for r in page.model.rows()}
    assert stages[order[0].project_id] == ("退回", "中") and stages[order[1].project_id] == ("已审", "优")
    assert page.filter.rowCount() == len(order) - 2  # the default 待审 filter hides what was decided


def test_decision_without_grade_says_what_to_fix_in_place(qtbot, page: ReviewPage) -> None:  # type: ignore[no-untyped-def]
    page.open_selected()
    ws = page.workspace
    qtbot.waitUntil(lambda: ws.view is not None)
    qtbot.keyClick(ws, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "请选择审核结论" in ws.message.text())
    assert ws.view.review_status is None


def test_batch_approve_a_departments_clean_tables(qtbot, page: ReviewPage) -> None:  # type: ignore[no-untyped-def]
    page.ask_batch_approve()
    assert "请先在“部门”中选择" in page.notice.text()
    dept = _department_with_waiting(page, "info", least=1)
    page.department.setCurrentIndex(page.department.findData(dept))
    clean = page.clean_rows()
    assert clean and all(r.errors == 0 and r.warnings == 0 for r in clean)
    page.ask_batch_approve()
    box = page.batch_dialog
    assert box is not None and f"{len(clean)} 张" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.notice.text().startswith("已批量通过"), timeout=10_000)
    qtbot.waitUntil(lambda: all(r.stage == "已审" for r in page.model.rows()
                                if r.project_id in {c.project_id for c in clean}))


def test_a_table_not_waiting_for_review_shows_its_status_in_chinese(  # type: ignore[no-untyped-def]
        qtbot, db: Database, page: ReviewPage) -> None:
    """The read-only banner named the raw code ("approved", "draft"); it shows the label instead."""
    drafts = [t for t in call(db, goals.list_tables, page.ctx.actor, 2024) if t.status == GoalStatus.DRAFT]
    assert drafts, "the demo county has draft tables in 2024"
    ws = page.workspace
    ws.start([drafts[0].project_id], 0, None)
    qtbot.waitUntil(lambda: ws.view is not None and ws.view.project_id == drafts[0].project_id)
    assert ws.banner.text() == f"该目标表当前状态为“{GOAL_STATUSES[GoalStatus.DRAFT]}”，不在待审状态，只能查看。"
    assert not ws.decide_button.isEnabled()


def test_the_returned_table_shows_the_opinion_in_the_units_editor(qtbot, db: Database,  # type: ignore[no-untyped-def]
                                                                  county_ctx: AppContext) -> None:
    row = next(r for r in call(db, review.load_queue, county_ctx.actor, 2024).rows if r.stage == "待审")
    view = call(db, review.open_review, county_ctx.actor, row.project_id)
    call(db, review.save_review, county_ctx.actor, row.project_id,
         ReviewForm("fair", {"relevance": "指标与项目内容关联不紧密。"}, "请修改后重新报送。"), view.updated_at, True)
    clerk = Actor("clerk", "填报员", Role.CLERK, row.unit_id, row.unit_name)
    ctx = AppContext(county_ctx.runner, county_ctx.hub, clerk, 2024)
    editor = GoalEditorDialog(ctx, call(db, goals.get_table, clerk, row.project_id))
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: "相关性：指标与项目内容关联不紧密。" in editor.decision.text())
    assert "中·退回修改" in editor.decision.text() and "请修改后重新报送。" in editor.decision.text()
    assert editor.buttons["submit"].isEnabled()  # the unit may revise and resubmit


def test_opinion_letters_open_in_the_preview(qtbot, db: Database, page: ReviewPage) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in page.model.rows() if r.stage == "待审")
    view = call(db, review.open_review, page.ctx.actor, row.project_id)
    call(db, review.save_review, page.ctx.actor, row.project_id, ReviewForm("good", {}, "请按意见完善。"),
         view.updated_at, True)
    page.reload()
    qtbot.waitUntil(lambda: any(r.project_id == row.project_id and r.stage == "已审" for r in page.model.rows()))
    page.stage.setCurrentIndex(page.stage.findData("已审"))
    page.table.search.setText(row.project_code)
    page.table.view.setCurrentIndex(page.filter.index(0, 0))
    page.letter_button.click()
    qtbot.waitUntil(lambda: page.letters.preview is not None, timeout=20_000)
    assert page.letters.preview.page_count() >= 1
    page.letters.preview.close()
    page.department_letter_button.click()
    qtbot.waitUntil(lambda: page.department_letters.preview is not None, timeout=20_000)
    assert page.department_letters.preview.page_count() >= 2
    page.department_letters.preview.close()
