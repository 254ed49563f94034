"""The 项目支出绩效自评表 PDF in the national layout (财预〔2020〕10号 附件): project and units, the budget rows
(年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分), the year's overall goal (预期目标 | 实际完成情况),
the indicator table (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施), the total
with the grade, and the lines for the filler and the unit head to sign. Landscape A4, one grid the way units
fill it in by hand; the indicator part splits across pages with its header repeated.

Fed with core.evaluation.dto.SelfEvaluationDraft; text is escaped before it becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.common import formatting
from core.common.files import write_atomically
from core.common.printing.fonts import register_cjk_font
from core.common.printing.numbered_canvas import NumberedCanvas
from core.common.printing.text import markup
from core.evaluation.rules.self_evaluation import LineResult, SheetLine
from core.goals.rules.notation import format_decimal, normalise_unit
from core.version import APP_NAME, __version__
from db.codes import DraftStatus

if TYPE_CHECKING:  # the DTO comes from the service; only its type is needed here
    from core.evaluation.dto import SelfEvaluationDraft

PAGE = landscape(A4)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 15 * mm, 10 * mm, 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN_SIDE
FRAME_PADDING = 6  # reportlab's frames keep 6 pt inside each edge
WIDTH = WIDTH - 2 * FRAME_PADDING
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - 2 * FRAME_PADDING
CELL_SIZE = 9.5
HEADER_FILL = colors.HexColor("#EDEDED")
# Column widths (proportions, scaled to the frame) of the two grids that make up the sheet.
TOP_COLUMNS = (34, 47, 31, 31, 31, 22, 26, 45)
INDICATOR_COLUMNS = (16, 20, 24, 50, 30, 30, 16, 16, 65)
DASH = formatting.MISSING


class _Heavy(Paragraph):
    """Fill-and-stroke text: the one embedded CJK font has no bold face (as in core.common.printing.document)."""

    def draw(self) -> None:
        self.canv.addLiteral("2 Tr")
        self.canv.setLineWidth(self.style.fontSize * 0.03)
        super().draw()


class _Styles:
    def __init__(self, font: str) -> None:
        self.font = font
        base = ParagraphStyle("cell", fontName=font, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.35, wordWrap="CJK")
        self.left = base
        self.centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
        self.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
        self.title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER)
        self.sub = ParagraphStyle("sub", parent=base, fontSize=11.5, leading=17, alignment=TA_CENTER)
        self.note = ParagraphStyle("note", parent=base, fontSize=8.5, leading=12, alignment=TA_LEFT)
        self.sign = ParagraphStyle("sign", parent=base, fontSize=11, leading=16)


def _widths(shares: tuple[int, ...]) -> list[float]:
    return [WIDTH * w / sum(shares) for w in shares]


def _wan(value: Decimal | None) -> str:
    return formatting.amount(value)


def _pts(value: Decimal | None) -> str:
    """Points as the forms print them: 10, 9.30, 8.14."""
    if value is None:
        return DASH
    return format_decimal(value) if value == value.to_integral_value() else formatting.score(value)


def _grid(font: str) -> list[tuple[Any, ...]]:
    return [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3)]


def _top(dto: SelfEvaluationDraft, s: _Styles) -> Table:
    result = dto.result()
    c, h, left, right = s.centre, partial(_Heavy, style=s.centre), s.left, s.right

    def p(text: object, style: ParagraphStyle = c) -> Paragraph:
        return Paragraph(markup(text), style)

    rate = DASH if result.execution_rate is None else f"{format_decimal(result.execution_rate)}%"
    rows: list[list[Any]] = [
        [h(markup("项目名称")), p(dto.project_name, left), "", "", "", "", "", ""],
        [h(markup("主管部门")), p(dto.unit_name, left), "", "", h(markup("实施单位")),
         p(dto.implementing_unit or dto.unit_name, left), "", ""],
        [h(markup("项目资金\n（万元）")), "", *(h(markup(t)) for t in (
            "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"))],
        ["", p("年度资金总额", left), p(_wan(dto.initial_budget), right), p(_wan(dto.budget), right),
         p(_wan(dto.executed), right), p(_pts(result.execution_weight)), p(rate), p(_pts(result.execution_points))],
        *(["", p(label, left), p(_wan(amount), right), p(DASH), p(DASH), p(DASH), p(DASH), p(DASH)]
          for label, amount in dto.initial_parts),
        [h(markup("年度总体\n目标")), h(markup("预期目标")), "", "", "", h(markup("实际完成情况")), "", ""],
        ["", p(dto.goal_expected or DASH, left), "", "", "", p(dto.goal_actual or DASH, left), "", ""],
    ]
    goal = len(rows) - 2
    table = Table(rows, colWidths=_widths(TOP_COLUMNS), splitByRow=1, splitInRow=1)
    table.setStyle(TableStyle([
        *_grid(s.font),
        ("SPAN", (1, 0), (7, 0)), ("SPAN", (1, 1), (3, 1)), ("SPAN", (5, 1), (7, 1)),
        ("SPAN", (0, 2), (0, goal - 1)),
        ("SPAN", (0, goal), (0, goal + 1)), ("SPAN", (1, goal), (4, goal)), ("SPAN", (5, goal), (7, goal)),
        ("SPAN", (1, goal + 1), (4, goal + 1)), ("SPAN", (5, goal + 1), (7, goal + 1)),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL), ("BACKGROUND", (4, 1), (4, 1), HEADER_FILL),
        ("BACKGROUND", (1, 2), (7, 2), HEADER_FILL), ("BACKGROUND", (1, goal), (7, goal), HEADER_FILL),
        ("VALIGN", (1, goal + 1), (7, goal + 1), "TOP"),
    ]))
    return table


def _actual(line: SheetLine, r: LineResult) -> str:
    if not r.applicable:
        return "不适用"
    if line.qualitative:
        return r.actual_text or r.level or ""
    if r.actual is None:
        return ""
    return f"{format_decimal(r.actual)}{normalise_unit(line.unit_of_measure) or ''}"


def _analysis(dto: SelfEvaluationDraft, line: SheetLine, r: LineResult) -> str:
    inp = dto.input_for(line.key)
    text = inp.analysis.strip()
    if r.override is not None:
        note = f"（得分经手工调整：计算得分 {_pts(r.computed)}，调整为 {_pts(r.override)}，理由：{inp.override_reason.strip()}）"
        text = f"{text}\n{note}" if text else note
    return text


def _spans(values: list[str], column: int, first_row: int) -> list[tuple[Any, ...]]:
    """Merge runs of the same 一级/二级 label down a column, as the national form does."""
    out, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if i - start > 1:
                out.append(("SPAN", (column, first_row + start), (column, first_row + i - 1)))
            start = i
    return out


@dataclass(frozen=True)
class _Row:
    cells: list[Any]
    level1: str
    level2: str


class _IndicatorGrid(Flowable):
    """The indicator part of the sheet. It splits between rows by itself, building each page's piece with its
    own merged 一级/二级 cells: reportlab cannot split inside merged cells except by cutting a row, which leaves
    an empty sliver at the page bottom. A row taller than a whole page is left to reportlab's in-row split."""

    def __init__(self, header: list[Any], body: list[_Row], total: list[Any], font: str,
                 tail: list[Flowable]) -> None:
        super().__init__()
        self.header, self.body, self.total, self.font, self.tail = header, body, total, font, tail
        self._table = self._build(body, total)
        self._tail_heights: list[float] = []

    def _build(self, body: list[_Row], total: list[Any] | None) -> Table:
        rows = [self.header, *(r.cells for r in body), *([total] if total else [])]
        last = len(rows) - 1
        commands: list[tuple[Any, ...]] = [
            *_grid(self.font), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("SPAN", (0, 1), (0, len(body))),
            *_spans([r.level1 for r in body], 1, 1), *_spans([f"{r.level1}/{r.level2}" for r in body], 2, 1)]
        if total:
            commands += [("BACKGROUND", (0, last), (-1, last), HEADER_FILL), ("SPAN", (0, last), (5, last))]
        table = Table(rows, colWidths=_widths(INDICATOR_COLUMNS), repeatRows=1, splitByRow=1, splitInRow=1)
        table.setStyle(TableStyle(commands))
        return table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self._table.wrap(availWidth, availHeight)
        self._tail_heights = [f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() for f in self.tail]
        return width, height + sum(self._tail_heights)

    def draw(self) -> None:
        y = sum(self._tail_heights)
        self._table.drawOn(self.canv, 0, y)
        for flowable, height in zip(self.tail, self._tail_heights, strict=True):
            y -= height
            flowable.drawOn(self.canv, 0, y)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # At least one body row stays with the total line and the closing notes and signature (never a page of
        # signature alone), and at least one goes on this page.
        for keep in range(len(self.body) - 1, 0, -1):
            piece = self._build(self.body[:keep], None)
            if piece.wrap(availWidth, availHeight)[1] <= availHeight:
                return [piece, _IndicatorGrid(self.header, self.body[keep:], self.total, self.font, self.tail)]
        if availHeight < FRAME_HEIGHT * 0.9:  # not at the top of a page: start on the next one
            return []
        return [*self._table.split(availWidth, availHeight), *self.tail]


