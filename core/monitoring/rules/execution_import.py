"""Rules of importing execution data from treasury payment exports (国库集中支付, DOMAIN.md §3): reading one
payment from a row of cells, and the per-row checks that refuse or flag it (the column mapping is in
`payment_columns`).

Two phases, so that the service can load only the projects of the years the file speaks of: `read_payments`
turns cells into payments (problems that the row alone shows), `check_payments` matches them against projects,
vouchers and budgets. A refused row is never written; a flagged (warning) row is written and shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.common import formatting
from core.monitoring.rules.payment_columns import FIELDS, Column

TO_WAN = {"元": Decimal(10_000), "万元": Decimal(1)}  # divisor to 万元
QUANTUM = {"元": Decimal("0.01"), "万元": Decimal("0.000001")}  # one 分 in each unit
WAN = Decimal("0.000001")
MAX_LENGTH = {"voucher": 64, "payee": 100}  # the columns of execution_record
KINDS = {
    "empty": "必填项为空",
    "unknown_project": "项目编码不存在",
    "negative": "金额为负数",
    "not_a_number": "数值单元格中是文字",
    "precision": "金额精度超过 1 分",
    "bad_period": "日期或月份无法识别",
    "future_period": "期间晚于今天",
    "duplicate_voucher": "凭证号重复",
    "too_long": "内容过长",
    "over_budget": "支出超过预算",
}
WARNINGS = frozenset({"over_budget"})  # written and flagged; every other kind refuses the row
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?)?\s*月?"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_MONTH = re.compile(r"^(\d{1,2})\s*月?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class CellError(ValueError):
    """One cell that cannot be read; `kind` is a key of KINDS."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Problem:
    row: int  # the sheet's own row number
    column: str  # column letter
    title: str  # the column's header
    kind: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.kind not in WARNINGS

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    def where(self) -> str:
        return f"第 {self.row} 行 {self.column} 列（{self.title}）"

    def describe(self, file_name: str, sheet: str) -> str:
        """The full message: file, sheet, row, column and what is wrong."""
        return f"文件“{file_name}”工作表“{sheet}”{self.where()}：{self.message}"


@dataclass(frozen=True, slots=True)
class Payment:
    """One data row as read; a field is None when its cell could not be read (the row then has a problem)."""

    row: int
    project_code: str | None
    year: int | None
    month: int | None
    amount: Decimal | None  # 万元
    voucher: str | None
    payee: str | None


@dataclass(frozen=True)
class ProjectBudget:
    project_id: int
    name: str
    budget: Decimal  # 万元, the year's budget after adjustment
    spent: Decimal  # 万元 already recorded for the year


@dataclass(frozen=True, slots=True)
class Record:
    """A payment matched to its project, to be written."""

    row: int
    project_id: int
    year: int
    month: int
    amount: Decimal
    voucher: str | None
    payee: str | None


@dataclass(frozen=True)
class Checked:
    records: tuple[Record, ...]
    problems: tuple[Problem, ...]  # by row, refusals and warnings
    refused_rows: frozenset[int]
    warned_rows: frozenset[int]


def parse_period(value: object, default_year: int) -> tuple[int, int, int | None]:
    """(year, month, day or None) from a date cell, “2024-03-15”, “2024年3月”, 202403, 20240315 or a bare month."""
    if isinstance(value, datetime | date):
        return value.year, value.month, value.day
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    found = None
    if text is not None:
        if m := _DATE.match(text) or _COMPACT.match(text):
            found = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
        elif m := _MONTH.match(text):
            found = default_year, int(m[1]), None
    if found is None:
        raise CellError("bad_period", f"“{value}”不是可识别的日期或月份（例如 2024-03-15、2024年3月、202403）。")
    year, month, day = found
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        raise CellError("bad_period", f"“{value}”不是有效的日期或月份。")
    if day is not None:
        try:
            date(year, month, day)
        except ValueError as exc:
            raise CellError("bad_period", f"“{value}”不是有效的日期。") from exc
    return year, month, day


