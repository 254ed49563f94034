"""单位自评 tab of the 绩效评价 area: the year's self-evaluations (project, unit, status, score, grade) the user may
see, with 新建/继续自评 (the wizard, for those who fill) and 查看自评表 (the 项目支出绩效自评表 PDF preview)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.changes import Area
from core.evaluation import self_evaluation as se
from core.evaluation.dto import SelfEvaluationRow
from db.codes import DraftStatus
from desktop.pages.evaluation.overview import GRADE_COLOURS
from desktop.pages.evaluation.self_evaluation_wizard import SelfEvaluationWizard
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher, ReportPreview
from desktop.widgets.table_model import Column, RowTableModel


class SelfEvaluationTab(Page):
    areas = frozenset({Area.EVALUATION, Area.GOALS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.wizard: SelfEvaluationWizard | None = None
        self.model: RowTableModel[SelfEvaluationRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("单位", lambda r: r.unit_name), Column("状态", lambda r: r.status_label),
            Column("得分", lambda r: r.score, align_right=True),
            Column("等级", lambda r: r.grade, colour=lambda r: GRADE_COLOURS.get(r.grade or "")),
            Column("更新时间", lambda r: r.updated_at)])
        self.table = SearchableTable(self.model, "搜索项目编码、名称、单位…", self)
        self.table.view.activated.connect(lambda _index: self.open_report())
        self.start_button = QPushButton("新建/继续自评(&N)…", self)
        self.start_button.clicked.connect(self.open_wizard)
        self.start_button.setVisible(se.may_fill(ctx.actor))
        self.report_button = QPushButton("查看自评表(&P)…", self)
        self.report_button.clicked.connect(self.open_report)
        self.reports = ReportLauncher(self, ctx.runner, self.report_button)
        self.counts = QLabel("", self)
        bar = QHBoxLayout()
        bar.addWidget(self.start_button)
        bar.addWidget(self.report_button)
        bar.addStretch(1)
        bar.addWidget(self.counts)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(se.list_self, self.ctx.actor, self.ctx.year, on_done=self._show)

    def _show(self, rows: list[SelfEvaluationRow]) -> None:
        self.model.set_rows(rows)
        view = self.table.view
        view.resizeColumnsToContents()
        view.setColumnWidth(1, min(view.columnWidth(1), 360))
        done = sum(1 for r in rows if r.status == DraftStatus.FINAL)
        self.counts.setText(f"共 {len(rows)} 份自评，已定稿 {done} 份，草稿 {len(rows) - done} 份")

    def open_wizard(self) -> None:
        """The wizard starts at the project list, on the selected row's project when there is one."""
        if self.ctx.year is None:
            return
        row = self.table.selected_row()
        self.wizard = SelfEvaluationWizard(self.ctx, row.project_id if row is not None else None, self)
        self.wizard.setWindowModality(Qt.WindowModality.WindowModal)
        self.wizard.show()

    def open_report(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self.reports.build(f"{row.project_code}项目支出绩效自评表.pdf", se.self_evaluation_pdf, self.ctx.actor,
                               row.evaluation_id)

    @property
    def preview(self) -> ReportPreview | None:
        return self.reports.preview
