"""镇街财政数据 workbook: the blank template (单位编码, 单位名称, 年度 and every figure in 万元, one row per
township) and its import. A file from outside passes the workbook guard first; then every cell is re-checked and
each problem is named by row and column; a file with any problem writes nothing."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import select

from core.common.changes import Changes
from core.common.errors import ValidationError
from core.common.printing.workbook import Column, new_workbook, save, write_sheet
from core.common.workbook_guard import open_workbook
from core.fiscal.figures import (
    FIRST_YEAR,
    FISCAL,
    LAST_YEAR,
    clean_amounts,
    require_editor,
    store,
    townships,
)
from core.fiscal.rules.figures import FIELD_LABELS, FIELDS, LIMITS, quoted
from core.org.rules.roles import Actor
from db.models import Unit
from db.uow import UnitOfWork

SHEET, NOTES_SHEET = "镇街财政数据", "填表说明"
CODE, NAME, YEAR = "单位编码", "单位名称", "年度"
MAX_ROWS = 5_000  # 30 townships × decades is a few hundred rows
MAX_SHOWN = 20
HEADER_SCAN = 12
_IGNORED = re.compile(r"[\s“”\"'‘’]|[（(]万元[)）]$")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    years: tuple[int, ...]
    changes: Changes = FISCAL


class WorkbookRefused(ValidationError):
    """A workbook with problems; `problems` lists every one (row, column, message), the message the first few."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        shown = "\n".join(problems[:MAX_SHOWN])
        more = f"\n……另有 {len(problems) - MAX_SHOWN} 处问题。" if len(problems) > MAX_SHOWN else ""
        super().__init__(f"“{path.name}”有 {len(problems)} 处问题，未导入任何数据，请更正后重新导入：\n{shown}{more}",
                         "path")
        self.problems = tuple(problems)


def header_text(key: str) -> str:
    return f"{FIELD_LABELS[key]}（万元）"


def _normal(text: object) -> str:
    return _IGNORED.sub("", str(text or ""))


COLUMNS = (Column(CODE, "code", 12), Column(NAME, "text", 14), Column(YEAR, "code", 8),
           *(Column(header_text(key), "money", 14) for key, _ in FIELDS))
NOTES = (
    "每行填写一个镇街一个年度的数据；可以同时填写多个年度（计算收入增长和稳定性需要以前年度的数据）。",
    "金额单位为万元，最多精确到分（小数点后 6 位）；没有发生的填 0。暂无数据的镇街整行金额留空，该行不导入。",
    "“单位编码”必须是系统中已有的镇街编码；“单位名称”仅供核对，须与编码对应。",
    *(f"{quoted(FIELD_LABELS[part])}不能大于{quoted(FIELD_LABELS[whole])}。" for part, whole in LIMITS),
    "已有的同一镇街同一年度数据将被本表覆盖；表中任何一处有误，整张表都不会导入。",
)


