"""The package workbook with real files: write → read is lossless for generated rows (hypothesis), the manifest
and the content hash survive, a LibreOffice re-save keeps rows and hash (and shows an edited cell), and what
other programs write (text cells, numbers stored as text, full-width digits, merged cells) is read; missing
sheets and headers are located problems."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exchange import workbook as ew
from core.exchange.rules import spec as es
from core.exchange.rules.manifest import Manifest, sign, signature_ok

NAME = es.ColumnSpec("name", "三级指标", "text", True, width=30)
AMOUNT = es.ColumnSpec("amount", "资金总额（万元）", "money")
COUNT = es.ColumnSpec("count", "数量", "int")
START = es.ColumnSpec("start", "开始时间", "date")
LIKELY = es.ColumnSpec("likelihood", "完成可能性", "choice", choices=("确定能", "有可能", "完全不可能"))
VALUE = es.ColumnSpec("value", "指标值", "notation")
INDICATORS = es.SheetSpec("indicators", "绩效指标", (NAME, VALUE, AMOUNT, COUNT, START, LIKELY), "每行一个指标")
NOTES = es.SheetSpec("notes", "说明事项", (es.ColumnSpec("text", "内容", "text"),))
SPECS = (INDICATORS, NOTES)
KEY = b"unit-key"
NOTATIONS = ("≥50个", "≤90万元", "=100%", "定性: 明显改善", "<15天", ">0.5公里")
SOFFICE = shutil.which("soffice")

# Printable text as clerks type it, formula starters included; no leading/trailing spaces (the reader trims).
_ALPHABET = st.sampled_from("预算绩效管理项目甲乙丙，。、“”（）%abcXYZ019 =+-@_:/'\"")
texts = st.text(_ALPHABET, min_size=1, max_size=20).map(str.strip).filter(bool)
money = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6, allow_nan=False,
                    allow_infinity=False)


def _indicator(i: int) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "row_id": st.just(f"U1-{i:04d}"), "version": st.integers(1, 50), "deleted": st.booleans(),
        "name": texts | st.sampled_from(["=SUM(A1:A9)", "+86 123", "-5", "@cmd", "=HYPERLINK(\"x\")"]),
        "value": st.sampled_from(NOTATIONS).map(lambda t: es.read_cell(VALUE, t)) | st.none(),
        "amount": money | st.none(), "count": st.integers(-10**9, 10**9) | st.none(),
        "start": st.dates(date(1990, 1, 1), date(2100, 12, 31)) | st.none(),
        "likelihood": st.sampled_from(LIKELY.choices) | st.none(),
    })


indicator_rows = st.integers(0, 6).flatmap(lambda n: st.tuples(*(_indicator(i) for i in range(n))).map(list))


def manifest_for(sheets: Sequence[tuple[es.SheetSpec, Sequence[Mapping[str, Any]]]]) -> Manifest:
    return sign(ew.stamp(Manifest("PKG-1", "goals", "U1", "BUREAU", 2024, 3), sheets), KEY)


def package(path: Path, rows: list[dict[str, Any]]) -> tuple[Path, Manifest]:
    sheets = [(INDICATORS, rows), (NOTES, [{"row_id": "N1", "version": 1, "text": "=危险"}])]
    manifest = manifest_for(sheets)
    return ew.write_package(path, sheets, manifest, ["请勿修改灰色表头。", "=不是公式"]), manifest


def expected(row: Mapping[str, Any]) -> dict[str, Any]:
    return {c.key: row.get(c.key) for c in INDICATORS.all_columns}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(indicator_rows)
def test_round_trip_is_lossless_and_keeps_manifest_and_hash(rows: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, manifest = package(Path(folder) / "交换包.xlsx", rows)
        result = ew.read_package(path, SPECS)
    assert result.problems == []
    assert result.rows("indicators") == [expected(r) for r in rows]
    assert result.rows("notes")[0]["text"] == "=危险"
    assert result.manifest == manifest and signature_ok(result.manifest, KEY)
    assert result.content_hash == manifest.content_hash and result.row_counts == manifest.row_counts


def test_the_workbook_is_laid_out_for_people(tmp_path: Path) -> None:
    path, _ = package(tmp_path / "交换包.xlsx", [{"row_id": "U1-1", "version": 1, "name": "=1+1", "start": date(2024, 1, 2)}])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["说明", "绩效指标", "说明事项"]
    assert wb["清单"].sheet_state in ("hidden", "veryHidden")
    ws = wb["绩效指标"]
    assert ws.freeze_panes == "A2" and ws.protection.sheet and not ws.protection.insertRows
    assert ws["A1"].font.b and ws["A1"].protection.locked and not ws["D2"].protection.locked
    assert ws["D2"].value == "=1+1" and ws["D2"].data_type == "s" and ws["D2"].quotePrefix
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists["C2:C100000"] == '"是,否"' and lists["I2:I100000"] == '"确定能,有可能,完全不可能"'
    assert ws.column_dimensions["D"].width == 30


def _libreoffice(source: Path, folder: Path) -> Path:
    out = folder / "resaved"
    profile = folder / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    return out / source.name


ROWS = [
    {"row_id": "U1-1", "version": 2, "deleted": False, "name": "=SUM(A1)", "value": es.read_cell(VALUE, "≥50个"),
     "amount": Decimal("123456.123456"), "count": 7, "start": date(2024, 3, 31), "likelihood": "有可能"},
    {"row_id": "U1-2", "version": 1, "deleted": True, "name": "培训人次", "value": es.read_cell(VALUE, "≤90万元"),
     "amount": Decimal("-0.000001"), "count": None, "start": None, "likelihood": None},
]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_libreoffice_resave_reads_back_the_same(tmp_path: Path) -> None:
    path, manifest = package(tmp_path / "交换包.xlsx", ROWS)
    result = ew.read_package(_libreoffice(path, tmp_path), SPECS)
    assert result.problems == []
    assert result.rows("indicators") == [expected(r) for r in ROWS]
    assert result.manifest == manifest and result.content_hash == manifest.content_hash


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_an_edit_survives_a_libreoffice_resave(tmp_path: Path) -> None:
    path, manifest = package(tmp_path / "交换包.xlsx", ROWS)
    wb = openpyxl.load_workbook(path)
    wb["绩效指标"]["F2"] = 99.5  # the amount of the first row
    wb["绩效指标"]["D3"] = "改过的名称 "  # a plain edit; "=..." set here would be a formula
    wb.save(path)
    result = ew.read_package(_libreoffice(path, tmp_path), SPECS)
    assert result.problems == []
    first, second = result.rows("indicators")
    assert first["amount"] == Decimal("99.5") and second["name"] == "改过的名称"
    assert result.manifest == manifest and result.content_hash != manifest.content_hash


def test_what_other_programs_write_is_read(tmp_path: Path) -> None:
    """A hand-made file: everything typed as text, full-width digits, a merged cell, trailing empty rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append([c.header + " " for c in INDICATORS.all_columns])  # trailing spaces in headers too
    ws.append(["", "", "", "群众满意度 ", "＞＝９０％", "１２．５", "３", "2024年3月1日", " 有可能"])
    ws.append([None, "1", "是", "合并", "≥1个", "1,234.500000", 5.0, "2024/12/31", "确定能"])
    ws.append([None, None, None, "第三行", "等于1", None, None, None, "有可能"])  # a copy left under a merge
    ws.merge_cells("I3:I4")
    for _ in range(3):
        ws.append([None, "", "  "])
    wb.create_sheet("说明事项").append(["行标识", "版本", "删除", "内容"])
    wb.save(tmp_path / "手填.xlsx")
    result = ew.read_package(tmp_path / "手填.xlsx", SPECS)
    assert result.manifest is None and result.problems == []
    rows = result.rows("indicators")
    assert result.sheets["indicators"].lines == [2, 3, 4]
    assert rows[0] == {"row_id": None, "version": None, "deleted": False, "name": "群众满意度",
                       "value": es.read_cell(VALUE, ">=90%"), "amount": Decimal("12.5"), "count": 3,
                       "start": date(2024, 3, 1), "likelihood": "有可能"}
    assert (rows[1]["deleted"], rows[1]["version"], rows[1]["amount"], rows[1]["count"]) == (True, 1, Decimal("1234.5"), 5)
    assert rows[1]["likelihood"] == "确定能" and rows[2]["likelihood"] is None  # the top-left value only
    assert rows[2]["value"] == es.read_cell(VALUE, "=1")
    assert result.rows("notes") == []


