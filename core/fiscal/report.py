"""The 镇街财政运行健康指数 report of a year: an A4 PDF (overview, ranking with the index, level and every
component's score, the raw values, the trend charts and the method with its weights and bands on a page of its
own) and a workbook (ranking with raw values and scores, the figures in 万元, the index by year, the method).
Fed with the ranking DTO, never with sessions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from core.common import formatting
from core.common.printing.document import FRAME_WIDTH, ReportDocument
from core.common.printing.text import Cell
from core.common.printing.workbook import (
    LIGHT_TONES,
    Column,
    LegendEntry,
    Marked,
    new_workbook,
    save,
    write_sheet,
)
from core.common.printing.workbook import Cell as WorkbookCell
from core.fiscal.charts import (
    PER_ROW,
    Series,
    compact_table,
    county_chart,
    legend,
    township_row,
)
from core.fiscal.rules.figures import FIELDS
from core.fiscal.rules.index import Method, number_text

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from openpyxl import Workbook
    from reportlab.graphics.shapes import Drawing

    from core.fiscal.dto import HistoryPoint, Ranking, RankingRow

FIXED_MM = (9, 17, 13, 15)  # 排名, 镇街, 指数, 等级; the component scores share the rest
FULL_PAGE_MM = 300  # a gap no page has: the block always moves whole to the next page when it does not fit
DASH = formatting.MISSING
NO_DATA = "未录入"


class _Document(ReportDocument):
    """The report document with charts and a compact table: each is made when the PDF is built, with the font
    then chosen."""

    def flowable(self, make: Callable[[str], Flowable]) -> None:
        self._parts.append(lambda s: [make(s.font)])


def _score(row: RankingRow, key: str) -> Cell:
    if row.result is None:
        return DASH
    c = row.result.component(key)
    return c.score if c.score is not None else DASH


def _value(row: RankingRow, key: str) -> Cell:
    if row.result is None:
        return DASH
    c = row.result.component(key)
    return c.value if c.value is not None else DASH


def _overview(ranking: Ranking) -> str:
    rows = ranking.rows
    ranked = ranking.ranked
    text = (f"本次纳入评价的镇街 {len(rows)} 个，其中 {len(ranked)} 个有 {ranking.year} 年度财政数据并计算了健康指数。")
    if not ranked:
        return text + "本年度尚无可计算的健康指数。"
    counts = "、".join(f"{label} {n} 个" for label, n in ranking.level_counts().items())
    average = ranking.average
    text += (f"全县平均健康指数 {average} 分（{ranking.method.level_of(average).label}）。" if average is not None
             else "")
    best, worst = ranked[0], ranked[-1]
    text += (f"按等级分：{counts}。指数最高的是{best.unit_name}（{best.index} 分），最低的是{worst.unit_name}"
             f"（{worst.index} 分，{worst.level}）。")
    return text


def _attention(ranking: Ranking) -> list[str]:
    """For each township at the two lowest levels: its weakest components."""
    low = {lv.label for lv in ranking.method.levels[-2:]}
    lines = []
    for r in ranking.ranked:
        if r.level in low and r.result is not None:
            weak = sorted((c for c in r.result.components if c.score is not None), key=lambda c: c.score or 0)[:3]
            parts = "、".join(f"{c.label}{number_text(c.value or Decimal(0))}{c.unit}（{number_text(c.score or Decimal(0))} 分）"
                             for c in weak)
            lines.append(f"{r.unit_name}（{r.level}，{r.index} 分）：得分较低的指标为{parts}。")
    return lines


def _method_part(doc: _Document, method: Method) -> None:
    doc.heading("五、计算方法")
    rows: list[list[Cell]] = [[c.label, c.description, c.direction_label, c.weight, c.bands_text("\n")]
                              for c in method.components]
    rows.append(["合计", "", "", sum((c.weight for c in method.components), Decimal(0)), ""])
    doc.flowable(lambda font: compact_table(font, ["指标", "计算公式", "方向", "权重", "计分档次（x 为原始值）"], rows,
                                            [23, 58, 17, 11, 49], "llcrl"))
    doc.paragraph(f"健康等级：{method.levels_text()}。")
    doc.paragraph("原始值保留两位小数后套用计分档次（含下限、不含上限）。指数 = Σ（得分 × 权重）÷ 可计算指标权重合计，"
                  "保留两位小数；无法计算的指标（缺少以前年度数据、分母为 0）不计分，其权重按比例分给其他指标"
                  "（各项贡献四舍五入显示，合计可能与指数相差 0.01），可计算指标权重合计低于 "
                  f"{number_text(method.min_computable_weight)} 时不计算指数。")


def _trend_part(doc: _Document, ranking: Ranking) -> None:
    years = sorted({p.year for r in ranking.rows for p in r.history} | {p.year for p in ranking.county})
    if not years:
        return
    county = Series("全县平均健康指数", tuple((p.year, p.index) for p in ranking.county if p.index is not None))
    doc.heading("四、指数变化趋势")
    doc.flowable(lambda font: county_chart(county, ranking.method.levels, years, font, FRAME_WIDTH))
    series = [Series(r.unit_name, tuple((p.year, p.index) for p in r.history if p.index is not None),
                     r.history[-1].level if r.history and r.history[-1].index is not None else None)
              for r in sorted(ranking.rows, key=lambda r: r.unit_code)]
    for start in range(0, len(series), PER_ROW):
        chunk = series[start:start + PER_ROW]
        with doc.together():
            if start == 0:
                doc.paragraph("各镇街健康指数（蓝色实线，名称后为最近一年的指数和等级）与全县平均（灰色虚线）：",
                              indent=False)
                doc.flowable(lambda font: legend(font, FRAME_WIDTH))
            doc.flowable(partial(_township_row, chunk, county, years))


def build_fiscal_health_pdf(ranking: Ranking, target: Path, org_name: str, on: date) -> Path:
    method = ranking.method
    doc = _Document(f"{ranking.year}年度镇街财政运行健康指数评价报告",
                    subtitle=f"编制单位：{org_name}　　{formatting.document_date(on)}")
    doc.heading("一、总体情况")
    doc.paragraph(_overview(ranking))
    for line in _attention(ranking):
        doc.paragraph(line)
    labels = [c.short for c in method.components]
    doc.heading("二、健康指数排名")
    rows: list[list[Cell]] = [[r.rank or DASH, r.unit_name, r.index if r.index is not None else DASH,
                               r.level or (NO_DATA if r.result is None else DASH),
                               *(_score(r, c.key) for c in method.components)] for r in ranking.rows]
    tints = {(3, n): LIGHT_TONES[r.tone] for n, r in enumerate(ranking.rows) if r.tone in LIGHT_TONES}
    share = (FRAME_WIDTH / mm - sum(FIXED_MM)) / len(labels)
    doc.paragraph(f"表 1　{ranking.year}年度镇街财政运行健康指数排名（各指标得分 0—100 分）", indent=False)
    doc.flowable(lambda font: compact_table(font, ["排名", "镇街", "指数", "等级", *labels], rows,
                                            [*FIXED_MM, *([share] * len(labels))], "clrc" + "r" * len(labels), tints))
    notes = [f"{r.unit_name}：{r.note}。" for r in ranking.rows if r.note]
    if notes:
        doc.paragraph("说明：" + "".join(notes), indent=False)
    doc.heading("三、各指标原始值")
    header = [f"{c.short}\n（{c.unit}）" for c in method.components]
    values: list[list[Cell]] = [[r.unit_name, *(_value(r, c.key) for c in method.components)] for r in ranking.rows]
    doc.paragraph(f"表 2　{ranking.year}年度各指标原始值", indent=False)
    doc.flowable(lambda font: compact_table(font, ["镇街", *header], values,
                                            [FIXED_MM[1], *([(FRAME_WIDTH / mm - FIXED_MM[1]) / len(header)]
                                                            * len(header))], "l" + "r" * len(header)))
    _trend_part(doc, ranking)
    with doc.together(max_gap_mm=FULL_PAGE_MM):  # the method stays whole on one page
        _method_part(doc, method)
    return doc.build(target)


def _level_cell(row: RankingRow) -> Marked | str:
    if row.result is None:
        return NO_DATA
    if row.level is None:
        return DASH
    return Marked(row.level, LIGHT_TONES.get(row.tone or ""), bold=True)


def _ranking_sheet(wb: Workbook, ranking: Ranking, subtitle: str) -> None:
    method = ranking.method
    columns = [Column("排名", "count", 6), Column("单位编码", "code"), Column("镇街", "text", 12),
               Column("健康指数", "score", 10), Column("等级", "center", 9)]
    for c in method.components:
        columns += [Column(f"{c.label}\n原始值（{c.unit}）", "money"), Column(f"{c.label}\n得分", "center")]
    columns.append(Column("说明", "wrap", 36))
    rows = []
    for r in ranking.rows:
        cells: list[WorkbookCell] = [r.rank, r.unit_code, r.unit_name, r.index, _level_cell(r)]
        for c in method.components:
            result = r.result.component(c.key) if r.result else None
            cells += [result.value if result else None, result.score if result else None]
        rows.append([*cells, r.note])
    write_sheet(wb, "健康指数排名", f"{ranking.year}年度镇街财政运行健康指数排名", columns, rows,
                subtitle=subtitle, freeze_columns=3,
                legend=[LegendEntry(lv.label, f"健康指数 ≥ {number_text(lv.low)}", LIGHT_TONES.get(lv.tone))
                        for lv in method.levels], legend_title="健康等级")


def _figures_sheet(wb: Workbook, ranking: Ranking, subtitle: str) -> None:
    columns = [Column("单位编码", "code"), Column("镇街", "text", 12), Column("年度", "code", 7),
               *(Column(f"{label}（万元）", "money", 14) for _, label in FIELDS)]
    rows: list[list[WorkbookCell]] = [[r.unit_code, r.unit_name, str(f.year), *(f.amount(key) for key, _ in FIELDS)]
            for r in sorted(ranking.rows, key=lambda r: r.unit_code) for f in r.all_figures]
    write_sheet(wb, "财政数据", "镇街财政运行数据（各年度）", columns, rows, subtitle=subtitle,
                freeze_columns=3)


def _history_sheet(wb: Workbook, ranking: Ranking, subtitle: str) -> None:
    years = sorted({p.year for r in ranking.rows for p in r.history} | {p.year for p in ranking.county})
    columns = [Column("单位编码", "code"), Column("镇街", "text", 12), *(Column(f"{y}年", "money", 9) for y in years)]

    def by_year(points: Sequence[HistoryPoint]) -> list[Decimal | None]:
        found = {p.year: p.index for p in points}
        return [found.get(y) for y in years]

    rows = [[r.unit_code, r.unit_name, *by_year(r.history)] for r in sorted(ranking.rows, key=lambda r: r.unit_code)]
    write_sheet(wb, "指数历年变化", "镇街财政运行健康指数历年变化", columns, rows, subtitle=subtitle,
                totals=["", "全县平均", *by_year(ranking.county)])


def _method_sheet(wb: Workbook, method: Method) -> None:
    columns = [Column("指标", "text", 14), Column("计算公式", "wrap", 40), Column("方向", "center", 9),
               Column("权重", "count", 7), Column("计分档次（x 为原始值）", "wrap", 40)]
    rows: list[list[WorkbookCell]] = [[c.label, c.description, c.direction_label, c.weight, c.bands_text("\n")]
                                      for c in method.components]
    write_sheet(wb, "计算方法", "镇街财政运行健康指数计算方法", columns, rows,
                subtitle=f"健康等级：{method.levels_text()}",
                legend=[LegendEntry("说明", "原始值保留两位小数后套用计分档次（含下限、不含上限）；无法计算的指标不计分，"
                                          "其权重按比例分配给其他指标。")])


def build_fiscal_health_workbook(ranking: Ranking, target: Path, org_name: str, on: date) -> Path:
    subtitle = f"编制单位：{org_name}　　导出日期：{formatting.screen_date(on)}"
    wb = new_workbook()
    _ranking_sheet(wb, ranking, subtitle)
    _figures_sheet(wb, ranking, subtitle + "　　金额单位：万元")
    _history_sheet(wb, ranking, subtitle)
    _method_sheet(wb, ranking.method)
    return save(wb, target)


def _township_row(charts: Sequence[Series], county: Series, years: Sequence[int], font: str) -> Drawing:
    return township_row(charts, county, years, font, FRAME_WIDTH)
