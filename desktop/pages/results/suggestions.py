"""预算安排建议 tab: this year's projects with the results that apply, the suggested amount for next year and the
rule that produced it, and the department totals (composite score × coefficient); the bureau overrides a line or
a total with a reason; the what-if panel recomputes everything live from an edited policy; 预算安排建议表 as a
workbook or PDF for the budget division."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.changes import Area
from core.common.errors import ValidationError
from core.org.rules.roles import Permission
from core.results import application as results
from core.results.dto import DepartmentSuggestion, Override, ProjectSuggestion, SuggestionTable, Workspace
from core.results.rules import policy as rules
from core.results.suggestions import build_table
from desktop.pages.results.whatif import WhatIfPanel
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.forms import ServiceDialog
from desktop.widgets.report_preview import ReportLauncher, ask_workbook_path
from desktop.widgets.table_model import Column, RowTableModel

RED, GREEN = "#b00020", "#1b5e20"
PROJECT_WIDTHS = {0: 120, 2: 240, 6: 180, 7: 240}  # pixels at most for the long text columns


def _tone(change: Decimal) -> str | None:
    return RED if change < 0 else GREEN if change > 0 else None


def _money(value: Decimal | None) -> str:
    return "" if value is None else rules.wan(value)


def _override(o: Override | None) -> str:
    return f"人工调整：{o.reason}" if o is not None else ""


PROJECT_COLUMNS: list[Column[ProjectSuggestion]] = [
    Column("单位", lambda r: r.department_name), Column("项目编码", lambda r: r.code),
    Column("项目名称", lambda r: r.name),
    Column("本年金额（万元）", lambda r: r.amount, align_right=True, text=_money),
    Column("建议金额（万元）", lambda r: r.final, align_right=True, text=_money),
    Column("增减（万元）", lambda r: r.change, align_right=True, text=_money, colour=lambda r: _tone(r.change)),
    Column("适用结果", lambda r: r.results), Column("规则", lambda r: r.rule),
    Column("调整说明", lambda r: _override(r.override))]
DEPARTMENT_COLUMNS: list[Column[DepartmentSuggestion]] = [
    Column("单位编码", lambda r: r.code), Column("单位", lambda r: r.name),
    Column("项目数", lambda r: r.projects, align_right=True),
    Column("本年金额（万元）", lambda r: r.this_year, align_right=True, text=_money),
    Column("项目建议合计（万元）", lambda r: r.suggested_sum, align_right=True, text=_money),
    Column("综合得分", lambda r: r.score.composite, align_right=True, text=formatting.score),
    Column("调整系数", lambda r: r.score.coefficient, align_right=True, text=str),
    Column("建议总额（万元）", lambda r: r.final, align_right=True, text=_money),
    Column("增减（万元）", lambda r: r.change, align_right=True, text=_money, colour=lambda r: _tone(r.change)),
    Column("调整说明", lambda r: _override(r.override))]


class OverrideDialog(ServiceDialog):
    """The bureau's own amount for a project line or a department total, with the reason (audited)."""

    def __init__(self, ctx: AppContext, unit_id: int, project_id: int | None, label: str, suggested: Decimal,
                 current: Override | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "调整建议金额", parent)
        self.unit_id, self.project_id = unit_id, project_id
        self.form.addRow("调整对象：", QLabel(label, self))
        self.form.addRow("建议金额（万元）：", QLabel(rules.wan(suggested), self))
        self.amount = self.add("调整后金额（万元）(&A)：", "amount",
                               QLineEdit(str(current.amount.normalize()) if current else "", self))
        self.reason = self.add("调整说明(&R)：", "reason", QPlainTextEdit(current.reason if current else "", self))
        self.reason.setFixedHeight(80)

    def submit(self) -> None:
        try:
            amount = Decimal(self.amount.text().strip().replace(",", ""))
        except InvalidOperation:
            self._failed(ValidationError(f"调整后金额“{self.amount.text()}”不是数值（万元）。", "amount"))
            return
        self.run(results.set_override, self.ctx.year, self.unit_id, self.project_id, amount,
                 self.reason.toPlainText())


