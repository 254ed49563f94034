"""Shared code for the spreadsheet reports: one titled, printable table per sheet, written in openpyxl's
write-only mode so that a grid of 80,000 projects streams to disk instead of being held as cell objects.

A sheet is: a merged title row, a subtitle row, a header row (bold, grey, wrapped, frozen, with an autofilter
over the data rows), typed data cells, an optional bold totals row and an optional legend block below.
Print setup: landscape (A4 unless told), fit to one page wide, the header row repeated on every page,
"第 X 页 共 Y 页" in the footer.

    wb = new_workbook()
    write_sheet(wb, "汇总", "某某表", [Column("项目名称", width=30), Column("金额（万元）", "money")],
                [["某项目", Decimal("12.5")], [Marked("● 红灯", RED), None]], totals=["合计", Decimal("12.5")])
    save(wb, path)

Money is written as Decimal, rounded half up (core.common.formatting) to the places its number format shows, so
the cell reads as the screen and the PDF do and a sum over cells adds what is shown; openpyxl prints it with 16
significant digits ("%.16g"), so the float conversion happens only in the file's text.
Row heights are set from the wrapped text: other programs (LibreOffice) do not re-measure rows on opening.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.common import formatting
from core.common.files import write_atomically
from core.common.progress import NoProgress, ProgressReporter
from core.version import APP_NAME, __version__

Value = str | int | Decimal | date | bool | None

# Number formats per column kind; text kinds have none. PLACES: the decimal places each format shows.
FORMATS = {"money": "#,##0.00", "percent": "0.0", "score": "0.00", "count": "#,##0", "date": "yyyy-mm-dd"}
PLACES = {"money": formatting.AMOUNT_PLACES, "percent": formatting.PERCENT_PLACES, "score": formatting.SCORE_PLACES,
          "count": 0}
KINDS = ("text", "wrap", "code", "center", *FORMATS)
PAPER = {"A4": "9", "A3": "8"}  # OOXML paper size codes
HEADER_ROW = 3  # title and subtitle rows above it
FONT_SIZE, TITLE_SIZE = 10, 16
LINE_HEIGHT = 13.5  # points per line of 10 pt text
# Column widths count characters of the default 11 pt font; a 10 pt Chinese character takes about 1.9.
CJK_WIDTH = 1.9
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TOTALS_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOTALS_BORDER = Border(left=_THIN, right=_THIN, top=Side(style="medium", color="000000"), bottom=_THIN)
# Text starting with these is taken for a formula by some spreadsheet programs (CSV/formula injection):
# such cells are written as text with the quote prefix, which Excel and LibreOffice keep as text on edit.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SAMPLE_ROWS = 500  # rows looked at to size a column
PROGRESS_EVERY = 2000
MAX_WIDTH, WRAP_WIDTH, MIN_WIDTH = 40.0, 30.0, 6.0


@dataclass(frozen=True)
class Tone:
    """A cell colour: fill and font as RGB hex (e.g. "FFC7CE", "9C0006")."""

    fill: str
    font: str = "000000"


# Excel's own "good / neutral / bad" pastel fills with their dark text, plus a blue in the same family: the
# traffic-light tones of the monitoring grid, the fiscal health ranking and the rectification register.
LIGHT_TONES = {
    "red": Tone("FFC7CE", "9C0006"),
    "yellow": Tone("FFEB9C", "9C5700"),
    "green": Tone("C6EFCE", "006100"),
    "blue": Tone("BDD7EE", "1F4E78"),
}


@dataclass(frozen=True)
class Marked:
    """A value printed in a tone (a light, a status). Let the text carry the meaning too (e.g. "● 红灯"),
    so that a black-and-white print still reads."""

    value: Value
    tone: Tone | None = None
    bold: bool = False


Cell = Value | Marked


@dataclass(frozen=True)
class Column:
    """A column: header, kind and width in characters (default: from the content).

    Kinds: text (wraps when longer than the column), wrap (long text, 30 wide unless told),
    code (never wraps), center (short labels, centred), money (#,##0.00), percent (0.0), score (0.00), count, date."""

    header: str
    kind: str = "text"
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: a sample cell (label in its tone) and what it means."""

    label: str
    text: str
    tone: Tone | None = None


def new_workbook() -> Workbook:
    """An empty write-only workbook stamped with the application's name."""
    wb = Workbook(write_only=True)
    wb.properties.creator = f"{APP_NAME} {__version__}"
    return wb


def display_width(text: str) -> float:
    """Width of `text` in column-width characters: Chinese, full-width and the symbols that Chinese fonts draw
    full width (● ▲ ◆ ○ — and the like, U+2010 onwards) count about two."""
    return sum(CJK_WIDTH if ord(ch) >= 0x2010 else 1 for ch in text)


def sheet_name(text: str) -> str:
    """A valid sheet name: without []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "Sheet"


def cell_value(value: Value) -> Value:
    """A value as a spreadsheet cell takes it: 是/否 for booleans, illegal characters removed, local time."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)  # spreadsheets know no time zones: local time
    return value


def sheet_number(value: Value, kind: str) -> Value:
    """A Decimal as a cell of `kind` holds it: rounded half up to the places the kind's number format shows
    (1234.125 in a money column is stored as 1234.13 and shown "1,234.13"); other values unchanged."""
    if isinstance(value, Decimal) and kind in PLACES:
        return formatting.rounded(value, PLACES[kind])
    return value


def _shown(value: Cell, kind: str) -> str:
    """About the text a spreadsheet shows for a value, for sizing columns and rows."""
    if isinstance(value, Marked):
        value = value.value
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and kind in PLACES:
        return formatting.number(value, PLACES[kind])
    if isinstance(value, date):
        return "2024-12-31"
    return str(value)


def _lines(text: str, width: float) -> int:
    room = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(display_width(part) / room)) for part in text.split("\n"))


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> list[float]:
    out = []
    for i, col in enumerate(columns):
        if col.width is not None:
            out.append(col.width)
            continue
        if col.kind == "wrap":
            out.append(WRAP_WIDTH)
            continue
        body = max((display_width(_shown(r[i], col.kind)) for r in rows[:SAMPLE_ROWS]), default=0)
        # Headers wrap, so a long one needs no wide column.
        head = min(max(display_width(line) for line in col.header.split("\n")), 5 * CJK_WIDTH)
        out.append(round(min(max(body, head, MIN_WIDTH) + 2, MAX_WIDTH), 1))
    return out


