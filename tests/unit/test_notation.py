"""Indicator value notation: what clerks type ("≥50个", "不低于５０个", "定性: 明显改善") and what we print back."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.goals.rules.notation import (
    IndicatorValue,
    NotationError,
    deadline_of,
    format_indicator_value,
    is_deadline,
    is_recurring,
    normalise_text,
    parse_indicator_value,
)

D = Decimal


def num(comparator: str, target: str, unit: str | None = None) -> IndicatorValue:
    return IndicatorValue(comparator, D(target), None, unit)


def qual(text: str) -> IndicatorValue:
    return IndicatorValue("qual", None, text, None)


VALID = [
    ("≥50个", num(">=", "50", "个")),
    ("≤90万元", num("<=", "90", "万元")),
    ("=100%", num("=", "100", "%")),
    (">=95 %", num(">=", "95", "%")),
    ("≥ 1,200 人次", num(">=", "1200", "人次")),
    ("≤15天", num("<=", "15", "天")),
    ("≥98.5%", num(">=", "98.5", "%")),
    ("定性: 明显改善", qual("明显改善")),
    ("定性：明显改善", qual("明显改善")),
    ("定性 有效提升", qual("有效提升")),
    ("明显改善", qual("明显改善")),
    ("达到国家标准", qual("达到国家标准")),
    ("100%", num("=", "100", "%")),
    ("50", num("=", "50")),
    ("５０个", num("=", "50", "个")),
    ("≥５０个", num(">=", "50", "个")),
    ("＞＝９５％", num(">=", "95", "%")),
    ("≧95%", num(">=", "95", "%")),
    ("≦30天", num("<=", "30", "天")),
    ("＜５", num("<", "5")),
    ("> 0", num(">", "0")),
    ("<= 5 %", num("<=", "5", "%")),
    ("=<10万元", num("<=", "10", "万元")),
    ("大于等于50个", num(">=", "50", "个")),
    ("不低于50个", num(">=", "50", "个")),
    ("不少于 3 次", num(">=", "3", "次")),
    ("不超过90万元", num("<=", "90", "万元")),
    ("不高于 5%", num("<=", "5", "%")),
    ("小于等于15天", num("<=", "15", "天")),
    ("大于0", num(">", "0")),
    ("等于100%", num("=", "100", "%")),
    ("达到95%", num(">=", "95", "%")),
    ("95%以上", num(">=", "95", "%")),
    ("≥95%以上", num(">=", "95", "%")),
    ("15个工作日以内", num("<=", "15", "个工作日")),
    ("≥ 1，200 人次", num(">=", "1200", "人次")),
    ("≥12,345,678.9元", num(">=", "12345678.9", "元")),
    ("　≥ 50　公 里　", num(">=", "50", "公里")),
    ("≥0.5万元/公里", num(">=", "0.5", "万元/公里")),
    ("≥3000平方米", num(">=", "3000", "平方米")),
    ("≥200m²", num(">=", "200", "m²")),
    ("≤-2%", num("<=", "-2", "%")),
    ("=－3", num("=", "-3")),
    ("≥２０ｋｍ", num(">=", "20", "km")),
]

INVALID = [
    ("", "为空"),
    ("   ", "为空"),
    ("≥个", "缺少数值"),
    ("≤ %", "缺少数值"),
    ("定性:", "缺少指标值描述"),
    ("≥50-60个", "一个目标值"),
    ("50~60个", "一个目标值"),
    ("≥50至60个", "一个目标值"),
    ("≥50个, 60个", "一个目标值"),
    ("50个?!", "计量单位"),
    ("≥95%#", "计量单位"),
    ("≥1,20个", "数值格式"),
    ("≥98.5.1%", "数值格式"),
    ("≥≥50个", "直接跟数值"),
    ("≤95%以上", "矛盾"),
    ("≥50个这个数字大概还要再和局里商量一下", "计量单位"),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_values(text: str, expected: IndicatorValue) -> None:
    assert parse_indicator_value(text) == expected


@pytest.mark.parametrize(("text", "problem"), INVALID)
def test_invalid_values_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(NotationError) as caught:
        parse_indicator_value(text)
    message = str(caught.value)
    assert problem in message
    assert f"“{text}”" in message  # names the offending input as typed
    assert "≥50个" in message  # and shows the right form
    assert re.search(r"[\u4e00-\u9fff]", message)


def test_notation_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_indicator_value("≥个")


@pytest.mark.parametrize(("value", "text"), [
    (num(">=", "50", "个"), "≥50个"),
    (num("<=", "90", "万元"), "≤90万元"),
    (num("=", "100", "%"), "=100%"),
    (num(">=", "1200.00", "人次"), "≥1200人次"),
    (num(">=", "98.50", "%"), "≥98.5%"),
    (num(">", "1E+3"), ">1000"),
    (num("<", "-0.00", "℃"), "<0℃"),
    (num("=", "0.05", "％"), "=0.05%"),
    (qual("明显改善"), "明显改善"),
    (qual("100%完成"), "定性: 100%完成"),
    (qual("≥上年水平"), "定性: ≥上年水平"),
])
def test_format(value: IndicatorValue, text: str) -> None:
    assert format_indicator_value(value) == text


def test_format_refuses_a_number_without_target() -> None:
    with pytest.raises(NotationError):
        format_indicator_value(IndicatorValue(">=", None, None, "个"))


def test_normalise_text_keeps_chinese() -> None:
    assert normalise_text("ＡＢＣ１２３％，（含）　改造校舍、“三类”") == "ABC123%,(含) 改造校舍、“三类”"
    assert normalise_text("≧≦＞＜＝") == "≥≤><="


UNITS = [None, "个", "万元", "%", "公里", "人次", "平方米", "亩", "天", "个工作日", "万元/公里", "所", "km"]
QUALS = ["明显改善", "有效提升", "持续发挥效益", "达到国家标准", "长期", "100%完成", "≥上年水平", "定性"]


@given(
    comparator=st.sampled_from([">=", "<=", "=", ">", "<"]),
    target=st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**6, max_value=10**9),
    unit=st.sampled_from(UNITS),
)
def test_round_trip_numbers(comparator: str, target: Decimal, unit: str | None) -> None:
    value = IndicatorValue(comparator, target, None, unit)
    assert parse_indicator_value(format_indicator_value(value)) == value


@given(text=st.sampled_from(QUALS))
def test_round_trip_qualitative(text: str) -> None:
    value = qual(text)
    assert parse_indicator_value(format_indicator_value(value)) == value


@given(target=st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**9),
       unit=st.sampled_from(UNITS))
def test_full_width_input_reads_like_half_width(target: Decimal, unit: str | None) -> None:
    text = format_indicator_value(IndicatorValue(">=", target, None, unit))
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert parse_indicator_value(wide) == parse_indicator_value(text)


DEADLINES = [
    ("2025年11月30日前", "2025-11-30"),
    ("2025年11月30日前完成", "2025-11-30"),
    ("11月底前完成", "2025-11-30"),
    ("11月前", "2025-10-31"),
    ("12月31日前", "2025-12-31"),
    ("第三季度", "2025-09-30"),
    ("三季度末", "2025-09-30"),
    ("第4季度", "2025-12-31"),
    ("2023年底", "2023-12-31"),
    ("年底前完成", "2025-12-31"),
    ("2023.07-2024.01", "2024-01-31"),
    ("2024年10月", "2024-10-31"),
    ("上半年", "2025-06-30"),
    ("６月中旬", "2025-06-20"),
    ("2025年10月-12月", "2025-12-31"),
    ("2025年1月1日-4月30日", "2025-04-30"),
    ("2024年10月至2025年3月", "2025-03-31"),
]


@pytest.mark.parametrize("text", ["每月10日前", "每季度末", "每季度结束后15日内", "每学期开学后2个月内"])
def test_recurring_deadlines_are_read_as_their_text_without_a_date(text: str) -> None:
    value = parse_indicator_value(text)
    assert (value.comparator, value.target_text) == ("qual", text)
    assert is_deadline(text) and is_recurring(text) and deadline_of(text, 2025) is None
    assert parse_indicator_value(format_indicator_value(value)) == value


@pytest.mark.parametrize(("text", "expected"), DEADLINES)
def test_deadlines_are_read_as_their_text_with_the_date_they_name(text: str, expected: str) -> None:
    value = parse_indicator_value(text)
    assert value.comparator == "qual" and value.target is None and value.unit_of_measure is None
    assert deadline_of(value.target_text, 2025).isoformat() == expected
    assert parse_indicator_value(format_indicator_value(value)) == value  # printed back without "定性:"
    assert not format_indicator_value(value).startswith("定性")


@pytest.mark.parametrize("text", ["2025年2月30日前", "13月底前"])
def test_a_deadline_naming_no_real_day_is_refused_with_its_reason(text: str) -> None:
    with pytest.raises(NotationError, match="不是有效的日期"):
        parse_indicator_value(text)


@pytest.mark.parametrize("text", ["2025.13", "98.5", "≥50个", "明显改善", "2023"])
def test_numbers_and_phrases_are_no_deadlines(text: str) -> None:
    assert deadline_of(text, 2025) is None
