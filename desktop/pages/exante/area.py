"""事前评估 area: the year's projects that need an ex-ante assessment (and what is still missing), opened for
scoring or for the assessment report, with the year's 评估核减 statistic."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common import formatting
from core.common.changes import Area
from core.exante import service as exante
from core.exante.dto import AssessmentDetail, AssessmentRow, ExAnteTotals
from core.org.rules.roles import Permission
from desktop.pages.exante.form import ExAnteFormDialog
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher, ReportPreview
from desktop.widgets.table_model import Column, RowTableModel


class ExAntePage(Page):
    areas = frozenset({Area.EXANTE, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[AssessmentRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("主管单位", lambda r: r.unit_name), Column("状态", lambda r: r.status_label),
            Column("得分", lambda r: r.score, align_right=True), Column("结论", lambda r: r.conclusion_label),
            Column("申请（万元）", lambda r: r.requested, align_right=True),
            Column("建议（万元）", lambda r: r.recommended, align_right=True),
            Column("核减（万元）", lambda r: r.cut, align_right=True),
            Column("入库", lambda r: r.enters_library if r.status != "none" else None)])
        self.table = SearchableTable(self.model, "搜索项目编码、名称、单位…", self)
        self.table.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.view.activated.connect(lambda _index: self.open_selected())
        self.totals_label = QLabel("", self)
        self.totals_label.setWordWrap(True)
        self.assess_button = QPushButton("评估(&E)…", self)
        self.assess_button.clicked.connect(self.open_selected)
        self.can_assess = ctx.actor.can(Permission.REVIEW_GOALS) or ctx.actor.can(Permission.EVALUATE)
        self.assess_button.setVisible(self.can_assess)
        self.report_button = QPushButton("报告(&R)…", self)
        self.report_button.clicked.connect(self.open_report)
        self.reports = ReportLauncher(self, ctx.runner, self.report_button)
        bar = QHBoxLayout()
        bar.addWidget(self.assess_button)
        bar.addWidget(self.report_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        heading = QLabel("事前绩效评估", self)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals_label)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(exante.list_assessments, self.ctx.actor, self.ctx.year, on_done=self._show)
            self.read(exante.totals, self.ctx.actor, self.ctx.year, on_done=self._show_totals)

    def _show(self, rows: list[AssessmentRow]) -> None:
        self.model.set_rows(rows)
        self.table.view.resizeColumnsToContents()
        view = self.table.view
        view.setColumnWidth(1, min(view.columnWidth(1), 230))
        view.setColumnWidth(2, min(view.columnWidth(2), 130))

    def _show_totals(self, t: ExAnteTotals) -> None:
        self.totals_label.setText(
            f"需评估项目 {t.required} 个，尚未定稿 {t.missing} 个；已定稿 {t.count} 个，"
            f"申请 {formatting.amount(t.asked)} 万元，建议安排 {formatting.amount(t.recommended)} 万元，"
            f"评估核减 {formatting.amount(t.cut)} 万元。")

    def open_selected(self) -> None:
        row = self.table.selected_row()
        if row is None or not self.can_assess:
            return
        self.read(exante.get_assessment, self.ctx.actor, row.project_id, on_done=self._open_form,
                  on_error=self.failed)

    def _open_form(self, detail: AssessmentDetail) -> None:
        self.dialog = ExAnteFormDialog(self.ctx, detail, self)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.show()

    def open_report(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self.reports.build(f"{row.project_code}事前绩效评估报告.pdf", exante.report_pdf, self.ctx.actor,
                               row.project_id)

    @property
    def preview(self) -> ReportPreview | None:
        return self.reports.preview
