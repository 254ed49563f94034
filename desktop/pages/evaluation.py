"""绩效评价 area: one tab per kind of evaluation work. Each tab is a (key, title, factory) entry of `TABS`, so an
area task adds its tab with one line here and keeps its widgets in its own module."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.pages.evaluation_crosscheck import CrossCheckTab
from desktop.pages.evaluation_department import DepartmentEvaluationTab
from desktop.pages.evaluation_overview import EvaluationOverviewTab
from desktop.pages.experts_tab import ExpertsTab
from desktop.pages.key_evaluation_tab import KeyEvaluationTab
from desktop.pages.self_evaluation_tab import SelfEvaluationTab

TABS: list[tuple[str, str, Callable[[AppContext], QWidget]]] = [
    ("overview", "评价总览", EvaluationOverviewTab),
    ("self", "单位自评", SelfEvaluationTab),
    ("key", "重点评价", KeyEvaluationTab),
    ("department", "部门整体评价", DepartmentEvaluationTab),
    ("crosscheck", "自评核查", CrossCheckTab),
    ("experts", "专家库", ExpertsTab),
]


class EvaluationPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        heading = QLabel("绩效评价", self)
        heading.setObjectName("pageHeading")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("evaluationTabs")
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
