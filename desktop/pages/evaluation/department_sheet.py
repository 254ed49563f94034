"""The 部门整体评价 sheet editor: the department's figures (with what the database suggests), the scoring sheet
whose rule items compute their percent and points as figures are typed, the judged items' scores, replacements
with a reason, the live total and grade; 保存草稿 keeps a draft, 定稿 fixes it with the thresholds in force."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import USER_ERRORS
from core.evaluation import department as dept
from core.evaluation.dto import DepartmentSheet
from core.evaluation.rules.department_sheet import (
    ItemEntry,
    SheetItem,
    SheetResult,
    describe_rule,
    parse_figure,
)
from core.evaluation.rules.scoring import ScoringError, grade
from core.goals.rules.notation import format_decimal
from core.org.rules.roles import Permission
from db.codes import DraftStatus
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error

FIELD_COLUMNS = 2


def _text(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


class DepartmentSheetEditor(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sheet: DepartmentSheet | None = None
        self.heading = QLabel("", self)
        self.heading.setObjectName("sectionHeading")
        self.heading.setWordWrap(True)
        self.fields_box = QGroupBox("部门基础数据", self)
        self.items_box = QGroupBox("评分表", self)
        self.figure_edits: dict[str, QLineEdit] = {}
        self.hints: dict[str, QLabel] = {}
        self.score_edits: dict[str, QLineEdit] = {}
        self.note_edits: dict[str, QLineEdit] = {}
        self.figure_labels: dict[str, QLabel] = {}
        self.rule_labels: dict[str, QLabel] = {}
        self.summary = QLabel("", self)
        bold = self.summary.font()
        bold.setBold(True)
        self.summary.setFont(bold)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.prefill_button = QPushButton("填入库中数据(&P)", self)
        self.prefill_button.setToolTip("把根据项目预算、监控调整和支付数据得出的数填入空白项")
        self.prefill_button.clicked.connect(self.fill_suggested)
        self.save_button = QPushButton("保存草稿(&S)", self)
        self.save_button.clicked.connect(lambda: self.save())
        self.finalise_button = QPushButton("定稿(&F)…", self)
        self.finalise_button.clicked.connect(self.ask_finalise)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.fields_box)
        body.addWidget(self.items_box)
        body.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.prefill_button, self.save_button, self.finalise_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.items_grid: QWidget | None = None
        QVBoxLayout(self.items_box).setContentsMargins(4, 4, 4, 4)
        self._build_fields()
        self._build_items(dept.sheet_items())
        self.clear()

    def clear(self) -> None:
        """No department chosen: nothing to edit."""
        self.sheet = None
        self.heading.setText("请在左侧选择一个部门（或镇街）进行部门整体评价。")
        self.summary.setText("")
        self.message.setText("")
        for edit in (*self.figure_edits.values(), *self.score_edits.values(), *self.note_edits.values()):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        for hint in self.hints.values():
            hint.clear()
        self.body.setEnabled(False)
        for button in (self.prefill_button, self.save_button, self.finalise_button):
            button.setEnabled(False)

    def _build_fields(self) -> None:
        grid = QGridLayout(self.fields_box)
        for n, f in enumerate(dept.figure_fields()):
            row, col = divmod(n, FIELD_COLUMNS)
            edit = QLineEdit(self.fields_box)
            edit.setPlaceholderText(f.unit)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.textChanged.connect(lambda _t: self.update_live())
            label = QLabel(f"{f.label}（{f.unit}）：", self.fields_box)
            label.setBuddy(edit)
            hint = QLabel("", self.fields_box)
            hint.setObjectName("hintLabel")
            self.figure_edits[f.key], self.hints[f.key] = edit, hint
            grid.addWidget(label, row, col * 3)
            grid.addWidget(edit, row, col * 3 + 1)
            grid.addWidget(hint, row, col * 3 + 2)
        for col in range(FIELD_COLUMNS):
            grid.setColumnStretch(col * 3 + 1, 1)

    def _build_items(self, items: tuple[SheetItem, ...]) -> None:
        """One row per item of the framework in use (an old evaluation keeps the framework it was scored on)."""
        if self.items_grid is not None:
            self.items_grid.deleteLater()
        self.items_keys = [i.key for i in items]
        self.score_edits, self.note_edits, self.figure_labels, self.rule_labels = {}, {}, {}, {}
        box = self.items_grid = QWidget(self.items_box)
        self.items_box.layout().addWidget(box)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        titles = ("一级", "二级", "评价指标", "分值", "评分规则", "指标值", "规则得分", "得分", "调整理由 / 评分说明")
        for column, title in enumerate(titles):
            grid.addWidget(QLabel(f"<b>{title}</b>", box), 0, column)
        for row, item in enumerate(items, 1):
            name = QLabel(item.name, box)
            name.setToolTip(item.figure_text or describe_rule(item.rule))
            rule = QLabel(describe_rule(item.rule), box)
            rule.setWordWrap(True)
            rule.setToolTip(f"{item.figure_text}\n{describe_rule(item.rule)}" if item.figure_text else "")
            score = QLineEdit(box)
            score.setMaximumWidth(80)
            score.setAlignment(Qt.AlignmentFlag.AlignRight)
            score.setPlaceholderText("评分" if item.judged else "按规则")
            score.textChanged.connect(lambda _t: self.update_live())
            note = QLineEdit(box)
            note.setPlaceholderText("评分说明" if item.judged else "改动规则得分时必填")
            note.textChanged.connect(lambda _t: self.update_live())
            name.setBuddy(score)
            self.score_edits[item.key], self.note_edits[item.key] = score, note
            self.figure_labels[item.key] = QLabel("—", box)
            self.rule_labels[item.key] = QLabel("—", box)
            cells = (QLabel(item.level1, box), QLabel(item.level2, box), name,
                     QLabel(format_decimal(item.weight), box), rule, self.figure_labels[item.key],
                     self.rule_labels[item.key], score, note)
            for column, cell in enumerate(cells):
                grid.addWidget(cell, row, column)
        grid.setColumnStretch(4, 2)
        grid.setColumnStretch(8, 2)

    def show_sheet(self, sheet: DepartmentSheet) -> None:
        self.sheet = sheet
        if [i.key for i in sheet.items] != self.items_keys:
            self._build_items(sheet.items)
        editable = sheet.status != DraftStatus.FINAL and self.ctx.actor.can(Permission.EVALUATE)
        state = dept.STATUSES[sheet.status]
        self.heading.setText(f"{sheet.unit_name}　{sheet.year} 年度部门整体绩效评价　状态：{state}")
        for key, edit in self.figure_edits.items():
            edit.blockSignals(True)
            edit.setText(_text(sheet.figures.get(key)))
            edit.blockSignals(False)
            suggested = sheet.prefilled.get(key)
            self.hints[key].setText("" if suggested is None else f"库中：{format_decimal(suggested)}")
        for item in sheet.items:
            entry = sheet.entries.get(item.key, ItemEntry())
            for edit, value in ((self.score_edits[item.key], _text(entry.score)),
                                (self.note_edits[item.key], entry.analysis if item.judged else entry.reason)):
                edit.blockSignals(True)
                edit.setText(value)
                edit.blockSignals(False)
        self.body.setEnabled(True)
        for edit in (*self.figure_edits.values(), *self.score_edits.values(), *self.note_edits.values()):
            edit.setReadOnly(not editable)
        for button in (self.prefill_button, self.save_button, self.finalise_button):
            button.setEnabled(editable)
        self.message.setText("")
        self.update_live()

    def fill_suggested(self) -> None:
        if self.sheet is None:
            return
        for key, value in self.sheet.prefilled.items():
            edit = self.figure_edits.get(key)
            if edit is not None and not edit.text().strip():
                edit.setText(format_decimal(value))

    def collected(self) -> tuple[dict[str, Decimal | None], dict[str, ItemEntry]]:
        """The figures and entries as typed; ScoringError names the first value that is not a number."""
        labels = {f.key: f.label for f in dept.figure_fields()}
        figures = {key: parse_figure(edit.text(), labels[key]) for key, edit in self.figure_edits.items()}
        entries = {}
        for item in self.sheet.items if self.sheet else ():
            score = parse_figure(self.score_edits[item.key].text(), f"{item.name}的得分")
            note = self.note_edits[item.key].text()
            entries[item.key] = ItemEntry(score, "" if item.judged else note, note if item.judged else "")
        return figures, entries

    def update_live(self) -> None:
        if self.sheet is None:
            return
        try:
            figures, entries = self.collected()
        except ScoringError as exc:
            self.message.setText(str(exc))
            return
        result = self.sheet.result(figures, entries)
        for r in result.items:
            self.figure_labels[r.key].setText("—" if r.figure is None else f"{format_decimal(r.figure)}%")
            self.rule_labels[r.key].setText("—" if r.computed is None else format_decimal(r.computed))
            self.score_edits[r.key].setPlaceholderText(
                format_decimal(r.computed) if r.computed is not None else ("评分" if self._judged(r.key) else "按规则"))
        self.summary.setText(self._summary(result))
        problems = result.problems
        self.message.setText(problems[0] if problems else "")

    def _judged(self, key: str) -> bool:
        return self.sheet is not None and any(i.key == key and i.judged for i in self.sheet.items)

    def _summary(self, result: SheetResult) -> str:
        assert self.sheet is not None
        scored = sum(1 for r in result.items if r.score is not None)
        bounds = "，".join(f"{label}≥{format_decimal(b)}" for label, b in self.sheet.thresholds if b > 0)
        if not result.complete:
            return f"已评 {scored}/{len(result.items)} 项，当前合计 {result.total} 分（等级标准：{bounds}）"
        return f"合计 {result.total} 分　等级：{grade(result.total, self.sheet.thresholds)}（{bounds}）"

    def save(self, then_finalise: bool = False) -> None:
        if self.sheet is None or not self.save_button.isEnabled():
            return
        try:
            figures, entries = self.collected()
        except ScoringError as exc:
            self.message.setText(str(exc))
            return
        sheet = self.sheet
        done = (lambda _c: self._finalise_saved()) if then_finalise else (lambda _c: self._reload("已保存草稿。"))
        self.ctx.runner.write(dept.save_sheet, self.ctx.actor, sheet.year, sheet.unit_id, figures, entries,
                              on_done=done, on_error=self._failed)

    def ask_finalise(self) -> None:
        answer = QMessageBox.question(self, "定稿", "将先保存当前内容再定稿；定稿后得分和等级不再改变。确定定稿吗？")
        if answer == QMessageBox.StandardButton.Yes:
            self.save(then_finalise=True)

    def _finalise_saved(self) -> None:
        assert self.sheet is not None
        self.ctx.runner.write(dept.finalise, self.ctx.actor, self.sheet.year, self.sheet.unit_id,
                              on_done=lambda _c: self._reload("已定稿。"), on_error=self._finalise_failed)

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self._reload(f"已保存草稿，但未定稿：{exc}")
        else:
            show_error(self, exc)

    def _reload(self, note: str) -> None:
        assert self.sheet is not None
        self.ctx.runner.read(dept.get_sheet, self.ctx.actor, self.sheet.year, self.sheet.unit_id,
                             on_done=lambda s: self._show_saved(s, note), on_error=self._failed)

    def _show_saved(self, sheet: DepartmentSheet, note: str) -> None:
        self.show_sheet(sheet)
        self.message.setText(note)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)
