"""重点评价 tab: the year's key evaluations (subject, panel, agency, score, grade, status) with 新建 and 继续
(the wizard), the evaluation report PDF and the agency's quality rating of a finalised evaluation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.changes import Area
from core.common.errors import ValidationError
from core.evaluation import key as key_evaluation
from core.evaluation.dto import RATINGS
from core.evaluation.key_dto import KeyEvaluationDetail, KeyEvaluationRow
from core.org.rules.roles import Permission
from db.codes import DraftStatus
from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard
from desktop.pages.evaluation.overview import GRADE_COLOURS
from desktop.pages.org.units import edit_on_activate
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher, ReportPreview
from desktop.widgets.table_model import Column, RowTableModel


class KeyEvaluationTab(Page):
    areas = frozenset({Area.EVALUATION, Area.EXPERTS, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.wizard: KeyEvaluationWizard | None = None
        self.model: RowTableModel[KeyEvaluationRow] = RowTableModel([
            Column("评价对象", lambda r: r.subject), Column("类型", lambda r: r.subject_kind_label),
            Column("项目编码", lambda r: r.project_code), Column("被评价单位", lambda r: r.unit_name),
            Column("专家", lambda r: r.experts, align_right=True), Column("第三方机构", lambda r: r.agency),
            Column("得分", lambda r: r.score, align_right=True),
            Column("等级", lambda r: r.grade, colour=lambda r: GRADE_COLOURS.get(r.grade or "")),
            Column("状态", lambda r: r.status_label),
            Column("机构评分", lambda r: RATINGS[r.agency_rating] if r.agency_rating else None)])
        self.table = SearchableTable(self.model, "搜索评价对象、单位…", self)
        edit_on_activate(self.table, self.open_selected)
        self.counts = QLabel("", self)
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("new", "新建(&N)…"), ("continue", "继续(&C)…"), ("report", "评价报告(&P)…"), ("rate", "机构评分(&R)…"))}
        self.buttons["new"].clicked.connect(self.new_evaluation)
        self.buttons["continue"].clicked.connect(self.continue_selected)
        self.buttons["report"].clicked.connect(self.open_report)
        self.buttons["rate"].clicked.connect(self.rate_selected)
        self.can_evaluate = ctx.actor.can(Permission.EVALUATE)
        for key in ("new", "continue", "rate"):
            self.buttons[key].setVisible(self.can_evaluate)
        self.reports = ReportLauncher(self, ctx.runner, self.buttons["report"])
        bar = QHBoxLayout()
        for button in self.buttons.values():
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts)


    def load(self) -> None:
        if not self.ctx.actor.can(Permission.VIEW_ALL_UNITS):  # a unit's clerk: the bureau's work, not shown
            self.counts.setText("重点评价由财政局组织实施，本单位可在评价定稿后向财政局索取评价报告。")
            self.buttons["report"].setVisible(False)
            return
        if self.ctx.year is not None:
            self.read(key_evaluation.list_key_evaluations, self.ctx.actor, self.ctx.year,
                      on_done=self._show)

    def _show(self, rows: list[KeyEvaluationRow]) -> None:
        self.model.set_rows(rows)
        view = self.table.view
        view.resizeColumnsToContents()
        view.setColumnWidth(0, min(view.columnWidth(0), 320))
        drafts = sum(1 for r in rows if r.status == DraftStatus.DRAFT)
        self.counts.setText(f"{self.ctx.year} 年度重点评价 {len(rows)} 项，已定稿 {len(rows) - drafts} 项，草稿 {drafts} 项")

    def new_evaluation(self) -> None:
        if self.can_evaluate and self.ctx.year is not None:
            self._open_wizard(None)

    def open_selected(self) -> None:
        """Enter or double-click: continue a draft, preview the report of a finalised one."""
        row = self.table.selected_row()
        if row is not None and row.status == DraftStatus.DRAFT and self.can_evaluate:
            self.continue_selected()
        elif row is not None:
            self.open_report()

    def continue_selected(self) -> None:
        row = self.table.selected_row()
        if row is None or not self.can_evaluate:
            return
        if row.status != DraftStatus.DRAFT:
            show_error(self, ValidationError(f"“{row.subject}”的重点评价已定稿，可以查看评价报告。"), "无法继续")
            return
        self.read(key_evaluation.get_evaluation, self.ctx.actor, row.id, on_done=self._open_wizard,
                  on_error=self.failed)

    def _open_wizard(self, detail: KeyEvaluationDetail | None) -> None:
        self.wizard = KeyEvaluationWizard(self.ctx, detail, self)
        self.wizard.setWindowModality(Qt.WindowModality.WindowModal)
        self.wizard.finished.connect(lambda _r: self.reload())
        self.wizard.show()

    def open_report(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self.reports.build(f"{row.subject}绩效评价报告.pdf", key_evaluation.key_evaluation_pdf, self.ctx.actor,
                               row.id)

    def rate_selected(self) -> None:
        row = self.table.selected_row()
        if row is None or not row.agency:
            show_error(self, ValidationError("请选择一项委托第三方机构实施的评价。"), "机构评分")
            return
        labels = [f"{value} 分（{label}）" for value, label in sorted(RATINGS.items(), reverse=True)]
        current = labels.index(f"{row.agency_rating} 分（{RATINGS[row.agency_rating]}）") if row.agency_rating else 0
        choice, ok = QInputDialog.getItem(self, "机构工作质量评分", f"“{row.agency}”在“{row.subject}”评价中的工作质量：",
                                          labels, current, False)
        if ok:
            self.write(key_evaluation.rate_agency, self.ctx.actor, row.id, int(choice.split(" ")[0]),
                       on_error=self.failed)

    @property
    def preview(self) -> ReportPreview | None:
        return self.reports.preview
