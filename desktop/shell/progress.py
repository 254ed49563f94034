"""A progress dialog with a cancel button for long service calls run on the background helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.shell.tasks import TaskRunner


def run_with_progress(parent: QWidget | None, runner: TaskRunner, title: str, service: Callable[..., Any],
                      *args: Any, **kwargs: Any) -> Any:
    """Run `service(uow, *args, progress=...)`, showing its steps; 取消 rolls its unit of work back.

    Returns the service's result, or raises its error (`Cancelled` when the user cancelled).
    """
    progress = runner.new_progress()
    dialog = QProgressDialog(title, "取消", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(progress.cancel)

    def step(done: int, total: int, text: str) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)
        if text:
            dialog.setLabelText(f"{title}\n{text}…")

    runner.progressed.connect(step)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    runner.write(service, *args, progress=progress, on_done=lambda r: finish("result", r),
                 on_error=lambda e: finish("error", e), **kwargs)
    dialog.show()
    if not outcome:
        loop.exec()
    runner.progressed.disconnect(step)
    dialog.close()
    # Deleted by the GUI thread's event loop, never by a garbage collection that happens to run on the worker.
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
