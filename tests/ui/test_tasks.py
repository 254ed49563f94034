"""The background runner with a widget that goes away before its answer: a closed dialog's callback is skipped rather
than called on a deleted C++ object (which would raise in the GUI thread)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget

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
    runner.submit(slow, on_done=gone.take)
    runner.submit(slow, on_done=kept.take)
    shiboken6.delete(gone)
    release.set()
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert not shiboken6.isValid(gone) and kept.answers == [42]
