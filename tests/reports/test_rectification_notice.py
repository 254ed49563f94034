"""The 两书一函 PDFs and the 整改台账 exports, built from the demo county's register: pdftotext shows the 文号, the
unit, the title and every item named; each notice of a batch starts a page of its own with its own head; the
pages render with ink; user text with markup characters prints literally; the workbook reads back (openpyxl and
LibreOffice) with overdue items coloured."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2
import pytest
from openpyxl import load_workbook

from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import Actor
from core.results import rectification as register
from core.results import rectification_notices, rectification_reports
from core.results.dto import ItemInput, LaggingUnit
from core.results.register_report import TONES, build_register_pdf, build_register_workbook
from db.database import Database
from tests.reports.test_review_letter import assert_pages_have_ink, flat, flat_text

pytestmark = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
                                reason="poppler-utils' pdftotext and pdftoppm are needed")
YEAR = 2024
ISSUED = date(YEAR, 12, 1)
TRICKY = "补齐<b>佐证</b>材料 & 报送《整改报告》"


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Actor:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return admin_actor


def _lagging(db: Database, actor: Actor) -> list[LaggingUnit]:
    return call(db, rectification_notices.lagging_units, actor, YEAR, ISSUED)


def test_each_kind_prints_number_unit_title_and_items(db: Database, county: Actor, tmp_path: Path) -> None:
    unit = _lagging(db, county)[0]
    call(db, register.add_item, county, ItemInput(YEAR, unit.unit_id, TRICKY, date(YEAR, 9, 1)))
    for kind, issued_on in (("reminder", ISSUED), ("notice", date(YEAR, 12, 20)), ("interview", date(YEAR, 12, 31))):
        target = tmp_path / f"{kind}.pdf"
        docs = call(db, rectification_reports.issue_and_print, county, YEAR, kind, [unit.unit_id], issued_on, target)
        doc = docs[0]
        text = flat_text(target, layout=False)
        assert flat(doc.number) in text and flat(doc.number).startswith({"reminder": "县财绩提", "notice": "县财绩通",
                                                                         "interview": "县财绩约"}[kind])
        assert "县财政局" in text and f"{unit.unit_name}：" in text and flat(doc.title) in text
        assert doc.title.replace("\n", "").endswith(doc.kind_label) and flat(doc.body) in text
        assert TRICKY.replace(" ", "") in text  # escaped: the tags print as written
        for item in doc.items:
            assert flat(item.requirement)[:12] in text and f"{item.deadline.year}年{item.deadline.month}月" in text
        assert f"整改事项清单（共{len(doc.items)}项）" in text and len(doc.items) == unit.record.open + 1
        assert f"{issued_on.year}年{issued_on.month}月{issued_on.day}日" in text  # the date under the seal
        assert assert_pages_have_ink(target, tmp_path) >= 1


def test_a_batch_starts_each_notice_on_a_new_page(db: Database, county: Actor, tmp_path: Path) -> None:
    target = tmp_path / "batch.pdf"
    docs = call(db, rectification_reports.issue_and_print, county, YEAR, "reminder", None, date(YEAR, 12, 31), target)
    assert len(docs) >= 3
    pdf = pypdfium2.PdfDocument(target)
    firsts = []
    for i in range(len(pdf)):
        page = re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range())
        firsts += [d.number for d in docs if page.startswith("县财政局" + flat(d.number))]
    assert firsts == [d.number for d in docs]  # each notice's head opens a page, in order
    assert len(pdf) >= len(docs)
    pdf.close()
    again = tmp_path / "again.pdf"
    rows = call(db, rectification_notices.list_notices, county, YEAR)
    call(db, rectification_reports.reprint_pdf, county, [r.id for r in rows if r.number == docs[0].number], again)
    assert flat(docs[0].number) in flat_text(again) and flat(docs[0].unit_name) in flat_text(again)


def test_register_pdf_and_workbook(db: Database, county: Actor, tmp_path: Path) -> None:
    as_of = date(YEAR, 12, 31)
    rows = call(db, register.list_items, county, YEAR, as_of)
    pdf = build_register_pdf(rows, YEAR, "县财政局", as_of, tmp_path / "register.pdf")
    text = flat_text(pdf, layout=False)
    overdue = sum(1 for r in rows if r.overdue)
    failed = sum(1 for r in rows if r.overdue and r.status == "failed")
    assert "2024年度预算绩效整改台账" in text and f"共{len(rows)}项" in text
    assert f"超过整改期限仍未完成{overdue}项（含整改不合格{failed}项）" in text
    assert all(r.unit_name[:5] in text for r in rows)  # a name wraps inside its 22 mm cell after 6 characters
    assert_pages_have_ink(pdf, tmp_path)
    book = build_register_workbook(rows, YEAR, "县财政局", as_of, tmp_path / "register.xlsx")
    ws = load_workbook(book)["整改台账"]
    assert ws["A1"].value == "2024年度预算绩效整改台账" and ws["G3"].value == "整改要求"
    data = [r for r in ws.iter_rows(min_row=4, max_row=3 + len(rows), values_only=True)]
    assert [d[2] for d in data] == [r.unit_name for r in rows] and [d[6] for d in data] == [r.requirement for r in rows]
    first_overdue = 4 + next(i for i, r in enumerate(rows) if r.overdue)
    assert ws[f"J{first_overdue}"].fill.fgColor.rgb.endswith(TONES["overdue"].fill)
    assert ws[f"K{first_overdue}"].value == "是" and ws[f"I{first_overdue}"].value.date() < as_of


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_another_spreadsheet_program_reads_the_register(db: Database, county: Actor, tmp_path: Path) -> None:
    rows = call(db, register.list_items, county, YEAR, date(YEAR, 12, 31))
    source = call(db, rectification_reports.register_workbook, county, YEAR, rows, date(YEAR, 12, 31),
                  tmp_path / "register.xlsx")
    out = tmp_path / "converted"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    csv = (out / "register.csv").read_text(encoding="utf-8")  # filter option 76: UTF-8
    assert "整改台账" in csv and all(r.unit_name in csv for r in rows)
