"""The 运行监控 page driven with pytest-qt on the demo county (scale 0.1, year 2024, demo round 1-8月): the grid
model under qtmodeltester, filters, sort and quick search done in the model, the totals row following the filter,
saved views, frozen columns, the drill-down (indicator lights and a chart with three lines), the planted laggards
coming out red as of August, and the bureau's actions (重点监控, 纠偏 items)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import grid as monitoring
from core.monitoring import rounds as monitoring_rounds
from core.org.rules.roles import Actor, Role
from db.database import Database
from desktop.pages.monitoring import filters as monitoring_filters
from desktop.pages.monitoring.area import MonitoringPage
from desktop.pages.monitoring.columns import AMOUNT_BANDS, COLUMNS, MONEY_COLUMNS, SPENT_COLUMN, money
from desktop.pages.monitoring.execution_import import ExecutionImportDialog
from desktop.pages.monitoring.filters import default_month
from desktop.pages.monitoring.model import GridFilter, MonitoringGridModel
from desktop.pages.monitoring.views import TotalsModel
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.conftest import actor_of

ADJUSTED = [c.title for c in COLUMNS].index("调整后预算")
DESC = Qt.SortOrder.DescendingOrder


@pytest.fixture(autouse=True)
def local_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved views go to a temporary file, not the user's settings."""
    path = str(tmp_path / "views.ini")
    monkeypatch.setattr(monitoring_filters, "views_settings", lambda: QSettings(path, QSettings.Format.IniFormat))


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Database:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return db


@pytest.fixture
def county_ctx(county: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _open(qtbot, ctx: AppContext) -> MonitoringPage:  # type: ignore[no-untyped-def]
    widget = MonitoringPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.grid is not None and widget.model.rowCount() > 0, timeout=20_000)
    return widget


@pytest.fixture
def page(qtbot, county_ctx: AppContext) -> MonitoringPage:  # type: ignore[no-untyped-def]
    return _open(qtbot, county_ctx)


def _as_of_month(qtbot, page: MonitoringPage, month: int) -> None:  # type: ignore[no-untyped-def]
    page.round_box.setCurrentIndex(page.round_box.findData(None))
    page.round_box.activated.emit(page.round_box.currentIndex())
    page.month_box.setValue(month)
    qtbot.waitUntil(lambda: page.grid is not None and page.grid.round_id is None and page.grid.month == month,
                    timeout=20_000)


def test_grid_model_passes_qtmodeltester(qtmodeltester, county: Database, admin_actor: Actor) -> None:  # type: ignore[no-untyped-def]
    rows = call(county, monitoring.grid, admin_actor, 2024, month=8).rows
    model = MonitoringGridModel()
    totals = TotalsModel(model)
    model.set_rows(rows, 8)
    qtmodeltester.check(model)
    qtmodeltester.check(totals)
    model.sort(ADJUSTED, DESC)  # the testers watch the layout change and the resets below
    model.set_filter(GridFilter(light="yellow", light_kind="budget"))
    model.sort(0)
    model.set_rows(rows[:10], 6)
    model.set_filter(GridFilter())
    assert model.rowCount() == 10 and model.headerData(SPENT_COLUMN, Qt.Orientation.Horizontal) == "1-6月执行数"


def test_filters_sort_search_and_totals(qtbot, page: MonitoringPage) -> None:  # type: ignore[no-untyped-def]
    rows = page.model.all_rows()
    assert page.grid is not None and page.grid.round_name == "1-8月" and len(rows) == 80
    assert page.round_box.currentText().startswith("1-8月") and not page.month_box.isEnabled()
    totals = page.table.totals

    dept = max({r.department_id for r in rows}, key=lambda d: sum(r.department_id == d for r in rows))
    page.filters.department.setCurrentIndex(page.filters.department.findData(dept))
    shown = page.export_rows()
    assert shown and all(r.department_id == dept for r in shown) and len(shown) == page.model.rowCount()
    assert totals.text(MONEY_COLUMNS[1]) == money(sum((r.adjusted_budget for r in shown), Decimal(0)))
    assert totals.text(1) == f"显示 {len(shown)} 个项目" and f"显示 {len(shown)} / 80" in page.status.text()

    page.filters.department.setCurrentIndex(0)
    page.filters.light.setCurrentIndex(page.filters.light.findData("red"))
    assert {r.project_light for r in page.export_rows()} == {"red"}
    page.filters.light_kind.setCurrentIndex(page.filters.light_kind.findData("budget"))
    red_budget = page.export_rows()
    assert red_budget and {r.budget_light for r in red_budget} == {"red"}
    assert totals.text(SPENT_COLUMN) == money(sum((r.spent for r in red_budget), Decimal(0)))

    page.filters.light.setCurrentIndex(0)
    page.filters.band.setCurrentIndex(page.filters.band.findData(2))
    _label, lo, hi = AMOUNT_BANDS[2]
    assert all(lo <= r.adjusted_budget < hi for r in page.export_rows())  # type: ignore[operator]
    page.filters.band.setCurrentIndex(0)
    page.filters.fund.setCurrentIndex(page.filters.fund.findData("gov_fund"))
    assert {r.fund_type for r in page.export_rows()} <= {"gov_fund"}
    page.filters.fund.setCurrentIndex(0)

    page.view.sortByColumn(ADJUSTED, DESC)
    amounts = [r.adjusted_budget for r in page.export_rows()]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 80
    assert page.view.frozen.horizontalHeader().sortIndicatorSection() == ADJUSTED

    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filters.search.hasFocus()
    qtbot.keyClicks(page.filters.search, rows[5].project_code)
    assert [r.project_code for r in page.export_rows()] == [rows[5].project_code]
    assert totals.text(MONEY_COLUMNS[0]) == money(rows[5].budget)
    qtbot.keyClick(page.filters.search, Qt.Key.Key_Escape)
    assert page.model.rowCount() == 80 and page.view.hasFocus()


