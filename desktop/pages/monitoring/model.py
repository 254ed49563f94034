"""The 运行监控 grid's table model: it owns the plain `GridRow`s and sorts and filters them itself, as a list of
row positions, so 80,000 projects stay fluid (a per-row Python `filterAcceptsRow` in a QSortFilterProxyModel
freezes at that size). Keys are computed once per row set, on first use; the totals follow what is shown.

Light cells show a symbol with the label (see monitoring_columns), and every row is tinted by its project light
(the worst one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.common import formatting
from core.monitoring.dto import GridRow
from core.monitoring.rules.lights import percent
from desktop.pages.monitoring.columns import (
    BUDGET_LIGHT_COLUMN,
    COLUMNS,
    GOAL_LIGHT_COLUMN,
    LIGHT_BACKGROUNDS,
    LIGHT_FIELDS,
    LIGHT_TEXT,
    MONEY_COLUMNS,
    ROW_TINTS,
    SPENT_COLUMN,
    band_of,
)
from desktop.widgets.table_model import ROW_ROLE

Index = QModelIndex | QPersistentModelIndex
@dataclass(frozen=True)
class GridFilter:
    """What the grid shows; stored as a saved view, so only plain values."""

    department_id: int | None = None
    light: str | None = None
    light_kind: str = "project"  # project | budget | goal
    band: int | None = None  # index into AMOUNT_BANDS
    fund_type: str | None = None
    key_only: bool = False
    search: str = ""


@dataclass(frozen=True)
class Totals:
    count: int
    budget: Decimal
    adjusted_budget: Decimal
    spent: Decimal
    forecast: Decimal

    @property
    def execution_rate(self) -> Decimal | None:
        return percent(self.spent, self.adjusted_budget)

    @property
    def forecast_rate(self) -> Decimal | None:
        return percent(self.forecast, self.adjusted_budget)



class MonitoringGridModel(QAbstractTableModel):
    """Rows are positions into `_rows`: `_order` is every row in the sort order, `_shown` the filtered part."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[GridRow] = []
        self._order: list[int] | None = []  # every row in the sort order; None once a sort made it stale
        self._shown: list[int] = []
        self._all_totals: Totals | None = None
        self._keys: dict[Any, list[Any]] = {}
        self._filter = GridFilter()
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self.month = 12
        self.totals = Totals(0, Decimal(0), Decimal(0), Decimal(0), Decimal(0))

    # -- rows, filter, sort -----------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[GridRow], month: int) -> None:
        self.beginResetModel()
        self._rows, self.month, self._keys = list(rows), month, {}
        self._order, self._all_totals = None, None
        self._apply_filter()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, SPENT_COLUMN, SPENT_COLUMN)

    def set_filter(self, grid_filter: GridFilter) -> None:
        if grid_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = grid_filter
        self._apply_filter()
        self.endResetModel()

    def current_filter(self) -> GridFilter:
        return self._filter

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts what is shown; the order of every row is worked out again only when a filter needs it."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [self._shown[i.row()] for i in persistent]
        self._sort = (column, order)
        self._order = None
        self._shown = self._sorted(self._shown)
        if persistent:
            where = {source: pos for pos, source in enumerate(self._shown)}
            self.changePersistentIndexList(persistent, [self.index(where[s], i.column()) for i, s in
                                                        zip(persistent, sources, strict=True)])
        self.layoutChanged.emit()

    def _key(self, name: Any, fn: Callable[[GridRow], Any]) -> list[Any]:
        keys = self._keys.get(name)
        if keys is None:
            keys = self._keys[name] = [fn(r) for r in self._rows]
        return keys

    def _sorted(self, positions: Iterable[int]) -> list[int]:
        """Positions in the sort order; ties keep the service's order (by project code), whatever came before."""
        ordered = sorted(positions)
        column, order = self._sort
        if 0 <= column < len(COLUMNS):
            keys = self._key(("sort", column), COLUMNS[column].key)
            ordered.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return ordered

    def _apply_filter(self) -> None:
        f = self._filter
        if self._order is None:
            self._order = self._sorted(range(len(self._rows)))
        shown = self._order
        tests: list[tuple[Any, Callable[[GridRow], Any], Any]] = []
        if f.department_id is not None:
            tests.append(("department", lambda r: r.department_id, f.department_id))
        if f.light is not None:
            field = LIGHT_FIELDS.get(f.light_kind, "project_light")
            tests.append((field, lambda r, field=field: getattr(r, field), f.light))
        if f.band is not None:
            tests.append(("band", lambda r: band_of(r.adjusted_budget), f.band))
        if f.fund_type is not None:
            tests.append(("fund", lambda r: r.fund_type, f.fund_type))
        if f.key_only:
            tests.append(("key", lambda r: r.key_monitoring, True))
        for name, fn, wanted in tests:
            keys = self._key(name, fn)
            shown = [i for i in shown if keys[i] == wanted]
        needle = f.search.strip().casefold()
        if needle:
            hay = self._key("search", lambda r: f"{r.project_code}\n{r.project_name}\n{r.unit_name}\n"
                                                f"{r.department_name}".casefold())
            shown = [i for i in shown if needle in hay[i]]
        self._shown = shown
        if shown is self._order:  # nothing filtered: the totals of every row, summed once per row set
            if self._all_totals is None:
                self._all_totals = self._sum(shown)
            self.totals = self._all_totals
        else:
            self.totals = self._sum(shown)

    def _sum(self, shown: list[int]) -> Totals:
        rows = self._rows
        budget = adjusted = spent = forecast = Decimal(0)
        for i in shown:
            r = rows[i]
            budget += r.budget
            adjusted += r.adjusted_budget
            spent += r.spent
            forecast += r.forecast
        return Totals(len(shown), budget, adjusted, spent, forecast)

    # -- reading ----------------------------------------------------------------------------------------------

    def row_at(self, row: int) -> GridRow:
        return self._rows[self._shown[row]]

    def shown_rows(self) -> list[GridRow]:
        rows = self._rows
        return [rows[i] for i in self._shown]

    def all_rows(self) -> list[GridRow]:
        return list(self._rows)

    def row_of(self, project_id: int) -> int | None:
        return next((pos for pos, i in enumerate(self._shown) if self._rows[i].project_id == project_id), None)

    # -- Qt ---------------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        column = COLUMNS[index.column()]
        row = self._rows[self._shown[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column.light is not None:
                colour = LIGHT_BACKGROUNDS.get(column.light(row))
            else:
                colour = ROW_TINTS.get(row.project_light)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and column.light is not None:
            return QColor(LIGHT_TEXT[column.light(row)])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column.light is not None:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == ROW_ROLE:
            return row
        return None

    def _tooltip(self, row: GridRow, column: int) -> str | None:
        if column == BUDGET_LIGHT_COLUMN and row.budget_ratio is not None:
            return (f"执行率 {formatting.percent(row.execution_rate)} ÷ 序时进度 {formatting.percent(row.time_progress)}"
                    f" = {formatting.percent(row.budget_ratio)}")
        if column == GOAL_LIGHT_COLUMN and row.goal_basis != "approved":
            return "绩效目标表尚未批复，只监控预算执行"
        if column == GOAL_LIGHT_COLUMN and row.red_indicators:
            return f"{row.red_indicators} 个指标亮红灯"
        if row.reasons:
            return f"{row.project_name}\n偏差原因：{row.reasons}"
        return row.project_name if column == 1 else None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = COLUMNS[section].title
            if section == SPENT_COLUMN:
                return f"1-{self.month}月{title}"
            return title
        if role == Qt.ItemDataRole.ToolTipRole and section in MONEY_COLUMNS:
            return "单位：万元"
        return None
