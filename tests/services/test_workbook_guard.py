"""Hostile files are refused before openpyxl opens them, with a Chinese message naming the file, and quickly:
legacy and password-protected (OLE2) workbooks, macro workbooks, files that are not workbooks, zip and XML bombs;
a formula in a data cell is refused by the package reader, naming the cell."""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.common.errors import ValidationError
from core.common.workbook_guard import OLE_MAGIC, check_workbook_file, open_workbook
from core.exchange import workbook as ew
from core.exchange.rules import spec as es

SECONDS = 3.0  # every refusal must be this quick, whatever the file claims to hold


def plain_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["名称", "金额"])
    ws.append(["某项目", 12])
    wb.save(path)
    return path


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None],
            extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip member by member, letting `change` replace (or drop, with None) a member's bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def macro_member(d: Path) -> Path:
    return rewrite(plain_workbook(d / "源.xlsx"), d / "宏.xlsx", lambda _n, b: b, {"xl/vbaProject.bin": b"\x00" * 64})


def macro_content_type(d: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
        return data
    return rewrite(plain_workbook(d / "源.xlsx"), d / "宏类型.xlsx", change)


def xml_bomb(d: Path) -> Path:
    lol = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n')

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return lol + data.split(b"?>", 1)[-1]  # after any XML declaration
        return data
    return rewrite(plain_workbook(d / "源.xlsx"), d / "实体.xlsx", change)


def zip_bomb(d: Path) -> Path:
    """200 MB of zeros in one member, written in chunks so the test stays fast and small in memory."""
    path = d / "炸弹.xlsx"
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(chunk)
    return path


def write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name
    return make


@pytest.mark.parametrize(("make", "message"), [
    (write("空.xlsx", b""), "文件是空的"),
    (write("旧.xls", OLE_MAGIC + b"\x00" * 512), "不支持旧版 .xls"),
    (write("加密.xlsx", OLE_MAGIC + b"\x00" * 512 + b"EncryptedPackage"), "设有打开密码"),
    (write("乱码.xlsx", os.urandom(4096)), "不是有效的 Excel 工作簿"),
    (write("文本.xlsx", "这不是工作簿".encode()), "不是有效的 Excel 工作簿"),
    (lambda d: plain_workbook(d / "宏.xlsm"), "不接受 .xlsm 格式"),
    (macro_member, "含有宏（VBA 工程）"),
    (macro_content_type, "启用宏的工作簿"),
    (xml_bomb, "DOCTYPE/ENTITY"),
    (zip_bomb, "解压后异常庞大"),
], ids=["empty", "xls", "password", "random", "text", "xlsm", "vba-part", "macro-type", "xml-bomb", "zip-bomb"])
def test_hostile_files_are_refused_quickly_by_name(tmp_path: Path, make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=message) as caught:
        check_workbook_file(path)
    assert time.perf_counter() - started < SECONDS
    assert path.name in str(caught.value)


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    for path in (tmp_path / "没有.xlsx", tmp_path):
        with pytest.raises(ValidationError, match="找不到文件"):
            check_workbook_file(path)


def test_limits_on_members_and_size_can_be_tightened(tmp_path: Path) -> None:
    path = plain_workbook(tmp_path / "正常.xlsx")
    check_workbook_file(path)  # a plain workbook passes
    with pytest.raises(ValidationError, match="超过上限 3"):
        check_workbook_file(path, max_members=3)
    with pytest.raises(ValidationError, match="解压后异常庞大"):
        check_workbook_file(path, max_uncompressed=1000)


def test_open_workbook_checks_then_opens_and_refuses_what_openpyxl_cannot_read(tmp_path: Path) -> None:
    book = open_workbook(plain_workbook(tmp_path / "正常.xlsx"))
    try:
        assert list(book["数据"].iter_rows(values_only=True)) == [("名称", "金额"), ("某项目", 12)]
    finally:
        book.close()
    with pytest.raises(ValidationError, match="含有宏"):
        open_workbook(macro_member(tmp_path))  # the guard comes first
    headless = rewrite(plain_workbook(tmp_path / "源.xlsx"), tmp_path / "缺工作簿.xlsx",
                       lambda name, data: None if name == "xl/workbook.xml" else data)
    check_workbook_file(headless)  # harmless, yet not a workbook openpyxl can read
    with pytest.raises(ValidationError, match=r"无法读取文件“缺工作簿\.xlsx”：不是有效的 Excel 工作簿"):
        open_workbook(headless)


def test_the_package_reader_refuses_through_the_guard(tmp_path: Path) -> None:
    spec = es.SheetSpec("items", "数据", ())
    with pytest.raises(ValidationError, match="含有宏"):
        ew.read_package(macro_member(tmp_path), [spec])


def test_a_formula_in_a_data_cell_is_a_problem_naming_the_cell(tmp_path: Path) -> None:
    spec = es.SheetSpec("items", "数据", (es.ColumnSpec("amount", "金额", "money"),))
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([c.header for c in spec.all_columns])
    ws.append(["r1", 1, "否", "=1+1"])
    ws.append(["r2", 1, "否", '=HYPERLINK("http://example.com","点我")'])
    wb.save(tmp_path / "公式.xlsx")
    result = ew.read_package(tmp_path / "公式.xlsx", [spec])
    assert [(p.sheet, p.row, p.column, p.header) for p in result.problems] == [("数据", 2, "D", "金额"),
                                                                                ("数据", 3, "D", "金额")]
    assert "公式" in str(result.problems[0]) and "=1+1" in result.problems[0].message
    assert [r["amount"] for r in result.rows("items")] == [None, None]  # never evaluated, never taken as text