def test_saved_view_restores_filter_and_sort(page: MonitoringPage) -> None:
    page.filters.light.setCurrentIndex(page.filters.light.findData("yellow"))
    page.view.sortByColumn(ADJUSTED, DESC)
    page.filters.save_view("黄灯大项目")
    page.filters.light.setCurrentIndex(0)
    page.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert page.model.rowCount() == 80
    index = page.filters.saved.findData("黄灯大项目")
    page.filters.saved.setCurrentIndex(index)
    page.filters.saved.activated.emit(index)
    shown = page.export_rows()
    assert {r.project_light for r in shown} == {"yellow"} and page.model.sort_state() == (ADJUSTED, DESC)
    assert [r.adjusted_budget for r in shown] == sorted((r.adjusted_budget for r in shown), reverse=True)
    page.filters.delete_view()
    assert page.filters.saved.findData("黄灯大项目") == -1


def test_first_columns_stay_while_the_grid_scrolls(qtbot, page: MonitoringPage) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    assert [view.frozen.isColumnHidden(c) for c in range(4)] == [False, False, True, True]
    bar = view.horizontalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.maximum() > 0 and view.frozen.geometry().left() <= view.frameWidth()
    assert page.table.footer.horizontalScrollBar().value() == bar.value()
    at = bar.value()
    view.setCurrentIndex(page.model.index(30, 1))  # moving in a frozen column scrolls only vertically
    assert bar.value() == at
    view.scrollTo(page.model.index(30, 2))  # a cell under the frozen columns is brought out from under them
    assert view.visualRect(page.model.index(30, 2)).left() >= view.frozen_width()


def test_drill_down_shows_indicators_and_three_lines(qtbot, page: MonitoringPage) -> None:  # type: ignore[no-untyped-def]
    rows = page.export_rows()
    position = next(i for i, r in enumerate(rows) if r.goal_basis == "approved")
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(position, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Return)  # Enter loads the drill-down at once and moves there
    detail = page.detail
    qtbot.waitUntil(lambda: detail.project_id == rows[position].project_id, timeout=10_000)
    assert detail.indicators.rowCount() > 0 and detail.table.hasFocus()
    assert rows[position].project_code in detail.summary.text()
    lights = {detail.indicators.index(i, 6).data() for i in range(detail.indicators.rowCount())}
    assert lights <= {"● 红灯", "▲ 黄灯", "◆ 蓝灯", "○ 绿灯", "—"}
    series = detail.chart.plot.series()
    assert [s.name() for s in series] == ["累计执行率", "序时进度", "全年预测"]
    assert [s.count() for s in series] == [8, 12, 5]  # 1-8月, the year, August to December
    assert [s.pen().style() for s in series] == [Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine]


def test_laggards_are_red_as_of_august(qtbot, page: MonitoringPage) -> None:  # type: ignore[no-untyped-def]
    _as_of_month(qtbot, page, 8)
    rows = page.model.all_rows()
    # spend_curve's 'laggard' profile spends 5-25 % by the end of August, the 'zero' one nothing at all
    laggards = [r for r in rows if r.execution_rate is not None and r.execution_rate < 30]
    assert len(laggards) >= 3
    assert {r.budget_light for r in laggards} == {"red"} and {r.project_light for r in laggards} == {"red"}
    assert all(r.goal_basis in ("approved", "budget_only") for r in rows)
    page.filters.light_kind.setCurrentIndex(page.filters.light_kind.findData("budget"))
    page.filters.light.setCurrentIndex(page.filters.light.findData("red"))
    shown = {r.project_id for r in page.export_rows()}
    assert {r.project_id for r in laggards} <= shown
    first = page.model.index(0, [c.title for c in COLUMNS].index("预算灯"))
    assert first.data() == "● 红灯" and first.data(Qt.ItemDataRole.BackgroundRole).name() == "#f4c7c3"


