"""报表中心 area: one tab per yearly report. Each tab is a (key, title, factory) entry of `TABS`, so a report task
adds its tab with one line here and keeps its widgets in its own module; named as "module:Class", a tab's module is
imported when the tab is first shown (listed in packaging's hiddenimports)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.shell.context import AppContext
from desktop.widgets.tabbed_area import TabbedArea, TabEntry

TABS: list[TabEntry] = [
    ("statistics", "年度统计", "desktop.pages.statistics.tab:StatisticsTab"),
    ("fiscal_health", "财政健康指数", "desktop.pages.fiscal.health:FiscalHealthTab"),
]


class ReportsCenterPage(TabbedArea):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "报表中心", TABS, "reportsTabs", parent)
