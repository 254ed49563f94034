"""The monitoring table (绩效监控表) of one project in a round, as a unit fills it: the budget part (adjustment,
full-year forecast, deviation cause and measures) and one line per 三级 indicator (completion so far, forecast,
likelihood, cause, analysis, measures, needs rectification). Save as draft or submit; the service enforces that
有可能 / 完全不可能 come with a forecast and an analysis, and its message is shown in place."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.goals.rules.notation import format_decimal
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import EntryInput, EntryView
from core.monitoring.rules import lights as rules
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.widgets.editable_rows import ChoiceDelegate

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("序", "三级指标", "指标值", "1-X月完成值", "全年预计", "完成可能性", "偏差原因", "原因分析", "纠偏措施",
           "需整改", "灯")
ACTUAL, FORECAST, LIKELIHOOD, CAUSE, ANALYSIS, MEASURES, RECTIFY = range(3, 10)
CHOICES = {LIKELIHOOD: ["", *rules.LIKELIHOODS.values()], CAUSE: ["", *rules.CAUSES]}
LIKELIHOOD_CODES = {label: code for code, label in rules.LIKELIHOODS.items()}


def _decimal(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    value = Decimal(text)
    if not value.is_finite():
        raise InvalidOperation
    return value


class LinesModel(QAbstractTableModel):
    """The indicator lines of the form; qualitative lines take 达成 / 部分达成 / 未达成 as their completion."""

    problem = Signal(str)  # what was wrong with the last edit ("" when it was accepted)

    def __init__(self, view: EntryView, editable: bool) -> None:
        super().__init__()
        self.indicators = view.detail.indicators
        self.lines = list(view.form.lines)
        self.editable = editable
        self.month = len(view.detail.cumulative_rate)
        self.problem_text = ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].replace("X", str(self.month))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and ACTUAL <= index.column() <= MEASURES:
            return base | Qt.ItemFlag.ItemIsEditable
        if self.editable and index.column() == RECTIFY:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ind, line, col = self.indicators[index.row()], self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == RECTIFY:
            return Qt.CheckState.Checked if line.needs_rectification else Qt.CheckState.Unchecked
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        target = ind.target_text if ind.comparator == "qual" else (
            f"{rules_symbol(ind.comparator)}{ind.target if ind.target is not None else ''}{ind.unit_of_measure or ''}")
        values = {0: ind.position, 1: ind.name, 2: target,
                  ACTUAL: line.actual_text if ind.comparator == "qual" else _text(line.actual),
                  FORECAST: _text(line.forecast), LIKELIHOOD: rules.LIKELIHOODS.get(line.likelihood or "", ""),
                  CAUSE: line.cause or "", ANALYSIS: line.analysis or "", MEASURES: line.measures or "",
                  10: f"{rules.LIGHT_SYMBOLS[ind.light]} {rules.LIGHTS[ind.light]}"}
        return values.get(col)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row, col = index.row(), index.column()
        line, ind = self.lines[row], self.indicators[row]
        try:
            if col == RECTIFY and role == Qt.ItemDataRole.CheckStateRole:
                line = replace(line, needs_rectification=Qt.CheckState(value) == Qt.CheckState.Checked)
            elif col == ACTUAL and ind.comparator == "qual":
                text = str(value).strip()
                if text and text not in rules.QUALITATIVE:
                    raise ValueError(f"第 {ind.position} 条是定性指标，完成值请填“达成”“部分达成”或“未达成”。")
                line = replace(line, actual_text=text or None)
            elif col == ACTUAL:
                line = replace(line, actual=_decimal(str(value)))
            elif col == FORECAST:
                line = replace(line, forecast=_decimal(str(value)))
            elif col == LIKELIHOOD:
                line = replace(line, likelihood=LIKELIHOOD_CODES.get(str(value)) or None)
            elif col == CAUSE:
                line = replace(line, cause=str(value) or None)
            elif col in (ANALYSIS, MEASURES):
                line = replace(line, **{"analysis" if col == ANALYSIS else "measures": str(value).strip() or None})
            else:
                return False
        except InvalidOperation:
            self.problem_text = f"第 {ind.position} 条“{COLUMNS[col]}”：“{value}”不是数值，请只填数字（单位见指标值）。"
            self.problem.emit(self.problem_text)
            return False
        except ValueError as exc:
            self.problem_text = str(exc)
            self.problem.emit(self.problem_text)
            return False
        self.problem_text = ""
        self.problem.emit("")
        self.lines[row] = line
        self.dataChanged.emit(index, index)
        return True


def rules_symbol(comparator: str) -> str:
    return {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}.get(comparator, "")


def _text(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


class EntryChoiceDelegate(ChoiceDelegate):
    """A combo box editor for the likelihood and cause columns."""

    def choices(self, index: Index) -> list[str]:
        return list(CHOICES[index.column()])


class MonitoringEntryDialog(QDialog):
    def __init__(self, ctx: AppContext, view: EntryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view = view
        row = view.detail.row
        editable = view.round_open and view.status != "submitted"
        self.setWindowTitle(f"绩效监控表 — {row.project_name}（{view.round_name}）")
        self.resize(1200, 720)
        heading = QLabel(f"{row.project_code}　{row.project_name}（{row.department_name}）　{view.round_name}　"
                         f"状态：{ {None: '未填报', 'draft': '草稿', 'submitted': '已提交'}[view.status] }", self)
        heading.setObjectName("pageHeading")
        heading.setWordWrap(True)
        facts = QLabel(f"年初预算 {formatting.amount(row.budget)} 万元；1-{len(view.detail.cumulative_rate)}月执行数 "
                       f"{formatting.amount(row.spent)} 万元，执行率 {formatting.percent(row.execution_rate)}，"
                       f"序时进度 {formatting.percent(row.time_progress)}，"
                       f"预算执行 {rules.LIGHT_SYMBOLS[row.budget_light]}{rules.LIGHTS[row.budget_light]}"
                       + ("" if row.goal_basis == "approved" else "；目标表尚未批复，仅监控预算执行。"), self)
        facts.setWordWrap(True)
        self.adjustment = QLineEdit(_text(view.form.budget_adjustment), self)
        self.forecast = QLineEdit(_text(view.form.forecast_spent), self)
        self.forecast.setPlaceholderText(f"系统预测 {formatting.amount(row.forecast)}")
        self.cause = QComboBox(self)
        self.cause.addItems(["", *rules.CAUSES])
        self.cause.setCurrentText(view.form.budget_cause or "")
        self.analysis = QPlainTextEdit(view.form.budget_analysis or "", self)
        self.measures = QPlainTextEdit(view.form.corrective_measures or "", self)
        for edit in (self.analysis, self.measures):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(48)
        form = QFormLayout()
        for text, widget in (("年度预算调整（万元）(&J)：", self.adjustment), ("全年预计执行数（万元）(&F)：", self.forecast),
                             ("预算偏差原因(&C)：", self.cause), ("原因分析(&A)：", self.analysis),
                             ("纠偏措施(&M)：", self.measures)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
            widget.setEnabled(editable)
        self.model = LinesModel(view, editable)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(LIKELIHOOD, EntryChoiceDelegate(self.table))
        self.table.setItemDelegateForColumn(CAUSE, EntryChoiceDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 220))
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存草稿(&S)", self)
        self.submit_button = QPushButton("提交(&T)", self)
        close = QPushButton("关闭", self)
        self.save_button.clicked.connect(lambda: self.save(False))
        self.submit_button.clicked.connect(lambda: self.save(True))
        close.clicked.connect(self.reject)
        for b in (self.save_button, self.submit_button):
            b.setEnabled(editable)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.save_button, self.submit_button, close):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(facts)
        layout.addLayout(form)
        layout.addWidget(QLabel("指标完成情况（“有可能”“完全不可能”须填写全年预计、偏差原因和原因分析）：", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.model.problem.connect(self.message.setText)

    def entry(self) -> EntryInput:
        """The form as typed; raises ValueError naming the field when a number cannot be read."""
        try:
            adjustment = _decimal(self.adjustment.text()) or Decimal(0)
        except InvalidOperation as exc:
            raise ValueError(f"年度预算调整“{self.adjustment.text()}”不是数值。") from exc
        try:
            forecast = _decimal(self.forecast.text())
        except InvalidOperation as exc:
            raise ValueError(f"全年预计执行数“{self.forecast.text()}”不是数值。") from exc
        return EntryInput(adjustment, forecast, self.cause.currentText() or None,
                          self.analysis.toPlainText().strip() or None, self.measures.toPlainText().strip() or None,
                          tuple(self.model.lines))

    def save(self, submit: bool) -> None:
        if self.model.problem_text:
            self.message.setText(self.model.problem_text)
            return
        try:
            form = self.entry()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("正在保存…")
        self.ctx.runner.write(monitoring_rounds.save_entry, self.ctx.actor, self.view.round_id,
                              self.view.detail.row.project_id, form, submit,
                              on_done=lambda _c: self._saved(submit), on_error=self._failed)

    def _saved(self, submitted: bool) -> None:
        self.message.setText("已提交。" if submitted else "已保存草稿。")
        if submitted:
            for w in (self.save_button, self.submit_button):
                w.setEnabled(False)
            self.model.editable = False

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            self.message.setText("")
            show_error(self, exc)
