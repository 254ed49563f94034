"""The department goal table editor (部门整体绩效目标): 负责人 and 联系电话, the budget by source beside the sum of the
department's projects, 年度总体目标 and the other texts, the 重点工作任务 grid and the indicator tree (the same
grid as a project's table); save draft (Ctrl+S), submit, adjust with a reason."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.goals import department as dg
from core.goals.rules.department import Budget, Contact
from core.goals.rules.goal_table import GoalContent, can_edit
from core.review.department import queue_key
from db.codes import GoalStatus
from desktop.pages.exante.form import parse_amount
from desktop.pages.goals.department_tasks import TASK, TaskModel
from desktop.pages.goals.indicator_grid import IndicatorGrid
from desktop.pages.goals.table_editor import TableEditorDialog
from desktop.shell.context import AppContext

TEXTS = {"overview": "部门职能概况", "long_term_goal": "中长期目标", "annual_goal": "年度总体目标"}
SOURCES = {"total": "预算合计", "fiscal": "财政拨款", "carryover": "上年结转", "other": "其他资金"}


class DepartmentGoalEditorDialog(TableEditorDialog):
    adjust_title = "调整部门整体绩效目标"

    def __init__(self, ctx: AppContext, detail: dg.DepartmentGoalDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.resize(1150, 800)
        self.manager, self.phone = QLineEdit(self), QLineEdit(self)
        self.amounts = {key: QLineEdit(self) for key in SOURCES}
        self.project_sums = {key: QLabel("", self) for key in SOURCES}
        self.texts = {key: QPlainTextEdit(self) for key in TEXTS}
        form = QFormLayout()
        contact = QHBoxLayout()
        contact.addWidget(self.manager)
        phone_label = QLabel("联系电话(&P)：", self)
        phone_label.setBuddy(self.phone)
        contact.addWidget(phone_label)
        contact.addWidget(self.phone)
        form.addRow("负责人(&R)：", contact)
        budget = QGridLayout()
        for column, (key, label) in enumerate(SOURCES.items()):
            budget.addWidget(QLabel(f"{label}：", self), 0, column)
            budget.addWidget(self.amounts[key], 1, column)
            budget.addWidget(self.project_sums[key], 2, column)
            self.amounts[key].setToolTip(f"{label}（万元）；下方为本部门本年度项目的合计")
        form.addRow("部门预算（万元）：", budget)
        for key, label in TEXTS.items():
            self.texts[key].setMaximumHeight(60)
            self.texts[key].setTabChangesFocus(True)
            form.addRow(f"{label}：", self.texts[key])
        self.tasks = TaskModel(self)
        self.tasks.problem.connect(self.message.setText)
        self.task_grid = QTableView(self)
        self.task_grid.setModel(self.tasks)
        self.task_grid.horizontalHeader().setSectionResizeMode(TASK, QHeaderView.ResizeMode.Stretch)
        self.indicators = IndicatorGrid(ctx, self.message, self)
        self._make_buttons((("add_task", "添加任务(&K)", self.add_task), ("remove_task", "删除任务(&E)", self.remove_task)))
        task_page = QWidget(self)
        task_layout = QVBoxLayout(task_page)
        task_layout.addWidget(self.task_grid, 1)
        task_buttons = QHBoxLayout()
        task_buttons.addWidget(self.buttons["add_task"])
        task_buttons.addWidget(self.buttons["remove_task"])
        task_buttons.addStretch(1)
        task_layout.addLayout(task_buttons)
        self.parts = QTabWidget(self)
        self.parts.addTab(task_page, "重点工作任务")
        self.parts.addTab(self.indicators, "绩效指标")
        self._lay_out(form, self.parts)
        self.show_detail(detail)

    def show_detail(self, detail: dg.DepartmentGoalDetail) -> None:
        self.detail = detail
        editable = can_edit(detail.status)
        open_ = editable or detail.status == GoalStatus.APPROVED  # an approved table is changed by 调整
        self.setWindowTitle(f"部门整体绩效目标 — {detail.unit_name}")
        self.heading.setText(f"{detail.title}  状态：{detail.status_label}  第 {detail.current_version} 版")
        self.manager.setText(detail.contact.manager or "")
        self.phone.setText(detail.contact.phone or "")
        for key, edit in self.amounts.items():
            edit.setText(formatting.plain(getattr(detail.budget, key)) or "")
            self.project_sums[key].setText(f"项目合计 {formatting.amount(getattr(detail.project_budget, key))}")
        for key, text in self.texts.items():
            text.setPlainText(getattr(detail.content, key) or "")
        for widget in (self.manager, self.phone, *self.amounts.values(), *self.texts.values()):
            widget.setReadOnly(not open_)
        self.tasks.set_rows(detail.tasks, open_)
        self.task_grid.resizeColumnsToContents()
        self.indicators.set_rows(detail.content.indicators, open_)
        for key in ("add_task", "remove_task"):
            self.buttons[key].setEnabled(open_)
        self._show_status(detail.status, queue_key(detail.goal_table_id))

    def budget(self) -> Budget:
        values: dict[str, Decimal] = {}
        for key, label in SOURCES.items():
            text = self.amounts[key].text().strip()
            values[key] = parse_amount(text, label) if text else Decimal(0)
        return Budget(**values)

    def content(self) -> GoalContent:
        kept = self.detail.content  # texts a department table does not show stay as they are
        texts = {key: edit.toPlainText().strip() or None for key, edit in self.texts.items()}
        return GoalContent(texts["overview"], kept.basis, kept.schedule, texts["long_term_goal"],
                           texts["annual_goal"], self.indicators.rows())

    def contact(self) -> Contact:
        return Contact(self.manager.text(), self.phone.text()).cleaned()

    def add_task(self) -> None:
        position = self.tasks.add_row()
        self.task_grid.setCurrentIndex(self.tasks.index(position, TASK))
        self.task_grid.edit(self.tasks.index(position, TASK))

    def remove_task(self) -> None:
        current = self.task_grid.currentIndex()
        if current.isValid():
            self.tasks.remove_row(current.row())

    def _run(self, service: object, *args: object) -> None:
        self.message.setText("")
        try:
            budget = self.budget()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.ctx.runner.write(service, self.ctx.actor, self.detail.goal_table_id,  # type: ignore[arg-type]
                              budget, self.content(), tuple(self.tasks.rows), *args,
                              on_done=lambda _changes: self._reload(), on_error=self._failed)

    def _reload(self) -> None:
        self.ctx.runner.read(dg.get, self.ctx.actor, self.detail.goal_table_id, on_done=self._saved)

    def _saved(self, detail: dg.DepartmentGoalDetail) -> None:
        self.show_detail(detail)
        self.message.setText(self.saved_note(detail.current_version, detail.status_label))

    def save(self) -> None:
        if self.buttons["save"].isEnabled():
            self._run(dg.save_draft, self.detail.updated_at, self.contact())

    def submit(self) -> None:
        self._run(dg.save_and_submit, self.detail.updated_at, self.contact())

    def adjust_with(self, reason: str) -> None:
        self._run(dg.adjust, reason, self.detail.updated_at, self.contact())
