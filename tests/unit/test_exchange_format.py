"""The exchange format as data: cells read back what was written (hypothesis), forgiving what other programs and
clerks produce, refusing wrong types by column; the manifest's hash, signature and the ledger's decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.exchange.rules import manifest as em
from core.exchange.rules import spec as es
from core.goals.rules.notation import IndicatorValue

AMOUNT = es.ColumnSpec("amount", "资金总额（万元）", "money", True)
COUNT = es.ColumnSpec("count", "数量", "int")
WHEN = es.ColumnSpec("start", "开始时间", "date")
LIKELY = es.ColumnSpec("likelihood", "完成可能性", "choice", choices=("确定能", "有可能", "完全不可能"))
VALUE = es.ColumnSpec("value", "指标值", "notation", True)
NAME = es.ColumnSpec("name", "三级指标", "text", True, max_length=10)
SHEET = es.SheetSpec("indicators", "绩效指标", (NAME, VALUE, AMOUNT, COUNT, WHEN, LIKELY))

money = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False,
                    allow_infinity=False)


@given(money)
def test_money_reads_back_what_was_written(value: Decimal) -> None:
    assert es.read_cell(AMOUNT, es.write_cell(AMOUNT, value)) == value
    assert es.read_cell(AMOUNT, str(es.write_cell(AMOUNT, value))) == value  # stored as text by another program


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_read_back_in_every_spelling(day: date) -> None:
    for spelling in (day, day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}"):
        assert es.read_cell(WHEN, spelling) == day


@given(st.text(min_size=1, max_size=10).filter(lambda t: t.strip() == t and t.strip()))
def test_text_reads_back(text: str) -> None:
    assert es.read_cell(NAME, es.write_cell(NAME, text)) == text


@pytest.mark.parametrize(("raw", "value"), [
    ("１２３．５", Decimal("123.5")), (" 1,234.50 ", Decimal("1234.50")), ("88万元", Decimal(88)), (12.3, Decimal("12.3")),
    (7, Decimal(7)),
])
def test_what_other_programs_write_for_numbers(raw: object, value: Decimal) -> None:
    assert es.read_cell(AMOUNT, raw) == value


def test_notation_choice_and_bool_forgive_full_width_and_spaces() -> None:
    assert es.read_cell(VALUE, "＞＝５０个") == IndicatorValue(">=", Decimal(50), None, "个")
    assert es.read_cell(VALUE, "≥95％ ") == IndicatorValue(">=", Decimal(95), None, "%")
    assert es.read_cell(LIKELY, " 有可能 ") == "有可能"
    assert es.read_cell(es.DELETED, "是") is True and es.read_cell(es.DELETED, None) is False
    assert es.read_cell(COUNT, "３") == 3


@pytest.mark.parametrize(("column", "raw", "message"), [
    (AMOUNT, "一百", "应填数字"), (AMOUNT, None, "不能为空"), (AMOUNT, "0.0000001", "精度超过 1 分"),
    (COUNT, "2.5", "应填整数"), (WHEN, "下个月", "应填日期"), (LIKELY, "大概", "只能填"),
    (VALUE, "≥个", "指标值"), (NAME, "一二三四五六七八九十十一", "最多 10 个字"), (es.DELETED, "也许", "“是”或“否”"),
    (AMOUNT, True, "应填数字"),
])
def test_wrong_cells_are_refused_naming_the_column(column: es.ColumnSpec, raw: object, message: str) -> None:
    with pytest.raises(es.CellError, match=message) as refused:
        es.read_cell(column, raw)
    assert column.header in str(refused.value)


def test_rows_and_headers() -> None:
    headers = ["行标识", "版本", "删除", "三级指标", "指标值 ", "资金总额（万元）", "数量", "开始时间", "完成可能性"]
    where = es.header_map(SHEET, headers)
    assert where["value"] == 4 and where["row_id"] == 0
    with pytest.raises(es.CellError, match="缺少列：数量"):
        es.header_map(SHEET, [h for h in headers if h != "数量"])
    values, problems = es.read_row(SHEET, {"name": "改造里程", "value": "≥50公里", "amount": "abc", "count": None})
    assert values["value"].target == 50 and values["row_id"] is None and values["deleted"] is False
    assert problems == [("amount", "“资金总额（万元）”应填数字，收到“abc”。")]


def _manifest(**changes: object) -> em.Manifest:
    base = em.Manifest("P-1", "goals", "D001", "BUREAU", 2024, 3, {"indicators": 2}, "h")
    return em.Manifest(**{**base.__dict__, **changes})  # type: ignore[arg-type]


ROWS = {"indicators": [{"name": "甲", "amount": Decimal("1.50")}, {"name": "乙", "amount": Decimal(2)}]}


def test_content_hash_ignores_how_a_number_was_spelled() -> None:
    same = {"indicators": [{"amount": Decimal("1.5"), "name": "甲"}, {"name": "乙", "amount": Decimal("2.000")}]}
    assert em.content_hash(ROWS) == em.content_hash(same)
    assert em.content_hash(ROWS) != em.content_hash({"indicators": ROWS["indicators"][:1]})


def test_manifest_round_trip_through_its_sheet_rows() -> None:
    signed = em.sign(_manifest(content_hash=em.content_hash(ROWS)), b"k" * 32)
    assert em.Manifest.from_rows(signed.as_rows()) == signed
    with pytest.raises(em.ManifestError, match="缺少字段"):
        em.Manifest.from_rows([("package_id", "P")])


def test_ledger_decisions() -> None:
    key = b"k" * 32
    ledger = em.LedgerView("BUREAU", frozenset({"P-0"}), {"D001": 2}, {"D001": key})
    digest, counts = em.content_hash(ROWS), {"indicators": 2}
    good = em.sign(_manifest(content_hash=digest), key)
    assert em.admit(good, digest, counts, ledger) == "new"
    assert em.admit(em.sign(_manifest(package_id="P-0", content_hash=digest), key), digest, counts, ledger) == "duplicate"
    assert em.admit(good, em.content_hash({"indicators": []}), {"indicators": 0}, ledger) == "edited"
    assert em.admit(_manifest(content_hash=digest), digest, counts, ledger) == "unsigned"
    refusals = [
        (em.sign(_manifest(receiver="D002", content_hash=digest), key), "不是本单位"),
        (em.sign(_manifest(sequence=2, content_hash=digest), key), "旧包"),
        (em.sign(_manifest(content_hash=digest), b"x" * 32), "签名无效"),
        (em.sign(_manifest(sender="D009", content_hash=digest), key), "未在本机登记"),
        (em.sign(_manifest(format_version=99, content_hash=digest), key), "请先升级程序"),
    ]
    for manifest, message in refusals:
        with pytest.raises(em.ManifestError, match=message):
            em.admit(manifest, digest, counts, ledger)
    forged = em.Manifest(**{**good.__dict__, "sequence": 9})  # type: ignore[arg-type]
    with pytest.raises(em.ManifestError, match="签名无效"):
        em.admit(forged, digest, counts, ledger)
