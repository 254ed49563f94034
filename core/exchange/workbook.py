"""The exchange package as a workbook (交换包): writes sheets described by `SheetSpec`s (an instructions sheet,
one protected sheet per spec with drop-downs, a hidden 清单 manifest sheet) and reads them back into values by
column kind, every problem located by sheet, row and column. Adding a sheet is adding a spec, not code here.

Reading streams each sheet once through openpyxl's read-only parser, keeping cell types (a formula is refused,
never evaluated) and the merged ranges other programs write (the top-left value applies, the rest are empty).

Indicator value cells (column kind "notation") are written as text cells (number format "@") so that "=100%",
"≥90%" and "+5%" stay text in Excel, WPS and LibreOffice. What a program made of them anyway is read back as the
clerk meant it, each with a note for the preview: a number shown as a percentage (1 shown as 100%) is 100%, and a
formula that is itself an indicator value ("=100%" evaluated to 1) is its text. A sheet that reads published
wording (`SheetSpec.published`: level labels such as 产出值, a bare number with the unit in the indicator's name)
has a note for each cell it read otherwise too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.common.printing.workbook import FORMULA_START, cell_value, display_width, new_workbook, save
from core.common.workbook_guard import open_workbook
from core.exchange.rules.manifest import Manifest, ManifestError, content_hash
from core.exchange.rules.spec import (
    NOTATION_FORMAT,
    ROW_ID,
    VERSION,
    CellError,
    ColumnSpec,
    SheetSpec,
    header_map,
    read_notation_cell,
    read_row,
    write_cell,
)

INSTRUCTIONS_TITLE = "说明"
MANIFEST_TITLE = "清单"
LISTS_TITLE = "选项"  # drop-down lists too long for an inline list (Excel allows 255 characters)
HEADER_SEARCH_ROWS = 5
INLINE_LIST_LIMIT = 255
MAX_VALIDATION_ROW = 100_000  # drop-downs and unlocked cells reach below the data for rows added by hand
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LOCKED, _UNLOCKED = Protection(locked=True), Protection(locked=False)
_SYSTEM_KEYS = (ROW_ID.key, VERSION.key)  # stable ids: kept locked so that a clerk does not change them
_DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a package, located for the user: sheet, row number, column letter and header."""

    sheet: str
    row: int | None
    column: str
    header: str
    message: str
    code: str = ""  # the business row (project code) the problem refuses, for a kind that accepts rows one by one

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column:
            where += f" {self.column} 列（{self.header}）" if self.header else f" {self.column} 列"
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ReadSheet:
    """The rows of one sheet kind as values by column key, with each row's line number in the sheet."""

    spec: SheetSpec
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ReadPackage:
    manifest: Manifest | None  # None: no 清单 sheet (an unsigned blank template filled by hand)
    sheets: dict[str, ReadSheet]  # by sheet kind
    problems: list[Problem]
    content_hash: str  # over the rows as read, comparable with the manifest's
    notes: list[Problem] = field(default_factory=list)  # values read other than as typed: shown, never blocking

    @property
    def row_counts(self) -> dict[str, int]:
        return {kind: len(sheet.rows) for kind, sheet in self.sheets.items()}

    def rows(self, kind: str) -> list[dict[str, Any]]:
        return self.sheets[kind].rows


# --- writing -----------------------------------------------------------------------------------------------


def _cell(ws: Any, value: Any, column: ColumnSpec | None = None, locked: bool = False) -> WriteOnlyCell:
    value = cell_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel and LibreOffice keep it text when the cell is edited
    elif isinstance(value, date) and not isinstance(value, datetime):
        cell.number_format = _DATE_FORMAT
    elif column is not None and column.kind == "money":
        cell.number_format = "0.00####"  # shows the 6 places a 分 in 万元 needs, hides trailing zeros
    if column is not None and column.kind == "notation":
        cell.number_format = NOTATION_FORMAT  # a text cell: "=100%" typed into it stays text
    cell.protection = _LOCKED if locked else _UNLOCKED
    return cell


def _list_formula(wb: Any, lists: list[list[str]], choices: Sequence[str]) -> str:
    inline = ",".join(choices)
    if len(inline) <= INLINE_LIST_LIMIT and not any("," in c or '"' in c for c in choices):
        return f'"{inline}"'
    lists.append(list(choices))
    letter = get_column_letter(len(lists))
    name = f"选项{len(lists)}"
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_TITLE}'!${letter}$1:${letter}${len(choices)}")
    return name


