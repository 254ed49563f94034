"""The page base: a page names the areas it shows and implements `load()`; the base loads it when it is shown and
again when a change touches those areas or the year switches, but only while it is visible: a hidden page marks
itself stale and loads when it is next shown.

Jobs go through `read` / `write`, which name the page as the initiator, so the runner drops their answers if the
page was deleted meanwhile. A page that acts does not reload in its own callback: the runner announces the change
record and the page reloads once, through the hub, like every other page showing those areas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from core.common.changes import Area, Changes
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error


class Page(QWidget):
    """Subclasses set `areas` and implement `load()` (which checks for a chosen year where it needs one)."""

    areas: frozenset[Area] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = True  # loaded on the next show
        ctx.hub.changes_applied.connect(self._changes_applied)
        ctx.hub.year_changed.connect(self._year_changed)

    def load(self) -> None:
        """Query what the page shows (through `self.read`); called by the base only."""
        raise NotImplementedError

    def reload(self) -> None:
        """Load now if the page is visible; otherwise load when it is next shown."""
        if not self.isVisible():
            self.stale = True
            return
        self.stale = False
        self.load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()

    def listens_to(self, changes: Changes, initiator: QObject | None) -> bool:
        """Whether a change makes this page reload; a page may refine it (e.g. by the initiator)."""
        return changes.touches(*self.areas)

    def _changes_applied(self, changes: Changes, initiator: QObject | None) -> None:
        if self.listens_to(changes, initiator):
            self.reload()

    def _year_changed(self, _year: int) -> None:
        self.reload()

    def read(self, service: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, **kwargs: Any) -> int:
        return self.ctx.runner.read(service, *args, on_done=on_done, on_error=on_error, initiator=self, **kwargs)

    def write(self, service: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None, **kwargs: Any) -> int:
        """A writing service; `on_error` defaults to the page's one error handler, `failed`."""
        return self.ctx.runner.write(service, *args, on_done=on_done, on_error=on_error or self.failed,
                                     initiator=self, **kwargs)

    def failed(self, exc: BaseException) -> None:
        """The page's error handler: a domain error as a message, anything else logged and reported."""
        show_error(self, exc)

