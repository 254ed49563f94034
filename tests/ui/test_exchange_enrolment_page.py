"""单位登记 on the 数据交换 page with pytest-qt, between two real databases: a demo county hub issues a township's
登记包 from the page (file written, 登记包 row in the ledger, the handover warning shown), a fresh installation
previews that file (the unit named, nothing written), confirms and becomes the township's installation (identity
shown, units, year and the ledger's 登记包 row present). The bureau at work and a clerk are not offered to enrol;
a file that is not a 登记包 is refused with nothing written. No modal dialog is opened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.demo import generate as demo
from core.exchange import kinds as exchange_kinds
from core.exchange import ledger as exchange_ledger
from core.exchange.dto import Profile
from core.org import admin, auth
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from desktop.pages.exchange.area import ExchangePage
from desktop.pages.exchange.import_page import RED
from desktop.shell.context import AppContext
from desktop.shell.hub import EventHub
from desktop.shell.tasks import TaskRunner
from desktop.widgets.table_model import RowTableModel
from tests.conftest import PASSWORD, actor_of


def _texts(model: RowTableModel, column: int) -> list[str]:  # type: ignore[type-arg]
    return [model.index(r, column, QModelIndex()).data() for r in range(model.rowCount())]


def _page(qtbot: QtBot, runner: TaskRunner, actor: Actor, year: int | None) -> ExchangePage:
    widget = ExchangePage(AppContext(runner, runner.hub, actor, year))
    qtbot.addWidget(widget)
    widget.resize(1150, 860)
    widget.show()
    return widget


@pytest.fixture
def hub_page(qtbot: QtBot, tmp_path: Path) -> Iterator[ExchangePage]:
    """The 数据交换 page on a demo county (the bureau's hub) in its own database and background runner."""
    database = open_database(tmp_path / "hub.sqlite")
    hub_admin = call(database, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(database, demo.generate_demo, hub_admin, scale=0.05)
    unhandled: list[BaseException] = []
    hub_runner = TaskRunner(database, EventHub(), on_unhandled=unhandled.append)
    widget = _page(qtbot, hub_runner, hub_admin, 2024)
    qtbot.waitUntil(lambda: widget.enrolment.unit_box.count() > 0 and "财政局（汇总端）" in widget.header.text())
    yield widget
    qtbot.waitUntil(hub_runner.idle, timeout=10_000)
    hub_runner.shutdown()
    database.close()
    assert not unhandled, unhandled


def _issue(qtbot: QtBot, page: ExchangePage, target: Path) -> str:
    """Issue the first township's 登记包 from the hub page to `target`; returns the township's code."""
    panel = page.enrolment
    township = next(panel.unit_box.itemData(i) for i in range(panel.unit_box.count())
                    if "（镇街）" in panel.unit_box.itemText(i))
    panel.unit_box.setCurrentIndex(panel.unit_box.findData(township))
    panel.issue_to(target)
    qtbot.waitUntil(lambda: "已导出" in panel.message.text())
    return str(township)


def test_the_hub_issues_a_townships_package_from_the_page(qtbot: QtBot, hub_page: ExchangePage,
                                                          tmp_path: Path) -> None:
    panel = hub_page.enrolment
    assert not hub_page.enrolment_box.isHidden() and not panel.issuing.isHidden()
    assert panel.enrolling.isHidden()  # the bureau at work is never offered to become a unit's installation
    assert not hub_page.actions_box.isHidden() and not hub_page.import_box.isHidden()
    labels = [panel.unit_box.itemText(i) for i in range(panel.unit_box.count())]
    assert labels and all(label.endswith(("（部门）", "（镇街）")) for label in labels)
    township = _issue(qtbot, hub_page, tmp_path / "登记包.xlsx")
    assert (tmp_path / "登记包.xlsx").is_file() and str(tmp_path / "登记包.xlsx") in panel.message.text()
    assert "签名密钥" in panel.message.text() and "当面" in panel.message.text()
    assert panel.issue_button.isEnabled()
    qtbot.waitUntil(lambda: "登记包" in _texts(hub_page.ledger, 1))
    row = _texts(hub_page.ledger, 1).index("登记包")
    assert [_texts(hub_page.ledger, c)[row] for c in (0, 2, 3, 7)] == ["导出", "财政局", township, "已导出"]
    kinds = hub_page.exporter.kind_box  # filled after the first show: it must still fit "绩效目标表"
    assert kinds.currentText() == "绩效目标表"
    assert kinds.width() >= kinds.sizeHint().width() > kinds.fontMetrics().horizontalAdvance("绩效目标表")
    hub_page.grab().save(str(tmp_path / "exchange-hub-enrolment.png"))


def test_a_fresh_installation_enrols_from_the_hubs_package(qtbot: QtBot, hub_page: ExchangePage, runner: TaskRunner,
                                                           db: Database, admin_actor: Actor, tmp_path: Path) -> None:
    township = _issue(qtbot, hub_page, tmp_path / "登记包.xlsx")
    name = hub_page.enrolment.units[township].name
    page = _page(qtbot, runner, admin_actor, None)
    panel = page.enrolment
    qtbot.waitUntil(lambda: not panel.enrolling.isHidden())
    assert not page.enrolment_box.isHidden() and panel.issuing.isHidden()  # no units to issue to yet
    assert page.actions_box.isHidden() and page.import_box.isHidden()  # nothing to exchange before enrolling
    assert "新安装，尚未登记" in page.header.text()
    assert not panel.enrol_button.isVisible()
    panel.preview_file(tmp_path / "登记包.xlsx")
    qtbot.waitUntil(lambda: panel.pending is not None)
    previewed = panel.pending
    assert f"“{township} {name}”的工作台（2024 年度）" in panel.summary.text()
    assert panel.enrol_button.isVisible() and panel.enrol_button.isEnabled() and name in panel.enrol_button.text()
    assert previewed is not None and not previewed.duplicate
    assert call(db, admin.list_units, admin_actor) == []  # the preview wrote nothing
    page.grab().save(str(tmp_path / "exchange-enrol-preview.png"))
    panel.enrol_current()
    qtbot.waitUntil(lambda: f"本机身份：单位（填报端：{name}）" in page.header.text(), timeout=20_000)
    assert f"本机已登记为单位“{township} {name}”（2024 年度）" in panel.message.text()
    qtbot.waitUntil(lambda: panel.enrolling.isHidden())
    assert not page.enrolment_box.isHidden()  # the message stays to be read
    assert page.ctx.year == 2024
    assert not page.actions_box.isHidden() and not page.import_box.isHidden()
    assert call(db, exchange_ledger.current_profile, admin_actor) == Profile("spoke", township)
    units = {u.code for u in call(db, admin.list_units, admin_actor)}
    assert township in units and len(units) == previewed.units
    assert f"单位 {previewed.units} 个，设置 {previewed.settings} 项" in panel.message.text() and previewed.settings > 0
    qtbot.waitUntil(lambda: _texts(page.ledger, 1) == ["登记包"])
    assert [_texts(page.ledger, c)[0] for c in (0, 2, 3, 7)] == ["导入", "财政局", township, "已导入"]
    exporter = page.exporter
    assert [exporter.kind_box.itemData(i) for i in range(exporter.kind_box.count())] == [
        "goals", "monitoring", "self_evaluation", "rectification_feedback"]
    page.grab().save(str(tmp_path / "exchange-enrolled.png"))


def test_a_file_that_is_not_an_enrolment_package_is_refused(qtbot: QtBot, hub_page: ExchangePage, runner: TaskRunner,
                                                            db: Database, admin_actor: Actor, tmp_path: Path) -> None:
    package = call(hub_page.ctx.runner.database, exchange_kinds.export_kind, hub_page.ctx.actor, "goals", 2024,
                   tmp_path / "goals.xlsx", _issue(qtbot, hub_page, tmp_path / "登记包.xlsx")).path
    page = _page(qtbot, runner, admin_actor, None)
    panel = page.enrolment
    qtbot.waitUntil(lambda: not panel.enrolling.isHidden())
    panel.preview_file(package)
    qtbot.waitUntil(lambda: "未能完成" in panel.message.text())
    assert "不是登记包" in panel.message.text() and RED in panel.message.styleSheet()
    assert panel.pending is None and not panel.enrol_button.isVisible()
    panel.enrol_current()
    assert "正在" not in panel.message.text()
    assert call(db, exchange_ledger.current_profile, admin_actor).role == "hub" and call(db, admin.list_units, admin_actor) == []


def test_a_clerk_is_not_offered_to_enrol(qtbot: QtBot, runner: TaskRunner, admin_actor: Actor) -> None:
    page = _page(qtbot, runner, actor_of(Role.CLERK), None)
    qtbot.waitUntil(lambda: "财政局（汇总端）" in page.header.text())
    qtbot.waitUntil(runner.idle)
    assert page.enrolment_box.isHidden() and page.enrolment.enrolling.isHidden()
