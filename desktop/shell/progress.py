"""A progress dialog with a cancel button for long service calls run on the background helper: the one way a long
job (demo generation, an export of 80,000 rows, a batch of files) shows its steps and can be cancelled.

The service takes `progress=` (a `tasks.Progress`); its `report()` moves the dialog and raises `Cancelled` once the
user pressed 取消, which rolls its unit of work back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.shell.tasks import TaskRunner


class ProgressJob:
    """One long job with its dialog; `start` submits it, the dialog closes when its answer arrives."""

    def __init__(self, parent: QWidget | None, runner: TaskRunner, title: str) -> None:
        self.runner = runner
        self.title = title
        self.progress = runner.new_progress()
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal if parent is None
                                      else Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.progress.cancel)

    def start(self, service: Callable[..., Any], *args: Any, writes: bool, on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None], initiator: QWidget | None = None, **kwargs: Any) -> None:
        self.runner.progressed.connect(self._step)
        self._on_done, self._on_error = on_done, on_error
        run = self.runner.write if writes else self.runner.read
        run(service, *args, progress=self.progress, on_done=self._done, on_error=self._failed, initiator=initiator,
            **kwargs)
        self.dialog.show()

    def _step(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        if text:
            self.dialog.setLabelText(f"{self.title}\n{text}…")

    def _finish(self) -> None:
        self.runner.progressed.disconnect(self._step)
        self.dialog.close()
        # Deleted by the GUI thread's event loop, never by a garbage collection that happens to run on the worker.
        self.dialog.deleteLater()

    def _done(self, result: Any) -> None:
        self._finish()
        self._on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self._on_error(exc)


def run_with_progress(parent: QWidget | None, runner: TaskRunner, title: str, service: Callable[..., Any],
                      *args: Any, **kwargs: Any) -> Any:
    """Run the writing `service(uow, *args, progress=...)` and wait, showing its steps; 取消 rolls it back.

    Returns the service's result, or raises its error (`Cancelled` when the user cancelled).
    """
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    ProgressJob(parent, runner, title).start(service, *args, writes=True, on_done=lambda r: finish("result", r),
                                             on_error=lambda e: finish("error", e), **kwargs)
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
