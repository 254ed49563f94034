"""审计检查 tab: the year's audit and inspection findings (unit, 来源, 文号, description, deduction), added one by one
or imported from a workbook (单位编码/来源/文号/问题描述/扣分; a file with any bad row is refused whole)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.common.errors import ValidationError
from core.org import admin
from core.org.dto import UnitRow
from core.org.rules.roles import Permission
from core.results import findings
from core.results.dto import FindingInput, FindingRow
from core.results.rules.policy import SOURCES
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.forms import ServiceDialog
from desktop.widgets.table_model import Column, RowTableModel

UNIT_KINDS = ("department", "township", "budget_unit")


class FindingDialog(ServiceDialog):
    """Add a finding: unit, source, 文号, description and deduction points."""

    def __init__(self, ctx: AppContext, units: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(ctx, "添加审计检查发现", parent)
        self.unit = self.add("单位(&U)：", "unit_id", QComboBox(self))
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for unit_id, label in units:
            self.unit.addItem(label, unit_id)
        self.source = self.add("来源(&S)：", "source", QComboBox(self))
        for code, label in SOURCES.items():
            self.source.addItem(label, code)
        self.reference = self.add("文号(&R)：", "reference", QLineEdit(self))
        self.description = self.add("问题描述(&D)：", "description", QPlainTextEdit(self))
        self.description.setFixedHeight(80)
        self.deduction = self.add("扣分(&P)：", "deduction", QLineEdit(self))
        self.deduction.setPlaceholderText("如 1.5")

    def submit(self) -> None:
        try:
            points = Decimal(self.deduction.text().strip())
        except InvalidOperation:
            self._failed(ValidationError(f"扣分“{self.deduction.text()}”不是数值。", "deduction"))
            return
        form = FindingInput(self.unit.currentData(), self.source.currentData(), self.reference.text(),
                                     self.description.toPlainText(), points)
        self.run(findings.add_finding, self.ctx.year, form)


class FindingsTab(Page):
    areas = frozenset({Area.RESULTS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.units: list[tuple[int, str]] = []
        self.dialog: FindingDialog | None = None
        self.model: RowTableModel[FindingRow] = RowTableModel([
            Column("单位编码", lambda r: r.unit_code), Column("单位", lambda r: r.unit_name),
            Column("来源", lambda r: r.source_label), Column("文号", lambda r: r.reference),
            Column("问题描述", lambda r: r.description),
            Column("扣分", lambda r: r.deduction, align_right=True, text=lambda v: f"{v:g}"),
            Column("发现日期", lambda r: r.found_on), Column("录入人", lambda r: r.entered_by)])
        self.table = SearchableTable(self.model, "搜索单位、文号或问题…", self)
        self.counts = QLabel("", self)
        self.counts.setWordWrap(True)
        self.add_button = QPushButton("添加(&A)…", self)
        self.add_button.clicked.connect(self.add)
        self.import_button = QPushButton("从工作簿导入(&I)…", self)
        self.import_button.setToolTip("列：单位编码、来源（审计/检查）、文号、问题描述、扣分；有任何一行出错则整份不导入")
        self.import_button.clicked.connect(self.choose_file)
        self.delete_button = QPushButton("删除所选", self)
        self.delete_button.clicked.connect(self.delete_selected)
        may_edit = ctx.actor.can(Permission.EVALUATE)
        for button in (self.add_button, self.import_button, self.delete_button):
            button.setEnabled(may_edit)
        bottom = QHBoxLayout()
        bottom.addWidget(self.counts, 1)
        for button in (self.add_button, self.import_button, self.delete_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        ctx.runner.read(admin.list_units, ctx.actor, on_done=self._units, on_error=lambda _exc: None)

    def _units(self, rows: list[UnitRow]) -> None:
        self.units = [(r.id, f"{r.code} {r.name}") for r in rows if r.kind in UNIT_KINDS and r.active]


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(findings.list_findings, self.ctx.actor, self.ctx.year, on_done=self._show,
                      on_error=self.failed)

    def _show(self, rows: list[FindingRow]) -> None:
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.table.view.setColumnWidth(4, min(self.table.view.columnWidth(4), 420))
        total = sum((r.deduction for r in rows), Decimal(0))
        self.counts.setText(f"共 {len(rows)} 条发现，涉及 {len({r.unit_id for r in rows})} 个单位，扣分合计 {total:g}"
                            "（计入综合得分时按政策上限封顶）")

    def add(self) -> None:
        self.dialog = FindingDialog(self.ctx, self.units, self)
        self.dialog.open()

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "导入审计检查发现", "", "Excel 工作簿 (*.xlsx)")
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        if self.ctx.year is None:
            return
        self.import_button.setEnabled(False)
        self.write(findings.import_findings, self.ctx.actor, self.ctx.year, path,
                   on_done=self._imported, on_error=self._import_failed)

    def _imported(self, done: findings.FindingsImported) -> None:
        self.import_button.setEnabled(True)
        self.counts.setText(f"已导入 {done.count} 条发现")

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        show_error(self, exc, "未导入")

    def confirm(self, title: str, text: str) -> bool:
        """A yes/no question (tests replace it)."""
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        row = self.table.selected_row()
        if row is not None and self.confirm("删除发现", f"删除“{row.unit_name}”的这条{row.source_label}发现"
                                                      f"（扣 {row.deduction:g} 分）？删除会记入审计日志。"):
            self.write(findings.delete_finding, self.ctx.actor, row.id,
                       on_error=self.failed)
