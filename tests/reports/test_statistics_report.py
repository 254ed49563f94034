"""The 年度预算绩效管理工作统计 PDF and workbook on the statistics county: the PDF's text shows the figures of both
years and every page has ink; the workbook reads back as numbers, also after LibreOffice converted it."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.common.formatting import amount
from core.common.printing.workbook import sheet_number
from core.common.runner import call
from core.org.rules.roles import Actor, Role
from core.statistics.dto import FigureRow, StatisticsComparison
from core.statistics.yearly import figure_rows, statistics_pdf, statistics_workbook, year_statistics
from db.database import Database
from db.models import Project, Unit
from tests import statistics_county
from tests.statistics_county import ADMIN, AS_OF, PREVIOUS, YEAR

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                reason="poppler-utils (pdftotext, pdftoppm) are needed")


county, stats = statistics_county.county, statistics_county.stats  # its fixtures, registered in this module


def pdf_text(pdf: Path) -> str:
    """The text without whitespace: pdftotext spaces CJK text unpredictably."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(out.split())


def test_pdf_shows_the_figures_of_both_years_and_every_page_has_ink(county: Database, stats: StatisticsComparison,
                                                                    tmp_path: Path) -> None:
    pdf = call(county, statistics_pdf, ADMIN, YEAR, AS_OF, tmp_path / "统计.pdf")
    text = pdf_text(pdf)
    assert f"{YEAR}年度预算绩效管理工作统计" in text and f"与{PREVIOUS}年度对比" in text
    for heading in ("一、主要指标", "二、绩效目标审核", "三、绩效运行监控", "四、绩效评价", "五、事前绩效评估",
                    "六、评价结果应用", "七、问题整改"):
        assert heading in text
    m, x = stats.current.monitoring, stats.current.exante
    assert f"纳入监控资金（万元）{amount(m.monitored_funds)}{amount(stats.previous.monitoring.monitored_funds)}" \
           f"+{amount(m.monitored_funds - stats.previous.monitoring.monitored_funds)}" in text
    assert f"占全部项目资金{amount(m.funds)}万元的{m.funds_coverage}%" in text
    assert f"核减{amount(x.cut)}万元" in text
    assert f"整改完成率{stats.current.rectification.completion_rate}%" in text
    # chart titles and the legend's year names are drawn text too
    for chart in ("项目资金与监控资金（万元）", "绩效评价数量（个）", "评价等级分布（个）", "事前评估金额（万元）",
                  "整改事项（项）", "绩效目标审核结论分布（张）"):
        assert chart in text
    assert text.count(f"{PREVIOUS}年") > 10
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.pgm"))
    assert len(images) >= 4
    for image in images:
        pixels = image.read_bytes().split(b"\n", 3)[3]  # P5, size, max value, then one byte per pixel
        assert sum(1 for p in pixels if p < 128) > 200, image.name


def test_a_clerks_pdf_names_its_unit(county: Database, stats: StatisticsComparison, tmp_path: Path) -> None:
    with county.unit_of_work() as uow:
        unit = uow.session.execute(select(Unit.id, Unit.name).join(Project, Project.unit_id == Unit.id)
                                   .where(Project.year == YEAR).order_by(Unit.id).limit(1)).one()
    clerk = Actor("clerk", "填报员", Role.CLERK, unit.id, unit.name)
    mine = call(county, year_statistics, clerk, YEAR, AS_OF)
    text = pdf_text(call(county, statistics_pdf, clerk, YEAR, AS_OF, tmp_path / "clerk.pdf"))
    assert f"{YEAR}年度预算绩效管理工作统计（{unit.name}）" in text
    assert f"占全部项目资金{amount(mine.current.monitoring.funds)}万元" in text
    assert mine.current.monitoring.funds < stats.current.monitoring.funds


def _sheet_rows(path: Path) -> list[tuple[object, ...]]:
    ws = load_workbook(path, data_only=True).worksheets[0]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=4)]


def _number(value: object) -> Decimal:
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(str(value))


def _check(rows: list[tuple[object, ...]], expected: list[FigureRow]) -> None:
    assert [(r[0], r[1]) for r in rows] == [(f.section, f.label) for f in expected]
    for row, figure in zip(rows, expected, strict=True):
        for cell, value in zip(row[2:], (figure.current, figure.previous, figure.change), strict=True):
            if value is None:
                assert cell is None
            else:
                # cells hold the figures rounded half up to the places their number format shows
                assert _number(cell) == sheet_number(Decimal(value), figure.kind), figure.label


def test_workbook_reads_back_as_numbers(county: Database, stats: StatisticsComparison, tmp_path: Path) -> None:
    path = call(county, statistics_workbook, ADMIN, YEAR, AS_OF, tmp_path / "统计.xlsx")
    ws = load_workbook(path).worksheets[0]
    assert ws.title == f"{YEAR}年度统计"
    assert [c.value for c in ws[3]] == ["类别", "指标", f"{YEAR}年", f"{PREVIOUS}年", "增减"]
    funds_row = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "纳入监控资金（万元）")
    assert funds_row[2].number_format == "#,##0.00"
    _check(_sheet_rows(path), figure_rows(stats))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_workbook(county: Database, stats: StatisticsComparison, tmp_path: Path) -> None:
    source = call(county, statistics_workbook, ADMIN, YEAR, AS_OF, tmp_path / "statistics.xlsx")
    out = tmp_path / "converted"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    _check(_sheet_rows(out / "statistics.xlsx"), figure_rows(stats))
