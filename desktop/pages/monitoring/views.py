"""The 运行监控 grid's views: a table whose first columns stay put while the rest scroll (Qt's "frozen column"
example: a second view over the same model and selection, laid over the left edge and scrolled with the main
one), and under it a one-row footer with the totals of what is shown, kept in step with the grid's columns.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from core.monitoring.rules.lights import time_progress
from desktop.pages.monitoring.columns import (
    COLUMNS,
    FROZEN_COLUMNS,
    MONEY_COLUMNS,
    SPENT_COLUMN,
    TITLES,
    money,
    rate,
)
from desktop.pages.monitoring.model import MonitoringGridModel

Index = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 26
PER_PIXEL = QAbstractItemView.ScrollMode.ScrollPerPixel


class FrozenTableView(QTableView):
    """A table view whose first `frozen` columns do not scroll horizontally."""

    def __init__(self, model: QAbstractItemModel, frozen: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen_count = frozen
        self._right = 0
        self.setModel(model)
        self.frozen = QTableView(self)
        self.frozen.setObjectName("frozenColumns")
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setStyleSheet("QTableView#frozenColumns { border: none; border-right: 2px solid #9aa0a6; }")
        for view in (self, self.frozen):
            view.setHorizontalScrollMode(PER_PIXEL)
            view.setVerticalScrollMode(PER_PIXEL)
            view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.viewport().stackUnder(self.frozen)
        self._hide_scrolling_columns()
        model.modelReset.connect(self._hide_scrolling_columns)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.frozen.clicked.connect(lambda _index: self.setFocus())
        self.frozen.doubleClicked.connect(self.doubleClicked)
        self._update_frozen_geometry()
        self.frozen.show()

    def enable_sorting(self) -> None:
        """Header clicks sort, on the frozen columns too; both headers show the same indicator."""
        header, frozen_header = self.horizontalHeader(), self.frozen.horizontalHeader()
        self.setSortingEnabled(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        frozen_header.setSectionsClickable(True)
        frozen_header.setSortIndicatorShown(True)
        frozen_header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        frozen_header.sortIndicatorChanged.connect(lambda section, order: header.setSortIndicator(section, order))

        def follow(section: int, order: Qt.SortOrder) -> None:
            frozen_header.blockSignals(True)
            frozen_header.setSortIndicator(section, order)
            frozen_header.blockSignals(False)

        header.sortIndicatorChanged.connect(follow)

    def _hide_scrolling_columns(self) -> None:
        for column in range(self.model().columnCount()):
            self.frozen.setColumnHidden(column, column >= self.frozen_count)
            if column < self.frozen_count:
                self.frozen.setColumnWidth(column, self.columnWidth(column))

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.frozen_count:
            self.frozen.setColumnWidth(column, new)
            self._update_frozen_geometry()

    def frozen_width(self) -> int:
        return sum(self.columnWidth(c) for c in range(self.frozen_count))

    def _update_frozen_geometry(self) -> None:
        left = 0 if self.verticalHeader().isHidden() else self.verticalHeader().width()
        header = 0 if self.horizontalHeader().isHidden() else self.horizontalHeader().height()
        frozen_header = self.frozen.horizontalHeader()
        frozen_header.setHidden(header == 0)
        if header:
            frozen_header.setFixedHeight(header)
        self.frozen.setGeometry(left + self.frameWidth(), self.frameWidth(), self.frozen_width() + 2,
                                self.viewport().height() + header)

    def reserve_right(self, width: int) -> None:
        """Leave `width` pixels free at the right (the grid's vertical scroll bar), so columns line up."""
        if width != self._right:
            self._right = width
            self.updateGeometries()


    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_frozen_geometry()

    def updateGeometries(self) -> None:
        super().updateGeometries()  # QTableView sets the viewport margins for its headers here
        if self._right:
            m = self.viewportMargins()
            self.setViewportMargins(m.left(), m.top(), self._right, m.bottom())
        if hasattr(self, "frozen"):
            self._update_frozen_geometry()

    def scrollTo(self, index: Index, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        bar = self.horizontalScrollBar()
        before = bar.value()
        super().scrollTo(index, hint)
        if not index.isValid():
            return
        if index.column() < self.frozen_count:  # frozen cells are always in sight: scroll vertically only
            bar.setValue(before)
            return
        hidden = self.frozen_width() - self.visualRect(index).left()
        if hidden > 0:  # the cell is under the frozen columns
            bar.setValue(bar.value() - hidden)


class TotalsModel(QAbstractTableModel):
    """One row: the totals of what the grid shows, in the grid's columns."""

    def __init__(self, grid: MonitoringGridModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = grid
        for signal in (grid.modelReset, grid.layoutChanged):
            signal.connect(self._changed)

    def _changed(self) -> None:
        self.dataChanged.emit(self.index(0, 0), self.index(0, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def text(self, column: int) -> str:
        t = self.grid.totals
        return {0: "合计", 1: f"显示 {t.count:,} 个项目", MONEY_COLUMNS[0]: money(t.budget),
                MONEY_COLUMNS[1]: money(t.adjusted_budget), SPENT_COLUMN: money(t.spent),
                TITLES.index("执行率"): rate(t.execution_rate),
                TITLES.index("序时进度"): rate(time_progress(self.grid.month)),
                TITLES.index("预计全年执行率"): rate(t.forecast_rate)}.get(column, "")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor("#e8eaed")
        return None


class GridTable(QWidget):
    """The grid with frozen first columns over the model, and the totals footer under it."""

    def __init__(self, model: MonitoringGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = FrozenTableView(model, FROZEN_COLUMNS, self)
        self.view.setObjectName("monitoringGrid")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.frozen.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.frozen.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setHighlightSections(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.enable_sorting()
        self.totals = TotalsModel(model, self)
        self.footer = FrozenTableView(self.totals, FROZEN_COLUMNS, self)
        self.footer.setObjectName("monitoringTotals")
        self.footer.horizontalHeader().hide()
        self.footer.verticalHeader().hide()
        self.footer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.footer.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.footer.frozen.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.footer.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setFixedHeight(ROW_HEIGHT + 2 * self.footer.frameWidth())
        self.footer.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().sectionResized.connect(lambda c, _o, new: self.footer.setColumnWidth(c, new))
        self.view.horizontalScrollBar().valueChanged.connect(self.footer.horizontalScrollBar().setValue)
        self.view.horizontalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._align_footer())
        self.view.viewport().installEventFilter(self)
        self.footer.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.footer)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.view.viewport(), self.footer) and event.type() == QEvent.Type.Resize:
            self._align_footer()
        return False

    def _align_footer(self) -> None:
        """Give the footer's viewport the grid's width (the grid has a vertical scroll bar), so columns line up."""
        inner = self.footer.width() - 2 * self.footer.frameWidth()
        self.footer.reserve_right(max(inner - self.view.viewport().width(), 0))
        self.footer.horizontalScrollBar().setValue(self.view.horizontalScrollBar().value())

    def fit_columns(self) -> None:
        """Column widths from each column's usual content length (measuring 80,000 rows would be slow)."""
        metrics = self.view.fontMetrics()
        char = metrics.horizontalAdvance("中")
        for column, spec in enumerate(COLUMNS):
            title = self.model.headerData(column, Qt.Orientation.Horizontal) or spec.title
            width = max(spec.width * char, metrics.horizontalAdvance(title) + 28) + 12
            self.view.setColumnWidth(column, width)
            self.footer.setColumnWidth(column, width)
