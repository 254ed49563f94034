"""The 财政健康指数 tab driven with pytest-qt on the demo county: the ranking with coloured levels and component
scores, a township's components and its chart, the keyboard form (saves, refuses by field), the workbook
template, import (and a refused file, nothing written), exports, and a township clerk's view."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import TownshipFiscal, Unit
from desktop.pages.fiscal import health as page_module
from desktop.pages.fiscal.health import FiscalHealthTab
from desktop.pages.fiscal.health_detail import TONE_COLOURS
from desktop.pages.statistics import reports_center
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from desktop.widgets.lazy import imported
from tests.conftest import actor_of

YEAR = 2024


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    return AppContext(runner, runner.hub, admin_actor, YEAR)


@pytest.fixture
def tab(qtbot: QtBot, county_ctx: AppContext) -> FiscalHealthTab:
    widget = FiscalHealthTab(county_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 820)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 12, timeout=10_000)
    return widget


def settle(qtbot: QtBot, tab: FiscalHealthTab) -> None:
    """Each test ends here: pytest-qt closes the widgets before fixtures end, and no answer may reach a closed page."""
    qtbot.waitUntil(tab.ctx.runner.idle, timeout=10_000)


def rows_in_db(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(TownshipFiscal)) or 0)


def pick(tab: FiscalHealthTab, name: str) -> int:
    row = next(n for n, r in enumerate(tab.model.rows()) if r.unit_name == name)
    assert tab.select_unit(tab.model.row_at(row).unit_id)
    return row


def test_tab_is_in_the_reports_centre() -> None:
    entries = {key: (title, imported(factory) if isinstance(factory, str) else factory)
               for key, title, factory in reports_center.TABS}
    assert entries["fiscal_health"] == ("财政健康指数", FiscalHealthTab)


def test_ranking_with_coloured_levels_and_a_township_detail(qtbot: QtBot, qtmodeltester, tab: FiscalHealthTab) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    assert tab.year.currentData() == YEAR and tab.year.count() >= 5
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert headers == ["排名", "镇街", "健康指数", "等级", "收入增长", "收入稳定", "税收占比", "三保保障", "债务率",
                       "预算执行", "结转结余", "说明"]
    row = pick(tab, "河西街道")
    assert [tab.model.index(row, c).data() for c in range(11)] == [
        "12", "河西街道", "46.00", "预警", "40", "100", "40", "60", "10", "50", "30"]
    assert tab.model.index(row, 3).data(Qt.ItemDataRole.ForegroundRole) == QColor(TONE_COLOURS["red"])
    qtbot.waitUntil(lambda: tab.detail.unit_id is not None, timeout=5_000)
    qtmodeltester.check(tab.detail.model)
    detail = tab.detail
    assert "46.00" in detail.summary.text() and "预警" in detail.summary.text() and "第 12 名（共 12 个镇街）" in \
        detail.summary.text()
    assert [detail.model.index(n, 0).data() for n in range(detail.model.rowCount())][:2] == ["收入增长", "收入稳定性"]
    debt = next(n for n in range(7) if detail.model.index(n, 0).data() == "债务率")
    assert [detail.model.index(debt, c).data() for c in range(8)] == [
        "债务率", "138.64", "%", "x ≥ 120", "10", "15", "15.00", "1.50"]
    series = detail.chart.plot.series()
    assert [s.name() for s in series] == ["全县平均", "河西街道"]
    assert [(p.x(), p.y()) for p in series[1].points()][-1] == (2024.0, 46.0)
    assert "12 个镇街，已计算指数 12 个" in tab.counts.text()
    tab.ctx.set_year(2023)  # the working year changes: the tab follows
    qtbot.waitUntil(lambda: tab.ranking is not None and tab.ranking.year == 2023, timeout=5_000)
    assert tab.year.currentData() == 2023 and tab.counts.text().startswith("2023 年")
    settle(qtbot, tab)


def test_form_saves_new_figures_and_refuses_a_wrong_field(qtbot: QtBot, tab: FiscalHealthTab, db: Database) -> None:
    pick(tab, "柳林镇")
    tab.edit_figures()
    dialog = tab.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.amounts["general_revenue"].text() != "", timeout=5_000)
    assert dialog.unit.currentText() == "T05 柳林镇" and dialog.year.value() == YEAR
    dialog.year.setValue(2025)
    qtbot.waitUntil(lambda: dialog.amounts["general_revenue"].text() == "", timeout=5_000)
    assert "柳林镇2025 年还没有数据" in dialog.error.text()
    values = ["1000", "1200", "2000", "2500", "800", "800", "1000", "2100", "2000", "100"]  # tax above revenue
    for edit, value in zip(dialog.amounts.values(), values, strict=True):
        qtbot.keyClicks(edit, value)
    before = rows_in_db(db)
    dialog.submit()
    qtbot.waitUntil(lambda: "不能大于" in dialog.error.text(), timeout=5_000)
    assert dialog.isVisible() and dialog.focusWidget() is dialog.amounts["tax_revenue"]
    assert rows_in_db(db) == before
    dialog.amounts["tax_revenue"].setText("700")
    qtbot.keyClick(dialog.amounts["carryover"], Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert rows_in_db(db) == before + 1
    qtbot.waitUntil(lambda: tab.year.findData(2025) >= 0, timeout=5_000)
    settle(qtbot, tab)


def test_template_import_and_a_refused_file(qtbot: QtBot, tab: FiscalHealthTab, db: Database, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    template = tmp_path / "template.xlsx"
    tab.choose_save = lambda _parent, _name: str(template)
    tab.save_template()
    qtbot.waitUntil(template.exists, timeout=5_000)
    wb = openpyxl.load_workbook(template)
    ws = wb["镇街财政数据"]
    ws.cell(4, 3).value = 2025  # the template is of the year shown (2024, already entered): a new year instead
    for col, value in enumerate([1000, 700, 2000, 2500, 800, 800, 1000, 2100, 2000, 100], start=4):
        ws.cell(4, col).value = value
    wb.save(template)
    tab.choose_open = lambda _parent: str(template)
    before = rows_in_db(db)
    tab.import_workbook()
    qtbot.waitUntil(lambda: tab.message.text().startswith("已导入 1 行"), timeout=5_000)
    assert rows_in_db(db) == before + 1
    qtbot.waitUntil(tab.ctx.runner.idle, timeout=10_000)  # the ranking reload the import announced has shown
    assert tab.message.text().startswith("已导入 1 行") and "个镇街" in tab.counts.text()
    errors: list[str] = []
    monkeypatch.setattr(page_module, "show_error", lambda _parent, exc, _title="": errors.append(str(exc)))
    ws.cell(5, 4).value = "abc"
    for col in range(5, 14):
        ws.cell(5, col).value = 1
    wb.save(template)
    tab.import_workbook()
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert "第 5 行 D 列：“一般公共预算收入”应为金额" in errors[0] and tab.import_button.isEnabled()
    assert rows_in_db(db) == before + 1
    settle(qtbot, tab)


def test_exports(qtbot: QtBot, tab: FiscalHealthTab, tmp_path: Path) -> None:
    target = tmp_path / "health.xlsx"
    tab.choose_save = lambda _parent, _name: str(target)
    tab.export_workbook()
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert openpyxl.load_workbook(target).sheetnames[0] == "健康指数排名"
    tab.export_pdf()
    qtbot.waitUntil(lambda: tab.reports.preview is not None, timeout=20_000)
    preview = tab.reports.preview
    assert preview is not None and preview.page_count() >= 3
    preview.close()
    settle(qtbot, tab)


def test_a_township_clerk_sees_its_own_row_without_edit_buttons(qtbot: QtBot, db: Database,
                                                                 runner: TaskRunner) -> None:
    call(db, demo.generate_demo, actor_of(Role.ADMIN), scale=0.05)
    with db.unit_of_work() as uow:
        t07 = uow.session.scalar(select(Unit.id).where(Unit.code == "T07"))
    widget = FiscalHealthTab(AppContext(runner, runner.hub, actor_of(Role.CLERK, t07), YEAR))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=10_000)
    assert widget.model.row_at(0).unit_name == "白沙镇" and widget.model.row_at(0).index == Decimal("61.75")
    assert not any(b.isVisibleTo(widget) for b in (widget.edit_button, widget.import_button, widget.template_button))
    assert widget.pdf_button.isVisibleTo(widget)
    qtbot.waitUntil(runner.idle, timeout=10_000)
