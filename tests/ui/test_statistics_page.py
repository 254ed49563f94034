"""报表中心 › 年度统计 and the 工作台's statistics block driven with pytest-qt on the statistics county: the area loads
the figures of both years, every chart has a bar set for each year with the service's values, the year selector
switches years, and the PDF opens in the preview and the workbook is written."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from core.common.runner import call
from core.org.rules.roles import Actor
from core.statistics.presentation import HEADLINE_KEYS
from core.statistics.yearly import chart_data, figure_rows, year_statistics
from db.database import Database
from desktop.pages.statistics import reports_center
from desktop.pages.statistics.home import HomePage
from desktop.pages.statistics.reports_center import ReportsCenterPage
from desktop.pages.statistics.tab import StatisticsTab
from desktop.shell.context import AppContext
from desktop.shell.main_window import AREAS
from desktop.shell.tasks import TaskRunner
from tests.statistics_county import fill_county

YEAR, PREVIOUS = 2024, 2023


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    fill_county(db, admin_actor)
    return AppContext(runner, runner.hub, admin_actor, YEAR)


def _statistics(qtbot, ctx: AppContext) -> tuple[ReportsCenterPage, StatisticsTab]:  # type: ignore[no-untyped-def]
    page = ReportsCenterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 820)
    page.show()
    tab = page.pages["statistics"]
    assert isinstance(tab, StatisticsTab)
    qtbot.waitUntil(lambda: tab.comparison is not None, timeout=20_000)
    return page, tab


def test_area_is_registered_before_the_exchange_and_has_the_statistics_tab(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    keys = [a.key for a in AREAS]
    assert keys.index("reports") == keys.index("exchange") - 1
    assert next(a.title for a in AREAS if a.key == "reports") == "报表中心"
    assert reports_center.TABS[0][:2] == ("statistics", "年度统计")
    page, _tab = _statistics(qtbot, county_ctx)
    assert page.open_tab("statistics") and not page.open_tab("nothing")


def test_figures_and_charts_show_both_years(qtbot, qtmodeltester, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    _page, tab = _statistics(qtbot, county_ctx)
    expected = call(county_ctx.runner.database, year_statistics, county_ctx.actor, YEAR, tab.as_of_date())
    rows = figure_rows(expected)
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == len(rows)
    funds = next(i for i, r in enumerate(rows) if r.key == "monitored_funds")
    shown = [tab.model.index(funds, c).data() for c in range(5)]
    assert shown[:2] == ["运行监控", "纳入监控资金（万元）"]
    current, previous = expected.current.monitoring.monitored_funds, expected.previous.monitoring.monitored_funds
    assert shown[2:] == [f"{current:,.2f}", f"{previous:,.2f}", f"+{current - previous:,.2f}"]
    by_key = {c.key: c for c in chart_data(expected)}
    for key, chart in tab.charts.items():
        sets = chart.bar_sets()
        assert [s.label() for s in sets] == [f"{YEAR}年", f"{PREVIOUS}年"], key
        assert chart.categories.categories() == list(by_key[key].categories)
        if not by_key[key].money:  # counts exactly; amounts are drawn in whole 万元
            assert [sets[0].at(i) for i in range(sets[0].count())] == [float(v) for v in by_key[key].current]
            assert [sets[1].at(i) for i in range(sets[1].count())] == [float(v) for v in by_key[key].previous]
    exante = tab.charts["exante_amounts"].bar_sets()[0]
    assert exante.at(0) == float(expected.current.exante.requested.quantize(Decimal(1)))


def test_year_selector_switches_to_the_year_before(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    _page, tab = _statistics(qtbot, county_ctx)
    index = tab.year_box.findData(PREVIOUS)
    assert index >= 0
    tab.year_box.setCurrentIndex(index)
    tab.year_box.activated.emit(index)
    qtbot.waitUntil(lambda: tab.comparison is not None and tab.comparison.current.year == PREVIOUS, timeout=20_000)
    assert tab.comparison.previous.year == PREVIOUS - 1
    assert [s.label() for s in tab.charts["evaluations"].bar_sets()] == [f"{PREVIOUS}年", f"{PREVIOUS - 1}年"]


def test_pdf_opens_in_the_preview_and_the_workbook_is_written(qtbot, county_ctx: AppContext,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    _page, tab = _statistics(qtbot, county_ctx)
    tab.pdf_button.click()
    qtbot.waitUntil(lambda: tab.reports.preview is not None, timeout=30_000)
    preview = tab.reports.preview
    assert preview is not None and preview.page_count() >= 4
    text = subprocess.run(["pdftotext", str(preview.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "年度预算绩效管理工作统计" in "".join(text.split())
    preview.close()
    target = tmp_path / "统计表.xlsx"
    tab.export_workbook(target)
    qtbot.waitUntil(lambda: "已导出" in tab.message.text(), timeout=20_000)
    ws = load_workbook(target).worksheets[0]
    assert ws.cell(3, 3).value == f"{YEAR}年" and ws.max_row == 3 + tab.model.rowCount()


def test_home_page_shows_the_key_figures_beside_the_previous_year(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = HomePage(county_ctx)
    qtbot.addWidget(page)
    page.show()
    block = page.statistics
    qtbot.waitUntil(lambda: block.comparison is not None, timeout=20_000)
    assert [block.model.row_at(i).key for i in range(block.model.rowCount())] == list(HEADLINE_KEYS)
    headers = [block.model.headerData(c, Qt.Orientation.Horizontal) for c in range(block.model.columnCount())]
    assert headers == ["指标", "本年", "上年", "增减"]
    for chart in block.charts.values():
        assert [s.label() for s in chart.bar_sets()] == [f"{YEAR}年", f"{PREVIOUS}年"]
    qtbot.waitUntil(county_ctx.runner.idle, timeout=10_000)  # no answer may reach a closed page