def _indicators(dto: SelfEvaluationDraft, s: _Styles) -> _IndicatorGrid:
    result = dto.result()
    c, left, right = s.centre, s.left, s.right
    header = [_Heavy(markup(t), c) for t in ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值",
                                              "实际完成值", "分值", "得分", "偏差原因分析及改进措施")]
    body = []
    for line in dto.lines:
        r = result.line(line.key)
        body.append(_Row(["", Paragraph(markup(line.level1), c), Paragraph(markup(line.level2), c),
                          Paragraph(markup(line.name), left), Paragraph(markup(line.target_label), c),
                          Paragraph(markup(_actual(line, r)), c),
                          Paragraph(_pts(r.points) if r.applicable else DASH, right),
                          Paragraph(_pts(r.earned) if r.applicable else DASH, right),
                          Paragraph(markup(_analysis(dto, line, r)), left)], line.level1, line.level2))
    total = result.total if result.total is not None else dto.score
    grade = f"自评等级：{dto.grade}" if dto.grade else ("自评等级：未定稿" if dto.status != DraftStatus.FINAL else "")
    total_row = [_Heavy(markup("总分"), c), "", "", "", "", "", Paragraph("100", right), _Heavy(_pts(total), right),
                 _Heavy(markup(grade), left)]
    tail = [Spacer(1, 2 * mm), *_notes(dto, s), Spacer(1, 8 * mm), _signature(dto, s)]
    return _IndicatorGrid(header, body, total_row, s.font, tail)