def test_missing_sheets_headers_and_bad_cells_are_located(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append([c.header for c in INDICATORS.all_columns if c is not COUNT])
    wb.save(tmp_path / "缺列.xlsx")
    result = ew.read_package(tmp_path / "缺列.xlsx", SPECS)
    assert [(p.sheet, p.row) for p in result.problems] == [("绩效指标", 1), ("说明事项", None)]
    assert "缺少列：数量" in result.problems[0].message and "缺少工作表" in result.problems[1].message

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append([c.header for c in INDICATORS.all_columns])
    ws.append(["U1-1", 1, "否", "", "≥50个", "很多", 1, "2024-01-01", "也许"])
    wb.save(tmp_path / "错值.xlsx")
    problems = ew.read_package(tmp_path / "错值.xlsx", (INDICATORS,)).problems
    assert [(p.row, p.column, p.header) for p in problems] == [(2, "D", "三级指标"), (2, "F", "资金总额（万元）"),
                                                                (2, "I", "完成可能性")]
    assert str(problems[1]).startswith("工作表“绩效指标”第 2 行 F 列（资金总额（万元））：")


def _with_merges(path: Path, refs: list[str]) -> Path:
    """The workbook with merged ranges written into its first sheet's XML, as other programs may write them
    (openpyxl itself cannot merge a whole column)."""
    out = path.with_name("merged-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{cells}'
                                    "</mergeCells>".encode())
            dst.writestr(item, data)
    return out


def test_whole_column_and_whole_row_merges_are_read(tmp_path: Path) -> None:
    """A merged whole column or row has no bounds (range_boundaries gives None): reading keeps the top-left value
    and clears the copies instead of failing."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效指标"
    ws.append([c.header for c in INDICATORS.all_columns])
    ws.append([None, None, None, "第一行", "≥1个", "1", 1, None, "有可能"])
    ws.append([None, None, None, "第二行", "≥2个", "2", 2, None, "确定能"])
    wb.create_sheet("说明事项").append(["行标识", "版本", "删除", "内容"])
    wb.save(tmp_path / "整列.xlsx")
    result = ew.read_package(_with_merges(tmp_path / "整列.xlsx", ["I:I"]), SPECS)
    assert result.problems == []
    # "I:I" starts at the header cell I1: the data cells below it are copies and read as empty
    assert [(r["name"], r["likelihood"]) for r in result.rows("indicators")] == [("第一行", None), ("第二行", None)]
    result = ew.read_package(_with_merges(tmp_path / "整列.xlsx", ["3:3"]), SPECS)
    # row 3 merged whole: only its (empty) A3 keeps a value, so the row is blank and not read
    assert result.problems == []
    assert [(r["name"], r["likelihood"]) for r in result.rows("indicators")] == [("第一行", "有可能")]
