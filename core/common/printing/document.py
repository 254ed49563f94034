"""A small builder for official-document style A4 PDFs (title, 文号, headings, tables, seal block, page footer).

Every PDF report uses it. Callers pass plain text and values, never markup: all text is escaped here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _rl_paragraph

from core.common import formatting
from core.common.files import write_atomically
from core.common.printing.fonts import register_cjk_font
from core.common.printing.numbered_canvas import NumberedCanvas
from core.common.printing.text import Cell, cell_text, is_number, markup
from core.version import APP_NAME, __version__

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 27 * mm, 25 * mm, 26 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_SIDE
BODY_SIZE, TABLE_SIZE = 14, 10.5
KEEP_ROOM = 35 * mm  # a heading or table caption starts a new page when less than this is left
ISSUER_RED = colors.HexColor("#D40000")
HEADER_FILL = colors.HexColor("#E6E6E6")
_ALIGNS = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
# reportlab's CJK line breaking keeps Japanese closing marks off the start of a line but not the full-width
# Chinese ，：；！？”’》〉」 (a line could begin with "："); a mark listed here hangs at the end of the line above.
# reportlab hangs one mark only, so the second of two closing marks in a row ("》。") can still open a line.
_NO_LINE_START = "，：；！？”’》〉」』"
for _module in (_rl_textsplit, _rl_paragraph):  # one-run and mixed-run paragraphs each read their own copy
    if not set(_NO_LINE_START) <= set(_module.ALL_CANNOT_START):
        _module.ALL_CANNOT_START += _NO_LINE_START


class _BoldParagraph(Paragraph):
    """A paragraph drawn with fill-and-stroke: the one embedded CJK font has no bold face, and this gives
    titles and headings the weight of 小标宋/黑体 without a second font file."""

    def draw(self) -> None:
        self.canv.addLiteral("2 Tr")
        self.canv.setLineWidth(self.style.fontSize * 0.035)
        self.canv.setStrokeColor(self.style.textColor)
        super().draw()


@dataclass(frozen=True)
class _Styles:
    font: str

    def style(self, name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=self.font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

    def issuer(self) -> ParagraphStyle:
        return self.style("issuer", 26, 34, alignment=TA_CENTER, textColor=ISSUER_RED)

    def title(self) -> ParagraphStyle:
        return self.style("title", 21, 32, alignment=TA_CENTER, spaceBefore=4, spaceAfter=6)

    def centred(self, size: float = BODY_SIZE) -> ParagraphStyle:
        return self.style("centred", size, size * 1.6, alignment=TA_CENTER, spaceAfter=4)

    def heading(self, level: int) -> ParagraphStyle:
        size = BODY_SIZE + (1 if level == 1 else 0)
        return self.style(f"h{level}", size, size * 1.6, firstLineIndent=2 * BODY_SIZE,
                          spaceBefore=8 if level == 1 else 4, spaceAfter=2)

    def body(self, indent: bool) -> ParagraphStyle:
        return self.style("body", BODY_SIZE, BODY_SIZE * 1.6, alignment=TA_JUSTIFY,
                          firstLineIndent=2 * BODY_SIZE if indent else 0, spaceAfter=2)

    def cell(self, align: str) -> ParagraphStyle:
        return self.style(f"cell-{align}", TABLE_SIZE, TABLE_SIZE * 1.35, alignment=_ALIGNS[align])

    def caption(self, align: int) -> ParagraphStyle:
        return self.style("caption", TABLE_SIZE + 1, TABLE_SIZE * 1.7, alignment=align)


def _filled(cell: object) -> bool:
    if isinstance(cell, list | tuple):
        return bool(cell)
    return bool(cell.strip()) if isinstance(cell, str) else cell is not None


class _Table(Table):
    """A table that never leaves an empty sliver of a row at a page bottom.

    With middle-aligned cells reportlab splits a row inside itself even when not one line fits above the
    split: every cell's paragraph is postponed and the first piece is an empty, bordered strip. Such a split
    is refused, so the row moves whole to the next page.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and not any(_filled(c) for c in parts[0]._cellvalues[-1]):
            return []
        return parts


class _KeepTogether(KeepTogether):
    """Keeps a block on one page unless moving it would leave more than `max_gap` empty: then it starts here.

    It also counts the space above its first line, which reportlab leaves out of the height it checks while
    the frame adds it back (a block that fits within those few points was split after all).
    """

    def __init__(self, flowables: list[Flowable], max_gap: float) -> None:
        super().__init__(flowables)
        self._max_gap = max_gap

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        size = super().wrap(aW, aH)
        self._H += max((f.getSpaceBefore() for f in self._content), default=0)
        return size

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > aH > self._max_gap:
            return list(self._content)
        return super().split(aW, aH)


