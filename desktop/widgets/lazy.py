"""A page built the first time it is shown: the slot stands in its tab or stack until then, so opening the window
builds (and loads) only the page on screen."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


def imported(target: str) -> Any:
    """The attribute a "module:attribute" string names, its module imported now: a page or tab named this way costs
    nothing until it is first opened."""
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


class LazySlot(QWidget):
    """Holds `factory(self)`'s page once built; `page()` builds it on demand (tests, `open_tab`)."""

    def __init__(self, factory: Callable[[QWidget], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._page is not None

    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._factory(self)
            self.layout().addWidget(self._page)
            if self.isVisible():
                self._page.show()
        return self._page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.page()


class LazyPages(Mapping[str, QWidget]):
    """The pages by key, each built when first asked for: `pages["units"]` builds the units page."""

    def __init__(self, slots: dict[str, LazySlot]) -> None:
        self.slots = slots

    def __getitem__(self, key: str) -> QWidget:
        return self.slots[key].page()

    def __iter__(self) -> Iterator[str]:
        return iter(self.slots)

    def __len__(self) -> int:
        return len(self.slots)

    def built(self) -> list[str]:
        """The keys of the pages built so far."""
        return [key for key, slot in self.slots.items() if slot.built]
