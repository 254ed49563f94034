"""系统管理 → 单位管理: the unit list and its edit dialog, plus the tab base the other admin tabs share.

The tab base lives here because the area's files were split by user task; the form dialog base moved to
`desktop.widgets.forms` once the 指标库 needed it too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.common.labels import UNIT_KINDS
from core.org import admin
from core.org.dto import UnitInput, UnitRow
from core.org.rules.roles import Permission
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.forms import ServiceDialog
from desktop.widgets.table_model import Column, RowTableModel

PARENT_KINDS = ("department", "township")  # budget units belong to a department or a township


class _EnterFilter(QObject):
    """Calls `action` when Return/Enter is pressed in a table view (the view would only move the cursor)."""

    def __init__(self, view: QAbstractItemView, action: Callable[[], None]) -> None:
        super().__init__(view)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._action()
            return True
        return False


def edit_on_activate(table: SearchableTable, action: Callable[[], None]) -> None:
    """Double-click and Enter on a row run `action` (usually: edit the selected row)."""
    table.view.installEventFilter(_EnterFilter(table.view, action))
    table.view.doubleClicked.connect(lambda _index: action())


class AdminTab(Page):
    """A tab of the admin area; message boxes go through `notify`/`confirm` so tests can replace them."""


    def load(self) -> None:
        """A tab that shows only actions (backup) has nothing to load."""

    def notify(self, kind: str, title: str, text: str) -> None:
        icon = QMessageBox.Icon.Warning if kind == "warning" else QMessageBox.Icon.Information
        QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self).exec()

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes



def stretch_column(table: SearchableTable, column: int) -> None:
    """Give the spare width to `column` (not to the last one) and list rows by the first column, A→Z."""
    header = table.view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)


def select_data(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


class UnitDialog(ServiceDialog):
    """新增 / 编辑 one unit."""

    def __init__(self, ctx: AppContext, units: list[UnitRow], unit: UnitRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "编辑单位" if unit else "新增单位", parent)
        self.unit_id = unit.id if unit else None
        self.code = self.add("编码(&C)：", "code", QLineEdit(unit.code if unit else "", self))
        self.name = self.add("名称(&M)：", "name", QLineEdit(unit.name if unit else "", self))
        self.kind = self.add("类型(&T)：", "kind", QComboBox(self))
        for code, label in UNIT_KINDS.items():
            self.kind.addItem(label, code)
        self.parent_unit = self.add("上级单位(&P)：", "parent_id", QComboBox(self))
        self.parent_unit.addItem("（无）", None)
        for row in units:
            if row.kind in PARENT_KINDS and row.id != self.unit_id:
                self.parent_unit.addItem(f"{row.code} {row.name}", row.id)
        self.sector = self.add("行业(&S)：", "sector", QComboBox(self))
        self.sector.setEditable(True)
        self.sector.addItems(["", *sorted({r.sector for r in units if r.sector})])
        self.active = self.add("", "active", QCheckBox("启用(&A)", self))
        self.active.setChecked(unit.active if unit else True)
        if unit is not None:
            select_data(self.kind, unit.kind)
            select_data(self.parent_unit, unit.parent_id)
            self.sector.setCurrentText(unit.sector or "")
        else:
            select_data(self.kind, "budget_unit")

    def submit(self) -> None:
        self.run(admin.save_unit, UnitInput(
            self.code.text(), self.name.text(), self.kind.currentData(), self.parent_unit.currentData(),
            self.sector.currentText().strip() or None, self.active.isChecked(), self.unit_id))


class UnitsTab(AdminTab):
    """Every unit with search; 新增 / 编辑 for those allowed to manage units."""

    areas = frozenset({Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: UnitDialog | None = None
        self.units: list[UnitRow] = []
        self.model: RowTableModel[UnitRow] = RowTableModel([
            Column("编码", lambda r: r.code), Column("名称", lambda r: r.name),
            Column("类型", lambda r: r.kind_label), Column("上级单位", lambda r: r.parent_name),
            Column("行业", lambda r: r.sector), Column("启用", lambda r: r.active)])
        self.table = SearchableTable(self.model, "搜索编码、名称、行业…", self)
        stretch_column(self.table, 1)
        self.add_button = QPushButton("新增(&N)…", self)
        self.edit_button = QPushButton("编辑(&E)…", self)
        self.add_button.clicked.connect(self.new_unit)
        self.edit_button.clicked.connect(self.edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        can_edit = ctx.actor.can(Permission.MANAGE_UNITS)
        self.add_button.setVisible(can_edit)
        self.edit_button.setVisible(can_edit)
        if can_edit:
            edit_on_activate(self.table, self.edit_selected)

    def load(self) -> None:
        self.read(admin.list_units, self.ctx.actor, on_done=self._show, on_error=self.failed)

    def _show(self, rows: list[UnitRow]) -> None:
        self.units = rows
        self.model.set_rows(rows)
        self.table.fit_columns()

    def new_unit(self) -> None:
        self._open(UnitDialog(self.ctx, self.units, None, self))

    def edit_selected(self) -> None:
        row = self.table.selected_row()
        if row is None:
            self.notify("info", "编辑单位", "请先在表中选择一个单位。")
            return
        self._open(UnitDialog(self.ctx, self.units, row, self))

    def _open(self, dialog: UnitDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()  # one form at a time; keep the last one for its caller until the next
        self.dialog = dialog
        dialog.open()