def _display_units(text: str) -> int:
    """Width in half-width units: a CJK character is two, an ASCII character one."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _auto_widths(header: Sequence[str], texts: list[list[str]], rigid: list[bool]) -> list[float]:
    """Column widths (points) that fill the frame: numeric columns keep room for their widest number,
    text columns share what is left in proportion to their content (wrapping is allowed there)."""
    unit = TABLE_SIZE / 2
    pad = 8
    natural = []
    for i, head in enumerate(header):
        body = max((_display_units(row[i]) for row in texts[:300]), default=0)
        natural.append(max(4, min(body, 40), min(_display_units(head), 12)) * unit + pad)
    total = sum(natural)
    if total <= FRAME_WIDTH:
        return [w * FRAME_WIDTH / total for w in natural]
    fixed = sum(w for w, r in zip(natural, rigid, strict=True) if r)
    flexible = total - fixed
    room = FRAME_WIDTH - fixed
    if flexible <= 0 or room < flexible * 0.3:
        return [w * FRAME_WIDTH / total for w in natural]
    return [w if r else w * room / flexible for w, r in zip(natural, rigid, strict=True)]


Part = Callable[[_Styles], list[Flowable]]


class ReportDocument:
    """Collects the parts of one report and builds the PDF.

    Parts are kept as recipes and turned into reportlab flowables at build time, so one document can be
    built several times (file and bytes) and the font is looked up only when a PDF is really made.
    Text is plain text (escaped here); a "\n" becomes a line break, e.g. to choose where a long title wraps.

        doc = ReportDocument(title="…", doc_number="X财绩〔2024〕12号", issuer="某县财政局")
        doc.heading("一、基本情况"); doc.paragraph("…"); doc.key_values([("项目名称", "…")])
        doc.table(header=["部门", "资金（万元）"], rows=[["某局", Decimal("12.50")]], totals=["合计", …])
        doc.signature(org="某县财政局", on=date(2024, 12, 31)); doc.build(path)
    """

    def __init__(self, title: str, doc_number: str | None = None, issuer: str | None = None,
                 subtitle: str | None = None, issuer_red: bool = True) -> None:
        self.title = title
        self.issuer = issuer
        self._parts: list[Part] = [partial(self._head, doc_number, subtitle, issuer_red)]

    def _head(self, doc_number: str | None, subtitle: str | None, red: bool, s: _Styles) -> list[Flowable]:
        flow: list[Flowable] = []
        if self.issuer:
            style = s.issuer() if red else s.issuer().clone("issuer-black", textColor=colors.black)
            flow += [_BoldParagraph(markup(self.issuer), style),
                     HRFlowable(width="100%", thickness=1.6, color=style.textColor, spaceBefore=4, spaceAfter=14)]
        flow.append(_BoldParagraph(markup(self.title), s.title()))
        if subtitle:
            flow.append(Paragraph(markup(subtitle), s.centred()))
        if doc_number:
            flow.append(Paragraph(markup(doc_number), s.centred()))
        flow.append(Spacer(1, 5 * mm))
        return flow

    def heading(self, text: str, level: int = 1) -> None:
        """A heading; the caller writes the numbering (一、 for level 1, （一） for level 2)."""
        if level not in (1, 2):
            raise ValueError(f"heading level must be 1 or 2, not {level}")
        # Not keepWithNext: reportlab would bind the heading to a whole long table and push both to the
        # next page, leaving a blank half page; a conditional break keeps headings off page bottoms.
        self._parts.append(lambda s: [CondPageBreak(KEEP_ROOM), _BoldParagraph(markup(text), s.heading(level))])

    def paragraph(self, text: str, indent: bool = True) -> None:
        """A body paragraph, first line indented by two characters unless `indent` is False."""
        self._parts.append(lambda s: [Paragraph(markup(text), s.body(indent))])

    def spacer(self, height_mm: float) -> None:
        self._parts.append(lambda s: [Spacer(1, height_mm * mm)])

    def page_break(self) -> None:
        self._parts.append(lambda s: [PageBreak()])

    @contextmanager
    def together(self, max_gap_mm: float = 80) -> Iterator[None]:
        """Parts added inside the block (a short section with its heading) move to the next page rather than
        break across two, unless that would leave more than `max_gap_mm` of this page empty."""
        start = len(self._parts)
        yield
        inner = self._parts[start:]
        del self._parts[start:]
        self._parts.append(lambda s: [_KeepTogether([f for part in inner for f in part(s)], max_gap_mm * mm)])

    def key_values(self, pairs: Sequence[tuple[str, Cell]], key_width_mm: float = 40) -> None:
        """A two-column information table: label on grey, value beside it (values may wrap)."""
        items = list(pairs)

        def build(s: _Styles) -> list[Flowable]:
            key_style, value_style = s.cell("left"), s.cell("left")
            data = [[_BoldParagraph(markup(k), key_style), Paragraph(markup(cell_text(v)), value_style)]
                    for k, v in items]
            table = _Table(data, colWidths=[key_width_mm * mm, FRAME_WIDTH - key_width_mm * mm],
                           splitByRow=1, splitInRow=1, hAlign="CENTER", spaceBefore=4, spaceAfter=8)
            table.setStyle(TableStyle([
                *_grid(s.font),
                ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
            ]))
            return [table]

        self._parts.append(build)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Cell]],
              col_widths_mm: Sequence[float] | None = None, align: Sequence[str] | None = None,
              totals: Sequence[Cell] | None = None, title: str | None = None, unit: str | None = None) -> None:
        """A data table that splits across pages with its header row repeated on each page.

        `align` per column is 'left', 'right' or 'center' (default: numbers right, text left);
        `totals` is a last row printed bold; `title` is a centred caption above the table and `unit`
        a right-aligned line such as "单位：万元". Without `col_widths_mm` the widths follow the content.
        """
        width = len(header)
        body = [list(r) for r in rows]
        extra = [list(totals)] if totals is not None else []
        for row in body + extra:
            if len(row) != width:
                raise ValueError(f"table row has {len(row)} cells, header has {width}: {row!r}")
        if col_widths_mm is not None and len(col_widths_mm) != width:
            raise ValueError("col_widths_mm must give one width per column")
        numeric = [bool(body) and all(is_number(r[i]) or r[i] is None for r in body) for i in range(width)]
        aligns = list(align) if align is not None else ["right" if n else "left" for n in numeric]
        if len(aligns) != width or any(a not in _ALIGNS for a in aligns):
            raise ValueError(f"align must give one of {sorted(_ALIGNS)} per column")
        texts = [[cell_text(v) for v in row] for row in body + extra]
        header_texts = [str(h) for h in header]

        def build(s: _Styles) -> list[Flowable]:
            if col_widths_mm is not None:
                widths = [w * mm for w in col_widths_mm]
                scale = min(1.0, FRAME_WIDTH / sum(widths))
                widths = [w * scale for w in widths]
            else:
                widths = _auto_widths(header_texts, texts, numeric)
            styles = [s.cell(a) for a in aligns]
            head_style = s.cell("center")
            data: list[list[Flowable]] = [[_BoldParagraph(markup(h), head_style) for h in header_texts]]
            for i, row in enumerate(texts):
                para = _BoldParagraph if extra and i == len(texts) - 1 else Paragraph
                data.append([para(markup(t), st) for t, st in zip(row, styles, strict=True)])
            table = _Table(data, colWidths=widths, repeatRows=1, splitByRow=1, splitInRow=1,
                           hAlign="CENTER", spaceBefore=2, spaceAfter=8)
            commands = [*_grid(s.font), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]
            if extra:
                commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.black))
            table.setStyle(TableStyle(commands))
            flow: list[Flowable] = [CondPageBreak(KEEP_ROOM)] if title or unit else []
            if title:
                flow.append(_BoldParagraph(markup(title), s.caption(TA_CENTER)))
            if unit:
                flow.append(Paragraph(markup(unit), s.caption(TA_RIGHT)))
            return [*flow, table]

        self._parts.append(build)

    def signature(self, org: str, on: date, closing: str | None = None) -> None:
        """The closing block: room for the seal, then the organisation over the Chinese date, right side.

        `closing` (e.g. "特此报告。") is kept on the same page as the seal, so the signature never
        stands alone on a page of its own (GB/T 9704).
        """
        def build(s: _Styles) -> list[Flowable]:
            style = s.style("sign", BODY_SIZE, BODY_SIZE * 1.8, alignment=TA_CENTER)
            lines = [markup(org), formatting.document_date(on)]
            # The pair is centred on itself and stands four characters from the right margin (GB/T 9704).
            width = max(_display_units(str(org)), _display_units(lines[1])) * BODY_SIZE / 2 + 12
            block = Table([[Paragraph(t, style), ""] for t in lines],
                          colWidths=[min(width, FRAME_WIDTH * 0.6), 4 * BODY_SIZE], hAlign="RIGHT")
            block.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), s.font),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            lead = [Paragraph(markup(closing), s.body(True))] if closing else []
            return [KeepTogether([*lead, Spacer(1, 16 * mm), block])]

        self._parts.append(build)

    def _story(self) -> list[Flowable]:
        styles = _Styles(register_cjk_font())
        return [f for part in self._parts for f in part(styles)]

    def _render(self, target: str | BytesIO) -> None:
        story = self._story()
        font = register_cjk_font()
        doc = SimpleDocTemplate(
            target, pagesize=A4, leftMargin=MARGIN_SIDE, rightMargin=MARGIN_SIDE,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=self.title,
            author=self.issuer or APP_NAME, creator=f"{APP_NAME} {__version__}", initialFontName=font,
        )
        note = f"{APP_NAME} {__version__} 生成"
        doc.build(story, canvasmaker=partial(NumberedCanvas, font_name=font, footer_note=note))

    def build(self, path: Path) -> Path:
        """Write the PDF to `path` (through a temporary file, so a failed build leaves no half file)."""
        return write_atomically(path, self._render)

    def build_bytes(self) -> bytes:
        buffer = BytesIO()
        self._render(buffer)
        return buffer.getvalue()


def _grid(font: str) -> list[tuple[Any, ...]]:
    # FONTNAME although every cell is a Paragraph: reportlab still selects the cell font, and the
    # default (Helvetica) would otherwise appear as a non-embedded font in the file.
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
