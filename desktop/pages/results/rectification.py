"""整改台账 tab: the year's rectification items with filters (status incl. 逾期, source, unit, text), overdue rows in
red, the selected item's feedback and re-check beside the table, and the bureau's work: collecting items from
review, monitoring, evaluation and audit, manual items, the 两书一函 notices and the register's exports. A unit's
clerk sees only its own items and can only give feedback."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.results import rectification as register
from core.results import rectification_collect, rectification_reports
from core.results.dto import Choice, CollectResult, ItemRow
from core.results.rules.rectification import DISPLAY_STATUSES, NOTICE_KINDS, SOURCES
from desktop.pages.results.rectification_detail import AddItemDialog, ItemPanel
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher, ReportPreview, ask_workbook_path
from desktop.widgets.table_model import ROW_ROLE, Column, RowTableModel

OVERDUE_FILL, OVERDUE_TEXT = "#ffc7ce", "#9c0006"
STATUS_COLOURS = {"done": "#1b5e20", "in_progress": "#8d6e00", "failed": OVERDUE_TEXT, "overdue": OVERDUE_TEXT}
SCOPES = {"selected": "所选事项的单位", "lagging": "全部整改滞后单位"}

Index = QModelIndex | QPersistentModelIndex


class RegisterModel(RowTableModel[ItemRow]):
    """The register's rows; an overdue item's whole row is red text on a light red fill."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and 0 <= index.row() < self.rowCount() and self.row_at(index.row()).overdue:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(OVERDUE_FILL))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(OVERDUE_TEXT)
        return super().data(index, role)


def columns() -> list[Column[ItemRow]]:
    return [Column("状态", lambda r: r.status_label, colour=lambda r: STATUS_COLOURS.get(r.display_status)),
            Column("单位", lambda r: r.unit_name), Column("项目/事项", lambda r: r.subject),
            Column("来源", lambda r: r.source_label), Column("整改要求", lambda r: r.requirement),
            Column("下达日期", lambda r: r.issued_on), Column("整改期限", lambda r: r.deadline),
            Column("单位反馈", lambda r: r.feedback), Column("复核意见", lambda r: r.recheck_opinion)]


