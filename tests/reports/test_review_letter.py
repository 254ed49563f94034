"""The 绩效目标审核意见书 PDFs: a project's letter and a department's combined letter, built by the report
services from a decided demo county, read back with pdftotext and rendered page by page with pdftoppm."""

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
from PIL import Image

from core.common.runner import call
from core.org import settings
from core.org.rules.roles import Actor
from core.review import letter_pdfs as reports
from core.review import letters as review_letters
from core.review.dto import DepartmentLetters, OutcomeCount, ReviewLetter
from core.review.letter_report import build_department_letter
from db.database import Database
from tests.review_county import REVIEWER, TRICKY_OPINION, YEAR, County, build_county

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                reason="poppler-utils' pdftotext and pdftoppm are needed")
ORG = "某某县财政局"


def flat_text(pdf: Path, layout: bool = True) -> str:
    """The text without whitespace; reading order (layout False) keeps a wrapped table cell's text together."""
    mode = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *mode, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_pages_have_ink(pdf: Path, tmp_path: Path) -> int:
    """Render every page at 60 dpi; each must carry text (not a blank page from a bad break). Returns pages."""
    pages = len(pypdfium2.PdfDocument(pdf))
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=60)
    images = sorted(tmp_path.glob(f"{pdf.stem}-*.png"))
    assert len(images) == pages
    for image in images:
        grey = Image.open(image).convert("L")
        assert abs(grey.width - 496) <= 1 and abs(grey.height - 702) <= 1  # A4 portrait at 60 dpi
        body = grey.crop((0, 0, grey.width, int(grey.height * 0.9)))  # above the page footer
        dark = sum(body.histogram()[:128])
        assert dark > body.width * body.height * 0.004, f"{image.name} is (nearly) blank"
    return pages


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    found = build_county(db, admin_actor)
    call(db, settings.update_settings, admin_actor, {"org.name": ORG})
    return found


def test_project_letter_prints_the_decision(db: Database, county: County, tmp_path: Path) -> None:
    pid = next(iter(county.decided))  # 良, with an opinion that looks like markup
    letter = call(db, review_letters.project_letter, REVIEWER, pid)
    pdf = call(db, reports.review_letter_pdf, REVIEWER, pid, tmp_path / "letter.pdf")
    text = flat_text(pdf)
    for expected in (
        "绩效目标审核意见书", letter.doc_number, f"{letter.unit_name}：", letter.project_name, letter.project_code,
        "一、项目基本情况", "二、审核结论", "三、分项审核意见", "四、总体审核意见", "五、需修改的问题",
        "审核结论为“良”（修改后通过）", flat(letter.grade_meaning), "完整性", "相关性", "适当性", "可行性",
        "本方面未提出修改意见", flat(TRICKY_OPINION),  # user text printed literally, not as markup
        "审核员甲", "特此函告。", ORG, f"{letter.decided_at.astimezone():%Y}年",
    ):
        assert expected in text, expected
    cells = flat_text(pdf, layout=False)
    for expected in (*(flat(message) for _, message in letter.accepted_findings),
                     *(flat(opinion) for _, opinion in letter.dimension_opinions if opinion)):
        assert expected in cells, expected
    assert assert_pages_have_ink(pdf, tmp_path) <= 3


def test_excellent_letter_has_no_problem_list(db: Database, county: County, tmp_path: Path) -> None:
    pid = next(p for p, g in county.decided.items() if g == "excellent")
    text = flat_text(call(db, reports.review_letter_pdf, REVIEWER, pid, tmp_path / "excellent.pdf"))
    assert "审核结论为“优”（审核通过）" in text and "无其他意见" in text
    assert "需修改的问题" not in text and "组织项目实施" in text


def test_department_letter_lists_every_project(db: Database, county: County, tmp_path: Path) -> None:
    dept = call(db, review_letters.department_letters, REVIEWER, YEAR, county.department_id)
    pdf = call(db, reports.department_review_letters_pdf, REVIEWER, YEAR, county.department_id,
               tmp_path / "department.pdf")
    text = flat_text(pdf)
    assert f"（{county.department_name}{YEAR}年度）" in text and dept.doc_number in text
    assert f"本次共对{len(county.decided)}个项目作出审核结论" in text
    assert "一、审核结果汇总" in text and "二、项目审核结论一览" in text and "三、各项目审核意见" in text
    assert f"合计{len(county.decided)}" in text and "下属服务中心" in text
    assert len(dept.letters) <= 9
    for numeral, letter in zip("一二三四五六七八九", dept.letters, strict=False):
        assert f"（{numeral}）{flat(letter.project_name)}" in text and letter.project_code in text
        assert f"{letter.grade_label}（{letter.outcome_label}，第{letter.version}版）" in text
    assert ORG in text and "特此函告。" in text
    assert assert_pages_have_ink(pdf, tmp_path) >= 2


def _letter(n: int, grade: str) -> ReviewLetter:
    labels = {"excellent": ("优", "审核通过"), "fair": ("中", "退回修改")}[grade]
    long = "指标值设置偏低，<script>alert(1)</script> & 请对照上年实际完成值重新测算。" * (1 + n % 4)
    return ReviewLetter(
        n, f"2024-T01-{n:04d}", f"2024年第{n}个测试项目（名称较长，需要在表格中换行显示）", "城关镇", "城关镇", 2024,
        Decimal("123.456789") * n, Decimal("100.00") * n, "新增", 1, grade, *labels, "含义。",
        (("完整性", long if grade == "fair" else ""), ("相关性", ""), ("适当性", ""), ("可行性", "")),
        long if grade == "fair" else "", (("完整性", long),) * (n % 3) if grade == "fair" else (), "审核员甲",
        datetime(2024, 3, 1 + n % 28, 2, 0, tzinfo=UTC), f"财绩审〔2024〕{n}号")


def test_long_department_letter_prints_every_section(tmp_path: Path) -> None:
    letters = tuple(_letter(n, "fair" if n % 2 else "excellent") for n in range(1, 26))
    outcomes = tuple(OutcomeCount(g, o, sum(1 for x in letters if x.grade_label == g), Decimal(0), Decimal(0))
                     for g, o in (("优", "审核通过"), ("良", "修改后通过"), ("中", "退回修改"), ("差", "不予通过")))
    dto = DepartmentLetters(9, "城关镇", 2024, letters, outcomes, sum((x.total_amount for x in letters), Decimal(0)),
                            sum((x.fiscal_amount for x in letters), Decimal(0)), "财绩审汇〔2024〕3号")
    pdf = build_department_letter(dto, tmp_path / "long.pdf", org_name=ORG)
    text = flat_text(pdf)
    assert "（二十五）2024年第25个测试项目" in text and "<script>alert(1)</script>&" in text
    assert "资金总额40,123.46万元，其中财政拨款32,500.00万元" in text  # Σ 123.456789 × n, n = 1…25
    pages = assert_pages_have_ink(pdf, tmp_path)
    assert 5 <= pages <= 25
    last = dataclasses.replace(dto, letters=letters[:1], outcomes=outcomes)
    assert "2024年3月2日" in flat_text(build_department_letter(last, tmp_path / "one.pdf"))
