"""An area page made of a heading and one tab per (key, title, factory) entry of its `TABS` list; the 绩效评价,
结果应用 and 报表中心 areas are thin subclasses that name their title, tabs and tab widget's object name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.shell.context import AppContext

TabEntry = tuple[str, str, Callable[[AppContext], QWidget]]


class TabbedArea(QWidget):
    """The tabs by key in `pages`, in the order of `tabs`; `open_tab(key)` brings one to the front."""

    def __init__(self, ctx: AppContext, title: str, tabs: Sequence[TabEntry], object_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        heading = QLabel(title, self)
        heading.setObjectName("pageHeading")
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName(object_name)
        self.pages: dict[str, QWidget] = {}
        for key, tab_title, factory in tabs:
            page = factory(ctx)
            self.pages[key] = page
            self.tabs.addTab(page, tab_title)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

    def open_tab(self, key: str) -> bool:
        page = self.pages.get(key)
        if page is None:
            return False
        self.tabs.setCurrentWidget(page)
        return True