def template_workbook(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """A blank workbook to fill: one row per active township with its code, name and `year`."""
    require_editor(actor)
    wb = new_workbook()
    rows = [[u.code, u.name, year, *([None] * len(FIELDS))] for u in townships(uow.session, actor)]
    write_sheet(wb, SHEET, f"{year}年度镇街财政运行数据", COLUMNS, rows, freeze_columns=3,
                subtitle="金额单位：万元　填表说明见“填表说明”工作表　填好后在“财政健康指数”页面点“导入工作簿”")
    # The notes stand on their own sheet: below the table they would be read back as data rows.
    write_sheet(wb, NOTES_SHEET, "填表说明", (Column("序号", "center", 6), Column("说明", "wrap", 80)),
                [[n, text] for n, text in enumerate(NOTES, 1)])
    return save(wb, Path(target))


def _grid(book: Any, path: Path) -> tuple[list[tuple[Any, ...]], int, dict[str, int]]:
    """The sheet's rows, the header row's index and column of each known header."""
    ws = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    ws.reset_dimensions()  # other programs may write a wrong used range
    grid = []
    for row in ws.iter_rows(values_only=True):
        grid.append(tuple(row))
        if len(grid) > MAX_ROWS + HEADER_SCAN:
            raise ValidationError(f"“{path.name}”超过 {MAX_ROWS} 行，不像一张镇街财政数据表，未导入。", "path")
    wanted = {_normal(CODE): CODE, _normal(YEAR): YEAR, _normal(NAME): NAME,
              **{_normal(label): key for key, label in FIELDS}}
    for n, row in enumerate(grid[:HEADER_SCAN]):
        found = {wanted[_normal(v)]: i for i, v in enumerate(row) if _normal(v) in wanted}
        if CODE in found:
            missing = [CODE if k == CODE else YEAR if k == YEAR else header_text(k)
                       for k in (CODE, YEAR, *(key for key, _ in FIELDS)) if k not in found]
            if missing:
                raise ValidationError(f"“{path.name}”第 {n + 1} 行的表头缺少列：{'、'.join(missing)}。"
                                      "请使用“下载模板”得到的工作簿填写。", "path")
            return grid, n, found
    raise ValidationError(f"“{path.name}”的前 {HEADER_SCAN} 行中找不到含“{CODE}”的表头行，"
                          "请使用“下载模板”得到的工作簿填写。", "path")


def _cell(row: tuple[Any, ...], col: int) -> Any:
    value = row[col] if col < len(row) else None
    return None if isinstance(value, str) and not value.strip() else value


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().removesuffix("年").isdigit():
        value = int(value.strip().removesuffix("年"))
    return value if isinstance(value, int) and FIRST_YEAR <= value <= LAST_YEAR else None


def _read(grid: list[tuple[Any, ...]], header: int, cols: dict[str, int], units: dict[str, Unit]
          ) -> tuple[list[tuple[Unit, int, dict[str, Decimal]]], list[str]]:
    rows, problems = [], []
    seen: dict[tuple[str, int], int] = {}
    where = {k: get_column_letter(c + 1) for k, c in cols.items()}
    for n, row in enumerate(grid[header + 1:], start=header + 2):
        if all(_cell(row, cols[key]) is None for key, _ in FIELDS):
            continue  # a township of the template left blank: no figures for it in this file
        code = str(_cell(row, cols[CODE]) or "").strip()
        unit = units.get(code)
        if not code:
            problems.append(f"第 {n} 行 {where[CODE]} 列（{CODE}）：未填写。")
        elif unit is None:
            problems.append(f"第 {n} 行 {where[CODE]} 列（{CODE}）：“{code}”不是系统中的镇街编码。")
        name = _cell(row, cols[NAME]) if NAME in cols else None
        if unit is not None and name is not None and str(name).strip() != unit.name:
            problems.append(f"第 {n} 行 {where[NAME]} 列（{NAME}）：“{str(name).strip()}”与编码 {code} 的镇街"
                            f"“{unit.name}”不符。")
        raw_year = _cell(row, cols[YEAR])
        year = _year(raw_year)
        if year is None:
            problems.append(f"第 {n} 行 {where[YEAR]} 列（{YEAR}）：应为 {FIRST_YEAR} 至 {LAST_YEAR} 的年份，"
                            f"收到“{'' if raw_year is None else raw_year}”。")
        amounts, issues = clean_amounts({key: _cell(row, cols[key]) for key, _ in FIELDS})
        problems += [f"第 {n} 行 {where[key]} 列：{message}" for key, message in issues]
        if unit is None or year is None:
            continue
        if (code, year) in seen:
            problems.append(f"第 {n} 行：{unit.name}{year} 年的数据与第 {seen[(code, year)]} 行重复。")
        seen[(code, year)] = n
        if not issues:
            rows.append((unit, year, amounts))
    return rows, problems


def import_workbook(uow: UnitOfWork, actor: Actor, path: Path) -> ImportResult:
    """Enter every row of a filled workbook (created or replacing the stored year), or nothing when any cell
    is wrong: WorkbookRefused lists each problem by row and column."""
    uow.write()
    require_editor(actor)
    path = Path(path)
    book = open_workbook(path)
    try:
        grid, header, cols = _grid(book, path)
    finally:
        book.close()
    units = {u.code: u for u in uow.session.scalars(select(Unit).where(Unit.kind == "township"))}
    rows, problems = _read(grid, header, cols, units)
    if problems:
        raise WorkbookRefused(path, problems)
    if not rows:
        raise ValidationError(f"“{path.name}”中没有任何数据行，未导入。", "path")
    outcomes = Counter(store(uow, actor, unit, year, amounts, "fiscal.import") for unit, year, amounts in rows)
    created, updated = outcomes["created"], outcomes["updated"]
    uow.audit(actor.username, "fiscal.import.file", "township_fiscal", None, None,
              {"file": path.name, "rows": len(rows), "created": created, "updated": updated})
    uow.commit()
    return ImportResult(len(rows), created, updated, len(rows) - created - updated,
                        tuple(sorted({year for _, year, _ in rows})))

