"""报表中心 › 年度统计: the figures the bureau reports each year beside the previous year (table with 本年/上年/增减),
bar charts of both years, and the statistics as a PDF (report preview) or a workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.org import lookups
from core.statistics import yearly as year_statistics
from core.statistics.dto import FigureRow, StatisticsComparison
from core.statistics.presentation import figure_text
from desktop.pages.statistics.chart import ComparisonChart
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher, ask_workbook_path
from desktop.widgets.table_model import Column, RowTableModel

CHART_KEYS = ("monitoring_funds", "evaluations", "exante_amounts", "rectification", "goal_grades", "evaluation_grades")
TABLE_WIDTH = 540  # category, figure and the three numbers without a horizontal scroll bar
RELOAD_AREAS = frozenset({Area.GOALS, Area.REVIEW, Area.MONITORING, Area.EXECUTION, Area.EVALUATION, Area.EXANTE,
                          Area.RESULTS, Area.RECTIFICATION, Area.UNITS, Area.SETTINGS})


def _figure_column(title: str, pick: str, signed: bool = False) -> Column[FigureRow]:
    return Column(title, lambda r: figure_text(r.kind, getattr(r, pick), signed), align_right=True)


FIGURE_COLUMNS: list[Column[FigureRow]] = [
    Column("类别", lambda r: r.section), Column("指标", lambda r: r.label), _figure_column("本年", "current"),
    _figure_column("上年", "previous"), _figure_column("增减", "change", signed=True)]


class StatisticsTab(Page):
    """Its own year selector; a switch of the working year shows that year."""

    areas = RELOAD_AREAS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.wanted_year: int | None = None
        self.comparison: StatisticsComparison | None = None
        self.dialog: QFileDialog | None = None
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("statisticsYear")
        self.as_of = QDateEdit(QDate.currentDate(), self)
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setToolTip("整改事项是否逾期，按此日期判断")
        self.heading = QLabel("", self)
        self.heading.setObjectName("statisticsHeading")
        self.pdf_button = QPushButton("导出统计报告(&P)", self)
        self.workbook_button = QPushButton("导出统计表(&X)…", self)
        self.reports = ReportLauncher(self, ctx.runner, self.pdf_button)
        self.pdf_button.clicked.connect(self.open_pdf)
        self.workbook_button.clicked.connect(self.ask_workbook)
        self.year_box.activated.connect(lambda _i: self.show_year())
        self.as_of.dateChanged.connect(lambda _d: self.show_year())
        self.model: RowTableModel[FigureRow] = RowTableModel(FIGURE_COLUMNS, self)
        self.table = SearchableTable(self.model, "搜索指标…", self)
        self.table.view.verticalHeader().hide()
        self.table.setMinimumWidth(TABLE_WIDTH)
        self.charts = {key: ComparisonChart(self) for key in CHART_KEYS}
        self.message = QLabel("", self)
        top = QHBoxLayout()
        for label, widget in (("统计年度(&Y)：", self.year_box), ("整改截至(&D)：", self.as_of)):
            buddy = QLabel(label, self)
            buddy.setBuddy(widget)
            top.addWidget(buddy)
            top.addWidget(widget)
        top.addWidget(self.heading, 1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.workbook_button)
        grid_widget = QWidget(self)
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, i // 2, i % 2)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(grid_widget)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def year(self) -> int | None:
        return self.year_box.currentData()

    def as_of_date(self) -> date:
        return self.as_of.date().toPython()

    def _year_changed(self, year: int) -> None:
        self.wanted_year = year  # the working year changed: show it
        super()._year_changed(year)

    def load(self) -> None:
        self.read(lookups.years, on_done=self._fill_years)

    def _fill_years(self, years: list[int]) -> None:
        keep = self.wanted_year or self.year() or self.ctx.year
        self.wanted_year = None
        self.year_box.clear()
        for year in years:
            self.year_box.addItem(f"{year} 年", year)
        index = self.year_box.findData(keep)
        if index >= 0:
            self.year_box.setCurrentIndex(index)
        self.show_year()

    def show_year(self) -> None:
        year = self.year()
        if year is None:
            self.heading.setText("数据库中还没有年度数据")
            return
        self.read(year_statistics.year_statistics, self.ctx.actor, year, self.as_of_date(),
                  on_done=self.show_statistics, on_error=self.failed)

    def show_statistics(self, comparison: StatisticsComparison) -> None:
        self.comparison = comparison
        current, previous = comparison.current.year, comparison.previous.year
        scope = f"（{comparison.scope}）" if comparison.scope else ""
        self.heading.setText(f"  {current} 年与 {previous} 年对比{scope}，金额单位：万元，比率增减为百分点")
        self.model.set_rows(year_statistics.figure_rows(comparison))
        self.table.view.resizeColumnsToContents()
        series = (f"{current}年", f"{previous}年")
        for data in year_statistics.chart_data(comparison):
            if data.key in self.charts:
                self.charts[data.key].show_data(data, series)

    def open_pdf(self) -> None:
        year = self.year()
        if year is not None:
            self.reports.build(f"{year}年度预算绩效管理工作统计.pdf", year_statistics.statistics_pdf,
                               self.ctx.actor, year, self.as_of_date())

    def ask_workbook(self) -> None:
        year = self.year()
        if year is None:
            return
        self.dialog = ask_workbook_path(self, "导出年度统计表", f"{year}年度预算绩效管理工作统计.xlsx",
                                        self.export_workbook)

    def export_workbook(self, target: Path) -> None:
        year = self.year()
        if year is None:
            return
        self.message.setText("正在导出…")
        self.read(year_statistics.statistics_workbook, self.ctx.actor, year, self.as_of_date(), target,
                  on_done=lambda path: self.message.setText(f"已导出年度统计表到 {path}"),
                  on_error=lambda exc: show_error(self, exc, "导出失败"))
