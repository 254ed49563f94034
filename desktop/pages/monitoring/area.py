"""运行监控 area: the monitoring grid of the year as of a round (or, budget only, as of a month), one row per
project with its budget execution and lights, filtered and sorted in the model; the drill-down of the selected
project below it; and the bureau's actions on the selection (重点监控, 纠偏/整改 items, importing execution).

The grid is built on the background helper; `export_rows()` gives the rows as shown, for the workbook and PDF
outputs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area, Changes
from core.common.errors import USER_ERRORS
from core.common.labels import ACTION_KINDS
from core.monitoring import grid as monitoring
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import Grid, GridRow, ProjectMonitoring, RoundRow
from core.org import settings
from core.org.rules.roles import Permission
from desktop.pages.monitoring.actions import ActionDialog, ActionRequest
from desktop.pages.monitoring.detail import MonitoringDetail
from desktop.pages.monitoring.execution_import import ExecutionImportDialog
from desktop.pages.monitoring.filters import FilterBar, PeriodSelector
from desktop.pages.monitoring.model import MonitoringGridModel
from desktop.pages.monitoring.tools import MonitoringTools
from desktop.pages.monitoring.views import GridTable
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page

RELOAD_AREAS = frozenset({Area.MONITORING, Area.EXECUTION, Area.GOALS, Area.REVIEW, Area.UNITS, Area.SETTINGS})
LEGEND_KEYS = ("monitoring.budget_red_below", "monitoring.budget_yellow_below", "monitoring.indicator_blue_from")


def can_manage(ctx: AppContext) -> bool:
    return any(ctx.actor.can(p) for p in (Permission.REVIEW_GOALS, Permission.EVALUATE, Permission.MANAGE_SETTINGS))


class MonitoringPage(Page):
    areas = RELOAD_AREAS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.grid: Grid | None = None
        self._request = self._detail_request = 0  # answers to older requests are dropped
        self._fitted = False
        self.dialog: QDialog | None = None
        self.model = MonitoringGridModel(self)
        self.table = GridTable(self.model, self)
        self.view = self.table.view
        self.filters = FilterBar(self)
        self.detail = MonitoringDetail(self)
        self.period_selector = PeriodSelector(ctx.year, self)
        self.round_box, self.month_box = self.period_selector.round_box, self.period_selector.month_box
        self.reload_button = QPushButton("刷新(&E)", self)
        self.reload_button.setToolTip("重新计算（F5）")
        self.key_button = QPushButton("标记重点监控(&K)", self)
        self.action_button = QPushButton("纠偏/整改事项(&G)…", self)
        self.import_button = QPushButton("导入执行数(&I)…", self)
        for button in (self.key_button, self.action_button, self.import_button):
            button.setVisible(can_manage(ctx))
        self.tools = MonitoringTools(self, can_manage(ctx))
        self.status = QLabel("", self)
        self.status.setObjectName("monitoringStatus")
        self.message = QLabel("", self)  # the outcome of the last action, kept across reloads
        self.message.setObjectName("monitoringMessage")
        self._reload_timer = QTimer(self, singleShot=True, interval=150, timeout=self.reload_grid)
        self._detail_timer = QTimer(self, singleShot=True, interval=150, timeout=self.load_detail)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        heading = QLabel("绩效运行监控", self)
        heading.setObjectName("pageHeading")
        top = QHBoxLayout()
        for w in (heading, self.period_selector, self.reload_button, self.key_button,
                  self.action_button, self.import_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.message)
        top.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 340])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tools)
        layout.addWidget(self.filters)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.period_selector.changed.connect(self._period_changed)
        self.reload_button.clicked.connect(self.reload_grid)
        self.key_button.clicked.connect(self.toggle_key_monitoring)
        self.action_button.clicked.connect(self.raise_action)
        self.import_button.clicked.connect(self.open_import)
        self.filters.changed.connect(self.apply_filters)
        self.filters.view_chosen.connect(lambda _f, column, order: self.view.sortByColumn(column, order))
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._sorted)
        self.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._detail_timer.start())
        self.view.activated.connect(lambda _index: self._open_detail())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.reload_grid,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filters.search, activated=self._leave_search,
                  context=Qt.ShortcutContext.WidgetShortcut)

    # -- period and loading -----------------------------------------------------------------------------------

    def period(self) -> tuple[int | None, int | None]:
        return self.period_selector.period()

    def load(self) -> None:
        self.load_rounds()

    def load_rounds(self) -> None:
        if self.ctx.year is None:
            return
        self.read(monitoring_rounds.list_rounds, self.ctx.actor, self.ctx.year,
                  on_done=self._fill_rounds,
                  on_error=self._failed)
        self.read(settings.list_settings, self.ctx.actor, on_done=self._thresholds,
                  on_error=self._failed)

    def _fill_rounds(self, rounds: list[RoundRow]) -> None:
        self.tools.set_rounds(rounds)
        self.period_selector.fill(rounds, self.ctx.year or 0)

    def _thresholds(self, rows: list[Any]) -> None:
        values = {r.key: r.value for r in rows}
        self.filters.set_thresholds(*(Decimal(str(values.get(k, d))) for k, d in zip(LEGEND_KEYS, (60, 80, 120),
                                                                                        strict=True)))

    def _period_changed(self) -> None:
        round_id, _month = self.period()
        self.key_button.setEnabled(round_id is not None)
        self.key_button.setToolTip("" if round_id is not None else "标记重点监控需要先选择一个监控轮次")
        self._reload_timer.start()  # spinning through months loads only the month it stops at

    def _changes_applied(self, changes: Changes, initiator: QObject | None) -> None:
        if not self.listens_to(changes, initiator):
            return
        if not self.isVisible():
            self.stale = True
        elif changes.touches(Area.MONITORING):  # a round may have been opened or closed: refill, which reloads
            self.load_rounds()
        else:
            self._reload_timer.start()  # several announcements in a row (one per project) load once

    def reload_grid(self) -> None:
        if self.ctx.year is None:
            return
        self._request += 1
        request = self._request
        round_id, month = self.period()
        self.status.setText("正在计算…")
        self.read(monitoring.grid, self.ctx.actor, self.ctx.year, round_id, month,
                  on_done=lambda grid: self._show(grid, request),
                  on_error=lambda exc: self._failed(exc, request))

    def _failed(self, exc: BaseException, request: int | None = None) -> None:
        if request is not None and request != self._request:
            return
        if isinstance(exc, USER_ERRORS):
            self.status.setText(f"<span style='color:#b00020'>{exc}</span>")
        else:
            show_error(self, exc)

    def _show(self, grid: Grid, request: int) -> None:
        if request != self._request:
            return
        chosen = self.current_row()
        self.grid = grid
        self.model.set_rows(grid.rows, grid.month)
        self.filters.fill_departments(grid.rows)
        if not self._fitted:
            self.table.fit_columns()
            self._fitted = True
        self.apply_filters(chosen.project_id if chosen else None)
        if self.current_row() is None and self.model.rowCount():  # the drill-down is never empty on arrival
            self._select(self.model.row_at(0).project_id)
        self._detail_timer.stop()  # the drill-down follows the new period at once
        self.load_detail()

    def apply_filters(self, keep: int | None = None) -> None:
        chosen = self.current_row()
        self.model.set_filter(self.filters.state())
        self._select(keep if keep is not None else chosen.project_id if chosen else None)
        self._update_status()

    def _update_status(self) -> None:
        if self.grid is None:
            return
        label = self.grid.round_name or f"1-{self.grid.month}月（仅预算）"
        self.status.setText(f"{self.grid.year} 年 {label}：显示 {self.model.rowCount():,} / "
                            f"{len(self.grid.rows):,} 个项目")

    def _sorted(self, column: int, order: Qt.SortOrder) -> None:
        self.filters.sort_state = (column, order)
        self._select(self.detail.project_id)

    def _select(self, project_id: int | None) -> None:
        row = self.model.row_of(project_id) if project_id is not None else None
        if row is None:
            if self.model.rowCount() == 0:
                self.detail.clear("当前筛选下没有项目。")
            return
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(self.model.index(row, 0))

    # -- selection and drill-down -----------------------------------------------------------------------------

    def current_row(self) -> GridRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_rows(self) -> list[GridRow]:
        rows = [self.model.row_at(i.row()) for i in self.view.selectionModel().selectedRows()]
        current = self.current_row()
        return rows or ([current] if current else [])

    def load_detail(self) -> None:
        row = self.current_row()
        if row is None or self.grid is None:
            return
        self._detail_request += 1
        request = self._detail_request
        self.read(monitoring.project_monitoring, self.ctx.actor, row.project_id, self.grid.round_id,
                  None if self.grid.round_id else self.grid.month,
                  on_done=lambda pm: self._show_detail(pm, request), on_error=self._failed)

    def _show_detail(self, pm: ProjectMonitoring, request: int) -> None:
        if request == self._detail_request:
            self.detail.show_monitoring(pm)

    def _open_detail(self) -> None:
        self._detail_timer.stop()
        self.load_detail()
        self.detail.table.setFocus()

    def _focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def _leave_search(self) -> None:
        self.filters.search.clear()
        self.view.setFocus()

    # -- outputs and actions ----------------------------------------------------------------------------------

    def export_rows(self) -> list[GridRow]:
        """The rows as shown (after filter and sort), for the workbook and PDF exports; `self.grid` has the
        year, month and round they belong to."""
        return self.model.shown_rows()

    def toggle_key_monitoring(self) -> None:
        rows, (round_id, _month) = self.selected_rows(), self.period()
        if not rows or round_id is None:
            self.message.setText("请先选择监控轮次和项目。")
            return
        on = not all(r.key_monitoring for r in rows)
        done = f"已{'标记' if on else '取消'} {len(rows)} 个项目的重点监控。"
        ids = [r.project_id for r in rows]
        self.write(monitoring_rounds.set_key_monitoring, self.ctx.actor, round_id, ids, on,
                   on_done=lambda _c: (self.message.setText(done), self.refresh_rows(ids)),
                   on_error=self._failed)

    def raise_action(self) -> None:
        rows = self.selected_rows()
        if not rows or self.grid is None:
            self.message.setText("请先在表格中选择项目。")
            return
        dialog = ActionDialog(rows, self.grid.month, self)
        dialog.accepted.connect(lambda: self.create_actions(dialog.request()))
        self.dialog = dialog
        dialog.open()

    def create_actions(self, request: ActionRequest) -> None:
        round_id, _month = self.period()
        created: list[int] = []

        def done(project_id: int) -> None:
            created.append(project_id)
            self.message.setText(f"已为 {len(created)} 个项目生成{ACTION_KINDS[request.kind]}事项。")

        for project_id in request.project_ids:
            self.write(monitoring_rounds.create_action, self.ctx.actor, project_id, round_id,
                       request.kind, request.description, request.due_date,
                       on_done=lambda _c, pid=project_id: done(pid), on_error=self._failed)

    def refresh_rows(self, project_ids: list[int]) -> None:
        """Recompute only these projects' rows (after marking them), keeping the rest as loaded."""
        if self.grid is None or self.ctx.year is None:
            return
        grid, request = self.grid, self._request
        self.read(monitoring.grid, self.ctx.actor, grid.year, grid.round_id,
                  None if grid.round_id else grid.month, None, project_ids,
                  on_done=lambda fresh: self._merge(fresh, request), on_error=self._failed)

    def _merge(self, fresh: Grid, request: int) -> None:
        if self.grid is None or request != self._request:
            return  # a full reload happened meanwhile
        new = {r.project_id: r for r in fresh.rows}
        rows = tuple(new.get(r.project_id, r) for r in self.grid.rows)
        self._show(Grid(self.grid.year, self.grid.month, self.grid.round_id, self.grid.round_name, rows), request)

    def open_import(self) -> None:
        """The treasury payment export import; the runner announces a successful import's "execution" change,
        which reloads the grid."""
        self.dialog = ExecutionImportDialog(self.ctx, self)
        self.dialog.open()
