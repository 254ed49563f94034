"""The indicator tree of a goal table as one widget: the editable grid of `IndicatorModel` with its tree-level
and 指标类型 drop-downs and the buttons to add a row, insert rows from the 指标库 (Ctrl+L) and remove a row. The
project and the department table's editors embed it; problems with an edit go to `message`."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from core.goals.rules.goal_table import IndicatorRow
from desktop.pages.goals.indicators import (
    KIND,
    LEVEL1,
    LEVEL2,
    NAME,
    VALUE,
    IndicatorModel,
    KindDelegate,
    TreeLevelDelegate,
    blank_row,
    from_library,
)
from desktop.pages.library.picker import LibraryPickerDialog
from desktop.shell.context import AppContext


class IndicatorGrid(QWidget):
    def __init__(self, ctx: AppContext, message: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.message = message
        self.sector: str | None = None  # the 指标库 opens on this sector
        self.model = IndicatorModel()
        self.model.problem.connect(message.setText)
        self.grid = QTableView(self)
        self.grid.setModel(self.model)
        self.grid.setItemDelegateForColumn(LEVEL1, TreeLevelDelegate(self.model, LEVEL1, self))
        self.grid.setItemDelegateForColumn(LEVEL2, TreeLevelDelegate(self.model, LEVEL2, self))
        self.grid.setItemDelegateForColumn(KIND, KindDelegate(self))
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.picker: LibraryPickerDialog | None = None
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("add", "添加指标(&A)"), ("library", "从指标库插入(&L)…"), ("remove", "删除指标(&D)"))}
        self.buttons["library"].setToolTip("打开指标库，选择常用指标插入（Ctrl+L）")
        for key, slot in (("add", self.add_row), ("library", self.insert_from_library), ("remove", self.remove_row)):
            self.buttons[key].clicked.connect(slot)
        QShortcut(QKeySequence("Ctrl+L"), self, self.insert_from_library)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.grid, 1)
        layout.addLayout(row)

    def set_rows(self, rows: tuple[IndicatorRow, ...], editable: bool) -> None:
        self.model.set_rows(rows, editable)
        self.grid.resizeColumnsToContents()
        for button in self.buttons.values():
            button.setEnabled(editable)

    def rows(self) -> tuple[IndicatorRow, ...]:
        return tuple(self.model.rows)

    def add_row(self) -> None:
        current = self.grid.currentIndex()
        position = current.row() + 1 if current.isValid() else len(self.model.rows)
        level1 = self.model.rows[current.row()].level1 if current.isValid() else "产出指标"
        self.model.insert_row(position, blank_row(level1))
        self.grid.setCurrentIndex(self.model.index(position, NAME))
        self.grid.edit(self.model.index(position, NAME))

    def insert_from_library(self) -> None:
        if not self.buttons["library"].isEnabled():
            return
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = LibraryPickerDialog(self.ctx, self.sector, self)
        self.picker.accepted.connect(self._insert_chosen)
        self.picker.open()

    def _insert_chosen(self) -> None:
        assert self.picker is not None
        present = {row.key for row in self.model.rows}
        rows = [row for row in map(from_library, self.picker.chosen()) if row.key not in present]
        skipped = len(self.picker.chosen()) - len(rows)
        note = f"（{skipped} 条表中已有，未重复插入）" if skipped else ""
        if not rows:
            self.message.setText(f"所选的 {skipped} 条指标表中已有，未重复插入。" if skipped else "")
            return
        first = self.model.append_rows(rows)
        self.grid.resizeColumnToContents(VALUE)
        self.grid.scrollToBottom()
        self.grid.setCurrentIndex(self.model.index(first, VALUE))
        self.grid.setFocus()
        self.message.setText(f"已从指标库插入 {len(rows)} 条指标{note}，请在“指标值”列填写目标值（输入数值即可）。")

    def remove_row(self) -> None:
        current = self.grid.currentIndex()
        if current.isValid():
            self.model.remove_row(current.row())
