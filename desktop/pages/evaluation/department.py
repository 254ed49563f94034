"""部门整体评价 tab: the departments and townships of the year with their overall evaluation (status, score,
grade) on the left, the selected one's scoring sheet on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from core.common.changes import Area
from core.evaluation import department as dept
from core.evaluation.dto import DepartmentRow
from db.codes import DraftStatus
from desktop.pages.evaluation.department_sheet import DepartmentSheetEditor
from desktop.pages.evaluation.overview import GRADE_COLOURS
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher
from desktop.widgets.table_model import Column, RowTableModel


class DepartmentEvaluationTab(Page):
    areas = frozenset({Area.EVALUATION, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[DepartmentRow] = RowTableModel([
            Column("部门（镇街）", lambda r: r.unit_name),
            Column("状态", lambda r: r.status_label), Column("得分", lambda r: r.score, align_right=True),
            Column("等级", lambda r: r.grade, colour=lambda r: GRADE_COLOURS.get(r.grade or ""))])
        self.table = SearchableTable(self.model, "搜索部门名称…", self)
        self.table.view.verticalHeader().hide()  # the list is narrow: the name identifies the row
        self.table.view.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self.open_selected())
        self.counts = QLabel("", self)
        self.report_button = QPushButton("评分表(&P)", self)
        self.report_button.setToolTip("所选部门的部门整体绩效评价评分表（PDF 预览）")
        self.report_button.clicked.connect(self.open_report)
        self.reports = ReportLauncher(self, ctx.runner, self.report_button)
        self.editor = DepartmentSheetEditor(ctx, self)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.counts, 1)
        bottom.addWidget(self.report_button)
        left_layout.addLayout(bottom)
        left.setMinimumWidth(390)  # name, status, score and grade without a horizontal scroll bar
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(dept.list_departments, self.ctx.actor, self.ctx.year, on_done=self._show)

    def _show(self, rows: list[DepartmentRow]) -> None:
        if self._same_units(rows):
            self.model.replace_rows(rows, key=lambda r: r.unit_id)
        else:
            self.model.set_rows(rows)
            self.editor.clear()
        view = self.table.view
        view.resizeColumnsToContents()
        view.setColumnWidth(0, min(view.columnWidth(0), 175))
        done = sum(1 for r in rows if r.status == DraftStatus.FINAL)
        drafts = sum(1 for r in rows if r.status == DraftStatus.DRAFT)
        self.counts.setText(f"共 {len(rows)} 个部门（镇街），已定稿 {done} 个，草稿 {drafts} 个")

    def _same_units(self, rows: list[DepartmentRow]) -> bool:
        """Keep the selection when only scores changed (after a save), instead of resetting the view."""
        return [r.unit_id for r in self.model.rows()] == [r.unit_id for r in rows]

    def open_selected(self) -> None:
        row = self.table.selected_row()
        if row is None or self.ctx.year is None:
            return
        self.read(dept.get_sheet, self.ctx.actor, self.ctx.year, row.unit_id,
                  on_done=self.editor.show_sheet, on_error=self.failed)

    def open_report(self) -> None:
        row = self.table.selected_row()
        if row is not None and self.ctx.year is not None:
            self.reports.build(f"部门整体绩效评价评分表-{row.unit_name}.pdf", dept.department_evaluation_pdf,
                               self.ctx.actor, self.ctx.year, row.unit_id)

    def select_unit(self, unit_id: int) -> bool:
        for row, r in enumerate(self.model.rows()):
            if r.unit_id == unit_id:
                self.table.view.setCurrentIndex(self.table.proxy.mapFromSource(self.model.index(row, 0)))
                return True
        return False
