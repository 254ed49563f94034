"""The drawn parts of the fiscal health report: the county's average index over the years with the level
thresholds across, one small chart per township (its index, the county average dashed behind), and a compact
9-pt table so that an index, a level and seven component scores fit across A4 portrait."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from core.common import formatting
from core.common.printing.text import Cell, cell_text, escape
from core.common.printing.workbook import Tone
from core.fiscal.rules.index import Level, number_text

INDEX_COLOUR = colors.HexColor("#1f4e79")
COUNTY_COLOUR = colors.HexColor("#8c8c8c")
LEVEL_COLOURS = {"green": "#2e7d32", "blue": "#1565c0", "yellow": "#b28704", "red": "#c62828"}
PER_ROW = 4  # small charts per row: up to 24 townships on one page
COMPACT_SIZE = 9
ALIGNS = {"l": TA_LEFT, "r": TA_RIGHT, "c": TA_CENTER}


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[int, Decimal], ...]  # (year, index)
    level: str | None = None  # of the last point


def _plot(width: float, height: float, years: Sequence[int], font: str, size: float) -> LinePlot:
    plot = LinePlot()
    plot.width, plot.height = width, height
    plot.xValueAxis.valueMin = years[0] - 0.4
    plot.xValueAxis.valueMax = years[-1] + 0.4
    plot.xValueAxis.valueSteps = list(years)
    plot.xValueAxis.labelTextFormat = "%d"
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    plot.yValueAxis.valueSteps = [0, 20, 40, 60, 80, 100]
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, size
    return plot


def _style(plot: LinePlot, index: int, colour: colors.Color, width: float, dashed: bool, marker: bool) -> None:
    line = plot.lines[index]
    line.strokeColor, line.strokeWidth = colour, width
    if dashed:
        line.strokeDashArray = [3, 2]
    if marker:
        line.symbol = makeMarker("FilledCircle", size=3.2, fillColor=colour, strokeColor=colour)


def _data(series: Series) -> list[tuple[float, float]]:
    return [(float(y), float(v)) for y, v in series.points]  # chart coordinates only, never arithmetic


def county_chart(county: Series, levels: Sequence[Level], years: Sequence[int], font: str,
                 width: float) -> Drawing:
    """The county's average index by year with a dashed line at each level's lower bound."""
    height = 62 * mm
    drawing = Drawing(width, height)
    plot = _plot(width - 34 * mm, height - 16 * mm, years, font, 8)
    plot.x, plot.y = 10 * mm, 9 * mm
    plot.data = [_data(county)] if county.points else [[(float(years[0]), 0.0)]]
    _style(plot, 0, INDEX_COLOUR, 1.8, False, bool(county.points))
    if not county.points:
        plot.lines[0].strokeColor = colors.transparent
    drawing.add(plot)
    for level in levels:
        if level.low <= 0:
            continue
        y = plot.y + plot.height * float(level.low) / 100
        colour = colors.HexColor(LEVEL_COLOURS[level.tone])
        drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colour, strokeWidth=0.7,
                         strokeDashArray=[2, 2]))
        drawing.add(String(plot.x + plot.width + 2, y - 3, f"{level.label} ≥ {number_text(level.low)}",
                           fontName=font, fontSize=7.5, fillColor=colour))
    for year, value in county.points:
        x = plot.x + plot.width * (year - plot.xValueAxis.valueMin) / (plot.xValueAxis.valueMax -
                                                                       plot.xValueAxis.valueMin)
        drawing.add(String(x, plot.y + plot.height * float(value) / 100 + 6, formatting.score(value, 1), fontName=font,
                           fontSize=7.5, textAnchor="middle", fillColor=INDEX_COLOUR))
    drawing.add(String(plot.x, height - 5 * mm, f"{county.name}（分）", fontName=font, fontSize=9))
    return drawing


def township_row(charts: Sequence[Series], county: Series, years: Sequence[int], font: str,
                 width: float) -> Drawing:
    """Up to PER_ROW small charts side by side: each township's index, the county average dashed."""
    height = 36 * mm
    cell = width / PER_ROW
    drawing = Drawing(width, height)
    for n, series in enumerate(charts):
        plot = _plot(cell - 11 * mm, height - 14 * mm, years, font, 6)
        plot.x, plot.y = n * cell + 7 * mm, 6 * mm
        lines, styles = [], []
        if county.points:
            lines.append(_data(county))
            styles.append((COUNTY_COLOUR, 0.8, True, False))
        if series.points:
            lines.append(_data(series))
            styles.append((INDEX_COLOUR, 1.4, False, True))
        plot.data = lines or [[(float(years[0]), 0.0)]]
        for i, (colour, stroke, dashed, marker) in enumerate(styles):
            _style(plot, i, colour, stroke, dashed, marker)
        if not lines:
            plot.lines[0].strokeColor = colors.transparent
        drawing.add(plot)
        last = f"  {formatting.score(series.points[-1][1], 1)} {series.level or ''}" if series.points else "  无数据"
        drawing.add(String(plot.x, height - 5 * mm, f"{series.name}{last}", fontName=font, fontSize=8))
    return drawing


def legend(font: str, width: float) -> Drawing:
    drawing = Drawing(width, 7 * mm)
    y = 3 * mm
    drawing.add(Line(0, y, 10 * mm, y, strokeColor=INDEX_COLOUR, strokeWidth=1.4))
    drawing.add(String(12 * mm, y - 3, "本镇街健康指数", fontName=font, fontSize=8))
    drawing.add(Line(45 * mm, y, 55 * mm, y, strokeColor=COUNTY_COLOUR, strokeWidth=0.8, strokeDashArray=[3, 2]))
    drawing.add(String(57 * mm, y - 3, "全县平均", fontName=font, fontSize=8))
    return drawing


def compact_table(font: str, header: Sequence[str], rows: Sequence[Sequence[Cell]], widths_mm: Sequence[float],
                  aligns: str, tints: dict[tuple[int, int], Tone] | None = None) -> Table:
    """A grid like the document's tables at 9 pt: `aligns` has one of l, r, c per column; `tints` colours cells
    (column, body row from 0) whose text also names what the colour means, so a black-and-white print reads."""
    def style(align: str, tone: Tone | None = None) -> ParagraphStyle:
        return ParagraphStyle(f"fh-{align}-{tone}", fontName=font, fontSize=COMPACT_SIZE, leading=COMPACT_SIZE * 1.3,
                              wordWrap="CJK", alignment=ALIGNS[align],
                              textColor=colors.HexColor("#" + (tone.font if tone else "000000")))

    def para(text: str, st: ParagraphStyle) -> Paragraph:
        return Paragraph("<br/>".join(escape(line) for line in text.split("\n")), st)

    marks = tints or {}
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        *((side, (0, 0), (-1, -1), 2.5) for side in ("TOPPADDING", "BOTTOMPADDING", "LEFTPADDING", "RIGHTPADDING"))]
    commands += [("BACKGROUND", (col, row + 1), (col, row + 1), colors.HexColor("#" + tone.fill))
                 for (col, row), tone in marks.items()]
    data = [[para(h, style("c")) for h in header]]
    data += [[para(cell_text(v), style(aligns[i], marks.get((i, n)))) for i, v in enumerate(row)]
             for n, row in enumerate(rows)]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1, hAlign="CENTER", spaceBefore=2,
                  spaceAfter=6)
    table.setStyle(TableStyle(commands))
    return table