def _decimal(value: object) -> Decimal:
    """A cell as an exact Decimal in its own unit; floats via repr, so 1234.56 stays 1234.56."""
    if isinstance(value, bool | datetime | date):
        raise CellError("not_a_number", f"“{value}”不是数值。")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("not_a_number", f"“{value}”不是数值。")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    cleaned = re.sub(r"[,，\s¥￥]", "", text).removesuffix("元")
    negative = cleaned.startswith(("(", "（")) and cleaned.endswith((")", "）"))  # accountants' (1,234.00)
    if negative:
        cleaned = "-" + cleaned[1:-1]
    if not _NUMBER.match(cleaned):
        raise CellError("not_a_number", f"“{text}”是文字，不是数值；金额单元格只能填数字。")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError("not_a_number", f"“{text}”不是数值。") from exc


def parse_amount(value: object, unit: str) -> Decimal:
    """The cell's amount converted to 万元, refusing text, negatives and anything finer than one 分."""
    amount = _decimal(value)
    quantum = QUANTUM[unit]
    rounded = amount.quantize(quantum, ROUND_HALF_UP)
    # A float cell written by a formula may carry binary noise (0.1 + 0.2); a real sub-分 amount is refused.
    if isinstance(value, float) and abs(rounded - amount) <= quantum / 1000:
        amount = rounded
    if amount < 0:
        raise CellError("negative", f"金额为负数（{value} {unit}），执行数不能为负；退款或冲销请核实后另行处理。")
    if amount != rounded:
        raise CellError("precision", f"金额 {value} {unit} 精度超过 1 分。")
    return (amount / TO_WAN[unit]).quantize(WAN)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code or voucher typed as a number
    text = str(value).strip()
    return text or None