def _data_sheet(wb: Any, spec: SheetSpec, rows: Sequence[Mapping[str, Any]], lists: list[list[str]]) -> None:
    columns = spec.all_columns
    ws = wb.create_sheet(spec.title)
    for i, column in enumerate(columns, start=1):
        width = max(column.width, min(display_width(column.header) + 2, 40))
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.width = width
        dimension.protection = _LOCKED if column.key in _SYSTEM_KEYS else _UNLOCKED  # rows added by hand
        if column.kind == "notation":
            dimension.number_format = NOTATION_FORMAT  # ... and their indicator values are text cells too
    ws.freeze_panes = "A2"
    # Locked header, editable data: formatting, inserting rows, sorting and filtering stay allowed.
    ws.protection = SheetProtection(sheet=True, formatCells=False, formatColumns=False, formatRows=False,
                                    insertRows=False, deleteRows=False, sort=False, autoFilter=False)
    last = MAX_VALIDATION_ROW
    for i, column in enumerate(columns, start=1):
        choices = column.choices if column.kind in ("choice", "bool") else ()
        if column.kind == "bool" and not choices:
            choices = ("是", "否")
        if choices:
            validation = DataValidation(type="list", formula1=_list_formula(wb, lists, choices), allow_blank=True,
                                        showErrorMessage=True, errorTitle="请从下拉列表中选择",
                                        error=f"“{column.header}”只能填：{'、'.join(choices)}")
            letter = get_column_letter(i)
            validation.add(f"{letter}2:{letter}{last}")
            ws.data_validations.append(validation)
    header = []
    for column in columns:
        cell = _cell(ws, column.header, locked=True)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_cell(ws, write_cell(c, row.get(c.key)), c, locked=c.key in _SYSTEM_KEYS) for c in columns])


def _instructions(wb: Any, specs: Sequence[SheetSpec], lines: Sequence[str]) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_TITLE)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
    title = _cell(ws, "填报说明", locked=True)
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for line in lines:
        ws.append([_cell(ws, line, locked=True)])
    for spec in specs:
        ws.append([])
        head = _cell(ws, f"工作表“{spec.title}”", locked=True)
        head.font = _HEADER_FONT
        ws.append([head, _cell(ws, spec.description, locked=True)])
        for column in spec.all_columns:
            note = column.note
            if column.choices:
                note = f"{note}（可选：{'、'.join(column.choices)}）".strip()
            if column.required:
                note = f"必填。{note}"
            ws.append([_cell(ws, column.header, locked=True), _cell(ws, note, locked=True)])


def stamp(manifest: Manifest, sheets: Sequence[tuple[SheetSpec, Sequence[Mapping[str, Any]]]]) -> Manifest:
    """The manifest with the row counts and content hash of `sheets` as the reader will see them (each value
    passed through the cell writer and reader), ready to be signed."""
    read = {}
    for spec, rows in sheets:
        read[spec.kind] = [read_row(spec, {c.key: write_cell(c, row.get(c.key)) for c in spec.all_columns})[0]
                           for row in rows]
    return replace(manifest, row_counts={k: len(v) for k, v in read.items()}, content_hash=content_hash(read))


def write_package(path: str | Path, sheets: Sequence[tuple[SheetSpec, Sequence[Mapping[str, Any]]]],
                  manifest: Manifest | None, instructions: Sequence[str]) -> Path:
    """Write the package workbook to `path` (through a temporary file); rows are {column key: value}. Without a
    manifest the workbook is a plain list in the same format (the project registry's template)."""
    wb = new_workbook()
    lists: list[list[str]] = []
    _instructions(wb, [spec for spec, _ in sheets], instructions)
    for spec, rows in sheets:
        _data_sheet(wb, spec, rows, lists)
    if manifest is not None:
        hidden = wb.create_sheet(MANIFEST_TITLE)
        hidden.sheet_state = "veryHidden"  # not shown in Excel's “unhide” list; reading never trusts it unsigned
        for key, text in manifest.as_rows():
            hidden.append([_cell(hidden, key, locked=True), _cell(hidden, text, locked=True)])
    if lists:
        options = wb.create_sheet(LISTS_TITLE)
        options.sheet_state = "hidden"
        for r in range(max(len(c) for c in lists)):
            options.append([_cell(options, c[r] if r < len(c) else None, locked=True) for c in lists])
    return save(wb, Path(path))


# --- reading -----------------------------------------------------------------------------------------------


Grid = dict[int, dict[int, tuple[Any, str, int]]]