def _bands(thresholds: tuple[tuple[str, Decimal], ...]) -> str:
    """优：90分及以上；良：80（含）至90分；…；差：60分以下."""
    parts: list[str] = []
    upper: str | None = None
    for label, bound in thresholds:
        low = format_decimal(bound)
        if upper is None:
            parts.append(f"{label}：{low}分及以上")
        elif bound <= 0:
            parts.append(f"{label}：{upper}分以下")
        else:
            parts.append(f"{label}：{low}（含）至{upper}分")
        upper = low
    return "；".join(parts)


def _notes(dto: SelfEvaluationDraft, s: _Styles) -> list[Flowable]:
    result = dto.result()
    bands = _bands(dto.thresholds)
    w = dto.weights
    notes = [f"注：1. 分值：产出指标{format_decimal(w['output'])}分、效益指标{format_decimal(w['outcome'])}分、"
             f"满意度指标{format_decimal(w['satisfaction'])}分、预算执行率{format_decimal(w['execution'])}分；"
             f"预算执行率得分 = 全年执行数 ÷ 全年预算数 × 分值，最高不超过分值。",
             f"2. 自评等级　{bands}。"]
    if any(not r.applicable for r in result.lines):
        notes.append("3. 标为“不适用”的指标不计分，其分值按比例分配给同一级的其他指标。")
    return [Paragraph(markup(n), s.note) for n in notes]


def _signature(dto: SelfEvaluationDraft, s: _Styles) -> Flowable:
    day = formatting.document_date(dto.finalised_at.astimezone().date()) if dto.finalised_at else "　　年　　月　　日"
    gap = "\u3000" * 8
    row = [[Paragraph(markup(f"填报人（签字）：{gap}"), s.sign),
            Paragraph(markup(f"单位负责人（签字）：{gap}"), s.sign),
            Paragraph(markup(f"填报单位（盖章）：{dto.unit_name}"), s.sign),
            Paragraph(markup(f"填报日期：{day}"), s.sign)]]
    table = Table(row, colWidths=[WIDTH * f for f in (0.22, 0.24, 0.32, 0.22)])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), s.font), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def _story(dto: SelfEvaluationDraft, font: str) -> list[Flowable]:
    s = _Styles(font)
    subtitle = f"（{dto.year}年度）" + ("　草稿，未定稿" if dto.status != DraftStatus.FINAL else "")
    unit_line = Table([[Paragraph(markup(f"项目编码：{dto.project_code}"), s.left),
                        Paragraph("单位：万元、分", s.right)]], colWidths=[WIDTH / 2, WIDTH / 2])
    unit_line.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("FONTNAME", (0, 0), (-1, -1), font)]))
    return [_Heavy(markup("项目支出绩效自评表"), s.title), Paragraph(markup(subtitle), s.sub), Spacer(1, 2 * mm),
            unit_line, _top(dto, s), _indicators(dto, s)]


def build_self_evaluation_report(dto: SelfEvaluationDraft, path: Path) -> Path:
    """Write the 自评表 of one self-evaluation to `path` (through a temporary file) and return it."""
    font = register_cjk_font()

    def render(tmp: str) -> None:
        doc = SimpleDocTemplate(tmp, pagesize=PAGE, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE,
                                topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title="项目支出绩效自评表",
                                subject=dto.project_name, author=dto.unit_name,
                                creator=f"{APP_NAME} {__version__}", initialFontName=font)
        doc.build(_story(dto, font),
                  canvasmaker=partial(NumberedCanvas, font_name=font, number_size=9, number_y=8 * mm))

    return write_atomically(path, render)
