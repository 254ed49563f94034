"""An area page made of a heading and one tab per (key, title, factory) entry of its `TABS` list; the 绩效评价,
结果应用 and 报表中心 areas are thin subclasses that name their title, tabs and tab widget's object name. A tab's
page is built when the tab is first shown; a factory given as "module:Class" is also imported only then."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desktop.shell.context import AppContext
from desktop.widgets.lazy import LazyPages, LazySlot, imported

TabEntry = tuple[str, str, Callable[[AppContext], QWidget] | str]


def lazy_tabs(tabs: QTabWidget, entries: Sequence[tuple[str, str, Callable[[QWidget], QWidget]]]) -> LazyPages:
    """One slot per (key, title, build) entry in `tabs`; `build(parent)` makes the page when first shown."""
    slots: dict[str, LazySlot] = {}
    for key, title, build in entries:
        slots[key] = LazySlot(build, tabs)
        tabs.addTab(slots[key], title)
    return LazyPages(slots)


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
        self.pages = lazy_tabs(self.tabs, [(key, tab_title, functools.partial(build_page, factory, ctx))
                                           for key, tab_title, factory in tabs])
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

    def open_tab(self, key: str) -> bool:
        slot = self.pages.slots.get(key)
        if slot is None:
            return False
        self.tabs.setCurrentWidget(slot)
        return True


def build_page(factory: Callable[[AppContext], QWidget] | str, ctx: AppContext, _slot: QWidget) -> QWidget:
    """The page factories take the context; the slot adopts what they build."""
    page_class: Callable[[AppContext], QWidget] = imported(factory) if isinstance(factory, str) else factory
    return page_class(ctx)
