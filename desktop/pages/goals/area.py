"""绩效目标 area: the year's goal tables (a clerk sees its own unit's), opened for editing or version comparison;
the 部门整体 tab holds the departments' own tables (`desktop.pages.goals.department`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from core.common.changes import Area
from core.common.labels import GOAL_STATUSES
from core.goals import service as goals
from core.goals.dto import GoalTableDetail, GoalTableRow
from desktop.pages.goals.department import DepartmentGoalsTab
from desktop.pages.goals.editor import GoalEditorDialog
from desktop.pages.goals.versions import VersionsDialog
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel


class GoalsPage(Page):
    areas = frozenset({Area.GOALS, Area.REVIEW, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[GoalTableRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("主管单位", lambda r: r.unit_name), Column("属性", lambda r: r.attribute),
            Column("金额（万元）", lambda r: r.total_amount, align_right=True),
            Column("状态", lambda r: r.status_label), Column("版本", lambda r: r.current_version, align_right=True),
            Column("指标数", lambda r: r.indicators, align_right=True), Column("更新时间", lambda r: r.updated_at)])
        self.table = SearchableTable(self.model, "搜索项目编码、名称、单位…", self)
        self.table.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.view.activated.connect(lambda _index: self.open_selected())
        self.status = QComboBox(self)
        self.status.addItem("全部状态", None)
        for code, label in GOAL_STATUSES.items():
            self.status.addItem(label, code)
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.count = QLabel("", self)
        open_button = QPushButton("打开(&O)", self)
        open_button.clicked.connect(self.open_selected)
        versions_button = QPushButton("版本对比(&V)…", self)
        versions_button.clicked.connect(self.compare_selected)
        bar = QHBoxLayout()
        status_label = QLabel("状态(&Z)：", self)
        status_label.setBuddy(self.status)
        for widget in (status_label, self.status, open_button, versions_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.count)
        projects = QWidget(self)
        project_layout = QVBoxLayout(projects)
        project_layout.setContentsMargins(0, 0, 0, 0)
        project_layout.addLayout(bar)
        project_layout.addWidget(self.table, 1)
        self.department = DepartmentGoalsTab(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("goalTabs")
        self.tabs.addTab(projects, "项目")
        self.tabs.addTab(self.department, "部门整体")
        layout = QVBoxLayout(self)
        heading = QLabel("绩效目标表", self)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(goals.list_tables, self.ctx.actor, self.ctx.year, self.status.currentData(),
                      on_done=self._show)

    def _show(self, rows: list[GoalTableRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 张")
        self.table.view.resizeColumnsToContents()
        self.table.view.setColumnWidth(1, min(self.table.view.columnWidth(1), 360))

    def _with_detail(self, show: type[GoalEditorDialog] | type[VersionsDialog]) -> None:
        row = self.table.selected_row()
        if row is None:
            return
        self.read(goals.get_table, self.ctx.actor, row.project_id,
                  on_done=lambda detail: self._open(show, detail),
                  on_error=self.failed)

    def _open(self, show: type[GoalEditorDialog] | type[VersionsDialog], detail: GoalTableDetail) -> None:
        self.dialog = show(self.ctx, detail, self)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.show()

    def open_selected(self) -> None:
        self._with_detail(GoalEditorDialog)

    def compare_selected(self) -> None:
        self._with_detail(VersionsDialog)
