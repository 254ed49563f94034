"""The one event hub: services' `Changes` are announced here and each page reloads only what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.common.dto import Changes


class EventHub(QObject):
    changes_applied = Signal(object)  # Changes
    year_changed = Signal(int)

    def announce(self, changes: Changes) -> None:
        if changes.areas:
            self.changes_applied.emit(changes)
