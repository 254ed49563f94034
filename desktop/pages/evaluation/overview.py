"""评价总览 tab: the year's evaluations of every kind (kind, subject, unit, score, grade, status), filtered by kind
and grade, with the count of finalised evaluations per grade."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.common.changes import Area
from core.common.labels import EVALUATION_KINDS
from core.evaluation import overview
from core.evaluation.dto import EvaluationRow
from db.codes import DraftStatus
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

GRADE_COLOURS = {"优": "#1b5e20", "良": "#0d47a1", "中": "#8d6e00", "差": "#b00020"}


class EvaluationOverviewTab(Page):
    areas = frozenset({Area.EVALUATION, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.all_rows: list[EvaluationRow] = []
        self.model: RowTableModel[EvaluationRow] = RowTableModel([
            Column("评价类型", lambda r: r.kind_label), Column("对象类型", lambda r: r.subject_kind_label),
            Column("项目编码", lambda r: r.project_code), Column("评价对象", lambda r: r.subject),
            Column("单位", lambda r: r.unit_name), Column("主管部门", lambda r: r.department),
            Column("得分", lambda r: r.score, align_right=True),
            Column("等级", lambda r: r.grade, colour=lambda r: GRADE_COLOURS.get(r.grade or "")),
            Column("状态", lambda r: r.status_label)])
        self.table = SearchableTable(self.model, "搜索评价对象、单位、项目编码…", self)
        self.kind_box = QComboBox(self)
        self.kind_box.addItem("全部类型", None)
        for key, label in EVALUATION_KINDS.items():
            self.kind_box.addItem(label, key)
        self.grade_box = QComboBox(self)
        self.grade_box.addItem("全部等级", None)
        for grade in overview.GRADES:
            self.grade_box.addItem(grade, grade)
        self.kind_box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.grade_box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.counts_label = QLabel("", self)
        self.counts_label.setObjectName("gradeCounts")
        bar = QHBoxLayout()
        kind_label = QLabel("评价类型(&K)：", self)
        kind_label.setBuddy(self.kind_box)
        grade_label = QLabel("等级(&G)：", self)
        grade_label.setBuddy(self.grade_box)
        for widget in (kind_label, self.kind_box, grade_label, self.grade_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.counts_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(overview.list_evaluations, self.ctx.actor, self.ctx.year, on_done=self._show)

    def _show(self, rows: list[EvaluationRow]) -> None:
        self.all_rows = rows
        self._apply_filters()

    def _apply_filters(self) -> None:
        kind, grade = self.kind_box.currentData(), self.grade_box.currentData()
        of_kind = [r for r in self.all_rows if kind is None or r.kind == kind]
        self.model.set_rows([r for r in of_kind if grade is None or r.grade == grade])
        counts = overview.grade_counts(of_kind)
        finals = sum(1 for r in of_kind if r.status == DraftStatus.FINAL)
        self.counts_label.setText(f"共 {len(of_kind)} 项（已定稿 {finals} 项）：" +
                                  "，".join(f"{g} {n} 项" for g, n in counts.items()))
        view = self.table.view
        view.resizeColumnsToContents()
        view.setColumnWidth(3, min(view.columnWidth(3), 260))
        view.setColumnWidth(4, min(view.columnWidth(4), 160))
        view.setColumnWidth(5, min(view.columnWidth(5), 160))

    def counts(self) -> dict[str, int]:
        kind = self.kind_box.currentData()
        return overview.grade_counts([r for r in self.all_rows if kind is None or r.kind == kind])
