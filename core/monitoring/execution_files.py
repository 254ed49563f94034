"""Reading payment exports from outside: .xlsx through openpyxl read-only (zip limits checked before opening)
and .csv (UTF-8 or GB18030), the header row found below any title rows. Cells are handed on as read; the
import rules re-validate every value."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from core.common.errors import ValidationError
from core.common.progress import NoProgress, ProgressReporter
from core.common.workbook_guard import MAX_UNCOMPRESSED, check_zip_limits, refusal
from core.monitoring.rules.payment_columns import header_score, header_titles

HEADER_SEARCH_ROWS = 20
PROGRESS_EVERY = 10_000

Row = tuple[object, ...]
Opened = tuple[str, tuple[str, ...], int, Iterator[Row]]  # sheet name, sheet names, row estimate, rows


@dataclass(frozen=True)
class SheetData:
    path: str
    file_name: str
    sheet: str
    sheets: tuple[str, ...]
    header_row: int  # the sheet's row number of the header
    headers: tuple[str, ...]
    rows: tuple[Row, ...]  # the rows below the header, blank ones included so that row numbers hold
    content_hash: str  # SHA-256 of the header and the non-blank data rows (titles above the header excluded)

    @property
    def first_row(self) -> int:
        return self.header_row + 1


@contextmanager
def _xlsx(path: Path, sheet: str | None) -> Iterator[Opened]:
    check_zip_limits(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise refusal(path, f"不是有效的 Excel 工作簿（{exc}）。") from exc
    try:
        names = tuple(ws.title for ws in book.worksheets)
        if not names:
            raise refusal(path, "工作簿中没有工作表。")
        if sheet is not None and sheet not in names:
            raise refusal(path, f"没有名为“{sheet}”的工作表（现有：{'、'.join(names)}）。")
        ws = book[sheet or names[0]]
        estimate = ws.max_row or 0
        ws.reset_dimensions()  # some programs write a wrong used range, which would cut rows or columns
        yield ws.title, names, estimate, ws.iter_rows(values_only=True)
    finally:
        book.close()


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # what Chinese Excel and WPS save as “CSV”
    except UnicodeDecodeError as exc:
        raise refusal(path, "文本编码无法识别，请另存为 UTF-8 编码的 CSV 或 .xlsx。") from exc


@contextmanager
def _csv(path: Path) -> Iterator[Opened]:
    if path.stat().st_size > MAX_UNCOMPRESSED:
        raise refusal(path, "文件过大。")
    text = _decode(path, path.read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield path.stem, (path.stem,), text.count("\n"), (tuple(r) for r in csv.reader(io.StringIO(text), dialect))


def _open(path: Path, sheet: str | None) -> AbstractContextManager[Opened]:
    if not path.is_file():
        raise ValidationError(f"找不到文件“{path}”。", "path")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, sheet)
    if suffix == ".csv":
        return _csv(path)
    if suffix in (".xls", ".et"):
        raise refusal(path, "不支持旧版 .xls / .et 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
    raise refusal(path, "只能导入 .xlsx 工作簿或 .csv 文件。")


def _blank(row: Row) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _header_at(head: list[Row]) -> int | None:
    """Index of the header among the first rows: the best match of known header names, else the first
    non-blank row; None for an empty sheet."""
    scores = [header_score(r) for r in head]
    if scores and max(scores) >= 2:
        return scores.index(max(scores))
    return next((i for i, row in enumerate(head) if not _blank(row)), None)


def _trimmed(row: Row) -> Row:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return tuple(row[:end])


def read_workbook(path: str | Path, sheet: str | None = None, head_only: bool = False,
                  progress: ProgressReporter | None = None) -> SheetData:
    """The chosen sheet (the first by default): its header and every row below it. `head_only` stops after
    the first rows, enough to show the columns for mapping."""
    source = Path(path)
    steps = progress or NoProgress()
    with _open(source, sheet) as (name, names, estimate, rows):
        head: list[Row] = []
        for row in rows:
            head.append(row)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        at = _header_at(head)
        if at is None:
            raise refusal(source, f"工作表“{name}”是空的，没有表头和数据。")
        headers = header_titles(_trimmed(head[at]))
        digest = hashlib.sha256(repr(headers).encode("utf-8"))
        body: list[Row] = []
        for row in [*head[at + 1:], *([] if head_only else rows)]:
            body.append(row)
            if not _blank(row):
                digest.update(repr(_trimmed(row)).encode("utf-8"))
            if len(body) % PROGRESS_EVERY == 0:
                steps.report(len(body), max(estimate, len(body)), f"已读取 {len(body):,} 行")
    return SheetData(str(source), source.name, name, names, at + 1, headers, tuple(body), digest.hexdigest())
