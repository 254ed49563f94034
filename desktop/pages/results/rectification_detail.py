"""The 整改台账 side panel (the selected item in full, the unit's feedback and the bureau's re-check) and the
dialog that adds a manual item. Both only read widgets and hand service calls to the runner."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.results import rectification as register
from core.results.dto import Choice, ItemInput, ItemRow
from core.results.rules.rectification import SOURCES
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error

OVERDUE_TEXT = "#9c0006"


def _date_edit(parent: QWidget, day: QDate) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(day)
    return edit


class ItemPanel(QWidget):
    """The selected item: its facts, then feedback (unit or bureau) and re-check (bureau only)."""

    def __init__(self, ctx: AppContext, bureau: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item: ItemRow | None = None
        self.facts = QLabel("在左侧表格中选择一项整改事项。", self)
        self.facts.setWordWrap(True)
        self.facts.setObjectName("rectificationFacts")
        self.feedback = QPlainTextEdit(self)
        self.feedback.setPlaceholderText("单位整改情况：做了什么、结果如何、佐证材料")
        self.feedback.setTabChangesFocus(True)
        self.feedback_button = QPushButton("登记反馈(&F)", self)
        self.feedback_button.clicked.connect(self.save_feedback)
        self.opinion = QPlainTextEdit(self)
        self.opinion.setPlaceholderText("复核意见（复核不合格时必填）")
        self.opinion.setTabChangesFocus(True)
        self.pass_button = QPushButton("复核通过(&P)", self)
        self.fail_button = QPushButton("复核不合格(&N)", self)
        self.pass_button.clicked.connect(lambda: self.recheck(True))
        self.fail_button.clicked.connect(lambda: self.recheck(False))
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        feedback_box = QGroupBox("单位整改反馈", self)
        fl = QVBoxLayout(feedback_box)
        fl.addWidget(self.feedback)
        fl.addWidget(self.feedback_button)
        self.recheck_box = QGroupBox("财政局复核", self)
        rl = QVBoxLayout(self.recheck_box)
        rl.addWidget(self.opinion)
        row = QHBoxLayout()
        row.addWidget(self.pass_button)
        row.addWidget(self.fail_button)
        rl.addLayout(row)
        self.recheck_box.setVisible(bureau)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(feedback_box, 1)
        layout.addWidget(self.recheck_box, 1)
        layout.addWidget(self.message)
        self.show_item(None)

    def show_item(self, item: ItemRow | None) -> None:
        if item is None or self.item is None or item.uid != self.item.uid:
            self._say("")
        self.item = item
        if item is None:
            self.facts.setText("在左侧表格中选择一项整改事项。")
        else:
            lines = [f"单位：{item.unit_name}（{item.unit_code}）",
                     f"项目/事项：{item.subject}" + (f"（{item.project_code}）" if item.project_code else ""),
                     f"来源：{item.source_label}", f"整改要求：{item.requirement}",
                     f"下达日期：{formatting.screen_date(item.issued_on)}　整改期限：{formatting.screen_date(item.deadline)}",
                     f"状态：{item.status_label}" + ("（已逾期）" if item.overdue and item.display_status != "overdue"
                                                   else "")]
            if item.feedback_at is not None:
                via = f"，交换包 {item.feedback_package}" if item.feedback_package else ""
                lines.append(f"反馈时间：{formatting.screen_time(item.feedback_at)}{via}")
            if item.recheck_opinion:
                lines.append(f"复核意见：{item.recheck_opinion}（{item.rechecked_by}）")
            self.facts.setText("\n".join(lines))
            self.facts.setStyleSheet(f"color: {OVERDUE_TEXT};" if item.overdue else "")
        self.feedback.setPlainText(item.feedback or "" if item else "")
        self.opinion.setPlainText("")
        closed = item is None or item.status == "done"
        self.feedback.setEnabled(not closed)
        self.feedback_button.setEnabled(not closed)
        can_recheck = item is not None and item.status == "in_progress"
        for widget in (self.opinion, self.pass_button, self.fail_button):
            widget.setEnabled(can_recheck)

    def save_feedback(self) -> None:
        if self.item is not None:
            self.ctx.runner.write(register.record_feedback, self.ctx.actor, self.item.uid,
                                  self.feedback.toPlainText(), datetime.now(UTC), None, self.item.version,
                                  on_done=lambda _c: self._say("已登记整改反馈。"), on_error=self._failed)

    def recheck(self, passed: bool) -> None:
        if self.item is not None:
            self.ctx.runner.write(register.recheck, self.ctx.actor, self.item.uid, passed,
                                  self.opinion.toPlainText(), self.item.version,
                                  on_done=lambda _c: self._say("已记录复核结果。"), on_error=self._failed)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {OVERDUE_TEXT};" if error else "")

    def _failed(self, exc: BaseException) -> None:
        """A refusal (no opinion, a closed item, changed meanwhile) is said beside the buttons; anything else is
        reported by the error dialog."""
        if isinstance(exc, USER_ERRORS):
            self._say(str(exc), error=True)
        else:
            show_error(self, exc)


class AddItemDialog(QDialog):
    """新增事项: a manual item for a unit (optionally one of its projects); the deadline defaults to the
    setting's number of days after the issue date."""

    def __init__(self, ctx: AppContext, units: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新增整改事项")
        self.unit = QComboBox(self)
        for u in units:
            self.unit.addItem(f"{u.code} {u.name}", u.id)
        self.project = QComboBox(self)
        self.source = QComboBox(self)
        for key, label in SOURCES.items():
            self.source.addItem(label, key)
        self.source.setCurrentIndex(self.source.findData("other"))
        self.requirement = QPlainTextEdit(self)
        self.requirement.setTabChangesFocus(True)
        self.requirement.setMinimumSize(420, 90)
        self.issued_on = _date_edit(self, QDate.currentDate())
        self.default_deadline = QCheckBox("按默认天数(&D)", self)
        self.default_deadline.setChecked(True)
        self.deadline = _date_edit(self, QDate.currentDate().addDays(30))
        self.deadline.setEnabled(False)
        self.default_deadline.toggled.connect(lambda on: self.deadline.setEnabled(not on))
        self.error = QLabel("", self)
        self.error.setStyleSheet(f"color: {OVERDUE_TEXT};")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("单位(&U)：", self.unit)
        form.addRow("项目(&J)：", self.project)
        form.addRow("来源(&O)：", self.source)
        form.addRow("整改要求(&R)：", self.requirement)
        form.addRow("下达日期(&I)：", self.issued_on)
        form.addRow(self.default_deadline, self.deadline)
        form.addRow(self.error)
        form.addRow(buttons)
        self.unit.currentIndexChanged.connect(lambda _i: self.load_projects())
        self.load_projects()

    def load_projects(self) -> None:
        self.project.clear()
        self.project.addItem("（不关联项目）", None)
        unit_id = self.unit.currentData()
        if unit_id is not None and self.ctx.year is not None:
            self.ctx.runner.read(register.project_choices, self.ctx.actor, self.ctx.year, unit_id,
                                 on_done=self._show_projects, on_error=lambda exc: show_error(self, exc))

    def _show_projects(self, projects: list[Choice]) -> None:
        for p in projects:
            self.project.addItem(f"{p.code} {p.name}", p.id)

    def form(self) -> ItemInput:
        assert self.ctx.year is not None
        deadline = None if self.default_deadline.isChecked() else self.deadline.date().toPython()
        return ItemInput(self.ctx.year, self.unit.currentData(), self.requirement.toPlainText(),
                         self.issued_on.date().toPython(), deadline, self.project.currentData(),
                         self.source.currentData())

    def save(self) -> None:
        if self.unit.currentData() is None or self.ctx.year is None:
            self.error.setText("请选择单位。")
            return
        self.ctx.runner.write(register.add_item, self.ctx.actor, self.form(), on_done=self._saved,
                              on_error=self._failed)

    def _saved(self, _added: register.ItemAdded) -> None:
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.error.setText(str(exc))
        else:
            show_error(self, exc)
