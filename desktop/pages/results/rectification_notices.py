"""两书一函 tab: the notices issued in the year (文号, kind, unit, dates, how many items), filtered by kind, with the
units lagging in rectification and their next escalation step, and re-printing of the selected notices."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.results import rectification_notices as notices
from core.results import rectification_reports
from core.results.dto import LaggingUnit, NoticeRow
from core.results.rules.rectification import NOTICE_KINDS
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher
from desktop.widgets.table_model import ROW_ROLE, Column, RowTableModel

KIND_COLOURS = {"reminder": "#8d6e00", "notice": "#e65100", "interview": "#9c0006"}


class NoticesTab(Page):
    areas = frozenset({Area.NOTICES, Area.RECTIFICATION, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.all_rows: list[NoticeRow] = []
        self.model: RowTableModel[NoticeRow] = RowTableModel([
            Column("文号", lambda r: r.number), Column("文书", lambda r: r.kind_label,
                                                     colour=lambda r: KIND_COLOURS.get(r.kind)),
            Column("单位", lambda r: r.unit_name), Column("发文日期", lambda r: r.issued_on),
            Column("回复期限", lambda r: r.reply_by), Column("事项数", lambda r: r.items, align_right=True),
            Column("经办人", lambda r: r.created_by)])
        self.table = SearchableTable(self.model, "搜索文号、单位…", self)
        self.table.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.lagging_model: RowTableModel[LaggingUnit] = RowTableModel([
            Column("单位", lambda u: u.unit_name), Column("逾期", lambda u: u.record.overdue, align_right=True),
            Column("未完成", lambda u: u.record.open, align_right=True),
            Column("已发文书", lambda u: "、".join(NOTICE_KINDS[k] for k in u.issued) or "—"),
            Column("下一步", lambda u: NOTICE_KINDS.get(u.next_kind or "", "暂不发文"),
                   colour=lambda u: KIND_COLOURS.get(u.next_kind or ""))])
        self.lagging = SearchableTable(self.lagging_model, "搜索滞后单位…", self)
        self.kind_box = QComboBox(self)
        self.kind_box.addItem("全部文书", None)
        for key, label in NOTICE_KINDS.items():
            self.kind_box.addItem(label, key)
        self.kind_box.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.print_button = QPushButton("重新打印所选(&P)", self)
        self.print_button.clicked.connect(self.reprint)
        self.reports = ReportLauncher(self, ctx.runner, self.print_button)
        self.counts = QLabel("", self)
        bar = QHBoxLayout()
        label = QLabel("文书(&K)：", self)
        label.setBuddy(self.kind_box)
        for widget in (label, self.kind_box):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.counts)
        bar.addWidget(self.print_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.table, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("整改滞后单位（截至今天）", right))
        right_layout.addWidget(self.lagging, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(notices.list_notices, self.ctx.actor, self.ctx.year, on_done=self._show,
                      on_error=self.failed)
            self.read(notices.lagging_units, self.ctx.actor, self.ctx.year, date.today(),
                      on_done=self._show_lagging, on_error=self.failed)

    def _show(self, rows: list[NoticeRow]) -> None:
        self.all_rows = rows
        self._apply_filter()

    def _show_lagging(self, units: list[LaggingUnit]) -> None:
        self.lagging_model.set_rows(units)
        self.lagging.fit_columns()

    def _apply_filter(self) -> None:
        kind = self.kind_box.currentData()
        rows = [r for r in self.all_rows if kind is None or r.kind == kind]
        self.model.set_rows(rows)
        per_kind = "，".join(f"{label} {sum(1 for r in self.all_rows if r.kind == k)} 份"
                             for k, label in NOTICE_KINDS.items())
        self.counts.setText(f"共 {len(self.all_rows)} 份：{per_kind}")
        self.table.fit_columns()

    def selected_ids(self) -> list[int]:
        rows = [i.data(ROW_ROLE) for i in self.table.view.selectionModel().selectedRows()]
        return [r.id for r in rows if r is not None]

    def reprint(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.counts.setText("请先选择要重新打印的文书（可多选）。")
            return
        first = next(r for r in self.all_rows if r.id == ids[0])
        name = first.number if len(ids) == 1 else f"{first.number}等{len(ids)}份"
        self.reports.build(f"{name}.pdf", rectification_reports.reprint_pdf, self.ctx.actor, ids)