class RectificationTab(Page):
    areas = frozenset({Area.EVALUATION, Area.MONITORING, Area.NOTICES, Area.RECTIFICATION, Area.RESULTS, Area.REVIEW, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.bureau = register.is_bureau(ctx.actor)
        self.all_rows: list[ItemRow] = []
        self.dialog: QWidget | None = None
        self.preview: ReportPreview | None = None
        self.model = RegisterModel(columns())
        self.table = SearchableTable(self.model, "搜索单位、项目、整改要求、反馈…", self)
        self.table.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_current())
        self.panel = ItemPanel(ctx, self.bureau, self)
        self.as_of = QDateEdit(self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setDate(QDate.currentDate())
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.status_box = self._combo("全部状态", DISPLAY_STATUSES)
        self.source_box = self._combo("全部来源", SOURCES)
        self.unit_box = self._combo("全部单位", {})
        self.counts = QLabel("", self)
        self.counts.setObjectName("rectificationCounts")
        bar = QHBoxLayout()
        for text, widget in (("截至(&A)：", self.as_of), ("状态(&S)：", self.status_box),
                             ("来源(&O)：", self.source_box), ("单位(&U)：", self.unit_box)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.counts)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._actions())

    def _combo(self, everything: str, choices: dict[str, str]) -> QComboBox:
        box = QComboBox(self)
        box.addItem(everything, None)
        for key, label in choices.items():
            box.addItem(label, key)
        box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return box

    def _actions(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.collect_button = QPushButton("从审核/监控/评价/审计归集(&C)", self)
        self.collect_button.clicked.connect(self.collect)
        self.add_button = QPushButton("新增事项(&N)…", self)
        self.add_button.clicked.connect(self.add_item)
        self.scope_box = QComboBox(self)
        for key, label in SCOPES.items():
            self.scope_box.addItem(label, key)
        self.notice_buttons: dict[str, QPushButton] = {}
        for kind, label in NOTICE_KINDS.items():
            button = QPushButton(f"生成{label}", self)
            button.clicked.connect(lambda _c=False, k=kind: self.ask_notices(k))
            self.notice_buttons[kind] = button
        self.export_button = QPushButton("导出整改台账(&X)…", self)
        self.export_button.clicked.connect(self.ask_workbook)
        self.pdf_button = QPushButton("台账 PDF", self)
        self.pdf_button.clicked.connect(self.open_register_pdf)
        self.reports = ReportLauncher(self, self.ctx.runner, self.pdf_button)
        self.message = QLabel("", self)
        bureau_only = [self.collect_button, self.add_button, self.scope_box, *self.notice_buttons.values()]
        for widget in [*bureau_only, self.export_button, self.pdf_button]:
            bar.addWidget(widget)
            widget.setVisible(self.bureau or widget not in bureau_only)
        bar.addWidget(self.message, 1)
        return bar

    # -- loading and filtering ---------------------------------------------------------------------------------


    def as_of_date(self) -> date:
        day: date = self.as_of.date().toPython()
        return day

    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(register.list_items, self.ctx.actor, self.ctx.year, self.as_of_date(),
                      on_done=self._show, on_error=self.failed)

    def _show(self, rows: list[ItemRow]) -> None:
        self.all_rows = rows
        units = sorted({(r.unit_code, r.unit_id, r.unit_name) for r in rows})
        chosen = self.unit_box.currentData()
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        self.unit_box.addItem("全部单位", None)
        for code, unit_id, name in units:
            self.unit_box.addItem(f"{code} {name}", unit_id)
        self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(chosen)))
        self.unit_box.blockSignals(False)
        self._apply_filters()

    def shown_rows(self) -> list[ItemRow]:
        status, source, unit = (self.status_box.currentData(), self.source_box.currentData(),
                                self.unit_box.currentData())
        return [r for r in self.all_rows
                if (status is None or r.display_status == status or (status == "overdue" and r.overdue))
                and (source is None or r.source == source)
                and (unit is None or r.unit_id == unit)]

    def _apply_filters(self) -> None:
        current = self.panel.item.uid if self.panel.item else None
        rows = self.shown_rows()
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        done = sum(1 for r in rows if r.status == "done")
        self.counts.setText(f"共 {len(rows)} 项：已整改 {done} 项，逾期 {overdue} 项")
        view = self.table.view
        view.resizeColumnsToContents()
        for col, width in ((1, 150), (2, 200), (4, 320), (7, 200), (8, 160)):
            view.setColumnWidth(col, min(view.columnWidth(col), width))
        self.select_uid(current)

    def select_uid(self, uid: str | None) -> bool:
        for row, r in enumerate(self.model.rows()):
            if r.uid == uid:
                self.table.view.setCurrentIndex(self.table.proxy.mapFromSource(self.model.index(row, 0)))
                self.panel.show_item(r)
                return True
        self.panel.show_item(None)
        return False

    def _show_current(self) -> None:
        self.panel.show_item(self.table.selected_row())

    def selected_unit_ids(self) -> list[int]:
        rows = [i.data(ROW_ROLE) for i in self.table.view.selectionModel().selectedRows()]
        return list(dict.fromkeys(r.unit_id for r in rows if r is not None))

    # -- the bureau's work -------------------------------------------------------------------------------------

    def collect(self) -> None:
        if self.ctx.year is not None:
            self.message.setText("正在归集…")
            self.write(rectification_collect.collect, self.ctx.actor, self.ctx.year, date.today(),
                       on_done=self._collected, on_error=self._failed)

    def _collected(self, result: CollectResult) -> None:
        parts = "、".join(f"{SOURCES[k]} {n} 项" for k, n in result.added.items())
        self.message.setText(f"新增 {result.total_added} 项" + (f"（{parts}）" if parts else "") +
                             f"，已在台账中 {result.existing} 项。")

    def add_item(self) -> None:
        self.read(register.unit_choices, self.ctx.actor, on_done=self._open_add, on_error=self._failed)

    def _open_add(self, units: list[Choice]) -> None:
        self.dialog = AddItemDialog(self.ctx, units, self)
        self.dialog.open()

    def ask_notices(self, kind: str) -> None:
        scope = self.scope_box.currentData()
        units = self.selected_unit_ids()
        if scope == "selected" and not units:
            self.message.setText("请先在表格中选择要发文单位的事项（可多选），或选择“全部整改滞后单位”。")
            return
        whom = f"所选的 {len(units)} 个单位" if scope == "selected" else "下一步应发该文书的全部整改滞后单位"
        answer = QMessageBox.question(self, f"生成{NOTICE_KINDS[kind]}",
                                      f"将向{whom}发出{NOTICE_KINDS[kind]}并按年度顺序编号，确定吗？")
        if answer == QMessageBox.StandardButton.Yes:
            self.issue(kind, units if scope == "selected" else None)

    def issue(self, kind: str, unit_ids: list[int] | None) -> None:
        """Issue and print the notices (unit_ids None: all lagging units due for this kind)."""
        if self.ctx.year is None:
            return
        target = Path(tempfile.mkdtemp(prefix="perfbudget-")) / f"{self.ctx.year}年{NOTICE_KINDS[kind]}.pdf"
        for button in self.notice_buttons.values():
            button.setEnabled(False)
        self.write(rectification_reports.issue_notices_pdf, self.ctx.actor, self.ctx.year, kind,
                   unit_ids, date.today(), target, on_done=self._issued, on_error=self._failed)

    def _issued(self, printed: rectification_reports.NoticesPrinted) -> None:
        path = printed.path
        for button in self.notice_buttons.values():
            button.setEnabled(True)
        self.message.setText(f"已生成并编号：{path.name}")
        self.preview = ReportPreview(path, path.stem, self)
        self.preview.open()

    def ask_workbook(self) -> None:
        self.dialog = ask_workbook_path(self, "导出整改台账", f"{self.ctx.year}年度整改台账.xlsx", self.export_workbook)

    def export_workbook(self, target: Path) -> None:
        """The rows as listed (filters and order kept)."""
        if self.ctx.year is not None:
            rows = self.model.rows()
            self.read(rectification_reports.register_workbook, self.ctx.actor, self.ctx.year, rows,
                      self.as_of_date(), target, on_error=self._failed,
                      on_done=lambda p: self.message.setText(f"已导出 {len(rows)} 项到 {p}"))

    def open_register_pdf(self) -> None:
        if self.ctx.year is not None:
            self.reports.build(f"{self.ctx.year}年度整改台账.pdf", rectification_reports.register_pdf,
                               self.ctx.actor, self.ctx.year, self.model.rows(), self.as_of_date())

    def _failed(self, exc: BaseException) -> None:
        for button in self.notice_buttons.values():
            button.setEnabled(True)
        self.message.setText("")
        show_error(self, exc)

