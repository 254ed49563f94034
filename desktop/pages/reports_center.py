"""报表中心 area: one tab per yearly report. Each tab is a (key, title, factory) entry of `TABS`, so a report task
adds its tab with one line here and keeps its widgets in its own module."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.pages.fiscal_health import FiscalHealthTab
from desktop.pages.statistics_tab import StatisticsTab

TABS: list[tuple[str, str, Callable[[AppContext], QWidget]]] = [
    ("statistics", "年度统计", StatisticsTab),
    ("fiscal_health", "财政健康指数", FiscalHealthTab),
]


class ReportsCenterPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        heading = QLabel("报表中心", self)
        heading.setObjectName("pageHeading")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportsTabs")
        self.pages: dict[str, QWidget] = {}
        for key, title, factory in TABS:
            page = factory(ctx)
            self.pages[key] = page
            self.tabs.addTab(page, title)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

    def open_tab(self, key: str) -> bool:
        page = self.pages.get(key)
        if page is None:
            return False
        self.tabs.setCurrentWidget(page)
        return True