class _Sheet:
    """Appends styled write-only cells to one sheet, keeping count of the rows and setting their heights
    (a write-only row takes its height when it is written). openpyxl shares equal styles between cells."""

    def __init__(self, ws: WriteOnlyWorksheet, columns: Sequence[Column], widths: list[float]) -> None:
        self.ws = ws
        self.columns = columns
        self.widths = widths
        self.rows = 0
        self._styles: dict[tuple[object, ...], StyleArray] = {}
        self._aligns = [self._align(c.kind) for c in columns]
        self._wraps = [i for i, c in enumerate(columns) if self._aligns[i].wrap_text]

    @staticmethod
    def _align(kind: str) -> Alignment:
        if kind in ("wrap", "text"):
            return Alignment(horizontal="left", vertical="center", wrap_text=True)
        if kind in ("center", "code", "date"):
            return Alignment(horizontal="center" if kind == "center" else "left", vertical="center")
        return Alignment(horizontal="right", vertical="center")

    def append(self, cells: list[WriteOnlyCell], height: float | None = None) -> int:
        self.rows += 1
        if height is not None:
            self.ws.row_dimensions[self.rows].height = height
        self.ws.append(cells)
        return self.rows

    def text_cell(self, text: str, font: Font, align: Alignment) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=cell_value(text))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
        cell.font, cell.alignment = font, align
        return cell

    def _styled(self, value: Value, index: int, tone: Tone | None, bold: bool, totals: bool) -> WriteOnlyCell:
        """A cell styled the slow way (each style part is looked up in the workbook's tables)."""
        font = Font(size=FONT_SIZE, bold=bold, color=tone.font if tone else None)
        kind = self.columns[index].kind
        if isinstance(value, str):
            cell = self.text_cell(value, font, self._aligns[index])
        else:
            cell = WriteOnlyCell(self.ws, value=value)
            cell.font, cell.alignment = font, self._aligns[index]
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
        cell.border = _TOTALS_BORDER if totals else _BORDER
        if tone is not None:
            cell.fill = PatternFill("solid", fgColor=tone.fill)
        elif totals:
            cell.fill = TOTALS_FILL
        return cell

    def cell(self, value: Cell, index: int, totals: bool = False) -> SheetCell:
        tone, bold = None, totals
        if isinstance(value, Marked):
            tone, bold, value = value.tone, value.bold or totals, value.value
        value = sheet_number(cell_value(value), self.columns[index].kind)
        quoted = isinstance(value, str) and value.startswith(FORMULA_START)
        key = (index, tone, bold, totals, type(value), quoted)
        style = self._styles.get(key)
        if style is None:
            # Styling a cell looks every part up by hashing it, which costs more than writing the cell
            # (80,000 rows took four minutes); the combinations are few, so each is made once and its style
            # ids (openpyxl's StyleArray) are copied into the later cells.
            template = self._styled(value, index, tone, bold, totals)
            self._styles[key] = template._style
            return template
        cell = SheetCell(self.ws, row=1, column=1, value=value, style_array=style)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def height(self, texts: Sequence[str], minimum: int = 1) -> float | None:
        """The height for a row whose wrapped cells hold `texts` (None: the default single line)."""
        lines = max([minimum, *(_lines(texts[i], self.widths[i]) for i in self._wraps)])
        return None if lines == 1 else lines * LINE_HEIGHT + 3

    def row(self, values: Sequence[Cell], totals: bool = False) -> None:
        texts = [_shown(v, c.kind) for v, c in zip(values, self.columns, strict=True)]
        self.append([self.cell(v, i, totals) for i, v in enumerate(values)], self.height(texts))

    def header(self) -> None:
        font = Font(size=FONT_SIZE, bold=True)
        align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells = []
        for col in self.columns:
            cell = self.text_cell(col.header, font, align)
            cell.fill, cell.border = HEADER_FILL, _BORDER
            cells.append(cell)
        lines = max(_lines(c.header, w) for c, w in zip(self.columns, self.widths, strict=True))
        self.append(cells, max(lines, 2) * LINE_HEIGHT + 4)

    def banner(self, text: str, size: float, bold: bool, height: float) -> None:
        self.append([self.text_cell(text, Font(size=size, bold=bold), Alignment(horizontal="center",
                                                                                  vertical="center"))], height)


