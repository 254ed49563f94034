"""The look every QtCharts chart of the app shares (antialiased, thin margins, no animation, legend below) and
a line series drawn with a given colour, width and pen style."""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView, QLineSeries
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget


class ChartView(QChartView):
    """A chart view over `plot`, at least `minimum` (width, height) pixels; subclasses add axes and series."""

    def __init__(self, parent: QWidget | None, minimum: tuple[int, int]) -> None:
        self.plot = QChart()
        super().__init__(self.plot, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.plot.setMargins(QMargins(2, 2, 2, 2))
        self.plot.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.plot.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.setMinimumSize(*minimum)

    def clear(self) -> None:
        """No series and no title (the axes stay)."""
        self.plot.removeAllSeries()
        self.plot.setTitle("")


def line_series(name: str, colour: str, width: float, style: Qt.PenStyle) -> QLineSeries:
    series = QLineSeries()
    series.setName(name)
    pen = QPen(QColor(colour))
    pen.setWidthF(width)
    pen.setStyle(style)
    series.setPen(pen)
    return series
