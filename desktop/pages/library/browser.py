"""The 指标库 list shared by the library page and the goal editor's picker: a sector filter, a search box that
asks the service again as one types, and the table of entries."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common.labels import COMPARATORS
from core.goals.rules.notation import format_decimal
from core.library import service as library
from core.library.dto import LibraryRow
from desktop.shell.context import AppContext
from desktop.widgets.common import fit_by_sample
from desktop.widgets.table_model import ROW_ROLE, SORT_ROLE, Column, RowTableModel

SEARCH_DELAY_MS = 150  # one query per pause in typing, not per key
NAME_COLUMN = 3


def number(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def value_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return ""
    return f"{number(low)}～{number(high)}"


def kind_and_unit(row: LibraryRow) -> str:
    return "定性" if row.comparator == "qual" else f"{COMPARATORS[row.comparator]} {row.unit or ''}".strip()


COLUMNS: list[Column[LibraryRow]] = [
    Column("行业", lambda r: r.sector), Column("一级指标", lambda r: r.level1),
    Column("二级指标", lambda r: r.level2), Column("三级指标", lambda r: r.name),
    Column("性质及单位", kind_and_unit),
    Column("常见目标值", lambda r: value_range(r.typical_min, r.typical_max), align_right=True),
    Column("单位成本（万元）", lambda r: value_range(r.unit_cost_min_wan, r.unit_cost_max_wan), align_right=True),
    Column("来源", lambda r: r.source),
]


class LibraryBrowser(QWidget):
    """Filters and table; `current_changed` fires with the chosen row (or None) after each move and each answer."""

    current_changed = Signal(object)  # LibraryRow | None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, multi: bool = False,
                 sector: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._wanted_sector = sector  # to choose once the sectors are known
        self._reveal: str | None = None  # a code to put the cursor on once it is listed
        self._request = 0
        self.model: RowTableModel[LibraryRow] = RowTableModel(COLUMNS)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        fit_by_sample(self.view)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)  # the library's own order (by sector, tree, then bureau entries) until a header click
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                                   else QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.current_changed.emit(self.current()))
        self.sector = QComboBox(self)
        self.sector.addItem("全部行业", None)
        self.sector.setMinimumContentsLength(8)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("输入指标名称、备注或编号，边输边查…")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel("", self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.sector.currentIndexChanged.connect(lambda _index: self.reload())
        bar = QHBoxLayout()
        for text, buddy in (("行业(&H)：", self.sector), ("查找(&F)：", self.search)):
            label = QLabel(text, self)
            label.setBuddy(buddy)
            bar.addWidget(label)
            bar.addWidget(buddy, 1 if buddy is self.search else 0)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.refresh()

    def refresh(self) -> None:
        """Fetch the sectors (the bureau may have added one), then the rows; the chosen filters stay."""
        self.ctx.runner.read(library.sectors, self.ctx.actor, on_done=self._fill_sectors)

    def reveal(self, code: str, sector: str) -> None:
        """Show one entry: its sector, no search text, the cursor on it."""
        self._reveal, self._wanted_sector = code, sector
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def _fill_sectors(self, sectors: list[str]) -> None:
        chosen = self._wanted_sector or self.sector.currentData()
        self._wanted_sector = None
        self.sector.blockSignals(True)
        while self.sector.count() > 1:
            self.sector.removeItem(1)
        for name in sectors:
            self.sector.addItem(name, name)
        self.sector.setCurrentIndex(max(self.sector.findData(chosen), 0) if chosen else 0)
        self.sector.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Ask again with the current filters; an answer to an older question is dropped."""
        self._timer.stop()
        self._request += 1
        request = self._request
        self.ctx.runner.read(library.browse, self.ctx.actor, self.sector.currentData(), self.search.text(),
                             on_done=lambda rows: self._show(request, rows))

    def _show(self, request: int, rows: list[LibraryRow]) -> None:
        if request != self._request:
            return
        keep = self.current()
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 条")
        self._fit()
        if self._reveal is not None and self.select_code(self._reveal):
            self._reveal = None
        elif keep is not None:
            self.select_code(keep.code)
        self.current_changed.emit(self.current())

    def _fit(self) -> None:
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)

    def current(self) -> LibraryRow | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() and self.view.selectionModel().isSelected(index) else None

    def chosen(self) -> list[LibraryRow]:
        """The selected rows in the order the table shows them."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(ROW_ROLE) for i in rows]

    def select_code(self, code: str) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ROW_ROLE).code == code:
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
                return True
        return False

    def focus_results(self) -> None:
        """Move the keyboard into the table, on the first row if none is chosen yet."""
        if self.proxy.rowCount() and not self.view.selectionModel().hasSelection():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self.view.setFocus()
