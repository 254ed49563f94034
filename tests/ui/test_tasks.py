"""The background runner with a widget that goes away before its answer: a closed dialog's callback is skipped rather
than called on a deleted C++ object (which would raise in the GUI thread)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget

from core.common.changes import Area, Changes
from db.models import Unit
from db.uow import UnitOfWork
from desktop.shell.tasks import TaskRunner


class _Waiting(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def take(self, result: object) -> None:
        self.setWindowTitle(str(result))  # touches the C++ object, as every page's callback does
        self.answers.append(result)


def test_answer_for_a_deleted_widget_is_dropped(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()

    def slow(uow: UnitOfWork) -> int:
        release.wait(10)
        return 42

    gone, kept = _Waiting(), _Waiting()
    qtbot.addWidget(kept)
    runner.read(slow, on_done=gone.take)
    runner.read(slow, on_done=kept.take)
    shiboken6.delete(gone)
    release.set()
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert not shiboken6.isValid(gone) and kept.answers == [42]


def test_a_lambda_answer_for_a_deleted_widget_is_dropped(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    """A lambda closing over the widget is guarded like a bound method (most page callbacks are lambdas)."""
    release = threading.Event()

    def slow(uow: UnitOfWork) -> int:
        release.wait(10)
        return 7

    gone = _Waiting()
    runner.read(slow, on_done=lambda result: gone.take(result))
    shiboken6.delete(gone)
    release.set()
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert not shiboken6.isValid(gone)


def _save_unit(uow: UnitOfWork, code: str) -> Changes:
    uow.write()
    uow.session.add(Unit(code=code, name=f"单位{code}", kind="department"))
    uow.commit()
    return Changes.of(Area.UNITS)


def test_a_write_is_announced_with_its_initiator_and_a_read_is_not(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    heard: list[tuple[Changes, object]] = []
    runner.hub.changes_applied.connect(lambda changes, initiator: heard.append((changes, initiator)))
    page = _Waiting()
    qtbot.addWidget(page)
    runner.write(_save_unit, "D101", on_done=page.take, initiator=page)
    runner.read(lambda uow: Changes.of(Area.GOALS), on_done=page.take)  # a read never announces
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert heard == [(Changes.of(Area.UNITS), page)] and len(page.answers) == 2


def test_the_answer_is_dropped_once_the_initiator_is_gone_but_the_change_is_heard(qtbot, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    heard: list[tuple[Changes, object]] = []
    runner.hub.changes_applied.connect(lambda changes, initiator: heard.append((changes, initiator)))
    answers: list[object] = []

    def slow_save(uow: UnitOfWork) -> Changes:
        release.wait(10)
        return _save_unit(uow, "D102")

    page = _Waiting()
    runner.write(slow_save, on_done=answers.append, initiator=page)
    shiboken6.delete(page)
    release.set()
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert answers == [] and heard == [(Changes.of(Area.UNITS), None)]
