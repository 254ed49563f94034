"""部门整体 tab of the 绩效目标 area: the year's department (and township) goal tables the user may see, opened
with Enter or a double click; 新建 starts the table of a department that has none yet (a clerk's own unit, or
the one chosen by the bureau)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.changes import Area
from core.goals import department as dg
from desktop.pages.goals.department_editor import DepartmentGoalEditorDialog
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel


class DepartmentGoalsTab(Page):
    areas = frozenset({Area.GOALS, Area.REVIEW, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[dg.DepartmentGoalRow] = RowTableModel([
            Column("部门（镇街）", lambda r: r.unit_name),
            Column("部门预算（万元）", lambda r: r.total_amount, align_right=True),
            Column("项目合计（万元）", lambda r: r.project_amount, align_right=True),
            Column("状态", lambda r: r.status_label), Column("版本", lambda r: r.current_version, align_right=True),
            Column("重点任务数", lambda r: r.tasks, align_right=True),
            Column("指标数", lambda r: r.indicators, align_right=True), Column("更新时间", lambda r: r.updated_at)])
        self.table = SearchableTable(self.model, "搜索部门名称…", self)
        self.table.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.view.activated.connect(lambda _index: self.open_selected())
        self.units = QComboBox(self)  # departments without a table of the year
        self.units.setMinimumWidth(220)
        self.new_button = QPushButton("新建部门整体目标(&N)", self)
        self.new_button.clicked.connect(self.create)
        open_button = QPushButton("打开(&O)", self)
        open_button.clicked.connect(self.open_selected)
        self.count = QLabel("", self)
        bar = QHBoxLayout()
        units_label = QLabel("部门(&B)：", self)
        units_label.setBuddy(self.units)
        for widget in (units_label, self.units, self.new_button, open_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.dialog: DepartmentGoalEditorDialog | None = None

    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(dg.list_tables, self.ctx.actor, self.ctx.year, on_done=self._show)
            self.read(dg.open_units, self.ctx.actor, self.ctx.year, on_done=self._show_units)

    def _show(self, rows: list[dg.DepartmentGoalRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 张")
        self.table.view.resizeColumnsToContents()

    def _show_units(self, units: list[tuple[int, str]]) -> None:
        self.units.clear()
        for unit_id, name in units:
            self.units.addItem(name, unit_id)
        self.new_button.setEnabled(bool(units))

    def create(self) -> None:
        unit_id = self.units.currentData()
        if unit_id is not None and self.ctx.year is not None:
            self.write(dg.create, self.ctx.actor, unit_id, self.ctx.year, on_done=self._created)

    def _created(self, goal_table_id: int) -> None:
        self.reload()
        self._open_id(goal_table_id)

    def open_selected(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self._open_id(row.goal_table_id)

    def _open_id(self, goal_table_id: int) -> None:
        self.read(dg.get, self.ctx.actor, goal_table_id, on_done=self._open, on_error=self.failed)

    def _open(self, detail: dg.DepartmentGoalDetail) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = DepartmentGoalEditorDialog(self.ctx, detail, self)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.finished.connect(lambda _result: self.reload())
        self.dialog.show()
