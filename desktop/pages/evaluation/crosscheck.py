"""自评核查 tab: projects with both a finalised self-evaluation and a finalised key evaluation, the gap between
them, self-scores inflated by more than the setting, and departments ranked by average inflation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from core.common.changes import Area
from core.evaluation import overview
from core.evaluation.dto import CrossCheck, CrossCheckRow, DepartmentInflation
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

INFLATED = "#b00020"


def _flag(row: CrossCheckRow) -> str | None:
    return INFLATED if row.inflated else None


class CrossCheckTab(Page):
    areas = frozenset({Area.EVALUATION, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.result: CrossCheck | None = None
        self.model: RowTableModel[CrossCheckRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("主管部门", lambda r: r.department),
            Column("自评得分", lambda r: r.self_score, align_right=True),
            Column("重点评价得分", lambda r: r.key_score, align_right=True),
            Column("差值（自评−重点）", lambda r: r.gap, align_right=True, colour=_flag),
            Column("虚高", lambda r: "虚高" if r.inflated else "", colour=_flag),
            Column("自评等级", lambda r: r.self_grade), Column("重点评价等级", lambda r: r.key_grade)])
        self.table = SearchableTable(self.model, "搜索项目、单位…", self)
        self.departments: RowTableModel[DepartmentInflation] = RowTableModel([
            Column("主管部门", lambda d: d.department), Column("核查项目数", lambda d: d.projects, align_right=True),
            Column("平均差值", lambda d: d.average_gap, align_right=True, colour=self._average_colour),
            Column("虚高项目数", lambda d: d.inflated, align_right=True)])
        self.department_table = SearchableTable(self.departments, "搜索部门…", self)
        self.department_table.view.horizontalHeader().setStretchLastSection(False)
        self.only_inflated = QCheckBox("只看虚高项目(&I)", self)
        self.only_inflated.toggled.connect(lambda _on: self._fill())
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.only_inflated)
        bar.addWidget(self.summary, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(QLabel("各部门自评虚高情况（按平均差值从高到低）", lower))
        lower_layout.addWidget(self.department_table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _average_colour(self, row: DepartmentInflation) -> str | None:
        return INFLATED if self.result is not None and row.average_gap > self.result.threshold else None


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(overview.cross_check, self.ctx.actor, self.ctx.year, on_done=self._show)

    def _show(self, result: CrossCheck) -> None:
        self.result = result
        self._fill()

    def _fill(self) -> None:
        result = self.result
        if result is None:
            return
        rows = [r for r in result.rows if r.inflated or not self.only_inflated.isChecked()]
        self.model.set_rows(rows)
        self.departments.set_rows(result.departments)
        self.summary.setText(
            f"同时有定稿自评和重点评价的项目 {len(result.rows)} 个，其中自评得分高于重点评价 "
            f"{result.threshold} 分以上（虚高）{result.inflated_count} 个；阈值可在系统设置中调整。")
        for table, wide in ((self.table, 1), (self.department_table, 0)):
            table.view.resizeColumnsToContents()
            table.view.setColumnWidth(wide, min(table.view.columnWidth(wide), 260))
