"""The 运行监控 drill-down of the selected project: its figures, its indicators with their lights, and a chart of
cumulative execution by month (solid) against the time-progress line (dashed) and the forecast (dotted)."""

from __future__ import annotations

import math
from decimal import Decimal

from PySide6.QtCharts import QLegend, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.common import formatting
from core.common.labels import COMPARATORS
from core.monitoring.dto import IndicatorStatus, ProjectMonitoring
from core.monitoring.rules.lights import LIKELIHOODS
from desktop.pages.monitoring.columns import LIGHT_TEXT, light_text, money, rate
from desktop.widgets.charts import ChartView, line_series
from desktop.widgets.common import DetailPane
from desktop.widgets.table_model import Column, RowTableModel

SERIES_STYLE = {  # name: (colour, width, pen style)
    "累计执行率": ("#1a73e8", 3.0, Qt.PenStyle.SolidLine),
    "序时进度": ("#5f6368", 2.0, Qt.PenStyle.DashLine),
    "全年预测": ("#e8710a", 2.5, Qt.PenStyle.DotLine),
}


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _target(s: IndicatorStatus) -> str:
    if s.comparator == "qual":
        return s.target_text or ""
    return f"{COMPARATORS.get(s.comparator, s.comparator)}{_number(s.target)}{s.unit_of_measure or ''}"


def _actual(s: IndicatorStatus) -> str:
    return s.actual_text or _number(s.actual)


INDICATOR_COLUMNS: list[Column[IndicatorStatus]] = [
    Column("一级指标", lambda s: s.level1), Column("二级指标", lambda s: s.level2),
    Column("三级指标", lambda s: s.name), Column("年度指标值", _target),
    Column("累计完成", _actual, align_right=True),
    Column("全年预计", lambda s: _number(s.forecast), align_right=True),
    Column("指标灯", lambda s: light_text(s.light), colour=lambda s: LIGHT_TEXT[s.light]),
    Column("完成比", lambda s: rate(s.ratio), align_right=True),
    Column("完成可能性", lambda s: LIKELIHOODS.get(s.likelihood or "", "")),
    Column("偏差原因", lambda s: s.cause or ""), Column("原因分析", lambda s: s.analysis or ""),
    Column("纠偏措施", lambda s: s.measures or ""),
]


class ExecutionChart(ChartView):
    """Cumulative execution rate by month against time progress and the forecast, in percent of the budget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, (420, 200))
        self.plot.layout().setContentsMargins(0, 0, 0, 0)
        self.plot.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)  # dashes show in print too
        self.months = QValueAxis()  # its label format cannot carry "月" (non-Latin-1), so the title says it
        self.months.setRange(1, 12)
        self.months.setTickCount(12)
        self.months.setLabelFormat("%d")
        self.months.setTitleText("月份")
        self.percent = QValueAxis()  # percent of the adjusted budget, as the title says
        self.percent.setLabelFormat("%d%%")
        self.plot.addAxis(self.months, Qt.AlignmentFlag.AlignBottom)
        self.plot.addAxis(self.percent, Qt.AlignmentFlag.AlignLeft)

    def show_lines(self, pm: ProjectMonitoring) -> None:
        self.plot.removeAllSeries()
        as_of = len(pm.cumulative_rate)
        lines = {"累计执行率": [(m, v) for m, v in enumerate(pm.cumulative_rate, 1)],
                 "序时进度": [(m, v) for m, v in enumerate(pm.time_line, 1)],
                 "全年预测": [(m, v) for m, v in enumerate(pm.forecast_line, as_of)]}
        top = 100.0
        for name, points in lines.items():
            series = line_series(name, *SERIES_STYLE[name])
            for month, value in points:
                if value is not None:
                    series.append(month, float(value))  # chart coordinates only
                    top = max(top, float(value))
            series.setPointsVisible(name == "累计执行率")
            self.plot.addSeries(series)
            series.attachAxis(self.months)
            series.attachAxis(self.percent)
        steps = math.ceil(top / 50)  # 0, 50 %, 100 % (and on): readable even in a short pane
        self.percent.setRange(0, steps * 50)
        self.percent.setTickCount(steps + 1)
        self.percent.setMinorTickCount(4)
        self.plot.setTitle(f"1-{as_of}月累计执行进度（占调整后预算）")


class MonitoringDetail(DetailPane):
    """Figures, indicator lights and the execution chart of one project."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.indicators: RowTableModel[IndicatorStatus] = RowTableModel(INDICATOR_COLUMNS)
        super().__init__("选择一个项目查看指标和执行进度。", "monitoringSummary", self.indicators, "monitoringIndicators",
                         parent)
        self.project_id: int | None = None
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.chart = ExecutionChart(self)
        self.split.addWidget(self.chart)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)

    def show_monitoring(self, pm: ProjectMonitoring) -> None:
        r = pm.row
        self.project_id = r.project_id
        month = len(pm.cumulative_rate)
        basis = "" if r.goal_basis == "approved" else "（目标表未批复，仅监控预算）"
        self.summary.setText(
            f"<b>{r.project_code} {r.project_name}</b>　{r.unit_name}{basis}<br>"
            f"调整后预算 {money(r.adjusted_budget)} 万元　1-{month}月执行 {money(r.spent)} 万元"
            f"（{formatting.percent(r.execution_rate)}，序时进度 {formatting.percent(r.time_progress)}）"
            f"　预算灯 {light_text(r.budget_light)}　目标灯 {light_text(r.goal_light)}"
            f"　全年预计执行 {money(r.forecast)} 万元（{formatting.percent(r.forecast_rate)}）")
        self.indicators.set_rows(pm.indicators)
        self.table.resizeColumnsToContents()
        for column in (2, 10, 11):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 220))
        self.chart.show_lines(pm)

    def clear(self, text: str = "选择一个项目查看指标和执行进度。") -> None:
        self.project_id = None
        self.summary.setText(text)
        self.indicators.set_rows([])
        self.chart.clear()