def _print_setup(ws: WriteOnlyWorksheet, paper: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER[paper]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9


def write_sheet(wb: Workbook, name: str, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]],
                subtitle: str | None = None, totals: Sequence[Cell] | None = None,
                legend: Sequence[LegendEntry] = (), legend_title: str = "图例", freeze_columns: int = 0,
                paper: str = "A4", progress: ProgressReporter | None = None) -> None:
    """Add a sheet `name` holding the table; `freeze_columns` columns stay in view when scrolling right.

    `progress` hears every few thousand rows (80,000 rows of 20 columns take about a minute)."""
    if any(len(r) != len(columns) for r in rows) or (totals is not None and len(totals) != len(columns)):
        raise ValueError(f"every row of sheet {name!r} must have {len(columns)} cells")
    ws = wb.create_sheet(title=sheet_name(name))
    widths = _widths(columns, [*rows[:SAMPLE_ROWS], *([totals] if totals is not None else [])])
    sheet = _Sheet(ws, columns, widths)
    last = get_column_letter(len(columns))
    for i, width in enumerate(widths, start=1):  # everything above the first row must be set before it
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(rows)}"  # the totals row stays out of sorting
    _print_setup(ws, paper)
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    sheet.banner(title, TITLE_SIZE, True, 30)
    sheet.banner(subtitle or "", FONT_SIZE, False, 20)
    sheet.header()
    steps = progress or NoProgress()
    for n, values in enumerate(rows):
        if n % PROGRESS_EVERY == 0:
            steps.report(n, len(rows), f"正在写入“{name}”")
        sheet.row(values)
    steps.report(len(rows), len(rows), f"正在写入“{name}”")
    if totals is not None:
        sheet.row(totals, totals=True)
    if legend:
        _legend(sheet, legend, legend_title)


def _legend(sheet: _Sheet, entries: Sequence[LegendEntry], title: str) -> None:
    """A block below the table: the title, then each sample cell with its meaning merged across the row."""
    sheet.append([])
    sheet.append([sheet.text_cell(title, Font(size=FONT_SIZE, bold=True), Alignment(vertical="center"))], 20)
    span = max(2, min(len(sheet.columns), 12))
    room = sum(sheet.widths[1:span])
    for entry in entries:
        sample = sheet.text_cell(entry.label, Font(size=FONT_SIZE, bold=True,
                                                   color=entry.tone.font if entry.tone else None),
                                 Alignment(horizontal="center", vertical="center"))
        sample.border = _BORDER
        if entry.tone is not None:
            sample.fill = PatternFill("solid", fgColor=entry.tone.fill)
        text = sheet.text_cell(entry.text, Font(size=FONT_SIZE), Alignment(vertical="center", wrap_text=True))
        lines = _lines(entry.text, room)
        row = sheet.append([sample, text], lines * LINE_HEIGHT + 5)
        if span > 2:
            sheet.ws.merged_cells.add(f"B{row}:{get_column_letter(span)}{row}")


def save(wb: Workbook, target: Path) -> Path:
    """Write the workbook to `target` through a temporary file, so a failed save leaves no half file."""
    return write_atomically(target, wb.save)
