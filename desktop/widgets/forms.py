"""The base of the app's small forms: fields in a form layout, OK runs one service call in the background,
and a refused input keeps the dialog open with the service's message next to the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from core.common.errors import USER_ERRORS
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error


class ServiceDialog(QDialog):
    """A form whose OK runs one service call in the background; a refused input keeps it open, explained."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}  # service field name -> widget to focus on its error
        self.error = QLabel("", self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add(self, label: str, field: str, widget: QWidget) -> Any:
        self.form.addRow(label, widget)
        self.fields[field] = widget
        return widget

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, service: Callable[..., Any], *args: Any) -> None:
        self.buttons.setEnabled(False)
        self.error.setText("")
        self.ctx.runner.write(service, self.ctx.actor, *args, on_done=self._done, on_error=self._failed)

    def _done(self, _result: object) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not isinstance(exc, USER_ERRORS):
            show_error(self, exc)
            return
        self.error.setText(str(exc))
        widget = self.fields.get(getattr(exc, "field", None) or "")
        if widget is not None:
            widget.setFocus()
