"""预算安排建议表 as the budget division gets it: the workbook read back (numbers in 元 as numbers, 合计 rows that
add up, the planted department's lines to the 元) and opened by LibreOffice; the A4 landscape PDF's text
(title, repeated headers, page numbers, the planted lines) and its page size."""

from __future__ import annotations

import csv
import shutil
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from core.common.runner import call
from core.org.rules.roles import Role
from core.results import application as results
from core.results.dto import SuggestionTable
from core.results.suggestion_report import build_suggestion_pdf, build_suggestion_workbook
from tests import results_county as county
from tests.conftest import actor_of

SOFFICE = shutil.which("soffice")
POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdfinfo"))


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> SuggestionTable:
    folder = tmp_path_factory.mktemp("suggestion-report")
    county.build(folder / "county.sqlite")
    for database in county.copy_of(folder / "county.sqlite", folder / "copy.sqlite"):
        unit = county.unit_id(database)
        p5 = next(p for p in call(database, results.suggestions, actor_of(Role.ADMIN), county.YEAR).projects
                  if p.code == "2024-D900-0005")
        call(database, results.set_override, actor_of(Role.ADMIN), county.YEAR, unit, p5.project_id, D("12.5"),
             "续建需要，按合同额安排")
        return call(database, results.suggestions, actor_of(Role.ADMIN), county.YEAR, county.AS_OF)
    raise AssertionError("no database")


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()


def _d(value: object) -> D:
    return D(str(value)).quantize(D("0.01"))


def test_workbook_reads_back_in_yuan(table: SuggestionTable, tmp_path: Path) -> None:
    path = build_suggestion_workbook(table, tmp_path / "预算安排建议表.xlsx")
    assert openpyxl.load_workbook(path, read_only=True).sheetnames == ["项目建议", "部门汇总", "说明"]
    rows = _rows(path, "项目建议")
    assert rows[0][0] == "2025年度预算安排建议表（项目）"
    assert rows[2] == ("单位", "项目编码", "项目名称", "本年金额（元）", "适用结果", "建议金额（元）", "增减（元）", "规则",
                       "调整说明")
    body, totals = rows[3:-1], rows[-1]
    assert len(body) == len(table.projects)
    lines = {r[1]: r for r in body}
    p1 = lines["2024-D900-0001"]
    assert isinstance(p1[3], float | int) and isinstance(p1[5], float | int)
    # 120.345678 万元 = 1,203,456.78 元; suggested 1,022,938 元 (−15 %), change −180,518.78 元
    assert (_d(p1[3]), _d(p1[5]), _d(p1[6])) == (D("1203456.78"), D("1022938.00"), D("-180518.78"))
    assert p1[7] == "评价等级“中”按比例核减，核减 15%"
    p5 = lines["2024-D900-0005"]
    assert (_d(p5[3]), _d(p5[5])) == (D("100000.50"), D("125000.00"))
    assert str(p5[8]).startswith("人工调整（原建议 100,001.00 元）：续建需要")
    assert totals[0] == "合计"
    assert _d(totals[3]) == sum((_d(r[3]) for r in body), D(0)) == (table.totals.this_year * 10_000).quantize(D("0.01"))
    assert _d(totals[5]) == sum((_d(r[5]) for r in body), D(0))
    departments = _rows(path, "部门汇总")
    d900 = next(r for r in departments if r[0] == county.CODE)
    # 102.2938 + 250 + 12.5 = 364.7938 万元; × 0.95 = 346.5541 万元 (346.55411)
    assert (d900[2], _d(d900[4]), float(d900[5]), _d(d900[7])) == (5, D("3647938.00"), 76.1, D("3465541.00"))
    assert departments[-1][0] == "合计"
    assert _d(departments[-1][7]) == (table.totals.suggested * 10_000).quantize(D("0.01"))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(table: SuggestionTable, tmp_path: Path) -> None:
    path = build_suggestion_workbook(table, tmp_path / "建议表.xlsx")
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir", str(tmp_path / "csv"), str(path)], check=True, capture_output=True, timeout=180)
    with (tmp_path / "csv" / "建议表.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[2][:3] == ["单位", "项目编码", "项目名称"]
    line = next(r for r in rows if len(r) > 1 and r[1] == "2024-D900-0001")
    assert D(line[3].replace(",", "")) == D("1203456.78") and D(line[5].replace(",", "")) == D(1022938)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) are needed")
def test_pdf_is_landscape_with_repeated_headers(table: SuggestionTable, tmp_path: Path) -> None:
    pdf = build_suggestion_pdf(table, tmp_path / "建议表.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info  # landscape: wider than high
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    text = _pdf_text(pdf)
    flat = "".join(text.split())
    assert "2025年度预算安排建议表" in flat
    assert f"第1页共{pages}页" in flat and f"第{pages}页共{pages}页" in flat
    assert flat.count("项目编码") >= 2  # the project table's header on each of its pages
    assert "2024-D900-0001" in flat and "1,203,456.78" in flat and "1,022,938.00" in flat
    assert "评价等级“中”按比例核减" in flat  # the rule wraps inside its cell
    assert "县结果测试局" in flat and "3,465,541.00" in flat
    assert "人工调整" in flat and "125,000.00" in flat
