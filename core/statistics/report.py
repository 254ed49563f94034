"""The 年度预算绩效管理工作统计 for leaders: an A4 PDF (headline figures with 本年/上年/增减, a section per stage with
its table and bar charts of this year beside the previous year) and a workbook with one sheet of every figure of
both years, numbers as numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from core.common import formatting
from core.common.printing.document import FRAME_WIDTH, ReportDocument
from core.common.printing.workbook import FORMATS, Value, new_workbook, save, sheet_name, sheet_number
from core.monitoring.rules.lights import percent
from core.statistics.charts import draw_bar_chart
from core.statistics.presentation import HEADLINE_KEYS, Number, figure_text

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.statistics.dto import ChartData, FigureRow, StatisticsComparison

SECTIONS = ("目标审核", "运行监控", "绩效评价", "事前评估", "结果应用", "整改")
SECTION_TITLES = {"目标审核": "绩效目标审核", "运行监控": "绩效运行监控", "绩效评价": "绩效评价",
                  "事前评估": "事前绩效评估", "结果应用": "评价结果应用", "整改": "问题整改"}
NUMERALS = "一二三四五六七八九十"
GRADES = ("优", "良", "中", "差")
KEEP_GAP_MM = 130


def _versus(kind: str, current: Number | None, previous: Number | None, unit: str) -> str:
    """较上年增加/减少… or 与上年持平 (percentages in 个百分点)."""
    if current is None or previous is None:
        return "上年无可比数据"
    change = current - previous
    unit = "个百分点" if kind == "percent" else unit
    if change == 0:
        return "与上年持平"
    return f"较上年{'增加' if change > 0 else '减少'}{figure_text(kind, change if change > 0 else -change)}{unit}"


class _StatisticsDocument(ReportDocument):
    """The house document with one more part: bar charts, one across the page or two side by side."""

    def charts(self, charts: Sequence[ChartData], series: tuple[str, str]) -> None:
        def build(font: str) -> list[Flowable]:
            width = FRAME_WIDTH / len(charts)
            drawings = [draw_bar_chart(c, series, font, width / mm - 2) for c in charts]
            table = Table([drawings], colWidths=[width] * len(drawings), hAlign="CENTER", spaceBefore=2,
                          spaceAfter=6)
            table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            return [table]

        self._parts.append(lambda s: build(s.font))


def _table(doc: ReportDocument, rows: Sequence[FigureRow], years: tuple[int, int], first: bool = False) -> None:
    header = ["类别", "指标"] if first else ["指标"]
    cells = [[*([r.section] if first else []), r.label, figure_text(r.kind, r.current),
              figure_text(r.kind, r.previous), figure_text(r.kind, r.change, signed=True)] for r in rows]
    widths = [22, 62, 25, 25, 24] if first else [84, 25, 25, 24]
    doc.table([*header, f"{years[0]}年", f"{years[1]}年", "增减"], cells, col_widths_mm=widths,
              align=[*(["center"] if first else []), "left", "right", "right", "right"])


def _paragraphs(c: StatisticsComparison) -> Iterator[tuple[str, str]]:
    """(section, text) of each stage."""
    cur, pre = c.current, c.previous
    g, gp = cur.goals, pre.goals
    grades = "、".join(f"{k}{g.by_grade[k]}张" for k in GRADES)
    yield "目标审核", (
        f"本年度编制绩效目标表{g.tables}张（{_versus('count', g.tables, gp.tables, '张')}），报送审核{g.submitted}张，"
        f"作出审核结论{g.reviewed}张（{grades}），退回修改{g.returned}张，审核通过{g.approved}张。")
    m, mp = cur.monitoring, pre.monitoring
    yield "运行监控", (
        f"纳入绩效运行监控的项目{m.monitored_projects}个、资金{figure_text('money', m.monitored_funds)}万元，"
        f"占全部项目资金{figure_text('money', m.funds)}万元的{formatting.percent(m.funds_coverage)}"
        f"（上年{formatting.percent(mp.funds_coverage)}）；其中重点监控项目{m.key_projects}个、资金"
        f"{figure_text('money', m.key_funds)}万元。")
    e, ep = cur.evaluation, pre.evaluation
    subjects = "、".join(f"{k}{n}个" for k, n in e.key_by_subject.items())
    yield "绩效评价", (
        f"完成单位自评{e.self_count}个，覆盖本年项目的{formatting.percent(e.self_coverage)}；财政重点评价{e.key_count}个"
        f"（{subjects}，{_versus('count', e.key_count, ep.key_count, '个')}），涉及资金"
        f"{figure_text('money', e.key_funds)}万元；{e.departments_evaluated}个部门（镇街）开展部门整体评价，"
        f"覆盖率{formatting.percent(e.department_coverage)}。")
    x, xp = cur.exante, pre.exante
    yield "事前评估", (
        f"开展事前绩效评估{x.count}个（其中财政重点评估{x.key_count}个），申请金额{figure_text('money', x.requested)}"
        f"万元，核定支持{figure_text('money', x.supported)}万元，核减{figure_text('money', x.cut)}万元，"
        f"核减率{formatting.percent(percent(x.cut, x.requested))}（上年核减{figure_text('money', xp.cut)}万元）。")
    r = cur.results
    yield "结果应用", (
        f"本年度项目预算{figure_text('money', r.this_year)}万元。根据绩效评价结果和结果应用政策，下年度建议安排预算"
        f"{figure_text('money', r.suggested)}万元（延续到下年度的项目，含部门总额调整）；延续项目中因评价结果核减"
        f"{figure_text('money', r.cut)}万元、增加{figure_text('money', r.increased)}万元，核减项目{r.projects_cut}个，"
        f"取消或暂停项目{r.cancelled_projects}个。")
    k, kp = cur.rectification, pre.rectification
    yield "整改", (
        f"截至{formatting.document_date(c.as_of)}，本年度整改事项{k.total}项，已整改{k.done}项，整改完成率"
        f"{formatting.percent(k.completion_rate)}（上年{formatting.percent(kp.completion_rate)}）；未完成{k.open}项，其中逾期{k.overdue}项；"
        f"整改不合格{k.failed}项；整改滞后单位{k.lagging_units}个。")


def build_statistics_pdf(comparison: StatisticsComparison, rows: Sequence[FigureRow], charts: Sequence[ChartData],
                         target: Path, org_name: str, made_on: date) -> Path:
    """Write the statistics PDF of the comparison (its `figure_rows` and `chart_data`) to `target`; a chart whose
    values are all zero in both years is left out."""
    years = (comparison.current.year, comparison.previous.year)
    scope = f"（{comparison.scope}）" if comparison.scope else ""
    doc = _StatisticsDocument(f"{years[0]}年度预算绩效管理工作统计{scope}",
                              subtitle=f"（与{years[1]}年度对比，整改情况截至{formatting.document_date(comparison.as_of)}）")
    by_key = {r.key: r for r in rows}
    doc.heading("一、主要指标")
    _table(doc, [by_key[k] for k in HEADLINE_KEYS], years, first=True)
    doc.paragraph("注：金额单位为万元；比率的增减为百分点。", indent=False)
    series = (f"{years[0]}年", f"{years[1]}年")
    for n, (section, text) in enumerate(_paragraphs(comparison), start=2):
        drawn = [c for c in charts if c.section == section and not c.empty]
        # Heading, text and charts move to the next page together rather than leave a chart apart from its text;
        # the table after them may run on (its header row repeats).
        with doc.together(max_gap_mm=KEEP_GAP_MM):
            doc.heading(f"{NUMERALS[n - 1]}、{SECTION_TITLES[section]}")
            doc.paragraph(text)
            if drawn:
                doc.charts(drawn, series)
        _table(doc, [r for r in rows if r.section == section], years)
    doc.signature(org=org_name, on=made_on)
    return doc.build(target)


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_WIDTHS = (12, 40, 16, 16, 14)


def _cell(ws: WriteOnlyWorksheet, value: Value, number_format: str | None = None,
          bold: bool = False, fill: PatternFill | None = None, align: str = "left") -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(size=10, bold=bold)
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=isinstance(value, str))
    if number_format:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    return cell


def build_statistics_workbook(comparison: StatisticsComparison, rows: Sequence[FigureRow], target: Path,
                              org_name: str) -> Path:
    """One sheet: 类别 | 指标 | 本年 | 上年 | 增减, amounts in 万元 and rates in % as numbers."""
    years = (comparison.current.year, comparison.previous.year)
    wb = new_workbook()
    ws = wb.create_sheet(sheet_name(f"{years[0]}年度统计"))
    for i, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    last = get_column_letter(len(_WIDTHS))
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.freeze_panes = "A4"
    scope = f"（{comparison.scope}）" if comparison.scope else ""
    title = WriteOnlyCell(ws, value=f"{years[0]}年度预算绩效管理工作统计{scope}")
    title.font, title.alignment = Font(size=16, bold=True), Alignment(horizontal="center")
    ws.append([title])
    ws.append([f"{org_name}；金额单位：万元；整改情况截至{formatting.screen_date(comparison.as_of)}；比率的增减为百分点"])
    ws.append([_cell(ws, h, bold=True, fill=_HEADER_FILL, align="center")
               for h in ("类别", "指标", f"{years[0]}年", f"{years[1]}年", "增减")])
    for r in rows:
        kind = "count" if r.kind == "count" else r.kind
        ws.append([_cell(ws, r.section, align="center"), _cell(ws, r.label),
                   *(_cell(ws, sheet_number(v, kind), FORMATS[kind], align="right")
                     for v in (r.current, r.previous, r.change))])
    return save(wb, target)
