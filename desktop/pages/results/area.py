"""结果应用 area: one tab per kind of result-application work. Each tab is a (key, title, factory) entry of `TABS`,
so an area task adds its tab with one line here and keeps its widgets in its own module."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.pages.results.findings import FindingsTab
from desktop.pages.results.policy import ResultPolicyTab
from desktop.pages.results.rectification import RectificationTab
from desktop.pages.results.rectification_notices import NoticesTab
from desktop.pages.results.scores import ScoresTab
from desktop.pages.results.suggestions import SuggestionsTab
from desktop.shell.context import AppContext
from desktop.widgets.tabbed_area import TabbedArea, TabEntry

TABS: list[TabEntry] = [
    ("policy", "政策设置", ResultPolicyTab),
    ("findings", "审计检查", FindingsTab),
    ("scores", "部门综合评分", ScoresTab),
    ("suggestions", "预算安排建议", SuggestionsTab),
    ("rectification", "整改台账", RectificationTab),
    ("notices", "两书一函", NoticesTab),
]


class ResultsPage(TabbedArea):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "结果应用", TABS, "resultsTabs", parent)