def _blank(row: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def read_payments(rows: Iterable[Sequence[object]], first_row: int, columns: Mapping[str, Column], unit: str,
                  today: date, default_year: int | None = None) -> tuple[list[Payment], list[Problem]]:
    """Read each non-blank row (sheet row numbers from `first_row`); a bare month counts in `default_year`
    (today's year unless given)."""
    year_of_month = default_year or today.year
    payments: list[Payment] = []
    problems: list[Problem] = []

    index = {field: c.index for field, c in columns.items()}

    def cell(row: Sequence[object], field: str) -> object:
        i = index.get(field)
        return row[i] if i is not None and i < len(row) else None

    def refuse(number: int, field: str, kind: str, message: str) -> None:
        c = columns[field]
        problems.append(Problem(number, c.letter, c.title, kind, message))

    for number, row in enumerate(rows, first_row):
        if _blank(row):
            continue
        code = _text(cell(row, "project_code"))
        if code is None:
            refuse(number, "project_code", "empty", "项目编码为空。")
        year = month = None
        raw = cell(row, "period")
        if _text(raw) is None:
            refuse(number, "period", "empty", "支付日期或月份为空。")
        else:
            try:
                year, month, day = parse_period(raw, year_of_month)
                if (year, month) > (today.year, today.month) or (day and date(year, month, day) > today):
                    shown = raw.date() if isinstance(raw, datetime) else raw
                    refuse(number, "period", "future_period",
                           f"“{shown}”晚于今天（{formatting.screen_date(today)}），不能导入未来期间的执行数。")
                    year = month = None
            except CellError as exc:
                refuse(number, "period", exc.kind, str(exc))
        amount = None
        raw = cell(row, "amount")
        if _text(raw) is None:
            refuse(number, "amount", "empty", "支付金额为空。")
        else:
            try:
                amount = parse_amount(raw, unit)
            except CellError as exc:
                refuse(number, "amount", exc.kind, str(exc))
        voucher, payee = _text(cell(row, "voucher")), _text(cell(row, "payee"))
        for field, text in (("voucher", voucher), ("payee", payee)):
            if text is not None and len(text) > MAX_LENGTH[field]:
                refuse(number, field, "too_long", f"{FIELDS[field]}超过 {MAX_LENGTH[field]} 个字符。")
        payments.append(Payment(number, code, year, month, amount, voucher, payee))
    return payments, problems


def years_of(payments: Iterable[Payment]) -> set[int]:
    return {p.year for p in payments if p.year is not None}


def check_payments(payments: Sequence[Payment], problems: Sequence[Problem], columns: Mapping[str, Column],
                   projects: Mapping[tuple[int, str], ProjectBudget],
                   known_vouchers: Set[tuple[int, str]]) -> Checked:
    """Match payments to the projects of their year, refuse repeated vouchers (in the file, or already in the
    database for that year) and flag spending beyond a project's budget, counting what is already recorded."""
    found = list(problems)
    refused = {p.row for p in problems}
    years_by_code: dict[str, list[int]] = {}
    for year, code in projects:
        years_by_code.setdefault(code, []).append(year)
    first_voucher: dict[str, int] = {}

    def add(number: int, field: str, kind: str, message: str) -> None:
        c = columns[field]
        found.append(Problem(number, c.letter, c.title, kind, message))
        if kind not in WARNINGS:
            refused.add(number)

    for p in payments:
        if p.project_code is not None and p.year is not None and (p.year, p.project_code) not in projects:
            other = sorted(years_by_code.get(p.project_code, []))
            hint = f"（该编码属于 {'、'.join(map(str, other))} 年度的项目）" if other else ""
            add(p.row, "project_code", "unknown_project",
                f"项目编码“{p.project_code}”在 {p.year} 年度的项目中不存在{hint}；请核对编码或先建立该项目。")
        if p.voucher is not None:
            if p.voucher in first_voucher:
                add(p.row, "voucher", "duplicate_voucher",
                    f"凭证号“{p.voucher}”与第 {first_voucher[p.voucher]} 行重复，同一笔支付不能导入两次。")
            else:
                first_voucher[p.voucher] = p.row
                if p.year is not None and (p.year, p.voucher) in known_vouchers:
                    add(p.row, "voucher", "duplicate_voucher",
                        f"凭证号“{p.voucher}”在系统中已有 {p.year} 年的执行记录（此前已导入或录入），本行不再导入。")
    records: list[Record] = []
    warned: set[int] = set()
    spent: dict[int, Decimal] = {}
    for p in payments:
        if p.row in refused:
            continue
        assert p.project_code is not None and p.year is not None and p.month is not None and p.amount is not None
        project = projects[(p.year, p.project_code)]
        total = spent.get(project.project_id, project.spent) + p.amount
        spent[project.project_id] = total
        if total > project.budget:
            warned.add(p.row)
            add(p.row, "amount", "over_budget",
                f"项目“{project.name}”{p.year} 年累计支出 {formatting.amount(total)} 万元"
                f"（其中系统已有 {formatting.amount(project.spent)} 万元），"
                f"超过预算 {formatting.amount(project.budget)} 万元；本行仍将导入，请核实。")
        records.append(Record(p.row, project.project_id, p.year, p.month, p.amount, p.voucher, p.payee))
    found.sort(key=lambda q: (q.row, q.column))
    return Checked(tuple(records), tuple(found), frozenset(refused), frozenset(warned))


def period_totals(records: Iterable[Record]) -> dict[tuple[int, int, int], tuple[int, Decimal]]:
    """(project id, year, month) -> (rows, amount in 万元) of the records to be written."""
    totals: dict[tuple[int, int, int], tuple[int, Decimal]] = {}
    for r in records:
        count, amount = totals.get((r.project_id, r.year, r.month), (0, Decimal(0)))
        totals[(r.project_id, r.year, r.month)] = (count + 1, amount + r.amount)
    return totals
