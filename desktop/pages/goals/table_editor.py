"""What the project's and the department's goal table editors share: the heading, the reviewer's decision, the
message line, the save draft (Ctrl+S) / submit / adjust / close buttons enabled by the table's status, asking for
an adjustment's reason, and the service's refusal shown on the message line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import USER_ERRORS
from core.goals.rules.goal_table import can_edit
from db.codes import GoalStatus
from desktop.pages.goals.decision import DecisionNote
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error

ACTIONS = (("save", "保存草稿(&S)"), ("submit", "提交审核(&T)"), ("adjust", "调整(&J)…"), ("close", "关闭"))


class TableEditorDialog(QDialog):
    """A subclass builds its fields, calls `_make_buttons` where the buttons belong in the Tab order, then
    `_lay_out`; it gives `save`, `submit` and `adjust_with(reason)`."""

    adjust_title = "调整绩效目标"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.heading = QLabel(self)
        self.heading.setObjectName("pageHeading")
        self.decision = DecisionNote(self)  # the reviewer's opinion when the table came back (or was decided)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}

    def save(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        raise NotImplementedError

    def adjust_with(self, reason: str) -> None:
        raise NotImplementedError

    def _make_buttons(self, own: tuple[tuple[str, str, Callable[[], None]], ...] = ()) -> None:
        """The subclass's own buttons (key, text, slot), then save, submit, adjust and close."""
        slots = {"save": self.save, "submit": self.submit, "adjust": self.adjust, "close": self.reject}
        for key, text, slot in (*own, *((key, text, slots[key]) for key, text in ACTIONS)):
            self.buttons[key] = QPushButton(text, self)
            self.buttons[key].clicked.connect(slot)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def _lay_out(self, form: QFormLayout, *parts: QWidget) -> None:
        """Heading, decision, the form, `parts` (the last one takes the spare height), message, buttons."""
        row = QHBoxLayout()
        row.addStretch(1)
        for key, _text in ACTIONS:
            row.addWidget(self.buttons[key])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.decision)
        layout.addLayout(form)
        for part in parts[:-1]:
            layout.addWidget(part)
        layout.addWidget(parts[-1], 1)
        layout.addWidget(self.message)
        layout.addLayout(row)

    def _show_status(self, status: str, queue_key: int) -> None:
        """Enable saving and submitting while the table may be edited, offer 调整 on an approved one, and show
        the reviewer's decision on the table of review queue key `queue_key`."""
        editable = can_edit(status)
        self.buttons["save"].setEnabled(editable)
        self.buttons["submit"].setEnabled(editable)
        self.buttons["adjust"].setVisible(status == GoalStatus.APPROVED)
        self.decision.load(self.ctx, status, queue_key)

    def adjust(self) -> None:
        reason, ok = QInputDialog.getText(self, self.adjust_title, "调整原因（将记入新版本）：")
        if ok:
            self.adjust_with(reason)

    @staticmethod
    def saved_note(version: int, status_label: str) -> str:
        return f"已保存（第 {version} 版，状态：{status_label}）。"

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)
