"""项目库 area: the year's projects with their lifecycle status and link to last year's project; register one,
import the budget system's list (a preview row by row before anything is written), write the blank template, move
a project through its lifecycle (a unit's 新项目申请 accepted into 储备 or declined), link the continuing projects
and decide the uncertain links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.common.labels import PROJECT_STATUSES
from core.exchange import registry as xr
from core.projects import linking, service
from core.projects.dto import LinkProposal, RegistryRow
from desktop.pages.projects.form import RegisterDialog
from desktop.pages.projects.preview import RegistryPreviewDialog
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

XLSX = "Excel 工作簿 (*.xlsx)"


class ProjectsPage(Page):
    areas = frozenset({Area.PROJECTS, Area.GOALS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[RegistryRow] = RowTableModel([
            Column("项目编码", lambda r: r.code), Column("项目名称", lambda r: r.name),
            Column("主管部门", lambda r: r.department_name), Column("属性", lambda r: r.attribute_label),
            Column("状态", lambda r: r.status_label), Column("本年合计（万元）", lambda r: r.total_amount, True),
            Column("项目总额（万元）", lambda r: r.span_total_amount, True),
            Column("起止年度", lambda r: f"{r.start_year or ''}-{r.end_year or ''}".strip("-")),
            Column("上年项目", lambda r: r.previous_code), Column("关联", lambda r: r.link_label)])
        self.table = SearchableTable(self.model, "搜索项目编码、名称、部门…", self)
        self.links: RowTableModel[LinkProposal] = RowTableModel([
            Column("项目编码", lambda p: p.code), Column("项目名称", lambda p: p.name),
            Column("主管部门", lambda p: p.department_name), Column("上年项目编码", lambda p: p.candidate_code),
            Column("上年项目名称", lambda p: p.candidate_name), Column("名称相似度", lambda p: p.similarity, True)])
        self.link_table = SearchableTable(self.links, "搜索待确认的关联…", self)
        self.status = QComboBox(self)
        self.status.addItem("全部状态", None)
        self.target = QComboBox(self)
        for code, label in PROJECT_STATUSES.items():
            self.status.addItem(label, code)
            self.target.addItem(label, code)
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.count = QLabel("", self)
        bar = QHBoxLayout()
        status_label = QLabel("状态(&Z)：", self)
        status_label.setBuddy(self.status)
        bar.addWidget(status_label)
        bar.addWidget(self.status)
        for text, slot in (("登记项目(&N)…", self.register), ("导入清单(&I)…", self.import_list),
                           ("空白模板(&T)…", self.save_template)):
            bar.addWidget(self._button(text, slot))
        target_label = QLabel("改为(&G)：", self)
        target_label.setBuddy(self.target)
        bar.addWidget(target_label)
        bar.addWidget(self.target)
        bar.addWidget(self._button("改状态(&M)", self.move))
        bar.addWidget(self._button("关联上年项目(&L)", self.link_year))
        bar.addStretch(1)
        bar.addWidget(self.count)
        link_bar = QHBoxLayout()
        link_bar.addWidget(QLabel("待确认的上年项目关联", self))
        link_bar.addWidget(self._button("确认关联(&A)", lambda: self.decide(True)))
        link_bar.addWidget(self._button("否决(&R)", lambda: self.decide(False)))
        link_bar.addStretch(1)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(link_bar)
        lower_layout.addWidget(self.link_table, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        heading = QLabel("项目库", self)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        return button

    def load(self) -> None:
        if self.ctx.year is None:
            return
        self.read(service.list_projects, self.ctx.actor, self.ctx.year, self.status.currentData(), on_done=self._show)
        self.read(linking.proposals, self.ctx.actor, self.ctx.year, on_done=self.links.set_rows,
                  on_error=lambda _exc: self.links.set_rows([]))  # a clerk sees no proposals

    def _show(self, rows: list[RegistryRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 个项目")
        self.table.view.resizeColumnsToContents()

    def _write(self, service_call: Any, *args: Any) -> None:
        """Run a writing service; the runner announces the change record its result carries."""
        self.write(service_call, self.ctx.actor, *args)

    def register(self) -> None:
        if self.ctx.year is not None:
            RegisterDialog(self.ctx, self.ctx.year, self).exec()

    def move(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self._write(service.move_status, row.id, self.target.currentData())

    def link_year(self) -> None:
        if self.ctx.year is not None:
            self._write(linking.link_year, self.ctx.year)

    def decide(self, accept: bool) -> None:
        proposal = self.link_table.selected_row()
        if proposal is not None:
            self._write(linking.decide, proposal.project_id, accept)

    def save_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "保存项目库登记模板", str(Path.home() / "项目库登记模板.xlsx"), XLSX)
        if path:
            xr.write_template(path)
            QMessageBox.information(self, "项目库", f"已保存空白模板：{path}")

    def import_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "导入项目清单", str(Path.home()), XLSX)
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        """Preview the list; the dialog applies the good rows when the user says so."""
        self.read(xr.preview_registry, self.ctx.actor, path, on_done=lambda preview: self._confirm(path, preview),
                  on_error=self.failed)

    def _confirm(self, path: Path, preview: xr.RegistryPreview) -> None:
        dialog = RegistryPreviewDialog(preview, self)
        if dialog.exec():
            self._write(xr.apply_registry, path)