def _cells(book: Any, title: str) -> tuple[Grid, list[str]]:
    """{row: {column: (value, data type, style id)}} of a sheet and its merged ranges, in one pass over its XML."""
    ws = book[title]
    grid: Grid = {}
    with ws._get_source() as source:  # read-only mode hides merged ranges; its parser sees them at the end
        parser = WorkSheetParser(source, ws._shared_strings, data_only=False, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        try:
            for number, row in parser.parse():
                cells = {c["column"]: (c["value"], c["data_type"], c["style_id"]) for c in row
                         if c["value"] is not None}
                if cells:
                    grid[number] = cells
        except TypeError:  # openpyxl cannot hold a whole-row or whole-column merge ("B:B"); read the refs raw
            merged = _merge_refs(ws)
            if not any(None in range_boundaries(ref) for ref in merged):
                raise
            return grid, merged
        merged = [str(m.ref) for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
    return grid, merged


def _merge_refs(ws: Any) -> list[str]:
    """The merged ranges of a sheet as written in its XML."""
    tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    with ws._get_source() as source:
        return [str(element.get("ref")) for _, element in iterparse(source) if element.tag == tag]


def _unmerge(grid: Grid, merged: list[str]) -> None:
    """Only the top-left cell of a merged range keeps its value (other programs may leave copies behind).

    A whole-column ("B:B") or whole-row ("3:3") range has no row or column bounds: it covers the cells the grid
    has, and its top-left is in row or column 1."""
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        top, left = min_row or 1, min_col or 1
        for r, cells in grid.items():
            if r < top or (max_row is not None and r > max_row):
                continue
            for c in [c for c in cells if c >= left and (max_col is None or c <= max_col)]:
                if (r, c) != (top, left):
                    del cells[c]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_formats(book: Any) -> Any:
    """Style id → the number format text of a read-only workbook's cells ("0%", "@", "General")."""
    found: dict[int, str] = {}

    def number_format(style: int) -> str:
        if style not in found:
            try:
                fmt = book._cell_styles[style].numFmtId
            except (IndexError, AttributeError):
                fmt = 0
            found[style] = (BUILTIN_FORMATS.get(fmt, "General") if fmt < BUILTIN_FORMATS_MAX_SIZE
                            else book._number_formats[fmt - BUILTIN_FORMATS_MAX_SIZE])
        return found[style]
    return number_format


def _read_sheet(book: Any, spec: SheetSpec, problems: list[Problem], notes: list[Problem]) -> ReadSheet:
    sheet = ReadSheet(spec)
    formats = _number_formats(book)
    if spec.title not in book.sheetnames:
        problems.append(Problem(spec.title, None, "", "", f"缺少工作表“{spec.title}”。请使用本系统导出的模板，不要删除或改名工作表。"))
        return sheet
    grid, merged = _cells(book, spec.title)
    _unmerge(grid, merged)
    numbers = sorted(n for n, cells in grid.items() if any(not _blank(v) for v, _, _ in cells.values()))
    if not numbers or numbers[0] > HEADER_SEARCH_ROWS:
        problems.append(Problem(spec.title, None, "", "", "工作表没有表头行。请使用本系统导出的模板。"))
        return sheet
    top = numbers[0]
    width = max(grid[top])
    try:
        where = header_map(spec, [grid[top].get(c, (None, "", 0))[0] for c in range(1, width + 1)])
    except CellError as exc:
        problems.append(Problem(spec.title, top, "", "", str(exc)))
        return sheet
    for number in numbers[1:]:
        cells = grid[number]
        raw: dict[str, Any] = {}
        for column in spec.all_columns:
            index = where[column.key] + 1
            value, data_type, style = cells.get(index, (None, "n", 0))
            if column.kind == "notation" and value is not None and data_type in ("f", "n"):
                value, note = read_notation_cell(column, value, data_type == "f", formats(style))
                if note:
                    notes.append(Problem(spec.title, number, get_column_letter(index), column.header, note))
                data_type = "s" if isinstance(value, str) else data_type
            if data_type == "f":
                problems.append(Problem(spec.title, number, get_column_letter(index), column.header,
                                        f"单元格含有公式“{value}”，交换包只接受数值，请改为直接填写数值。"))
                value = None
            raw[column.key] = value
        read_otherwise: list[tuple[str, str]] = []
        values, bad = read_row(spec, raw, read_otherwise)
        for key, message in read_otherwise:
            index = where[key] + 1
            notes.append(Problem(spec.title, number, get_column_letter(index), spec.column(key).header, message))
        for key, message in bad:
            index = where[key] + 1
            problems.append(Problem(spec.title, number, get_column_letter(index), spec.column(key).header, message))
        sheet.rows.append(values)
        sheet.lines.append(number)
    return sheet


def _manifest(book: Any, problems: list[Problem]) -> Manifest | None:
    if MANIFEST_TITLE not in book.sheetnames:
        return None
    grid, _ = _cells(book, MANIFEST_TITLE)
    pairs = [(cells.get(1, (None, "", 0))[0], cells.get(2, (None, "", 0))[0]) for _, cells in sorted(grid.items())]
    try:
        return Manifest.from_rows(pairs)
    except ManifestError as exc:
        problems.append(Problem(MANIFEST_TITLE, None, "", "", str(exc)))
        return None


def read_package(path: str | Path, specs: Sequence[SheetSpec]) -> ReadPackage:
    """Read a package or a filled template: refuses hostile files (ValidationError) before opening, then reads
    every sheet of `specs`, collecting every problem instead of stopping at the first."""
    book = open_workbook(path, data_only=False)  # formulas are seen as formulas (and refused), never evaluated
    problems: list[Problem] = []
    notes: list[Problem] = []
    try:
        manifest = _manifest(book, problems)
        sheets = {spec.kind: _read_sheet(book, spec, problems, notes) for spec in specs}
    finally:
        book.close()
    digest = content_hash({kind: sheet.rows for kind, sheet in sheets.items()})
    return ReadPackage(manifest, sheets, problems, digest, notes)
