"""The exchange workbook format as data (交换包): every sheet is a `SheetSpec` of `ColumnSpec`s, so adding a sheet
is adding a spec, not new parsing code. Cells are written from and read back into plain Python values by their
column kind; reading forgives what other spreadsheet programs and clerks produce (numbers stored as text,
full-width digits and symbols, ％, trailing spaces) and refuses wrong types with a Chinese message naming the
column.

Every data sheet carries three standard columns first: a stable row id, the row's version and a delete marker,
so a deletion on one side is not undone by the next package from the other.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.goals.rules.notation import NotationError, format_decimal, normalise_text, parse_indicator_value

FORMAT_VERSION = 1
NOTATION_FORMAT = "@"  # the number format of a text cell
KINDS = ("text", "decimal", "money", "int", "date", "choice", "bool", "notation")
TRUE_WORDS = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
FALSE_WORDS = {"否", "N", "NO", "FALSE", "0", ""}


class CellError(ValueError):
    """A cell that cannot be read; the message names the column and says what to write instead."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()  # drop-down list (data validation) and the allowed values of a choice
    width: int = 14
    max_length: int | None = None
    note: str = ""  # shown on the instructions sheet

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.key}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"choice column {self.key} needs choices")


ROW_ID = ColumnSpec("row_id", "行标识", "text", False, width=24, note="系统生成，请勿修改；新增行留空")
VERSION = ColumnSpec("version", "版本", "int", False, width=6, note="系统生成，请勿修改")
DELETED = ColumnSpec("deleted", "删除", "bool", False, choices=("是", "否"), width=6, note="要删除此行请填“是”，不要直接删行")
STANDARD = (ROW_ID, VERSION, DELETED)


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # the code name of what the sheet carries, e.g. "indicators"
    title: str  # the Chinese sheet name
    columns: tuple[ColumnSpec, ...]
    description: str = ""
    standard: bool = True  # False: a list from another system (the registry workbook), without the row id columns
    # Reads a row's raw cells written the way published tables write them into the standard form (in place), with
    # a note (column key, message) for each cell read otherwise than written; see `read_row`.
    published: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    @property
    def all_columns(self) -> tuple[ColumnSpec, ...]:
        return STANDARD + self.columns if self.standard else self.columns

    def column(self, key: str) -> ColumnSpec:
        for c in self.all_columns:
            if c.key == key:
                return c
        raise KeyError(key)


def _fold(text: str) -> str:
    """Full-width digits, letters and symbols to half width (NFKC), ％ to %, spaces trimmed."""
    return unicodedata.normalize("NFKC", text).replace("％", "%").strip()


def _decimal(raw: Any, column: ColumnSpec) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(f"“{column.header}”应填数字，收到“{raw}”。")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))  # what the spreadsheet shows, not the binary expansion
    text = _fold(str(raw)).replace(",", "")
    if column.kind == "money":
        text = text.removesuffix("万元").removesuffix("元").strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(f"“{column.header}”应填数字，收到“{raw}”。") from exc
    if not value.is_finite():
        raise CellError(f"“{column.header}”应填有限的数字，收到“{raw}”。")
    return value