def test_key_monitoring_and_corrective_action(qtbot, page: MonitoringPage, county: Database,  # type: ignore[no-untyped-def]
                                              admin_actor: Actor) -> None:
    target = page.model.row_at(3)
    assert not target.key_monitoring
    page.view.selectRow(3)
    page.key_button.click()
    qtbot.waitUntil(lambda: "已标记 1 个项目" in page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: next(r for r in page.model.all_rows() if r.project_id == target.project_id)
                    .key_monitoring, timeout=20_000)
    page.filters.key_only.setChecked(True)  # marked ones, and ≥ 200 万元 under 60 % at August without an entry
    key = page.export_rows()
    assert target.project_id in {r.project_id for r in key} and all(r.key_monitoring for r in key)
    assert len(key) < 80 and page.model.totals.count == len(key)
    page.filters.key_only.setChecked(False)

    qtbot.waitUntil(lambda: page.current_row() is not None and page.current_row().project_id == target.project_id)
    page.action_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.description.setPlainText("9 月底前执行率达到 75%，报送纠偏情况。")
    dialog.accept()
    qtbot.waitUntil(lambda: "已为 1 个项目生成纠偏事项" in page.message.text(), timeout=10_000)
    actions = call(county, monitoring_rounds.list_actions, admin_actor, 2024)
    assert [(a.project_id, a.kind_label) for a in actions] == [(target.project_id, "纠偏")]


def test_import_button_opens_the_execution_import(qtbot, page: MonitoringPage) -> None:  # type: ignore[no-untyped-def]
    page.import_button.click()
    dialog = page.dialog
    assert isinstance(dialog, ExecutionImportDialog) and dialog.isVisible()
    dialog.reject()


def test_a_clerk_sees_its_own_unit_only(qtbot, county: Database, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                        admin_actor: Actor) -> None:
    every = call(county, monitoring.grid, admin_actor, 2024, month=8).rows
    dept = every[0].department_id
    ctx = AppContext(runner, runner.hub, actor_of(Role.CLERK, dept), 2024)
    widget = _open(qtbot, ctx)
    seen = widget.model.all_rows()
    assert seen and {r.department_id for r in seen} == {dept} and len(seen) < len(every)
    assert not any(b.isVisibleTo(widget) for b in (widget.key_button, widget.action_button, widget.import_button))
    qtbot.waitUntil(runner.idle)  # the drill-down of the first row loads after the grid; let it land


def test_default_month_never_lies_in_the_future() -> None:
    from datetime import date

    assert default_month(2024, date(2025, 3, 1)) == 12
    assert default_month(2025, date(2025, 3, 1)) == 3
    assert default_month(2026, date(2025, 3, 1)) == 1


def test_rounds_entry_form_and_outputs_from_the_page(qtbot, county_ctx: AppContext,  # type: ignore[no-untyped-def]
                                                    tmp_path) -> None:
    ctx = county_ctx
    from openpyxl import load_workbook

    from desktop.pages.monitoring.entry import MonitoringEntryDialog

    widget = _open(qtbot, ctx)
    tools = widget.tools
    tools.open_round(9, "1-9月（第二轮）", tools.rounds[0].id if tools.rounds else None)
    qtbot.waitUntil(lambda: widget.round_box.findText("1-9月（第二轮）（进行中）") >= 0)
    widget.round_box.setCurrentIndex(widget.round_box.findText("1-9月（第二轮）（进行中）"))
    qtbot.waitUntil(lambda: widget.grid is not None and widget.grid.round_name == "1-9月（第二轮）")
    tools.fill_entry()
    qtbot.waitUntil(lambda: isinstance(tools.dialog, MonitoringEntryDialog))
    assert widget.current_row().project_name in tools.dialog.windowTitle()
    tools.dialog.close()
    widget.filters.search.setText(widget.model.row_at(0).project_code[:9])
    shown = widget.export_rows()
    target = tmp_path / "grid.xlsx"
    tools.export_workbook(target)
    qtbot.waitUntil(lambda: str(target) in widget.message.text(), timeout=20_000)
    sheet = load_workbook(target).worksheets[0]
    codes = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {r.project_code for r in shown} <= codes
    tools.open_report()
    qtbot.waitUntil(lambda: tools.report.preview is not None, timeout=30_000)
    assert tools.report.preview.page_count() >= 1
    tools.report.preview.close()
    tools.close_round()
    qtbot.waitUntil(lambda: widget.round_box.findText("1-9月（第二轮）（已关闭）") >= 0)
    qtbot.waitUntil(ctx.runner.idle)