class SuggestionsTab(Page):
    areas = frozenset({Area.EVALUATION, Area.EXANTE, Area.MONITORING, Area.RECTIFICATION, Area.RESULTS, Area.REVIEW})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.space: Workspace | None = None
        self.table: SuggestionTable | None = None
        self.dialog: OverrideDialog | QFileDialog | None = None
        self.may_edit = ctx.actor.can(Permission.EVALUATE)
        self.fitted = False
        self.projects: RowTableModel[ProjectSuggestion] = RowTableModel(PROJECT_COLUMNS)
        self.departments: RowTableModel[DepartmentSuggestion] = RowTableModel(DEPARTMENT_COLUMNS)
        self.project_table = SearchableTable(self.projects, "搜索项目编码、名称或规则…", self)
        self.department_table = SearchableTable(self.departments, "搜索单位…", self)
        self.views = QTabWidget(self)
        self.views.addTab(self.project_table, "项目建议")
        self.views.addTab(self.department_table, "部门汇总")
        self.department = QComboBox(self)
        self.department.currentIndexChanged.connect(lambda _i: self._fill())
        self.changed_only = QCheckBox("只看金额有变化的项目", self)
        self.changed_only.toggled.connect(lambda _on: self._fill())
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.banner = QLabel("", self)
        self.banner.setStyleSheet(f"color: {RED};")
        self.whatif = WhatIfPanel(self.may_edit, self)
        self.whatif.setMinimumWidth(380)  # the band editor's headers (起始分（含）…) stay whole
        self.whatif.policy_changed.connect(self.apply_policy)
        self.whatif.save_requested.connect(self.save_policy)
        self.whatif.discarded.connect(self.discard)
        self.override_button = QPushButton("调整所选(&O)…", self)
        self.override_button.setToolTip("为所选项目（或“部门汇总”中所选部门的建议总额）填写调整后金额和理由")
        self.override_button.clicked.connect(self.override_selected)
        self.clear_button = QPushButton("取消调整", self)
        self.clear_button.clicked.connect(self.clear_selected)
        for button in (self.override_button, self.clear_button):
            button.setEnabled(self.may_edit)
        self.workbook_button = QPushButton("导出工作簿(&X)…", self)
        self.workbook_button.clicked.connect(self.ask_workbook)
        self.pdf_button = QPushButton("预算安排建议表(&P)", self)
        self.pdf_button.clicked.connect(self.open_pdf)
        self.reports = ReportLauncher(self, ctx.runner, self.pdf_button)
        self._layout()
        self.reload()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(QLabel("单位(&U)：", self))
        filters.addWidget(self.department, 1)
        filters.addWidget(self.changed_only)
        filters.addWidget(self.banner, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.override_button, self.clear_button, self.workbook_button, self.pdf_button):
            buttons.addWidget(button)
        left = QWidget(self)
        inner = QVBoxLayout(left)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(filters)
        inner.addWidget(self.views, 1)
        inner.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.whatif)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(results.workspace, self.ctx.actor, self.ctx.year, on_done=self._loaded,
                      on_error=self.failed)

    def _loaded(self, space: Workspace) -> None:
        self.space = space
        chosen = self.department.currentData()
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("全部单位", None)
        for d in space.table.departments:
            if d.projects:
                self.department.addItem(f"{d.code} {d.name}", d.unit_id)
        self.department.setCurrentIndex(max(self.department.findData(chosen), 0))
        self.department.blockSignals(False)
        self.whatif.set_policy(space.policy)
        self._show(space.table)

    def apply_policy(self, policy: rules.Policy | None) -> None:
        """Recompute the whole table from the loaded facts under the edited policy; nothing is written."""
        if policy is not None and self.space is not None:
            self._show(build_table(self.space.inputs, policy))

    def discard(self) -> None:
        if self.space is not None:
            self.whatif.set_policy(self.space.policy)
            self._show(self.space.table)

    def save_policy(self, policy: rules.Policy) -> None:
        if self.ctx.year is not None:
            self.write(results.save_policy, self.ctx.actor, self.ctx.year, policy,
                       on_error=lambda exc: show_error(self, exc, "政策未保存"))

    def _show(self, table: SuggestionTable) -> None:
        self.table = table
        simulated = self.space is not None and table.policy != self.space.policy
        self.banner.setText("模拟结果（政策尚未保存）" if simulated else "")
        self.whatif.show_totals(table.totals)
        self._fill()

    def _fill(self) -> None:
        if self.table is None:
            return
        chosen = self.department.currentData()
        rows = [p for p in self.table.projects if (chosen is None or p.department_id == chosen)
                and (not self.changed_only.isChecked() or p.change != 0)]
        if self._same(rows):  # a what-if edit: keep the selection and scroll position
            self.projects.replace_rows(rows, key=lambda r: r.project_id)
        else:
            self.projects.set_rows(rows)
        departments = [d for d in self.table.departments if chosen is None or d.unit_id == chosen]
        self.departments.set_rows(departments)
        t = self.table.totals
        self.summary.setText(f"本年 {rules.wan(t.this_year)} 万元 → 建议 {rules.wan(t.suggested)} 万元；核减 {t.projects_cut} 个项目，"
                             f"不再安排 {t.cancelled_projects} 个延续项目")
        if not self.fitted and rows:
            self.fitted = True
            for table, caps in ((self.project_table, PROJECT_WIDTHS), (self.department_table, {1: 200})):
                table.fit_columns()
                for column, cap in caps.items():
                    table.view.setColumnWidth(column, min(table.view.columnWidth(column), cap))

    def _same(self, rows: list[ProjectSuggestion]) -> bool:
        return [r.project_id for r in self.projects.rows()] == [r.project_id for r in rows]

    def _target(self) -> tuple[int, int | None, str, Decimal, Override | None] | None:
        if self.views.currentWidget() is self.department_table:
            d = self.department_table.selected_row()
            return None if d is None else (d.unit_id, None, f"{d.name} 建议总额", d.suggested_total, d.override)
        p = self.project_table.selected_row()
        return None if p is None else (p.department_id, p.project_id, f"{p.code} {p.name}", p.suggested, p.override)

    def override_selected(self) -> None:
        target = self._target()
        if target is not None:
            self.dialog = OverrideDialog(self.ctx, *target, parent=self)
            self.dialog.open()

    def clear_selected(self) -> None:
        target = self._target()
        if target is not None and target[4] is not None and self.ctx.year is not None:
            self.write(results.clear_override, self.ctx.actor, self.ctx.year, target[0], target[1],
                       on_error=self.failed)

    def ask_workbook(self) -> None:
        if self.ctx.year is None:
            return
        self.dialog = ask_workbook_path(self, "导出预算安排建议表", f"{self.ctx.year + 1}年度预算安排建议表.xlsx",
                                        self.export_workbook)

    def export_workbook(self, target: Path) -> None:
        """The table under the stored policy (a what-if is not exported until it is saved)."""
        if self.ctx.year is not None:
            self.workbook_button.setEnabled(False)
            self.read(results.suggestion_workbook, self.ctx.actor, self.ctx.year, target,
                      on_done=self._exported, on_error=self._export_failed)

    def _exported(self, path: Path) -> None:
        self.workbook_button.setEnabled(True)
        self.summary.setText(f"已导出到 {path}")

    def _export_failed(self, exc: BaseException) -> None:
        self.workbook_button.setEnabled(True)
        show_error(self, exc, "导出失败")

    def open_pdf(self) -> None:
        if self.ctx.year is not None:
            self.reports.build(f"{self.ctx.year + 1}年度预算安排建议表.pdf", results.suggestion_pdf,
                               self.ctx.actor, self.ctx.year)
