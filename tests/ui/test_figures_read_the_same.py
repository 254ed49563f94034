"""The same figure reads the same on screen, in the command line, in a PDF and in a workbook (issue 13): the
yearly statistics carry one figure row to all four, so a row with a given amount (or percentage) goes through
the statistics page's table model, the `stats` command's line, the statistics PDF read back with pdftotext
and the statistics workbook read back with openpyxl (its value rendered with its number format).

Any Decimal amount is tried, .xx5 cases first: half-even rounding (the screen's old f"{v:,.2f}") and half up
(the PDFs' 四舍五入) differ exactly there. The PDF and workbook part builds files, so it tries fewer examples."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication

from core.common.runner import call
from core.org import auth
from core.statistics.report import build_statistics_pdf, build_statistics_workbook
from core.statistics.yearly import FigureRow, StatisticsComparison, figure_rows, year_statistics
from db.database import open_database
from desktop.cli.main import figure_line
from desktop.pages.monitoring.columns import money
from desktop.pages.statistics.tab import FIGURE_COLUMNS
from desktop.widgets.table_model import RowTableModel
from tests.conftest import PASSWORD

YEAR = 2024
FUNDS, COVERAGE = "monitored_funds", "monitoring_coverage"  # a money and a percent row of the headline table
LABELS = {FUNDS: "纳入监控资金（万元）", COVERAGE: "监控资金覆盖率（%）"}

# Amounts in 万元 carry at most six places (one 分); ten million 万元 is far above any county's budget.
amounts = st.decimals(min_value=Decimal("-1e7"), max_value=Decimal("1e7"), places=6, allow_nan=False,
                      allow_infinity=False)
# Exactly half a cent: 1234.125, -0.005 — where the two roundings part.
half_cents = st.integers(min_value=-10**9, max_value=10**9).map(lambda n: Decimal(n) / 100 + Decimal("0.005"))
money_values = st.one_of(half_cents, amounts)
percents = st.one_of(st.integers(min_value=0, max_value=20_000).map(lambda n: Decimal(n) / 10 + Decimal("0.05")),
                     st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False))


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatisticsComparison]:
    """A real comparison of an empty county, whose figure rows the tests fill with their own figures."""
    database = open_database(tmp_path_factory.mktemp("figures") / "workbench.sqlite")
    admin = call(database, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    yield call(database, year_statistics, admin, YEAR, date(2025, 3, 31))
    database.close()


def _rows(comparison: StatisticsComparison, key: str, current: Decimal, previous: Decimal) -> list[FigureRow]:
    return [replace(r, current=current, previous=previous) if r.key == key else r for r in figure_rows(comparison)]


def screen_texts(row: FigureRow) -> list[str]:
    """本年, 上年 and 增减 as the statistics page's table shows them."""
    model = RowTableModel(FIGURE_COLUMNS)
    model.set_rows([row])
    return [model.data(model.index(0, column)) for column in (2, 3, 4)]


def rendered(value: object, number_format: str) -> str:
    """A numeric cell as a spreadsheet program shows it: "#,##0.00" or "0.0" (the formats the app writes)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    places = len(number_format.partition(".")[2])
    separator = "," if "," in number_format else ""
    return f"{Decimal(repr(value)):{separator}.{places}f}"


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is needed")


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)  # pdftotext spaces CJK text unpredictably


def half_up(value: Decimal) -> str:
    """The amount to the 分 (two places) by integer arithmetic, away from zero at the half: an oracle that does
    not use Decimal.quantize."""
    cents = int((abs(value) * 100 + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))
    sign = "-" if value < 0 and cents else ""
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


@settings(max_examples=300, deadline=None)
@given(current=money_values, previous=money_values)
@example(current=Decimal("1234.125"), previous=Decimal("0.005"))
@example(current=Decimal("-1234.125"), previous=Decimal("-0.005"))
def test_screen_and_cli_read_the_same(qapp: QApplication, comparison: StatisticsComparison, current: Decimal,
                                      previous: Decimal) -> None:
    row = next(r for r in _rows(comparison, FUNDS, current, previous) if r.key == FUNDS)
    shown = screen_texts(row)
    assert shown[:2] == [half_up(current), half_up(previous)]
    assert shown[0] == money(current)  # the monitoring grid's money columns
    assert figure_line(row) == f"  {row.section} · {row.label}：{shown[0]} / {shown[1]}"  # `perfbudget stats`


def check_pdf_and_workbook(comparison: StatisticsComparison, key: str, current: Decimal, previous: Decimal) -> None:
    rows = _rows(comparison, key, current, previous)
    shown = screen_texts(next(r for r in rows if r.key == key))
    with tempfile.TemporaryDirectory() as tmp:
        pdf = build_statistics_pdf(comparison, rows, [], Path(tmp) / "统计.pdf", "县财政局", date(2025, 3, 31))
        assert f"{LABELS[key]}{''.join(shown)}" in pdf_text(pdf)  # 本年, 上年 and 增减 of the headline table
        book = build_statistics_workbook(comparison, rows, Path(tmp) / "统计.xlsx", "县财政局")
        sheet = load_workbook(book).worksheets[0]
        cells = next(r for r in sheet.iter_rows(min_row=4) if r[1].value == LABELS[key])
        assert [rendered(c.value, c.number_format) for c in cells[2:4]] == shown[:2]


@needs_pdftotext
@pytest.mark.parametrize(("key", "current", "previous"), [
    (FUNDS, Decimal("1234.125"), Decimal("0.005")),  # issue 13: the screen showed 1,234.12, the PDF 1,234.13
    (FUNDS, Decimal("-1234.125"), Decimal("2469.375")),
    (COVERAGE, Decimal("66.65"), Decimal("12.25")),  # half-even would give 66.6 and 12.2
])
def test_pdf_and_workbook_read_as_the_screen(qapp: QApplication, comparison: StatisticsComparison, key: str,
                                             current: Decimal, previous: Decimal) -> None:
    check_pdf_and_workbook(comparison, key, current, previous)


@needs_pdftotext
@settings(max_examples=5, deadline=None)
@given(key=st.sampled_from([FUNDS, COVERAGE]), data=st.data())
def test_any_figure_reads_the_same_in_pdf_and_workbook(qapp: QApplication, comparison: StatisticsComparison,
                                                       key: str, data: st.DataObject) -> None:
    values = money_values if key == FUNDS else percents
    check_pdf_and_workbook(comparison, key, data.draw(values, "current"), data.draw(values, "previous"))
