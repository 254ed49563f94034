"""The year's work summary PDF: hand-built figures must come back out of the printed text, and printed
shares of one whole must add up to exactly 100."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest

from core.statistics.dto import YearFigures
from core.statistics.summary_report import build_year_summary, share, shares_of_whole

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is needed")

DEPARTMENTS = ["县教育局", "县卫生健康局", "县农业农村局", "县交通运输局", "县住房和城乡建设局", "县水利局"]


def layout_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def row_share(text: str, label: str) -> Decimal:
    """The last number on the table line that starts with `label` (the share column)."""
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(label))
    return Decimal(line.split()[-1])


@pytest.fixture
def figures() -> YearFigures:
    return YearFigures(
        year=2024,
        units_by_kind={"bureau": 1, "department": 38, "township": 12, "budget_unit": 156},
        projects=412,
        projects_new=97,
        projects_continuing=315,
        funds_total=Decimal("186543.21"),
        funds_by_type={"一般公共预算": Decimal("123456.78"), "政府性基金预算": Decimal("45678.90"),
                       "国有资本经营预算": Decimal("17407.53")},
        goal_tables_by_status={"草稿": 1, "已提交": 1, "退回修改": 1, "已通过": 0, "不予通过": 0},
        indicators=2876,
        spent_total=Decimal("150123.45"),
        execution_rate=Decimal("80.5"),
        top_departments=[(f"{DEPARTMENTS[i % 6]}{i + 1}", 40 - i % 30, Decimal(9000 - i * 50))
                         for i in range(60)],
        # Noon UTC is the same calendar day in every time zone the machine may run in.
        generated_at=datetime(2024, 12, 31, 12, 0, tzinfo=UTC),
    )


def test_numbers_come_back_out_of_the_pdf(figures: YearFigures, tmp_path: Path) -> None:
    pdf = build_year_summary(figures, tmp_path / "summary.pdf", org_name="某某县财政局")

    text = flat(layout_text(pdf))
    for expected in (
        "2024年度预算绩效管理工作情况汇总",
        "截至2024年12月31日，全县纳入预算绩效管理的部门38个、镇街12个、预算单位156个，项目412个",
        "新增项目97个、延续项目315个", "资金186,543.21万元", "设置绩效指标2876个",
        "已支出资金150,123.45万元，预算执行率80.5%",
        "一、单位与项目情况", "二、资金情况", "三、绩效目标表情况", "四、预算执行情况", "五、资金规模前列的部门",
        "123,456.78", "45,678.90", "17,407.53", "36,419.76",  # unspent = 186543.21 - 150123.45
        "县教育局1", "县水利局60", "9,000.00", "6,050.00",
        "某某县财政局", "2024年12月31日",
    ):
        assert expected in text, expected
    assert "财政局1个" not in text  # the bureau manages the work; it is not one of the managed units


def test_fund_and_goal_shares_add_up_to_100(figures: YearFigures, tmp_path: Path) -> None:
    text = layout_text(build_year_summary(figures, tmp_path / "summary.pdf"))

    funds = [row_share(text, label) for label in ("一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算")]
    assert funds == [Decimal("66.2"), Decimal("24.5"), Decimal("9.3"), Decimal("0.0")]
    assert sum(funds) == 100
    # Three tables of one each: rounding each on its own would print 33.3 three times (99.9).
    goals = [row_share(text, label) for label in ("草稿", "已提交", "退回修改", "已通过", "不予通过")]
    assert sum(goals) == 100
    assert sorted(goals, reverse=True)[:3] == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    assert row_share(text, "合计") == Decimal("100.0")


def test_top_departments_table_repeats_its_header(figures: YearFigures, tmp_path: Path) -> None:
    pdf = build_year_summary(figures, tmp_path / "summary.pdf")
    pages = len(pypdfium2.PdfDocument(pdf))
    assert pages >= 3
    with_rows = [p for p in range(1, pages + 1) if "县教育局" in flat(layout_text(pdf, p))]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert "序号部门项目数（个）资金（万元）" in flat(layout_text(pdf, page))
        assert f"第{page}页共{pages}页" in flat(layout_text(pdf, page))


def test_unclassified_funds_and_missing_rate(figures: YearFigures, tmp_path: Path) -> None:
    lean = dataclasses.replace(figures, funds_by_type={"一般公共预算": Decimal("100000.00")},
                               execution_rate=None, top_departments=[], goal_tables_by_status={})
    text = layout_text(build_year_summary(lean, tmp_path / "lean.pdf"))

    assert row_share(text, "未分类") == Decimal("46.4")  # 86543.21 / 186543.21
    assert "86,543.21" in text
    assert "暂无可计算的预算执行率" in flat(text)
    assert "暂无部门资金数据" in flat(text)
    assert "本年度尚未编制绩效目标表" in flat(text)


@pytest.mark.parametrize(("parts", "expected"), [
    ([1, 1, 1], ["33.4", "33.3", "33.3"]),
    ([Decimal("2"), Decimal("1")], ["66.7", "33.3"]),
    ([1, 0], ["100.0", "0.0"]),
    ([1, 1, 1, 1, 1, 1, 1], ["14.3", "14.3", "14.3", "14.3", "14.3", "14.3", "14.2"]),
    ([0, 0], [None, None]),
])
def test_shares_of_whole_sum_to_exactly_100(parts: list[Decimal | int], expected: list[str | None]) -> None:
    result = shares_of_whole(parts)
    assert result == [None if e is None else Decimal(e) for e in expected]
    if parts and sum(parts):
        assert sum(r for r in result if r is not None) == 100


def test_share_rounds_half_up_and_handles_zero() -> None:
    assert share(1, 8) == Decimal("12.5")
    assert share(3, 2000) == Decimal("0.2")  # 0.15 half up
    assert share(5, 0) is None
