"""绩效评价 area: one tab per kind of evaluation work. Each tab is a (key, title, factory) entry of `TABS`, so an
area task adds its tab with one line here and keeps its widgets in its own module; named as "module:Class", a
tab's module is imported when the tab is first shown (listed in packaging's hiddenimports)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.shell.context import AppContext
from desktop.widgets.tabbed_area import TabbedArea, TabEntry

TABS: list[TabEntry] = [
    ("overview", "评价总览", "desktop.pages.evaluation.overview:EvaluationOverviewTab"),
    ("self", "单位自评", "desktop.pages.evaluation.self_evaluation_tab:SelfEvaluationTab"),
    ("key", "重点评价", "desktop.pages.evaluation.key_evaluation_tab:KeyEvaluationTab"),
    ("department", "部门整体评价", "desktop.pages.evaluation.department:DepartmentEvaluationTab"),
    ("crosscheck", "自评核查", "desktop.pages.evaluation.crosscheck:CrossCheckTab"),
    ("experts", "专家库", "desktop.pages.evaluation.experts_tab:ExpertsTab"),
]


class EvaluationPage(TabbedArea):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "绩效评价", TABS, "evaluationTabs", parent)
