"""Bar charts of the yearly statistics for the PDF (reportlab graphics): each category with a bar for this year
beside one for the previous year, value labels on the bars, a legend, CJK text in the embedded font."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

CURRENT_COLOUR = colors.HexColor("#1F5FA8")
PREVIOUS_COLOUR = colors.HexColor("#A9BCD6")
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE = 10.5, 8.5, 7

if TYPE_CHECKING:  # the DTO comes from the service; only its type is needed here
    from core.statistics.dto import ChartData


def draw_bar_chart(chart: ChartData, series: tuple[str, str], font: str, width_mm: float,
                   height_mm: float = 62) -> Drawing:
    """The chart as a Drawing (a flowable) of the given size; `series` names the two years, e.g. 2024年."""
    width, height = width_mm * mm, height_mm * mm
    drawing = Drawing(width, height)
    drawing.add(String(width / 2, height - TITLE_SIZE - 2, chart.title, fontName=font, fontSize=TITLE_SIZE,
                       textAnchor="middle"))
    bars = VerticalBarChart()
    bars.x, bars.y = 14 * mm, 16 * mm
    bars.width, bars.height = width - 18 * mm, height - 16 * mm - TITLE_SIZE - 14
    # Floats only place the bars; every printed amount elsewhere stays Decimal.
    bars.data = [[float(v) for v in chart.current], [float(v) for v in chart.previous]]
    top = max([0.0, *bars.data[0], *bars.data[1]])
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top * 1.18 if top > 0 else 1
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = LABEL_SIZE - 1
    if top < 5:  # small counts: whole steps, no 0.2, 0.4 … ticks
        bars.valueAxis.valueMax, bars.valueAxis.valueStep = 5, 1
    bars.valueAxis.labelTextFormat = "%.0f"
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    bars.categoryAxis.categoryNames = list(chart.categories)
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = LABEL_SIZE
    bars.categoryAxis.labels.dy = -3
    bars.bars[0].fillColor = CURRENT_COLOUR
    bars.bars[1].fillColor = PREVIOUS_COLOUR
    bars.bars.strokeColor = None
    bars.barSpacing = 2
    bars.groupSpacing = 10
    bars.barLabelFormat = "%.0f"  # whole 万元 on a bar; the tables print the exact amounts
    bars.barLabels.fontName = font
    bars.barLabels.fontSize = VALUE_SIZE
    bars.barLabels.nudge = 5
    drawing.add(bars)
    legend = Legend()
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.x, legend.y = width / 2 - 22 * mm, 5 * mm
    legend.dx = legend.dy = 7
    legend.deltax = 24 * mm
    legend.fontName = font
    legend.fontSize = LABEL_SIZE
    legend.colorNamePairs = [(CURRENT_COLOUR, series[0]), (PREVIOUS_COLOUR, series[1])]
    drawing.add(legend)
    return drawing
