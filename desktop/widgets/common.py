"""Small shared widgets: a searchable, sortable table over a `RowTableModel`, a figure card, and the drill-down
pane (summary over a table beside a chart) of a selected row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets.table_model import ROW_ROLE, SORT_ROLE, RowTableModel

# Rows measured when a table fits its columns to their contents: the visible rows first, then up to this many.
# Measuring every row of every page's table cost seconds at start-up (each cell's text comes from Python).
SAMPLE_ROWS = 60


def fit_by_sample(view: QTableView) -> None:
    """Make `resizeColumnsToContents` on this view measure a sample of rows, not all of them."""
    view.horizontalHeader().setResizeContentsPrecision(SAMPLE_ROWS)


class SearchableTable(QWidget):
    """A quick-search box over a sortable table; `selected_row()` gives the DTO under the cursor."""

    def __init__(self, model: RowTableModel[Any], placeholder: str = "快速搜索…", parent: QWidget | None = None,
                 proxy: QSortFilterProxyModel | None = None):
        super().__init__(parent)
        self.model = model
        self.proxy = proxy or QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        fit_by_sample(self.view)
        self.view.setSortingEnabled(True)
        # Keep the service's order (workflow order, largest first ...) until the user clicks a header.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view)

    def selected_row(self) -> Any | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def fit_columns(self) -> None:
        self.view.resizeColumnsToContents()


class FigureCard(QFrame):
    """A labelled big number on the home page."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._title = QLabel(title, self)
        self._title.setObjectName("figureTitle")
        self._value = QLabel("—", self)
        self._value.setObjectName("figureValue")
        self._note = QLabel("", self)
        self._note.setObjectName("figureNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._value)
        layout.addWidget(self._note)

    def set_value(self, value: str, note: str = "") -> None:
        self._value.setText(value)
        self._note.setText(note)

    def value_text(self) -> str:
        return self._value.text()


class DetailPane(QWidget):
    """A selected row's drill-down: a wrapping, selectable `summary` line over a read-only `table` of `model`
    (whole rows selected, no row numbers, last column stretched) in the splitter `split`, to whose right the
    subclass adds its chart."""

    def __init__(self, summary: str, summary_name: str, model: RowTableModel[Any], table_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        model.setParent(self)
        self.summary = QLabel(summary, self)
        self.summary.setObjectName(summary_name)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView(self)
        self.table.setObjectName(table_name)
        self.table.setModel(model)
        fit_by_sample(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)
