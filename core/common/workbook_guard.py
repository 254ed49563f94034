"""The gate in front of every workbook that comes from outside: before openpyxl opens a file, refuse what is not
a plain .xlsx (legacy .xls and password-protected workbooks, both OLE2 containers; macro workbooks; files that
are not zip archives) and what would unpack to far more than it weighs (zip bombs, XML entity bombs).

Every check is bounded: the zip directory is read without unpacking, and the few parts that are looked into are
streamed in small chunks up to a fixed limit, so a hostile file costs milliseconds and kilobytes. `open_workbook`
checks a file and opens it read-only, refusing one openpyxl cannot read.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook import Workbook

from core.common.errors import ValidationError

MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED = 800 * 1024 * 1024  # a million-row export stays well below
MAX_RATIO = 200  # a zip bomb compresses by thousands; real sheets by 5 to 50
# Small parts compress freely (a sheet of empty styled rows); only a large part must stay within the ratio.
RATIO_FLOOR = 1024 * 1024
PROLOG_LIMIT = 64 * 1024  # a DOCTYPE can only stand before the root element, which comes early in a real part
CONTENT_TYPES_LIMIT = 1024 * 1024
CHUNK = 16 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.et, and the encrypted container of a protected .xlsx
ZIP_MAGIC = b"PK\x03\x04"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
LEGACY_SUFFIXES = (".xls", ".et", ".xlt")
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(r"<[A-Za-z_]")


def refusal(path: Path, reason: str) -> ValidationError:
    """The error for a file that is not opened: names the file and says why."""
    return ValidationError(f"无法读取文件“{path.name}”：{reason}", "path")


def check_zip_limits(path: Path, max_members: int = MAX_MEMBERS, max_uncompressed: int = MAX_UNCOMPRESSED,
                     max_ratio: float = MAX_RATIO) -> list[zipfile.ZipInfo]:
    """Refuse archives that would unpack to far more than they weigh; returns the members.

    Reads only the zip's central directory. zipfile never hands out more than a member's declared size, so a
    member that lies about its size cannot unpack beyond what is checked here."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise refusal(path, "不是有效的 Excel 工作簿（.xlsx），文件可能已损坏或加密。") from exc
    if len(members) > max_members:
        raise refusal(path, f"文件包含 {len(members)} 个部件，超过上限 {max_members}（可能是恶意构造的压缩包），"
                            "为安全起见不予打开。")
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    big_and_dense = any(m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1)
                        for m in members)
    if unpacked > max_uncompressed or unpacked / packed > max_ratio or big_and_dense:
        raise refusal(path, "文件解压后异常庞大（可能是恶意构造的压缩包），为安全起见不予打开。")
    return members


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes from the start of a member, read in chunks."""
    out = bytearray()
    with archive.open(info) as stream:
        while len(out) < limit:
            chunk = stream.read(min(CHUNK, limit - len(out)))
            if not chunk:
                break
            out += chunk
    return bytes(out)


def _text(raw: bytes) -> str:
    """Enough of a decoding to find markup: UTF-16 by its BOM or zero bytes, else byte for byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4]:
        codec = "utf-16-be" if raw.startswith(b"\xfe\xff") or raw[:1] == b"\x00" else "utf-16-le"
        return raw.decode(codec, errors="ignore")
    return raw.decode("latin-1")


def _check_prolog(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    text = _text(_head(archive, info, PROLOG_LIMIT))
    root = _ROOT.search(text)
    prolog = text if root is None else text[:root.start()]
    if _DECLARATION.search(prolog):
        raise refusal(path, f"部件“{info.filename}”含有 DOCTYPE/ENTITY 声明（可能是 XML 炸弹），为安全起见不予打开。")
    if root is None and info.file_size > PROLOG_LIMIT:
        raise refusal(path, f"部件“{info.filename}”的开头异常（前 {PROLOG_LIMIT // 1024} KB 内没有内容），不予打开。")


def _check_macros(path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    if any(m.filename.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbaprojectsignature.bin") for m in members):
        raise refusal(path, "工作簿含有宏（VBA 工程），为安全起见不予导入。请另存为不含宏的 .xlsx 后再导入。")
    types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
    if types is None:
        raise refusal(path, "不是有效的 Excel 工作簿（缺少 [Content_Types].xml）。")
    if b"macroenabled" in _head(archive, types, CONTENT_TYPES_LIMIT).lower():
        raise refusal(path, "这是启用宏的工作簿，为安全起见不予导入。请另存为不含宏的 .xlsx 后再导入。")


def _is_markup(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def check_workbook_file(path: str | Path, max_members: int = MAX_MEMBERS, max_uncompressed: int = MAX_UNCOMPRESSED,
                        max_ratio: float = MAX_RATIO) -> None:
    """Raise ValidationError (naming the file, in Chinese) unless `path` looks like a plain, harmless .xlsx."""
    source = Path(path)
    if not source.is_file():
        raise ValidationError(f"找不到文件“{source}”，或它不是一个文件。", "path")
    if source.stat().st_size == 0:
        raise refusal(source, "文件是空的（0 字节）。")
    with source.open("rb") as stream:
        magic = stream.read(len(OLE_MAGIC))
    suffix = source.suffix.lower()
    if magic == OLE_MAGIC or suffix in LEGACY_SUFFIXES:
        if suffix in LEGACY_SUFFIXES:
            raise refusal(source, "不支持旧版 .xls / .et 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
        raise refusal(source, "文件设有打开密码（已加密），或是改了扩展名的旧版 .xls。"
                              "请在 Excel 或 WPS 中取消密码、另存为 .xlsx 后再导入。")
    if suffix in MACRO_SUFFIXES:
        raise refusal(source, f"不接受 {suffix} 格式（可能含有宏），请另存为不含宏的 .xlsx 后再导入。")
    if not magic.startswith(ZIP_MAGIC):
        raise refusal(source, "不是有效的 Excel 工作簿（.xlsx），文件可能已损坏、加密或根本不是工作簿。")
    members = check_zip_limits(source, max_members, max_uncompressed, max_ratio)
    try:
        with zipfile.ZipFile(source) as archive:
            _check_macros(source, archive, members)
            for info in members:
                if _is_markup(info.filename):
                    _check_prolog(source, archive, info)
    # RuntimeError: a member encrypted with a zip password; NotImplementedError: an unknown compression method.
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise refusal(source, f"不是有效的 Excel 工作簿（{exc}）。") from exc


def open_workbook(path: str | Path, data_only: bool = True) -> Workbook:
    """The workbook at `path`, opened read-only once `check_workbook_file` let it through; a file openpyxl cannot
    read is refused (ValidationError naming the file). The caller closes it."""
    source = Path(path)
    check_workbook_file(source)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise refusal(source, f"不是有效的 Excel 工作簿（{exc}）。") from exc
