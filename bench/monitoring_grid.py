"""The 运行监控 grid at scale 10 and 100 (8,000 and 80,000 projects): filling the model and painting the grid once
the rows are loaded, department and light filters, sort by amount, quick search and memory, each against a bare
QAbstractTableModel with the same rows and columns in the same run (filter, sort and search on the bare model go
through a QSortFilterProxyModel with a per-row Python filter callback, the approach known to freeze at 80,000).

Rows come from the demo county at that scale (`monitoring.grid` as of the demo round); the generation and the
service time are reported alongside. `synthetic=True` builds the larger scale by replicating scale-10 rows instead.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import emit, median_seconds
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import grid as monitoring
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import GridRow
from core.org.rules.roles import SYSTEM
from db.database import open_database

VISIBLE_ROWS = 40
FIELDS = ("department_name", "project_name", "project_code", "unit_name", "fund_type_label", "budget",
          "adjusted_budget", "spent", "execution_rate", "time_progress", "budget_light", "goal_light",
          "project_light", "likelihood", "forecast_rate", "key_monitoring", "reasons")


def load_rows(scale: float) -> tuple[list[GridRow], dict[str, float]]:
    """The demo county's grid rows as of its round, with the time to generate the county and to build the grid."""
    with tempfile.TemporaryDirectory() as tmp, open_database(Path(tmp) / "demo.sqlite") as db:
        start = time.perf_counter()
        report = call(db, demo.generate_demo, SYSTEM, scale=scale)
        generated = time.perf_counter() - start
        round_id = call(db, monitoring_rounds.list_rounds, SYSTEM, report.year)[-1].id
        start = time.perf_counter()
        grid = call(db, monitoring.grid, SYSTEM, report.year, round_id)
        return list(grid.rows), {"generation_s": round(generated, 1),
                                 "grid_service_s": round(time.perf_counter() - start, 2)}


def replicate(rows: Sequence[GridRow], times: int) -> list[GridRow]:
    """`times` copies of the rows with distinct ids and codes (a synthetic larger county)."""
    top = max(r.project_id for r in rows)
    return [dataclasses.replace(r, project_id=r.project_id + k * top, project_code=f"{r.project_code}-{k}")
            for k in range(times) for r in rows]


