"""预算安排建议表 for the budget division: a workbook (项目建议 and 部门汇总 sheets, amounts as numbers in 元 with a
合计 row, and a 说明 sheet with the totals and the policy) and an A4 landscape PDF of the same two tables (header rows repeated on every page, 第 X 页 共 Y 页).
Fed with core.results.dto.SuggestionTable; all text is escaped before it becomes markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.common import formatting
from core.common.files import write_atomically
from core.common.printing.fonts import register_cjk_font
from core.common.printing.numbered_canvas import NumberedCanvas
from core.common.printing.text import cell_text, escape, markup
from core.common.printing.workbook import Column, Marked, new_workbook, save, write_sheet
from core.results.rules.policy import COMPONENTS
from core.version import APP_NAME, __version__

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.results.dto import Override, ProjectSuggestion, SuggestionTable

PAGE = landscape(A4)
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 12 * mm, 12 * mm, 16 * mm
WIDTH = PAGE[0] - 2 * MARGIN_SIDE - 12  # reportlab's frame keeps 6 pt inside each edge
CELL_SIZE = 8.5
HEADER_FILL = colors.HexColor("#E6E6E6")
PROJECT_HEADER = ("单位", "项目编码", "项目名称", "本年金额（元）", "适用结果", "建议金额（元）", "增减（元）", "规则",
                  "调整说明")
PROJECT_SHARES = (26, 26, 45, 25, 32, 25, 25, 45, 24)  # mm on the 273 mm wide frame
DEPARTMENT_HEADER = ("单位编码", "单位", "项目数", "本年金额（元）", "项目建议合计（元）", "综合得分", "调整系数",
                     "建议总额（元）", "增减（元）", "得分说明", "调整说明")
DEPARTMENT_SHARES = (14, 28, 10, 25, 25, 13, 12, 25, 25, 70, 26)


def yuan(amount: Decimal) -> Decimal:
    """万元 → 元 with 分 kept (amounts are stored to the 分)."""
    return formatting.rounded(formatting.to_yuan(amount))


def _override_text(override: Override | None, suggested: Decimal) -> str:
    if override is None:
        return ""
    return f"人工调整（原建议 {formatting.amount_yuan(suggested)} 元）：{override.reason}"


def _project_rows(table: SuggestionTable) -> list[list[Any]]:
    return [[p.department_name, p.code, p.name, yuan(p.amount), p.results, yuan(p.final), yuan(p.change), p.rule,
             _override_text(p.override, p.suggested)] for p in _projects(table)]


def _projects(table: SuggestionTable) -> list[ProjectSuggestion]:
    order = {d.unit_id: i for i, d in enumerate(table.departments)}
    return sorted(table.projects, key=lambda p: (order.get(p.department_id, len(order)), p.code))


def _department_rows(table: SuggestionTable) -> list[list[Any]]:
    return [[d.code, d.name, d.projects, yuan(d.this_year), yuan(d.suggested_sum), d.score.composite,
             d.score.coefficient, yuan(d.final), yuan(d.change), d.score.explanation,
             _override_text(d.override, d.suggested_total)] for d in table.departments]


def _subtitle(table: SuggestionTable) -> str:
    weights = "、".join(f"{label} {table.policy.weight(key):g}" for key, label in COMPONENTS)
    actions = "、".join(f"{a.grade} {a.label}（{a.percent:+g}%）" for a in table.policy.grade_actions)
    return f"{table.year} 年度绩效结果应用于 {table.year + 1} 年度预算 · 等级处理：{actions} · 综合得分权重：{weights}"


def build_suggestion_workbook(table: SuggestionTable, target: Path) -> Path:
    wb = new_workbook()
    t = table.totals
    projects = _project_rows(table)
    write_sheet(wb, "项目建议", f"{table.year + 1}年度预算安排建议表（项目）",
                [Column("单位", width=18), Column("项目编码", "code"), Column("项目名称", "wrap", 34),
                 Column("本年金额（元）", "money"), Column("适用结果", "wrap", 26), Column("建议金额（元）", "money"),
                 Column("增减（元）", "money"), Column("规则", "wrap", 34), Column("调整说明", "wrap", 26)],
                projects, subtitle=_subtitle(table),
                totals=[Marked("合计", bold=True), f"{len(projects)} 个项目", None,
                        sum((r[3] for r in projects), Decimal(0)), None, sum((r[5] for r in projects), Decimal(0)),
                        sum((r[6] for r in projects), Decimal(0)), None, None], freeze_columns=3)
    departments = _department_rows(table)
    write_sheet(wb, "部门汇总", f"{table.year + 1}年度预算安排建议表（部门）",
                [Column("单位编码", "code"), Column("单位", width=18), Column("项目数", "count"),
                 Column("本年金额（元）", "money"), Column("项目建议合计（元）", "money"), Column("综合得分", "score"),
                 Column("调整系数", "center"), Column("建议总额（元）", "money"), Column("增减（元）", "money"),
                 Column("得分说明", "wrap", 50), Column("调整说明", "wrap", 26)],
                departments, subtitle="建议总额 = 项目建议合计 × 调整系数（按元四舍五入）；有人工调整的以调整数为准",
                totals=[Marked("合计", bold=True), f"{len(departments)} 个单位",
                        sum((r[2] for r in departments), 0), yuan(sum((d.this_year for d in table.departments),
                                                                      Decimal(0))),
                        yuan(sum((d.suggested_sum for d in table.departments), Decimal(0))), None, None,
                        yuan(sum((d.final for d in table.departments), Decimal(0))),
                        yuan(sum((d.change for d in table.departments), Decimal(0))), None, None],
                freeze_columns=2)
    write_sheet(wb, "说明", "预算安排建议表说明", [Column("项目", width=20), Column("数值", "wrap", 80)],
                [["本年预算合计（元）", str(yuan(t.this_year))], ["建议安排合计（元）", str(yuan(t.suggested))],
                 ["核减（元）", str(yuan(t.cut))], ["增加（元）", str(yuan(t.increased))],
                 ["不再安排的延续项目（个）", str(t.cancelled_projects)], ["核减的项目（个）", str(t.projects_cut)],
                 ["规则", _subtitle(table)]])
    return save(wb, target)


class _Styles:
    def __init__(self, font: str) -> None:
        base = ParagraphStyle("cell", fontName=font, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.3, wordWrap="CJK")
        self.font = font
        self.left = base
        self.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
        self.centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
        self.title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER)
        self.sub = ParagraphStyle("sub", parent=base, fontSize=9, leading=13, alignment=TA_CENTER)
        self.caption = ParagraphStyle("caption", parent=base, fontSize=11.5, leading=17, alignment=TA_LEFT)



def _grid(header: Sequence[str], rows: Sequence[Sequence[Any]], totals: Sequence[Any], shares: Sequence[int],
          numeric: set[int], s: _Styles) -> Table:
    def cell(value: str | int | Decimal | date | None, i: int) -> Paragraph:
        return Paragraph(markup(cell_text(value)), s.right if i in numeric else s.left)

    data = [[Paragraph(escape(h), s.centre) for h in header]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in [*rows, totals]]
    total = sum(shares)
    table = Table(data, colWidths=[WIDTH * w / total for w in shares], repeatRows=1, splitByRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), s.font), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
        ("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _story(table: SuggestionTable, on: date, s: _Styles) -> list[Flowable]:
    projects, departments = _project_rows(table), _department_rows(table)
    t = table.totals
    summary = (f"本年预算合计 {formatting.amount_yuan(t.this_year)} 元，建议安排合计 {formatting.amount_yuan(t.suggested)} 元，"
               f"增减 {formatting.amount_yuan(t.change)} 元；延续项目核减 {formatting.amount_yuan(t.cut)} 元（{t.projects_cut} 个项目），"
               f"增加 {formatting.amount_yuan(t.increased)} 元，不再安排 {t.cancelled_projects} 个。")
    project_totals = ["合计", f"{len(projects)} 个项目", "", sum((r[3] for r in projects), Decimal(0)), "",
                      sum((r[5] for r in projects), Decimal(0)), sum((r[6] for r in projects), Decimal(0)), "", ""]
    department_totals = ["合计", f"{len(departments)} 个单位", sum((r[2] for r in departments), 0),
                         yuan(sum((d.this_year for d in table.departments), Decimal(0))),
                         yuan(sum((d.suggested_sum for d in table.departments), Decimal(0))), "", "",
                         yuan(sum((d.final for d in table.departments), Decimal(0))),
                         yuan(sum((d.change for d in table.departments), Decimal(0))), "", ""]
    return [
        Paragraph(escape(f"{table.year + 1}年度预算安排建议表"), s.title),
        Paragraph(escape(_subtitle(table)), s.sub),
        Paragraph(escape(f"生成日期：{formatting.document_date(on)}　单位：元"), s.sub), Spacer(1, 3 * mm),
        Paragraph(escape(summary), s.caption), Spacer(1, 2 * mm),
        Paragraph(escape("一、部门汇总（建议总额 = 项目建议合计 × 调整系数，按元四舍五入；有人工调整的以调整数为准）"),
                  s.caption),
        _grid(DEPARTMENT_HEADER, departments, department_totals, DEPARTMENT_SHARES, {2, 3, 4, 5, 6, 7, 8}, s),
        CondPageBreak(40 * mm),
        Paragraph(escape("二、项目建议"), s.caption),
        _grid(PROJECT_HEADER, projects, project_totals, PROJECT_SHARES, {3, 5, 6}, s),
    ]


def build_suggestion_pdf(table: SuggestionTable, target: Path, on: date | None = None) -> Path:
    def render(out: str) -> None:
        font = register_cjk_font()
        doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE,
                                topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
                                title=f"{table.year + 1}年度预算安排建议表", author=APP_NAME,
                                creator=f"{APP_NAME} {__version__}", initialFontName=font)
        doc.build(_story(table, on or date.today(), _Styles(font)),
                  canvasmaker=partial(NumberedCanvas, font_name=font, number_size=9, number_y=9 * mm))

    return write_atomically(target, render)