def read_cell(column: ColumnSpec, raw: Any) -> Any:
    """The Python value of a cell for its column kind; None for an empty optional cell.

    Formula cells never get here: the reader refuses them by cell type (text that merely starts with "=" is
    text, written with Excel's quote prefix by core/reports/workbook.py)."""
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    if empty:
        if column.kind == "bool":
            return False
        if column.required:
            raise CellError(f"“{column.header}”不能为空。")
        return None
    kind = column.kind
    if kind in ("decimal", "money"):
        value = _decimal(raw, column)
        if kind == "money" and value != value.quantize(Decimal("0.000001")):
            raise CellError(f"“{column.header}”金额精度超过 1 分（万元保留 6 位小数），收到“{raw}”。")
        return value
    if kind == "int":
        value = _decimal(raw, column)
        if value != value.to_integral_value():
            raise CellError(f"“{column.header}”应填整数，收到“{raw}”。")
        return int(value)
    if kind == "date":
        return _date(raw, column)
    if kind == "bool":
        word = _fold(str(raw)).upper()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"“{column.header}”请填“是”或“否”，收到“{raw}”。")
    text = normalise_text(str(raw)) if kind != "text" else str(raw).strip()
    if column.max_length is not None and len(text) > column.max_length:
        raise CellError(f"“{column.header}”最多 {column.max_length} 个字，收到 {len(text)} 个字。")
    if kind == "choice":
        folded = {_fold(c): c for c in column.choices}
        if _fold(text) not in folded:
            raise CellError(f"“{column.header}”只能填：{'、'.join(column.choices)}；收到“{raw}”。")
        return folded[_fold(text)]
    if kind == "notation":
        try:
            return parse_indicator_value(text)
        except NotationError as exc:
            raise CellError(f"“{column.header}”：{exc}") from exc
    return text


def read_notation_cell(column: ColumnSpec, raw: Any, formula: bool, number_format: str) -> tuple[Any, str]:
    """An indicator value cell that a spreadsheet program did not keep as text, read as the clerk meant it, and
    the note saying so ("" when read as is): a number shown as a percentage is that percentage (1 shown as 100%
    is "100%", never 1 without a unit); a formula that is an indicator value ("=100%", "=90%") is that text. Any
    other formula is returned unchanged (the reader refuses it); another number is read as it is."""
    if formula:
        text = str(raw)
        try:
            parse_indicator_value(text)
        except NotationError:
            return raw, ""
        if not text.startswith("="):
            return raw, ""
        return text, (f"单元格中的“{text}”被表格程序当作公式，已按填写的文字“{text}”读取"
                      f"（请把该列设为文本格式，或在前面加英文单引号）。")
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal) or "%" not in number_format:
        return raw, ""
    shown = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    text = f"{format_decimal(shown * 100)}%"
    return text, f"数值 {format_decimal(shown)} 按单元格显示的百分比格式读作“{text}”"


def _date(raw: Any, column: ColumnSpec) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _fold(str(raw)).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(p) for p in text.split("-")[:3])
        return date(year, month, day)
    except (ValueError, TypeError) as exc:
        raise CellError(f"“{column.header}”应填日期，如 2024-03-31，收到“{raw}”。") from exc


def write_cell(column: ColumnSpec, value: Any) -> Any:
    """The cell value to write for a Python value; the workbook writer guards text that looks like a formula."""
    if value is None:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "notation":
        from core.goals.rules.notation import format_indicator_value
        return format_indicator_value(value)
    if column.kind in ("decimal", "money"):
        return Decimal(value)
    return value


def read_row(sheet: SheetSpec, cells: Mapping[str, Any],
             notes: list[tuple[str, str]] | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Read one row given {column key: raw cell}; returns the values and the problems as (column key, message).
    A sheet that reads published wording (`SheetSpec.published`) reads it first; its notes go to `notes`."""
    if sheet.published is not None:
        cells = dict(cells)
        found = sheet.published(cells)
        if notes is not None:
            notes.extend(found)
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for column in sheet.all_columns:
        try:
            values[column.key] = read_cell(column, cells.get(column.key))
        except CellError as exc:
            problems.append((column.key, str(exc)))
    return values, problems


def header_map(sheet: SheetSpec, headers: Sequence[Any]) -> dict[str, int]:
    """Column key → index in the header row; headers are matched after folding, so re-saved files still fit.
    Raises CellError naming the missing columns."""
    folded = {_fold(str(h)) if h is not None else "": i for i, h in enumerate(headers)}
    out, missing = {}, []
    for column in sheet.all_columns:
        index = folded.get(_fold(column.header))
        if index is None:
            missing.append(column.header)
        else:
            out[column.key] = index
    if missing:
        raise CellError(f"工作表“{sheet.title}”缺少列：{'、'.join(missing)}。请使用本系统导出的模板，不要删除或改名表头。")
    return out
