"""绩效评价 area: one tab per kind of evaluation work. Each tab is a (key, title, factory) entry of `TABS`, so an
area task adds its tab with one line here and keeps its widgets in its own module."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.pages.evaluation.crosscheck import CrossCheckTab
from desktop.pages.evaluation.department import DepartmentEvaluationTab
from desktop.pages.evaluation.experts_tab import ExpertsTab
from desktop.pages.evaluation.key_evaluation_tab import KeyEvaluationTab
from desktop.pages.evaluation.overview import EvaluationOverviewTab
from desktop.pages.evaluation.self_evaluation_tab import SelfEvaluationTab
from desktop.shell.context import AppContext
from desktop.widgets.tabbed_area import TabbedArea, TabEntry

TABS: list[TabEntry] = [
    ("overview", "评价总览", EvaluationOverviewTab),
    ("self", "单位自评", SelfEvaluationTab),
    ("key", "重点评价", KeyEvaluationTab),
    ("department", "部门整体评价", DepartmentEvaluationTab),
    ("crosscheck", "自评核查", CrossCheckTab),
    ("experts", "专家库", ExpertsTab),
]


class EvaluationPage(TabbedArea):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "绩效评价", TABS, "evaluationTabs", parent)
