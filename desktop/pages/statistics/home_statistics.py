"""The 工作台's yearly statistics block: the key figures of the year beside the previous year and two small charts
(funds under monitoring, evaluations by kind); the full set is in 报表中心 › 年度统计."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QTableView, QWidget

from core.statistics import yearly as year_statistics
from core.statistics.dto import FigureRow, StatisticsComparison
from core.statistics.presentation import HEADLINE_KEYS
from desktop.pages.statistics.chart import ComparisonChart
from desktop.pages.statistics.tab import FIGURE_COLUMNS, RELOAD_AREAS
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.table_model import RowTableModel

HOME_CHARTS = ("monitoring_funds", "evaluations")
BLOCK_HEIGHT = 250


class HomeStatistics(Page):
    areas = RELOAD_AREAS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.comparison: StatisticsComparison | None = None
        self.model: RowTableModel[FigureRow] = RowTableModel(FIGURE_COLUMNS[1:], self)
        self.table = QTableView(self)
        self.table.setObjectName("homeStatistics")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.charts = {key: ComparisonChart(self, minimum=(260, 200)) for key in HOME_CHARTS}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 3)
        for chart in self.charts.values():
            row.addWidget(chart, 2)
        self.setFixedHeight(BLOCK_HEIGHT)

    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(year_statistics.year_statistics, self.ctx.actor, self.ctx.year, date.today(),
                      on_done=self.show_statistics)

    def show_statistics(self, comparison: StatisticsComparison) -> None:
        self.comparison = comparison
        by_key = {r.key: r for r in year_statistics.figure_rows(comparison)}
        self.model.set_rows([by_key[k] for k in HEADLINE_KEYS])
        self.table.resizeColumnsToContents()
        series = (f"{comparison.current.year}年", f"{comparison.previous.year}年")
        for data in year_statistics.chart_data(comparison):
            if data.key in self.charts:
                self.charts[data.key].show_data(data, series)
