"""The one formatting module: amounts, percentages, scores and dates, rounded half up (四舍五入) as the bureau's
tables and the PDFs always have, never half-even (Python's and Decimal's default, which printed 1,234.12 on
screen for the 1,234.13 the PDF printed)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from core.common import formatting


@pytest.mark.parametrize(("value", "expected"), [
    (D("1234.125"), "1,234.13"),  # the case in issue 13: half-even gave 1,234.12
    (D("0.005"), "0.01"),
    (D("0.015"), "0.02"),
    (D("0.025"), "0.03"),  # half-even would give 0.02
    (D("-1234.125"), "-1,234.13"),  # half up means away from zero, as 四舍五入 of a negative amount
    (D("-0.005"), "-0.01"),
    (D("-0.004"), "0.00"),  # never "-0.00"
    (D("1234.5"), "1,234.50"),
    (D("7091.21"), "7,091.21"),  # DOMAIN.md: the seed's land consolidation project, 万元
    (D("247900"), "247,900.00"),  # DOMAIN.md: 24.79亿元 monitored funds in 万元
    (D("12.345678"), "12.35"),  # a 分 in 万元 has six places; the screen shows two
    (D("0"), "0.00"),
    (D("1E+3"), "1,000.00"),
])
def test_amount_rounds_half_up_with_separators(value: D, expected: str) -> None:
    assert formatting.amount(value) == expected


@pytest.mark.parametrize(("value", "places", "expected"), [
    (D("1234.56785"), 4, "1,234.5679"),  # 万元 to the 元 (budget suggestions)
    (D("999.5"), 0, "1,000"),
    (D("12.345678"), 6, "12.345678"),
])
def test_amount_places(value: D, places: int, expected: str) -> None:
    assert formatting.amount(value, places) == expected


def test_missing_and_signed_amounts() -> None:
    assert formatting.amount(None) == formatting.MISSING == "—"
    assert formatting.amount(None, missing="") == ""
    assert formatting.amount(D("12.345"), signed=True) == "+12.35"
    assert formatting.amount(D("-12.345"), signed=True) == "-12.35"
    assert formatting.amount(D("0.004"), signed=True) == "0.00"  # what rounds to nothing has no sign


@pytest.mark.parametrize(("value_wan", "expected"), [
    (D("1.2345678"), "12,345.68"),
    (D("0.0000005"), "0.01"),  # half a 分 rounds up
    (D("-0.0000005"), "-0.01"),
])
def test_amount_in_yuan(value_wan: D, expected: str) -> None:
    assert formatting.amount_yuan(value_wan) == expected


@pytest.mark.parametrize(("value", "places", "expected"), [
    (D("12.25"), 1, "12.3%"),  # half-even would give 12.2
    (D("12.35"), 1, "12.4%"),
    (D("-0.05"), 1, "-0.1%"),
    (D("100"), 1, "100.0%"),
    (D("1234.5"), 1, "1234.5%"),  # no separators in a percentage
    (D("98.125"), 2, "98.13%"),  # the self-evaluation's execution rate has two places
    (None, 1, "—"),
])
def test_percent(value: D | None, places: int, expected: str) -> None:
    assert formatting.percent(value, places) == expected


def test_percent_without_sign_and_scores() -> None:
    assert formatting.percent(D("66.65"), sign="") == "66.7"
    assert formatting.score(D("85.125")) == "85.13"
    assert formatting.score(D("85")) == "85.00"
    assert formatting.score(D("72.45"), 1) == "72.5"
    assert formatting.score(None) == "—"


def test_machine_figures_are_rounded_like_the_text() -> None:
    assert formatting.plain(D("1234.125")) == "1234.13"
    assert formatting.plain(D("12.25"), formatting.PERCENT_PLACES) == "12.3"
    assert formatting.plain(None) is None


def test_not_a_number_stays_readable() -> None:
    assert formatting.amount(D("NaN")) == "NaN"
    assert formatting.rounded(D("Infinity")) == D("Infinity")


def test_one_date_style_per_context() -> None:
    day = date(2024, 3, 5)
    assert formatting.screen_date(day) == "2024-03-05"
    assert formatting.document_date(day) == "2024年3月5日"
    assert formatting.iso_date(day) == "2024-03-05"
    moment = datetime(2024, 3, 5, 6, 30, 15, tzinfo=timezone(timedelta(hours=8)))
    assert formatting.screen_time(moment.replace(tzinfo=None)) == "2024-03-05 06:30"
    assert formatting.document_time(moment.replace(tzinfo=None)) == "2024年3月5日 06:30"
    assert formatting.iso_time(moment) == "2024-03-05T06:30:15+08:00"
    local = moment.astimezone(UTC)  # an aware moment is shown in local time, whatever zone it carries
    assert formatting.screen_time(local) == f"{moment.astimezone():%Y-%m-%d %H:%M}"
