"""指标库 area: browse and search the common 三级 indicators by sector, see an entry's scoring standard and the
targets approved goal tables have set for it in past years; bureau staff add their own entries or retire them."""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.library import service as library
from core.library.dto import HistoryRow, LibraryRow
from desktop.pages.library.browser import LibraryBrowser, kind_and_unit, number, value_range
from desktop.pages.library.form import LibraryEntryDialog
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.table_model import Column, RowTableModel

HISTORY_COLUMNS: list[Column[HistoryRow]] = [
    Column("行业", lambda r: r.sector), Column("年度", lambda r: r.year),
    Column("指标数", lambda r: r.count, align_right=True),
    Column("最小值", lambda r: r.minimum, align_right=True, text=number),
    Column("中位数", lambda r: r.median, align_right=True, text=number),
    Column("最大值", lambda r: r.maximum, align_right=True, text=number),
]


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class EntryDetail(QWidget):
    """The chosen entry: what the table cannot show in one line, and its history in approved goal tables."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("请在上表中选择一条指标。", self)
        self.title.setObjectName("sectionHeading")
        self.title.setWordWrap(True)
        self.fields = {key: _value_label(self) for key in ("value", "scoring", "note", "source")}
        form = QFormLayout()
        for key, text in (("value", "指标性质及常见值："), ("scoring", "评（扣）分标准："), ("note", "备注："),
                          ("source", "来源：")):
            form.addRow(text, self.fields[key])
        self.history: RowTableModel[HistoryRow] = RowTableModel(HISTORY_COLUMNS)
        self.history_view = QTableView(self)
        self.history_view.setModel(self.history)
        self.history_view.setAlternatingRowColors(True)
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history_note = QLabel("", self)
        self.history_note.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(QLabel("已通过的绩效目标表中的目标值（当前版本，按行业和年度）：", self))
        right.addWidget(self.history_view, 1)
        right.addWidget(self.history_note)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(columns, 1)

    def show_entry(self, row: LibraryRow | None) -> None:
        if row is None:
            self.title.setText("请在上表中选择一条指标。")
        else:
            self.title.setText(f"{row.code}  {row.name}（{row.sector} · {row.level1} · {row.level2}）")
        typical = value_range(row.typical_min, row.typical_max) if row else ""
        cost = value_range(row.unit_cost_min_wan, row.unit_cost_max_wan) if row else ""
        self.fields["value"].setText(
            "" if row is None else kind_and_unit(row) + (f"，常见目标值 {typical}" if typical else "")
            + (f"，单位成本 {cost} 万元" if cost else ""))
        self.fields["scoring"].setText(row.scoring if row else "")
        self.fields["note"].setText((row.note or "—") if row else "")
        self.fields["source"].setText(row.source if row else "")
        self.show_history([])
        self.history_note.setText("正在查询…" if row else "")

    def show_history(self, rows: list[HistoryRow]) -> None:
        self.history.set_rows(rows)
        self.history_note.setText(f"共 {sum(r.count for r in rows)} 条指标。" if rows
                                  else "已通过的目标表中尚未用过这条指标。")


class LibraryPage(Page):
    areas = frozenset({Area.LIBRARY, Area.GOALS, Area.REVIEW})  # approvals feed an entry's history

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.stale = False  # the browser loads itself when built
        self.dialog: LibraryEntryDialog | None = None
        self._history_request = 0
        self.browser = LibraryBrowser(ctx, self)
        self.browser.search.returnPressed.connect(self.browser.focus_results)
        self.browser.current_changed.connect(self._entry_changed)
        self.detail = EntryDetail(self)
        self.add_button = QPushButton("新增指标(&N)…", self)
        self.add_button.clicked.connect(self.new_entry)
        self.retire_button = QPushButton("停用(&D)", self)
        self.retire_button.clicked.connect(self.retire_selected)
        self.retire_button.setEnabled(False)
        can_manage = library.can_manage(ctx.actor)
        self.add_button.setVisible(can_manage)
        self.retire_button.setVisible(can_manage)
        heading = QLabel("指标库", self)
        heading.setObjectName("pageHeading")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.retire_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.browser)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 220])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def load(self) -> None:
        self.browser.refresh()  # its answer re-selects the entry, which reloads the entry's history

    def _entry_changed(self, row: LibraryRow | None) -> None:
        self.retire_button.setEnabled(row is not None and row.bureau)
        self.detail.show_entry(row)
        self._history_request += 1
        if row is not None:
            request = self._history_request
            self.read(library.history, self.ctx.actor, row.name, row.unit,
                      on_done=functools.partial(self._show_history, request), on_error=self.failed)

    def _show_history(self, request: int, rows: list[HistoryRow]) -> None:
        if request == self._history_request:
            self.detail.show_history(rows)

    def new_entry(self) -> None:
        sectors = [self.browser.sector.itemData(i) for i in range(1, self.browser.sector.count())]
        if self.dialog is not None:
            self.dialog.deleteLater()  # one form at a time
        self.dialog = LibraryEntryDialog(self.ctx, sectors, self.browser.sector.currentData(), self)
        self.dialog.added.connect(self._added)
        self.dialog.open()

    def _added(self, row: LibraryRow) -> None:
        self.browser.reveal(row.code, row.sector)

    def retire_selected(self) -> None:
        row = self.browser.current()
        if row is None or not row.bureau:
            return
        if self.confirm("停用指标", f"停用指标“{row.name}”（{row.code}）？\n停用后它不再出现在指标库和审核规则中，"
                                    "已用过它的目标表不受影响。"):
            self.write(library.deactivate_entry, self.ctx.actor, row.code)

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
