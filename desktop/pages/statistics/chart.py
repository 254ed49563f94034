"""A bar chart of one yearly figure group: per category a bar for this year beside one for the previous year
(QtCharts), used by 报表中心 › 年度统计 and the 工作台's statistics block."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from core.common import formatting
from core.statistics.dto import ChartData
from desktop.widgets.charts import ChartView

LABEL_COLOUR = QColor("#333333")
AXIS_POINT_SIZE = 8
CURRENT_COLOUR = QColor("#1f5fa8")
PREVIOUS_COLOUR = QColor("#a9bcd6")


class ComparisonChart(ChartView):
    """This year's and last year's values of one `ChartData`; the two bar sets are named by the years."""

    def __init__(self, parent: QWidget | None = None, minimum: tuple[int, int] = (300, 220)) -> None:
        super().__init__(parent, minimum)
        self.plot.layout().setContentsMargins(0, 0, 0, 0)
        self.categories = QBarCategoryAxis()
        self.values = QValueAxis()
        font = self.categories.labelsFont()
        font.setPointSize(AXIS_POINT_SIZE)
        self.categories.setLabelsFont(font)
        self.values.setLabelsFont(font)
        self.values.setLabelFormat("%.0f")
        self.plot.addAxis(self.categories, Qt.AlignmentFlag.AlignBottom)
        self.plot.addAxis(self.values, Qt.AlignmentFlag.AlignLeft)
        self.data: ChartData | None = None

    def show_data(self, data: ChartData, series: tuple[str, str]) -> None:
        """Draw `data`; `series` names the two bar sets, e.g. ("2024年", "2023年")."""
        self.data = data
        self.plot.removeAllSeries()
        bars = QBarSeries()
        top = 0.0
        for name, values, colour in ((series[0], data.current, CURRENT_COLOUR),
                                     (series[1], data.previous, PREVIOUS_COLOUR)):
            bar_set = QBarSet(name)
            bar_set.setColor(colour)
            bar_set.setLabelColor(LABEL_COLOUR)
            for value in values:
                shown = formatting.rounded(Decimal(value), 0) if data.money else value  # whole 万元 on bars
                bar_set.append(float(shown))  # chart geometry only; the table shows the exact figures
                top = max(top, float(value))
            bars.append(bar_set)
        bars.setLabelsVisible(True)
        bars.setLabelsFormat("@value")
        bars.setLabelsPrecision(12)
        bars.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.plot.addSeries(bars)
        self.categories.clear()
        self.categories.append(list(data.categories))
        bars.attachAxis(self.categories)
        bars.attachAxis(self.values)
        if top > 0:
            self.values.setRange(0, top * 1.15)  # room above the highest bar for its label
            self.values.applyNiceNumbers()
        else:
            self.values.setRange(0, 4)
            self.values.setTickCount(5)
        self.plot.setTitle(data.title + ("（无数据）" if data.empty else ""))

    def bar_sets(self) -> list[QBarSet]:
        return [s for series in self.plot.series() if isinstance(series, QBarSeries) for s in series.barSets()]

