"""The small dialog that raises corrective-action (纠偏) or rectification (整改) items for the projects selected in
the 运行监控 grid; the page submits one `create_action` per project when it is accepted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from core.common.labels import ACTION_KINDS
from core.monitoring.grid import GridRow

SUGGESTIONS = {
    "corrective": "加快项目实施和资金支付进度，{month}月底前执行率达到序时进度的 80% 以上，并报送纠偏情况。",
    "rectification": "针对监控发现的问题制定整改方案，明确责任人和时限，整改完成后报送整改报告。",
}


@dataclass(frozen=True)
class ActionRequest:
    kind: str
    description: str
    due_date: date | None
    project_ids: tuple[int, ...]


class ActionDialog(QDialog):
    def __init__(self, rows: Sequence[GridRow], month: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("生成纠偏/整改事项")
        self.rows = list(rows)
        self.month = month
        names = "、".join(r.project_name for r in self.rows[:3]) + (f" 等 {len(self.rows)} 个项目"
                                                                    if len(self.rows) > 3 else "")
        self.kind = QComboBox(self)
        for key, label in ACTION_KINDS.items():
            self.kind.addItem(label, key)
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setMinimumSize(420, 90)
        self.has_due = QCheckBox("设定完成期限(&D)", self)
        self.due = QDateEdit(self)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setDate(QDate.currentDate().addDays(30))
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.kind.currentIndexChanged.connect(lambda _i: self._suggest())
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("生成(&O)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("项目：", QLabel(names, self))
        form.addRow("事项类型(&K)：", self.kind)
        form.addRow("要求(&R)：", self.description)
        form.addRow(self.has_due, self.due)
        form.addRow(self.error)
        form.addRow(buttons)
        self._suggest()

    def _suggest(self) -> None:
        texts = {t.format(month=min(self.month + 1, 12)) for t in SUGGESTIONS.values()}
        current = self.description.toPlainText().strip()
        if not current or current in texts:
            self.description.setPlainText(SUGGESTIONS[self.kind.currentData()].format(month=min(self.month + 1, 12)))

    def request(self) -> ActionRequest:
        due = self.due.date().toPython() if self.has_due.isChecked() else None
        return ActionRequest(self.kind.currentData(), self.description.toPlainText().strip(), due,
                             tuple(r.project_id for r in self.rows))

    def _check(self) -> None:
        if len(self.description.toPlainText().strip()) < 4:
            self.error.setText("请写明要求单位做什么（至少 4 个字）。")
            return
        self.accept()
