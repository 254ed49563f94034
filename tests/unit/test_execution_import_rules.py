"""Execution import rules: header guessing, mapping, reading cells of treasury payment exports (dates, amounts
in 元 or 万元, text in number cells) and the per-row checks (unknown project, duplicate voucher, over budget)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.monitoring.rules.execution_import import (
    CellError,
    Payment,
    ProjectBudget,
    check_payments,
    parse_amount,
    parse_period,
    period_totals,
    read_payments,
)
from core.monitoring.rules.payment_columns import (
    ColumnMapping,
    MappingError,
    column_letter,
    header_score,
    header_titles,
    resolve,
    suggest,
)

TODAY = date(2024, 9, 15)
HEADERS = ("序号", "项目编码", "项目名称", "支付日期", "收款人", "支付金额（元）", "支付凭证号")
MAPPING = ColumnMapping("项目编码", "支付日期", "支付金额（元）", "支付凭证号", "收款人", "元")
COLUMNS = resolve(MAPPING, HEADERS)
PROJECTS = {(2024, "P1"): ProjectBudget(1, "校舍维修", Decimal(10), Decimal(8)),
            (2024, "P2"): ProjectBudget(2, "道路养护", Decimal(100), Decimal(0)),
            (2023, "P3"): ProjectBudget(3, "上年项目", Decimal(5), Decimal(5))}


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def test_header_titles_are_unique_and_never_empty() -> None:
    assert header_titles(["金额", None, " 金额 ", "凭证号"]) == ("金额", "（B列）", "金额（C列）", "凭证号")


@pytest.mark.parametrize(("headers", "expected"), [
    # The usual 国库集中支付 export: every field found, amounts in 元.
    (HEADERS, ColumnMapping("项目编码", "支付日期", "支付金额（元）", "支付凭证号", "收款人", "元")),
    # Other systems' names; the exact 支付金额 beats the looser 金额, 万元 read from the header.
    (("项目代码", "记账日期", "金额", "支付金额（万元）", "凭证号", "收款单位"),
     ColumnMapping("项目代码", "记账日期", "支付金额（万元）", "凭证号", "收款单位", "万元")),
    # A month column; 凭证日期 is no period, 项目名称 no code.
    (("项目名称", "预算项目编码", "凭证日期", "月份", "发生额"),
     ColumnMapping("预算项目编码", "月份", "发生额", None, None, "元")),
    (("甲", "乙"), ColumnMapping()),
])
def test_suggest(headers: tuple[str, ...], expected: ColumnMapping) -> None:
    assert suggest(headers) == expected


def test_header_score_tells_the_header_from_a_title() -> None:
    assert header_score(["2024年国库集中支付明细（金额单位：元）"]) <= 1
    assert header_score(HEADERS) == 5


def test_mapping_round_trips_as_json() -> None:
    assert ColumnMapping.from_json(MAPPING.to_json()) == MAPPING
    with pytest.raises(MappingError, match="已损坏"):
        ColumnMapping.from_json("[1, 2]")


@pytest.mark.parametrize(("mapping", "field", "message"), [
    (ColumnMapping(None, "支付日期", "支付金额（元）"), "project_code", "请为“项目编码”选择"),
    (ColumnMapping("项目编码", "支付日期", "金额"), "amount", "没有名为“金额”的列"),
    (ColumnMapping("项目编码", "支付日期", "支付日期"), "amount", "不能使用同一列“支付日期”"),
    (ColumnMapping("项目编码", "支付日期", "支付金额（元）", unit="千元"), "unit", "金额单位“千元”无效"),
])
def test_resolve_refuses_unusable_mappings(mapping: ColumnMapping, field: str, message: str) -> None:
    with pytest.raises(MappingError, match=message) as caught:
        resolve(mapping, HEADERS)
    assert caught.value.field == field


def test_resolve_gives_letters_and_titles() -> None:
    assert [(k, c.letter, c.title) for k, c in COLUMNS.items()] == [
        ("project_code", "B", "项目编码"), ("period", "D", "支付日期"), ("amount", "F", "支付金额（元）"),
        ("voucher", "G", "支付凭证号"), ("payee", "E", "收款人")]


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2024, 3, 5, 10, 30), (2024, 3, 5)),  # a date cell (openpyxl gives datetime)
    (date(2024, 3, 5), (2024, 3, 5)),
    ("2024-03-05", (2024, 3, 5)),
    ("2024/3/5", (2024, 3, 5)),
    ("2024.03", (2024, 3, None)),
    ("2024-03-05 10:22:33", (2024, 3, 5)),
    ("2024年3月", (2024, 3, None)),
    ("2024年3月5日", (2024, 3, 5)),
    ("202403", (2024, 3, None)),
    (202403, (2024, 3, None)),
    (20240305.0, (2024, 3, 5)),  # a number cell holding yyyymmdd
    (3, (2024, 3, None)),  # a bare month counts in the given year
    ("3月", (2024, 3, None)),
])
def test_parse_period(value: object, expected: tuple[int, int, int | None]) -> None:
    assert parse_period(value, 2024) == expected


@pytest.mark.parametrize("value", ["三月", "2024-13", "2024-02-30", 45366, 13, "1-8月", 3.5, "1899-01"])
def test_parse_period_refuses(value: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_period(value, 2024)
    assert caught.value.kind == "bad_period"


@pytest.mark.parametrize(("value", "unit", "wan"), [
    (1234.56, "元", "0.123456"),  # a float cell: repr keeps 1234.56 exact
    (0.1 + 0.2, "元", "0.000030"),  # binary noise of a formula, not a real sub-分 amount
    (100, "元", "0.010000"),
    ("1,234.56", "元", "0.123456"),  # numbers stored as text, with separators and a currency sign
    ("¥ 12,000.00元", "元", "1.200000"),
    (Decimal("12.345678"), "万元", "12.345678"),
    (12.5, "万元", "12.500000"),
    (0, "元", "0.000000"),
])
def test_parse_amount(value: object, unit: str, wan: str) -> None:
    assert parse_amount(value, unit) == Decimal(wan)


@pytest.mark.parametrize(("value", "unit", "kind"), [
    ("待定", "元", "not_a_number"),  # text in a number cell
    ("一千元", "元", "not_a_number"),
    ("1e5", "元", "not_a_number"),
    ("NaN", "元", "not_a_number"),
    (datetime(2024, 3, 5), "元", "not_a_number"),
    (True, "元", "not_a_number"),
    (-100, "元", "negative"),
    ("(1,200.00)", "元", "negative"),  # accountants' brackets
    (1.234, "元", "precision"),  # finer than one 分
    (Decimal("0.0000001"), "万元", "precision"),
])
def test_parse_amount_refuses(value: object, unit: str, kind: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_amount(value, unit)
    assert caught.value.kind == kind


def _row(code: object = "P2", period: object = "2024-03-05", amount: object = 1000, voucher: object = "V1",
         payee: object = "某公司") -> tuple[object, ...]:
    return (1, code, "名称", period, payee, amount, voucher)


def _read(*rows: tuple[object, ...]) -> tuple[list[Payment], list]:  # type: ignore[type-arg]
    return read_payments(rows, 2, COLUMNS, "元", TODAY)


def test_read_payments_skips_blank_rows_and_keeps_row_numbers() -> None:
    payments, problems = _read(_row(), (None,) * 7, ("", " "), _row(voucher=12345.0))
    assert not problems
    assert [(p.row, p.project_code, p.year, p.month, p.amount, p.voucher) for p in payments] == [
        (2, "P2", 2024, 3, Decimal("0.100000"), "V1"), (5, "P2", 2024, 3, Decimal("0.100000"), "12345")]


@pytest.mark.parametrize(("row", "column", "kind"), [
    (_row(code=None), "B", "empty"),
    (_row(period=None), "D", "empty"),
    (_row(amount=None), "F", "empty"),
    (_row(amount="待定"), "F", "not_a_number"),
    (_row(amount=-5), "F", "negative"),
    (_row(period="下月"), "D", "bad_period"),
    (_row(period="2024-10"), "D", "future_period"),  # after today's month
    (_row(period="2024-09-16"), "D", "future_period"),  # this month, but after today
    (_row(voucher="V" * 65), "G", "too_long"),
])
def test_read_payments_refuses_bad_cells_with_row_and_column(row: tuple[object, ...], column: str, kind: str) -> None:
    _, problems = _read(_row(voucher="V0"), row)
    assert [(p.row, p.column, p.kind, p.blocking) for p in problems] == [(3, column, kind, True)]
    assert problems[0].describe("支付.xlsx", "明细").startswith(f"文件“支付.xlsx”工作表“明细”第 3 行 {column} 列（")


def test_today_counts_and_a_short_row_is_read_as_empty_cells() -> None:
    payments, problems = _read(_row(period="2024-09-15"), (1, "P2"))
    assert payments[0].month == 9
    assert {(p.row, p.column, p.kind) for p in problems} == {(3, "D", "empty"), (3, "F", "empty")}


def _check(*rows: tuple[object, ...], known: frozenset[tuple[int, str]] = frozenset()):  # type: ignore[no-untyped-def]
    payments, problems = _read(*rows)
    return check_payments(payments, problems, COLUMNS, PROJECTS, known)


def test_check_refuses_unknown_projects_naming_the_year() -> None:
    checked = _check(_row(code="P9"), _row(code="P3", voucher="V2"))
    assert [(p.row, p.kind) for p in checked.problems] == [(2, "unknown_project"), (3, "unknown_project")]
    assert "在 2024 年度的项目中不存在" in checked.problems[0].message
    assert "该编码属于 2023 年度的项目" in checked.problems[1].message
    assert not checked.records and checked.refused_rows == {2, 3}


def test_check_refuses_repeated_vouchers_in_the_file_and_in_the_database() -> None:
    checked = _check(_row(voucher="V1"), _row(voucher="V2"), _row(voucher="V1"), _row(voucher="OLD"),
                     known=frozenset({(2024, "OLD"), (2023, "V2")}))
    assert [(p.row, p.kind) for p in checked.problems] == [(4, "duplicate_voucher"), (5, "duplicate_voucher")]
    assert "与第 2 行重复" in checked.problems[0].message and "系统中已有" in checked.problems[1].message
    assert [r.row for r in checked.records] == [2, 3]  # V2 of 2023 is another year's voucher


def test_over_budget_counts_what_is_recorded_and_still_writes_the_row() -> None:
    # P1: budget 10 万元, 8 万元 recorded; 1.5 万元 fits, the next 1 万元 goes over, and so does the one after.
    checked = _check(_row("P1", amount=15_000, voucher="A"), _row("P1", amount=10_000, voucher="B"),
                     _row("P1", amount=1, voucher="C"))
    assert [(p.row, p.kind, p.blocking) for p in checked.problems] == [(3, "over_budget", False),
                                                                        (4, "over_budget", False)]
    assert "累计支出 10.50 万元（其中系统已有 8.00 万元），超过预算 10.00 万元" in checked.problems[0].message
    assert [r.row for r in checked.records] == [2, 3, 4] and checked.warned_rows == {3, 4}


def test_a_row_with_several_problems_lists_each() -> None:
    checked = _check(_row(voucher="V1"), _row(code="P9", amount=-1, voucher="V1"))
    assert [(p.row, p.column, p.kind) for p in checked.problems] == [
        (3, "B", "unknown_project"), (3, "F", "negative"), (3, "G", "duplicate_voucher")]


def test_period_totals() -> None:
    checked = _check(_row(voucher="A", period="2024-03-01"), _row(voucher="B", period="2024-03-31", amount=1.5),
                     _row(voucher="C", period="2024-04-01"))
    assert period_totals(checked.records) == {(2, 2024, 3): (2, Decimal("0.100150")),
                                              (2, 2024, 4): (1, Decimal("0.100000"))}