def _bare_classes() -> tuple[type, type]:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

    class BareModel(QAbstractTableModel):
        """The floor: a list of rows, the same columns, display text only; sorts on the raw value."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[GridRow] = []

        def set_rows(self, rows: Sequence[GridRow]) -> None:
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else len(FIELDS)

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                value = getattr(self.rows[index.row()], FIELDS[index.column()])
                return "" if value is None else str(value)
            if role == Qt.ItemDataRole.UserRole:
                value = getattr(self.rows[index.row()], FIELDS[index.column()])
                return float(value) if value is not None and not isinstance(value, str) else value
            return None

        def headerData(self, section: int, orientation: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return FIELDS[section] if orientation == Qt.Orientation.Horizontal else section + 1

    class CallbackProxy(QSortFilterProxyModel):
        """A per-row Python callback, reading the row straight from the list (the fastest such callback)."""

        def __init__(self) -> None:
            super().__init__()
            self.test: Callable[[GridRow], bool] | None = None

        def set_test(self, test: Callable[[GridRow], bool] | None) -> None:
            self.beginFilterChange()
            self.test = test
            self.endFilterChange()

        def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
            if self.test is not None and not self.test(self.sourceModel().rows[source_row]):
                return False
            return super().filterAcceptsRow(source_row, source_parent)

    return BareModel, CallbackProxy


def _visible_cells(model: Any, roles: Sequence[int]) -> None:
    for row in range(min(VISIBLE_ROWS, model.rowCount())):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in roles:
                model.data(index, role)


def _measure(rows: list[GridRow], extra: dict[str, Any], label: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from desktop.pages.monitoring.columns import COLUMNS
    from desktop.pages.monitoring.model import GridFilter, MonitoringGridModel
    from desktop.pages.monitoring.views import GridTable

    app = QApplication.instance() or QApplication([])
    bare_class, proxy_class = _bare_classes()
    n = len(rows)
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
             Qt.ItemDataRole.TextAlignmentRole)
    adjusted = [c.title for c in COLUMNS].index("调整后预算")
    dept = rows[n // 2].department_id
    needle = rows[-1].project_code
    desc = Qt.SortOrder.DescendingOrder

    model = MonitoringGridModel()
    table = GridTable(model)
    table.resize(1400, 700)
    table.show()
    start = time.perf_counter()
    model.set_rows(rows, 8)
    table.fit_columns()
    _visible_cells(model, roles)
    fill = time.perf_counter() - start
    start = time.perf_counter()
    table.grab()
    paint = time.perf_counter() - start
    cold = {}
    for name, f in (("department", GridFilter(department_id=dept)), ("light", GridFilter(light="red")),
                    ("search", GridFilter(search=needle))):
        start = time.perf_counter()
        model.set_filter(f)  # first use computes the filter's keys
        cold[name] = time.perf_counter() - start
        model.set_filter(GridFilter())
    start = time.perf_counter()
    model.sort(adjusted, desc)
    cold["sort"] = time.perf_counter() - start
    model.sort(-1)

    def flip(f: GridFilter) -> Callable[[], None]:
        return lambda: (model.set_filter(f), model.set_filter(GridFilter()))

    ours = {"department": median_seconds(flip(GridFilter(department_id=dept))) / 2,
            "light": median_seconds(flip(GridFilter(light="red", light_kind="budget"))) / 2,
            "search": median_seconds(flip(GridFilter(search=needle))) / 2,
            "sort": median_seconds(lambda: (model.sort(adjusted, desc), model.sort(-1))) / 2}
    table.close()

    bare = bare_class()
    proxy = proxy_class()
    proxy.setSourceModel(bare)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view = QTableView()
    view.setModel(proxy)
    view.resize(1400, 700)
    view.show()
    start = time.perf_counter()
    bare.set_rows(rows)
    _visible_cells(bare, roles)
    bare_fill = time.perf_counter() - start
    start = time.perf_counter()
    view.grab()
    bare_paint = time.perf_counter() - start
    repeat = 1 if n > 20_000 else 3
    floor = {
        "department": median_seconds(lambda: (proxy.set_test(lambda r: r.department_id == dept),
                                              proxy.set_test(None)), repeat) / 2,
        "light": median_seconds(lambda: (proxy.set_test(lambda r: r.budget_light == "red"),
                                         proxy.set_test(None)), repeat) / 2,
        "search": median_seconds(lambda: (proxy.setFilterFixedString(needle), proxy.setFilterFixedString("")),
                                 repeat) / 2,
        "sort": median_seconds(lambda: (proxy.sort(FIELDS.index("adjusted_budget"), desc), proxy.sort(-1)),
                               repeat) / 2}
    view.close()
    app.processEvents()
    ours_mib, bare_mib = _memory(rows, model_class=MonitoringGridModel, bare_class=bare_class,
                                 filters=(GridFilter(department_id=dept), GridFilter(light="red"),
                                          GridFilter(search=needle)), sort_column=adjusted)

    floor_name = "bare QAbstractTableModel, same rows and columns, same run"
    proxy_name = "bare model + QSortFilterProxyModel with a Python filterAcceptsRow, same run"
    emit(f"monitoring_grid_fill_scale_{label}", fill * 1000, "ms", bare_fill * 1000,
         f"{floor_name} (set rows + data() of {VISIBLE_ROWS} visible rows)", rows=n, **extra)
    emit(f"monitoring_grid_paint_scale_{label}", paint * 1000, "ms", bare_paint * 1000,
         "bare QTableView over the bare model, 1400×700 grab", rows=n)
    for name in ("department", "light", "search", "sort"):
        emit(f"monitoring_grid_{name}_scale_{label}", ours[name] * 1000, "ms", floor[name] * 1000, proxy_name,
             rows=n, first_use_ms=round(cold[name] * 1000, 1))
    emit(f"monitoring_grid_memory_scale_{label}", ours_mib, "MiB", bare_mib,
         "bare model's Python heap (tracemalloc; rows themselves not counted in either)", rows=n)


def _memory(rows: list[GridRow], model_class: type, bare_class: type, filters: Sequence[Any],
            sort_column: int) -> tuple[float, float]:
    """Python heap held by each model once every key it caches exists (filters, search, sort used once)."""
    from PySide6.QtCore import Qt

    tracemalloc.start()
    model = model_class()
    model.set_rows(rows, 8)
    for f in filters:
        model.set_filter(f)
    model.sort(sort_column, Qt.SortOrder.DescendingOrder)
    ours = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    bare = bare_class()
    bare.set_rows(rows)
    floor = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del model, bare
    return ours / 2**20, floor / 2**20


def run(scales: tuple[float, ...] = (10.0, 100.0), synthetic: bool = False) -> None:
    base: list[GridRow] = []
    for scale in scales:
        if synthetic and base and scale > 10:
            rows, extra = replicate(base, round(scale / 10)), {"synthetic": f"scale 10 rows × {round(scale / 10)}"}
        else:
            rows, extra = load_rows(scale)
            base = rows
        _measure(rows, extra, f"{scale:g}")
