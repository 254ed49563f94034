"""结果应用 area: one tab per kind of result-application work. Each tab is a (key, title, factory) entry of `TABS`,
so an area task adds its tab with one line here and keeps its widgets in its own module."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.pages.rectification import RectificationTab
from desktop.pages.rectification_notices import NoticesTab
from desktop.pages.results_findings import FindingsTab
from desktop.pages.results_policy import ResultPolicyTab
from desktop.pages.results_scores import ScoresTab
from desktop.pages.results_suggestions import SuggestionsTab

TABS: list[tuple[str, str, Callable[[AppContext], QWidget]]] = [
    ("policy", "政策设置", ResultPolicyTab),
    ("findings", "审计检查", FindingsTab),
    ("scores", "部门综合评分", ScoresTab),
    ("suggestions", "预算安排建议", SuggestionsTab),
    ("rectification", "整改台账", RectificationTab),
    ("notices", "两书一函", NoticesTab),
]


class ResultsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        heading = QLabel("结果应用", self)
        heading.setObjectName("pageHeading")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("resultsTabs")
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
