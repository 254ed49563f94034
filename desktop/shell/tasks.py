"""The single background helper: all database work runs on one worker thread, one unit of work per call.

A long job gets a `Progress` object; its `report()` raises `Cancelled` once the user pressed cancel,
which unwinds the service and rolls its unit of work back.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.common.dto import Changes
from core.common.runner import call
from db.database import Database
from desktop.shell.hub import EventHub

log = logging.getLogger(__name__)


def _alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a method of a widget that was closed and deleted while its job ran (a dialog shut
    before its answer came): calling it would raise "C++ object already deleted" in the GUI thread."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class Cancelled(Exception):
    """The user cancelled a long job; its unit of work was rolled back."""


class Progress:
    """Passed to long services as `progress`: `report(done, total, text)`."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled("操作已取消，数据未作改动。")
        self._emit(done, total, text)


@dataclass
class _Job:
    id: int
    service: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    raw: bool  # the callable takes the Database itself (backup/restore), not a unit of work


class _Worker(QObject):
    finished = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database

    @Slot(object)
    def run(self, job: _Job) -> None:
        try:
            if job.raw:
                result = job.service(self.database, *job.args, **job.kwargs)
            else:
                result = call(self.database, job.service, *job.args, **job.kwargs)
        except BaseException as exc:  # handed to the GUI thread, which shows or logs it
            self.failed.emit(job.id, exc)
        else:
            self.finished.emit(job.id, result)


class TaskRunner(QObject):
    """Submit service calls from the GUI thread; callbacks run back on the GUI thread."""

    _submit = Signal(object)
    progressed = Signal(int, int, str)
    busy_changed = Signal(bool)

    def __init__(self, database: Database, hub: EventHub, on_unhandled: Callable[[BaseException], None]) -> None:
        super().__init__()
        self.database = database
        self.hub = hub
        self._on_unhandled = on_unhandled
        self._ids = itertools.count(1)
        self._pending: dict[int, _Job] = {}
        self._thread = QThread()
        self._thread.setObjectName("perfbudget-db")
        self._worker = _Worker(database)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._thread.start()

    def submit(self, service: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, raw: bool = False,
               **kwargs: Any) -> int:
        job = _Job(next(self._ids), service, args, kwargs, on_done, on_error, raw)
        self._pending[job.id] = job
        self.busy_changed.emit(True)
        self._submit.emit(job)
        return job.id

    def new_progress(self) -> Progress:
        return Progress(self.progressed.emit)

    def _finish(self, job_id: int) -> _Job:
        job = self._pending.pop(job_id)
        if not self._pending:
            self.busy_changed.emit(False)
        return job

    @Slot(int, object)
    def _done(self, job_id: int, result: Any) -> None:
        job = self._finish(job_id)
        if isinstance(result, Changes):
            self.hub.announce(result)
        if job.on_done is not None and _alive(job.on_done):
            job.on_done(result)

    @Slot(int, object)
    def _failed(self, job_id: int, exc: BaseException) -> None:
        job = self._finish(job_id)
        if job.on_error is not None:
            if _alive(job.on_error):
                job.on_error(exc)
        else:
            self._on_unhandled(exc)

    def idle(self) -> bool:
        return not self._pending

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)
