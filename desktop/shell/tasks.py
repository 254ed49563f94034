"""The single background helper: all database work runs on one worker thread, one unit of work per call.

A long job gets a `Progress` object; its `report()` raises `Cancelled` once the user pressed cancel,
which unwinds the service and rolls its unit of work back.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.common.changes import changes_in
from core.common.runner import call
from db.database import Database
from desktop.shell.hub import EventHub

log = logging.getLogger(__name__)


def _owner(callback: Callable[..., Any] | None) -> QObject | None:
    """The widget a callback belongs to: a bound method's object, that of a functools.partial of one, or the widget a
    lambda closes over (`lambda rows: self._show(rows)`), so that every kind of callback is guarded."""
    while isinstance(callback, functools.partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, QObject):
        return owner
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, QObject):
            return value
    return None


def _gone(obj: QObject | None) -> bool:
    """True for a widget that was closed and deleted while its job ran: calling into it would raise "C++ object
    already deleted" in the GUI thread."""
    return obj is not None and not shiboken6.isValid(obj)


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
    writes: bool  # its change record is announced
    initiator: weakref.ref[QObject] | None  # the widget that submitted it; its answers are dropped once it is gone

    def initiator_now(self) -> QObject | None:
        """The initiator if it still exists, else None."""
        obj = self.initiator() if self.initiator is not None else None
        return None if obj is None or _gone(obj) else obj

    def answer_wanted(self, callback: Callable[..., Any]) -> bool:
        """Whether the callback may run: neither the initiator nor the callback's own widget was deleted."""
        if self.initiator is not None and self.initiator_now() is None:
            return False
        return not _gone(_owner(callback))


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
    """Submit service calls from the GUI thread with `read` or `write`; callbacks run back on the GUI thread.

    A write's change record (the result, or its `changes` field) is announced on the hub with the initiator, the
    widget that submitted the job, before `on_done` runs; no page announces by hand. The callbacks of a job whose
    initiator (or the callback's own widget) was deleted meanwhile are dropped; its changes are still announced.
    """

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

    def read(self, service: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, initiator: QObject | None = None,
             **kwargs: Any) -> int:
        """Run a service that only reads; nothing is announced."""
        return self._queue(service, args, kwargs, on_done, on_error, initiator, raw=False, writes=False)

    def write(self, service: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None, initiator: QObject | None = None,
              raw: bool = False, **kwargs: Any) -> int:
        """Run a writing service (with `raw`, one that takes the Database itself: backup, restore) and announce the
        change record it returns."""
        return self._queue(service, args, kwargs, on_done, on_error, initiator, raw=raw, writes=True)

    def _queue(self, service: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
               on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None,
               initiator: QObject | None, raw: bool, writes: bool) -> int:
        origin = initiator if initiator is not None else _owner(on_done) or _owner(on_error)
        job = _Job(next(self._ids), service, args, kwargs, on_done, on_error, raw, writes,
                   weakref.ref(origin) if origin is not None else None)
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
        changes = changes_in(result) if job.writes else None
        if changes is not None:
            self.hub.announce(changes, job.initiator_now())
        if job.on_done is not None and job.answer_wanted(job.on_done):
            job.on_done(result)

    @Slot(int, object)
    def _failed(self, job_id: int, exc: BaseException) -> None:
        job = self._finish(job_id)
        committed = changes_in(exc) if job.writes else None  # a long job that failed after committing a part
        if committed is not None:
            self.hub.announce(committed, job.initiator_now())
        if job.on_error is None:
            self._on_unhandled(exc)
        elif job.answer_wanted(job.on_error):
            job.on_error(exc)

    def idle(self) -> bool:
        return not self._pending

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)
