"""How a long service reports progress: `report(done, total, text)`; the front end may raise from it to cancel."""

from __future__ import annotations

from typing import Protocol


class ProgressReporter(Protocol):
    def report(self, done: int, total: int, text: str = "") -> None: ...


class NoProgress:
    """For callers (the command line, tests) that do not show progress."""

    def report(self, done: int, total: int, text: str = "") -> None:
        return None
