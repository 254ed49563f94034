"""The fiscal health index report on the demo county: the PDF's parts in order, every township ranked with its
index and level, the raw values, the trend charts, the method (weights and bands) on a page of its own, pages
with ink; a township without figures is listed as such; the workbook read back (ranks, indexes, tinted levels,
figures to the 分, the county average) and opened by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core.common.printing.workbook import LIGHT_TONES
from core.common.runner import call
from core.demo import generate as demo
from core.fiscal import index as fhi
from core.org import admin
from core.org.dto import UnitInput
from core.org.rules.roles import Actor
from db.database import Database
from tests.reports.test_review_letter import assert_pages_have_ink
from tests.services.exchange_helpers import libreoffice

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                reason="poppler-utils (pdftotext, pdftoppm) are needed")
YEAR = 2024
PARTS = ("一、总体情况", "二、健康指数排名", "三、各指标原始值", "四、指数变化趋势", "五、计算方法")


def page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text without whitespace: in layout mode a table row reads across; without it each cell's
    wrapped text stays together."""
    mode = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *mode, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", page) for page in out.split("\f") if page.strip()]


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> tuple[Database, Actor]:
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    call(db, admin.save_unit, admin_actor, UnitInput("T13", "新设街道", "township"))
    return db, admin_actor


def test_pdf_ranks_every_township_and_shows_the_method(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    ranking = call(db, fhi.ranking, actor, YEAR)
    pdf = call(db, fhi.fiscal_health_pdf, actor, YEAR, tmp_path / "健康指数.pdf")
    pages = page_texts(pdf)
    text = "".join(pages)
    positions = [text.find(part) for part in PARTS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    assert "2024年度镇街财政运行健康指数评价报告" in text
    assert "本次纳入评价的镇街13个，其中12个有2024年度财政数据并计算了健康指数" in text
    assert f"全县平均健康指数{ranking.average}分" in text
    for r in ranking.ranked:  # rank, name, index, level and the first component score on one table line
        first = r.result.components[0].score if r.result else None
        assert f"{r.rank}{r.unit_name}{r.index}{r.level}{first}" in text, r.unit_name
    assert "新设街道—未录入" in text and "新设街道：未录入本年度财政数据。" in text
    assert "河西街道（预警，46.00分）：得分较低的指标为债务率138.64%（10分）" in text
    method = next(p for p in page_texts(pdf, layout=False) if "五、计算方法" in p)  # the whole method on one page
    for c in ranking.method.components:
        assert c.label in method and c.direction_label in method
        assert all(f"{b.text}：{b.score}分".replace(" ", "") in method for b in c.bands), c.label
    assert "合计100" in method and "健康：≥85；基本健康：70≤指数<85；关注：60≤指数<70；预警：0≤指数<60" in method
    trend = next(p for p in pages if "四、指数变化趋势" in p)
    assert "全县平均健康指数（分）" in trend
    assert any("河西街道46.0预警" in p for p in pages)  # a township's small chart with its last index and level
    assert assert_pages_have_ink(pdf, tmp_path) == len(pages) >= 4


def test_workbook_reads_back(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    ranking = call(db, fhi.ranking, actor, YEAR)
    path = call(db, fhi.fiscal_health_workbook, actor, YEAR, tmp_path / "健康指数.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["健康指数排名", "财政数据", "指数历年变化", "计算方法"]
    ws = wb["健康指数排名"]
    header = [c.value for c in ws[3]]
    assert header[:5] == ["排名", "单位编码", "镇街", "健康指数", "等级"] and header[-1] == "说明"
    body = [[c for c in row] for row in ws.iter_rows(min_row=4, max_row=3 + len(ranking.rows))]
    assert [(r[0].value, r[1].value, r[4].value) for r in body] == [
        (r.rank, r.unit_code, r.level or "未录入") for r in ranking.rows]
    assert [Decimal(str(r[3].value)) if r[3].value is not None else None for r in body] == [
        r.index for r in ranking.rows]
    warning = next(r for r in body if r[1].value == "T02")
    assert warning[4].fill.fgColor.rgb.endswith(LIGHT_TONES["red"].fill)
    assert Decimal(str(warning[5].value)) == Decimal("-6.17") and warning[6].value == 40
    figures = wb["财政数据"]
    rows = list(figures.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 12 * 5
    t02 = next(r for r in rows if r[0] == "T02" and r[2] == "2024")
    assert [Decimal(str(v)) for v in t02[3:]] == [Decimal(x) for x in (
        "7161.12", "3522.98", "14165.89", "14740.17", "5607.92", "5136.22", "20435.30", "15739.98", "11409.02",
        "3303.38")]
    history = list(wb["指数历年变化"].iter_rows(min_row=3, values_only=True))
    assert history[0] == ("单位编码", "镇街", "2020年", "2021年", "2022年", "2023年", "2024年")
    assert history[-1][1] == "全县平均" and Decimal(str(history[-1][-1])) == ranking.average
    method = [r for r in wb["计算方法"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [r[0] for r in method[:7]] == [c.label for c in ranking.method.components]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    source = call(db, fhi.fiscal_health_workbook, actor, YEAR, tmp_path / "health.xlsx")
    wb = openpyxl.load_workbook(libreoffice(source, tmp_path))
    assert wb.sheetnames == ["健康指数排名", "财政数据", "指数历年变化", "计算方法"]
    assert wb["健康指数排名"]["C4"].value == call(db, fhi.ranking, actor, YEAR).rows[0].unit_name
