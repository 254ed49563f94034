"""The one event hub: the runner announces services' change records here, with the widget that acted, and each
page reloads only what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.common.changes import Changes


class EventHub(QObject):
    changes_applied = Signal(object, object)  # Changes, the initiator (the widget that submitted the job) or None
    year_changed = Signal(int)

    def announce(self, changes: Changes, initiator: QObject | None = None) -> None:
        """Called by the background runner only; pages declare the areas they listen to (desktop/shell/page.py)."""
        if changes:
            self.changes_applied.emit(changes, initiator)
