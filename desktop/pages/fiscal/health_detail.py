"""The selected township of the fiscal health ranking: each component's raw value, band, score, weight (after
redistribution) and contribution to the index, and a line chart of its index over the years beside the county's
average."""

from __future__ import annotations

from PySide6.QtCharts import QLegend, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.common import formatting
from core.fiscal.dto import HistoryPoint, RankingRow
from core.fiscal.rules.index import ComponentResult, number_text
from desktop.widgets.charts import ChartView, line_series
from desktop.widgets.common import DetailPane
from desktop.widgets.table_model import Column, RowTableModel

TONE_COLOURS = {"green": "#0d652d", "blue": "#174ea6", "yellow": "#7a5200", "red": "#a50e0e"}
INDEX_COLOUR, COUNTY_COLOUR = "#1f4e79", "#8c8c8c"


COMPONENT_COLUMNS: list[Column[ComponentResult]] = [
    Column("指标", lambda c: c.label),
    Column("原始值", lambda c: c.value, align_right=True, text=formatting.amount),
    Column("单位", lambda c: c.unit),
    Column("所在档次", lambda c: c.band or ""),
    Column("得分", lambda c: c.score, align_right=True, text=lambda v: "—" if v is None else number_text(v)),
    Column("权重", lambda c: c.weight, align_right=True, text=lambda v: number_text(v)),
    Column("计入权重", lambda c: c.effective_weight, align_right=True, text=formatting.amount),
    Column("贡献（分）", lambda c: c.contribution, align_right=True, text=formatting.amount),
    Column("说明", lambda c: c.reason or "", colour=lambda c: "#a50e0e" if c.reason else None),
]


class IndexChart(ChartView):
    """The township's index by year (solid, with points) and the county's average (dashed), 0 to 100."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, (360, 220))
        self.plot.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        self.years = QValueAxis()  # its label format cannot carry "年" (non-Latin-1), so the title says it
        self.years.setLabelFormat("%d")
        self.years.setTitleText("年度")
        self.index = QValueAxis()
        self.index.setRange(0, 105)  # a little room above 100, so a perfect township's line is not cut
        self.index.setTickType(QValueAxis.TickType.TicksDynamic)
        self.index.setTickAnchor(0)
        self.index.setTickInterval(20)
        self.index.setLabelFormat("%d")
        self.plot.addAxis(self.years, Qt.AlignmentFlag.AlignBottom)
        self.plot.addAxis(self.index, Qt.AlignmentFlag.AlignLeft)

    def _line(self, name: str, points: tuple[HistoryPoint, ...], colour: str, dashed: bool) -> QLineSeries:
        style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
        series = line_series(name, colour, 1.2 if dashed else 2.2, style)
        series.setPointsVisible(not dashed)
        for p in points:
            if p.index is not None:
                series.append(p.year, float(p.index))  # chart coordinates only
        self.plot.addSeries(series)
        series.attachAxis(self.years)
        series.attachAxis(self.index)
        return series

    def show_history(self, name: str, history: tuple[HistoryPoint, ...], county: tuple[HistoryPoint, ...]) -> None:
        self.plot.removeAllSeries()
        years = sorted({p.year for p in (*history, *county)})
        if not years:
            self.plot.setTitle(f"{name}：暂无数据")
            return
        self.years.setRange(years[0] - 0.3, years[-1] + 0.3)
        self.years.setTickType(QValueAxis.TickType.TicksDynamic)
        self.years.setTickAnchor(years[0])
        self.years.setTickInterval(1)
        self._line("全县平均", county, COUNTY_COLOUR, True)
        self._line(name, history, INDEX_COLOUR, False)
        self.plot.setTitle(f"{name}财政运行健康指数（历年）")


class TownshipDetail(DetailPane):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.model: RowTableModel[ComponentResult] = RowTableModel(COMPONENT_COLUMNS)
        super().__init__("选择一个镇街查看各项指标和历年变化。", "fiscalSummary", self.model, "fiscalComponents", parent)
        self.unit_id: int | None = None
        self.chart = IndexChart(self)
        self.split.addWidget(self.chart)
        self.split.setSizes([500, 500])  # halves: the table's own size hint would leave the chart a sliver

    def show_row(self, row: RankingRow, county: tuple[HistoryPoint, ...], total: int) -> None:
        self.unit_id = row.unit_id
        if row.result is None:
            text = f"<b>{row.unit_name}</b>　{row.year} 年未录入财政数据。"
        elif row.index is None:
            text = f"<b>{row.unit_name}</b>　{row.year} 年未计算指数：{row.note}"
        else:
            colour = TONE_COLOURS.get(row.tone or "", "#000000")
            rank = f"　第 {row.rank} 名（共 {total} 个镇街）" if row.rank else ""
            note = f"<br>{row.note}。" if row.note else ""
            text = (f"<b>{row.unit_name}</b>　{row.year} 年财政运行健康指数 <b>{row.index}</b> 分，"
                    f"<span style='color:{colour}'><b>{row.level}</b></span>{rank}"
                    f"（可计算指标权重 {number_text(row.result.computable_weight)}）{note}")
        self.summary.setText(text)
        self.model.set_rows(list(row.result.components) if row.result else [])
        self.table.resizeColumnsToContents()
        self.chart.show_history(row.unit_name, row.history, county)

    def clear(self) -> None:
        self.unit_id = None
        self.summary.setText("选择一个镇街查看各项指标和历年变化。")
        self.model.set_rows([])
        self.chart.clear()
