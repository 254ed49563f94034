"""The 整改台账 and 两书一函 tabs driven with pytest-qt on the demo county: overdue rows stand out in red, filters
narrow the rows, feedback and re-check go through the side panel, notices are issued and listed with re-print, a
manual item is added through its dialog, the register is exported, and a clerk sees only its own unit's items
with the bureau's buttons hidden."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import Actor, Role
from core.results import rectification as register
from db.database import Database
from desktop.pages.results import area as results
from desktop.pages.results.rectification import OVERDUE_FILL, OVERDUE_TEXT, RectificationTab
from desktop.pages.results.rectification_notices import NoticesTab
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.conftest import actor_of

YEAR = 2024


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, YEAR)


def _tab(qtbot: QtBot, ctx: AppContext) -> RectificationTab:
    tab = RectificationTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1400, 800)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    return tab


def _row_of(tab: RectificationTab, uid: str) -> int:
    return next(i for i, r in enumerate(tab.model.rows()) if r.uid == uid)


def test_tabs_are_in_the_results_area() -> None:
    keys = {key: (title, factory) for key, title, factory in results.TABS}
    assert keys["rectification"] == ("整改台账", RectificationTab) and keys["notices"] == ("两书一函", NoticesTab)


def test_overdue_rows_are_red_and_filters_narrow(qtbot: QtBot, qtmodeltester, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, county_ctx)
    qtmodeltester.check(tab.model)
    rows = tab.model.rows()
    late = next(i for i, r in enumerate(rows) if r.overdue)
    done = next(i for i, r in enumerate(rows) if r.status == "done")
    fill = tab.model.data(tab.model.index(late, 4), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(fill, QBrush) and fill.color() == QColor(OVERDUE_FILL)
    assert tab.model.data(tab.model.index(late, 2), Qt.ItemDataRole.ForegroundRole) == QColor(OVERDUE_TEXT)
    assert tab.model.data(tab.model.index(done, 4), Qt.ItemDataRole.BackgroundRole) is None
    assert tab.model.data(tab.model.index(done, 0), Qt.ItemDataRole.DisplayRole) == "已整改"
    tab.status_box.setCurrentIndex(tab.status_box.findData("overdue"))
    assert tab.model.rowCount() == sum(1 for r in rows if r.overdue) and all(r.overdue for r in tab.model.rows())
    assert f"逾期 {tab.model.rowCount()} 项" in tab.counts.text()
    tab.status_box.setCurrentIndex(0)
    tab.source_box.setCurrentIndex(tab.source_box.findData("evaluation"))
    assert {r.source for r in tab.model.rows()} == {"evaluation"}
    tab.source_box.setCurrentIndex(0)
    unit = rows[0].unit_id
    tab.unit_box.setCurrentIndex(tab.unit_box.findData(unit))
    assert {r.unit_id for r in tab.model.rows()} == {unit}
    tab.unit_box.setCurrentIndex(0)
    tab.as_of.setDate(QDate(YEAR, 6, 21))  # the day after the first items were issued: nothing is late yet
    qtbot.waitUntil(lambda: not any(r.overdue for r in tab.model.rows()), timeout=10_000)


def test_feedback_and_recheck_through_the_panel(qtbot: QtBot, county_ctx: AppContext, db: Database) -> None:
    tab = _tab(qtbot, county_ctx)
    item = next(r for r in tab.model.rows() if r.status == "pending")
    assert tab.select_uid(item.uid) and tab.panel.item == item
    assert item.requirement in tab.panel.facts.text() and not tab.panel.pass_button.isEnabled()
    tab.panel.feedback.setPlainText("已修改绩效目标表并重新报送")
    tab.panel.feedback_button.click()
    qtbot.waitUntil(lambda: tab.model.rows()[_row_of(tab, item.uid)].status == "in_progress", timeout=10_000)
    assert tab.panel.item is not None and tab.panel.item.uid == item.uid and tab.panel.pass_button.isEnabled()
    tab.panel.fail_button.click()  # no opinion: refused by the service, shown as a message, nothing written
    qtbot.waitUntil(lambda: "复核不合格时请写明原因" in tab.panel.message.text(), timeout=10_000)
    assert call(db, register.get_item, county_ctx.actor, item.uid).status == "in_progress"
    tab.panel.pass_button.click()
    qtbot.waitUntil(lambda: tab.model.rows()[_row_of(tab, item.uid)].status == "done", timeout=10_000)
    assert not tab.panel.feedback_button.isEnabled()  # a closed item takes no more feedback


def test_notices_are_issued_listed_and_reprinted(qtbot: QtBot, qtmodeltester, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, county_ctx)
    notices = NoticesTab(county_ctx)
    qtbot.addWidget(notices)
    notices.show()
    qtbot.waitUntil(lambda: notices.model.rowCount() == 1 and notices.lagging_model.rowCount() > 0,
                    timeout=10_000)  # the demo's reminder; today every open demo item is late
    qtmodeltester.check(notices.model)
    qtmodeltester.check(notices.lagging_model)
    assert notices.model.rows()[0].number == "县财绩提〔2024〕1号" and "提醒敦促函 1 份" in notices.counts.text()
    late = next(r for r in tab.model.rows() if r.overdue)
    tab.issue("interview", [late.unit_id])
    qtbot.waitUntil(lambda: tab.preview is not None, timeout=20_000)
    assert tab.preview is not None and tab.preview.page_count() >= 1
    text = subprocess.run(["pdftotext", str(tab.preview.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "县财绩约〔2024〕1号" in text and late.unit_name in text
    tab.preview.close()
    qtbot.waitUntil(lambda: notices.model.rowCount() == 2, timeout=10_000)
    newest = notices.model.rows()[0]
    assert (newest.number, newest.kind_label, newest.unit_name) == ("县财绩约〔2024〕1号", "约谈函", late.unit_name)
    notices.table.view.selectRow(0)
    notices.reprint()
    qtbot.waitUntil(lambda: notices.reports.preview is not None, timeout=20_000)
    assert notices.reports.preview is not None
    notices.reports.preview.close()


def test_add_item_and_export(qtbot: QtBot, county_ctx: AppContext, tmp_path: Path) -> None:
    tab = _tab(qtbot, county_ctx)
    before = tab.model.rowCount()
    tab.add_item()
    qtbot.waitUntil(lambda: tab.dialog is not None, timeout=10_000)
    dialog = tab.dialog
    dialog.requirement.setPlainText("短")  # type: ignore[union-attr]
    dialog.save()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "整改要求" in dialog.error.text(), timeout=10_000)  # type: ignore[union-attr]
    dialog.requirement.setPlainText("补充完善部门整体绩效目标")  # type: ignore[union-attr]
    dialog.issued_on.setDate(QDate(YEAR, 12, 1))  # type: ignore[union-attr]
    dialog.save()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: tab.model.rowCount() == before + 1, timeout=10_000)
    added = next(r for r in tab.model.rows() if r.requirement == "补充完善部门整体绩效目标")
    assert added.deadline == date(YEAR, 12, 31) and added.source_label == "其他"
    target = tmp_path / "台账.xlsx"
    tab.export_workbook(target)
    qtbot.waitUntil(target.exists, timeout=10_000)
    ws = load_workbook(target).active
    assert ws is not None and ws.max_row >= 3 + tab.model.rowCount()


def test_a_clerk_sees_its_own_items_and_no_bureau_buttons(qtbot: QtBot, county_ctx: AppContext,
                                                          db: Database) -> None:
    unit = call(db, register.list_items, county_ctx.actor, YEAR)[0].unit_id
    clerk: Actor = actor_of(Role.CLERK, unit)
    ctx = AppContext(county_ctx.runner, county_ctx.hub, clerk, YEAR)
    tab = _tab(qtbot, ctx)
    assert {r.unit_id for r in tab.model.rows()} == {unit}
    assert tab.collect_button.isHidden() and tab.add_button.isHidden() and tab.panel.recheck_box.isHidden()
    assert all(b.isHidden() for b in tab.notice_buttons.values()) and not tab.export_button.isHidden()
