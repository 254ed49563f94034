"""执行数据导入 on a real temporary SQLite database with the demo county (scale 0.05) and real .xlsx files written
by openpyxl: preview, per-row refusals with row numbers, apply in one transaction, re-import changes nothing,
mappings remembered per source, permissions, hostile files, and a workbook written by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import execution_import as ei
from core.monitoring.dto import Preview
from core.monitoring.rules.payment_columns import ColumnMapping
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry, ExecutionImport, ExecutionRecord, ImportMapping, Project
from tests.conftest import actor_of

TODAY = date(2024, 9, 15)
HEADERS = ("序号", "项目编码", "项目名称", "支付日期", "收款人", "支付金额", "支付凭证号")
MAPPING = ColumnMapping("项目编码", "支付日期", "支付金额", "支付凭证号", "收款人", "元")
FIRST = 3  # title in row 1, header in row 2


def export(path: Path, rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS,
           title: str | None = "2024年国库集中支付明细（金额单位：元）", sheet: str = "支付明细") -> Path:
    """A payment export as the treasury system writes it: a title row, the header, one row per payment."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def pay(code: str, when: object, amount: object, voucher: object = None, payee: str = "某建设有限公司",
        n: int = 0) -> tuple[object, ...]:
    return (n, code, "项目", when, payee, amount, voucher)


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> list[tuple[str, Decimal]]:
    """The demo county without its execution records; (code, budget) of the 2024 projects by code."""
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(delete(ExecutionRecord))
        uow.commit()
        return [(c, t) for c, t in uow.session.execute(
            select(Project.code, Project.total_amount).where(Project.year == 2024).order_by(Project.code))]


def counts(db: Database) -> tuple[int, ...]:
    with db.unit_of_work() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m)) or 0
                     for m in (ExecutionRecord, ExecutionImport, ImportMapping, AuditEntry))


def records(db: Database) -> list[tuple[str, int, int, Decimal, str | None, str | None, str]]:
    with db.unit_of_work() as uow:
        return [tuple(r) for r in uow.session.execute(  # type: ignore[misc]
            select(Project.code, ExecutionRecord.year, ExecutionRecord.month, ExecutionRecord.amount,
                   ExecutionRecord.voucher_no, ExecutionRecord.payee, ExecutionRecord.source)
            .join(Project, ExecutionRecord.project_id == Project.id).order_by(ExecutionRecord.id))]


def preview(db: Database, actor: Actor, path: Path, mapping: ColumnMapping = MAPPING,
            source: str = ei.DEFAULT_SOURCE) -> Preview:
    return call(db, ei.preview, actor, path, source, mapping, today=TODAY)


def test_inspect_finds_the_header_below_the_title_and_suggests_the_mapping(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    path = export(tmp_path / "支付.xlsx", [pay(county[0][0], "2024-03-05", 100, "V1")])
    info = call(db, ei.inspect_file, admin_actor, path, ei.DEFAULT_SOURCE)
    assert (info.sheet, info.sheets, info.header_row, info.headers) == ("支付明细", ("支付明细",), 2, HEADERS)
    assert info.mapping == MAPPING and not info.mapping_saved
    assert ei.suggest_mapping(list(HEADERS)) == MAPPING


def test_preview_then_apply_writes_treasury_records_in_wan(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    (a, _), (b, _) = county[0], county[1]
    path = export(tmp_path / "支付.xlsx", [
        pay(a, datetime(2024, 3, 5), 12_345.67, "GK001"),  # a date cell and a float cell
        pay(a, "2024-03-28", "1,000.00", "GK002"),  # text as the system exported it
        pay(b, "2024年8月", 500, "GK003", payee="某村委会"),
    ])
    before = counts(db)
    result = preview(db, admin_actor, path)
    assert counts(db) == before  # a preview writes nothing
    assert (result.rows_read, len(result.records), result.problems, result.blocked) == (3, 3, (), None)
    assert result.amount == Decimal("1.384567")
    assert [(t.project_code, t.month, t.rows, t.amount) for t in result.totals] == [
        (a, 3, 2, Decimal("1.334567")), (b, 8, 1, Decimal("0.050000"))]

    applied = call(db, ei.apply, admin_actor, result, confirm=True)
    assert (applied.applied, applied.amount, applied.changes.areas) == (3, Decimal("1.384567"), {"execution"})
    assert records(db) == [(a, 2024, 3, Decimal("1.234567"), "GK001", "某建设有限公司", "treasury"),
                           (a, 2024, 3, Decimal("0.100000"), "GK002", "某建设有限公司", "treasury"),
                           (b, 2024, 8, Decimal("0.050000"), "GK003", "某村委会", "treasury")]
    with db.unit_of_work() as uow:
        ledger = uow.session.scalars(select(ExecutionImport)).one()
        audit = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "execution.import")).one()
        assert (ledger.file_name, ledger.rows_applied, ledger.applied_by, ledger.source) == (
            "支付.xlsx", 3, "admin", ei.DEFAULT_SOURCE)
        assert ledger.content_hash == result.content_hash and '"rows_applied": 3' in (audit.after_json or "")


def test_each_kind_of_bad_row_is_refused_with_its_row_number(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    (a, _), (b, budget_b) = county[0], county[1]
    call(db, ei.apply, admin_actor, preview(db, admin_actor, export(tmp_path / "前次.xlsx", [
        pay(b, "2024-01-10", 100, "OLD1")])), confirm=True)
    rows = [
        pay(a, "2024-03-05", 100, "V1"),  # row 3: fine
        pay("2024-X999-9999", "2024-03-05", 100, "V2"),  # 4: unknown project code
        pay(a, "2024-03-05", -100, "V3"),  # 5: negative amount
        pay(a, "2024-03-05", "待定", "V4"),  # 6: text in a number cell
        pay(a, "三月份", 100, "V5"),  # 7: unreadable period
        pay(a, "2024-10-08", 100, "V6"),  # 8: a period in the future
        pay(a, "2024-03-06", 100, "V1"),  # 9: voucher repeated in the file
        pay(b, "2024-03-06", 100, "OLD1"),  # 10: voucher already in the database
        pay(b, "2024-04-01", int(budget_b * 20_000), "V7"),  # 11: twice the budget (in 元): warned
        pay(a, "2024-03-05", 100.001, "V8"),  # 12: finer than one 分
        pay(None, "2024-03-05", 100, "V9"),  # 13: no project code
    ]
    result = preview(db, admin_actor, export(tmp_path / "支付.xlsx", rows))
    found = [(p.row, p.column, p.kind, p.blocking) for p in result.problems]
    assert found == [
        (4, "B", "unknown_project", True), (5, "F", "negative", True), (6, "F", "not_a_number", True),
        (7, "D", "bad_period", True), (8, "D", "future_period", True), (9, "G", "duplicate_voucher", True),
        (10, "G", "duplicate_voucher", True), (11, "F", "over_budget", False), (12, "F", "precision", True),
        (13, "B", "empty", True)]
    assert result.refused_rows == {4, 5, 6, 7, 8, 9, 10, 12, 13} and result.warned_rows == {11}
    messages = {p.row: result.describe(p) for p in result.problems}
    assert messages[4].startswith("文件“支付.xlsx”工作表“支付明细”第 4 行 B 列（项目编码）：项目编码“2024-X999-9999”")
    assert "“待定”是文字，不是数值" in messages[6] and "晚于今天（2024-09-15）" in messages[8]
    assert "与第 3 行重复" in messages[9] and "系统中已有 2024 年的执行记录" in messages[10]
    assert "超过预算" in messages[11]

    before = counts(db)
    applied = call(db, ei.apply, admin_actor, result, confirm=True)
    assert (applied.applied, applied.refused, applied.warned) == (2, 9, 1)
    assert "9 行被拒绝" in applied.message
    assert counts(db)[0] == before[0] + 2  # only rows 3 and 11 were written
    assert [r[4] for r in records(db)] == ["OLD1", "V1", "V7"]


def test_importing_the_same_file_again_changes_nothing(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    path = export(tmp_path / "支付.xlsx", [pay(county[0][0], "2024-03-05", 100, "V1"),
                                            pay(county[1][0], "2024-03-05", 200)])
    first = preview(db, admin_actor, path)
    call(db, ei.apply, admin_actor, first, confirm=True)
    before = counts(db)
    again = call(db, ei.apply, admin_actor, first, confirm=True)
    assert (again.applied, again.changes.areas) == (0, frozenset())
    assert "再次导入不会作任何改动" in again.message
    copy = tmp_path / "支付（副本）.xlsx"
    shutil.copy(path, copy)
    second = preview(db, admin_actor, copy)
    assert second.content_hash == first.content_hash and second.blocked and "已于" in second.blocked
    assert call(db, ei.apply, admin_actor, second, confirm=True).applied == 0
    assert counts(db) == before


def test_a_corrected_file_imports_only_the_corrected_rows(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    a = county[0][0]
    rows = [pay(a, "2024-03-05", 100, "V1"), pay(a, "2024-03-05", "一百", "V2")]
    call(db, ei.apply, admin_actor, preview(db, admin_actor, export(tmp_path / "1.xlsx", rows)), confirm=True)
    rows[1] = pay(a, "2024-03-05", 100, "V2")
    fixed = preview(db, admin_actor, export(tmp_path / "2.xlsx", rows))
    assert [(p.row, p.kind) for p in fixed.problems] == [(3, "duplicate_voucher")]  # V1 is in already
    call(db, ei.apply, admin_actor, fixed, confirm=True)
    assert [r[4] for r in records(db)] == ["V1", "V2"]


def test_without_a_voucher_column_the_file_must_be_clean(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    a = county[0][0]
    mapping = ColumnMapping("项目编码", "支付日期", "支付金额", None, "收款人", "元")
    path = export(tmp_path / "支付.xlsx", [pay(a, "2024-03-05", 100), pay(a, "2024-03-05", -1)])
    result = preview(db, admin_actor, path, mapping)
    assert result.blocked and "未指定凭证号列" in result.blocked
    before = counts(db)
    with pytest.raises(ValidationError, match="未指定凭证号列"):
        call(db, ei.apply, admin_actor, result, confirm=True)
    assert counts(db) == before


def test_apply_needs_confirmation_and_a_fresh_preview(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    a = county[0][0]
    result = preview(db, admin_actor, export(tmp_path / "支付.xlsx", [pay(a, "2024-03-05", 100, "V1")]))
    before = counts(db)
    with pytest.raises(ValidationError, match="确认无误后再导入"):
        call(db, ei.apply, admin_actor, result)
    assert counts(db) == before
    # Meanwhile another file brings the same voucher: applying the old preview would differ from what was seen.
    other = preview(db, admin_actor, export(tmp_path / "另一.xlsx", [pay(a, "2024-03-09", 100, "V1")]))
    call(db, ei.apply, admin_actor, other, confirm=True)
    before = counts(db)
    with pytest.raises(ValidationError, match="请重新预览"):
        call(db, ei.apply, admin_actor, result, confirm=True)
    assert counts(db) == before


def test_a_failure_half_way_leaves_the_database_as_it_was(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    result = preview(db, admin_actor, export(tmp_path / "支付.xlsx", [pay(county[0][0], "2024-03-05", 100, "V1")]))

    class PowerCut:
        def report(self, done: int, total: int, text: str = "") -> None:
            if done == 2:  # after the records were inserted, before the ledger entry
                raise OSError("断电")

    before = counts(db)
    with pytest.raises(OSError, match="断电"):
        call(db, ei.apply, admin_actor, result, confirm=True, progress=PowerCut())
    assert counts(db) == before


def test_the_mapping_is_remembered_per_source(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    headers = ("编码", "月", "款项（万元）", "号")
    mine = ColumnMapping("编码", "月", "款项（万元）", "号", None, "万元")
    path = export(tmp_path / "自制.xlsx", [(county[0][0], "2024-05", "1.5", "Z1")], headers, title=None)
    guessed = call(db, ei.inspect_file, admin_actor, path, "乡镇财政所")
    assert not guessed.mapping_saved and guessed.mapping.project_code is None
    call(db, ei.apply, admin_actor, call(db, ei.preview, admin_actor, path, "乡镇财政所", mine, today=TODAY),
         confirm=True)
    assert records(db)[0][3] == Decimal("1.500000")  # 万元 as mapped
    assert call(db, ei.saved_mapping, admin_actor, "乡镇财政所") == mine
    assert call(db, ei.saved_mapping, admin_actor, ei.DEFAULT_SOURCE) is None
    again = call(db, ei.inspect_file, admin_actor, path, "乡镇财政所")
    assert again.mapping == mine and again.mapping_saved
    assert call(db, ei.list_sources, admin_actor) == [ei.DEFAULT_SOURCE, "乡镇财政所"]
    # A file whose headers no longer fit the saved mapping starts from a guess instead.
    other = export(tmp_path / "新格式.xlsx", [(county[0][0], "2024-05", "1.5", "Z1")], HEADERS[1:5], title=None)
    assert not call(db, ei.inspect_file, admin_actor, other, "乡镇财政所").mapping_saved
    with db.unit_of_work() as uow:  # so does a damaged one
        uow.write()
        uow.session.get(ImportMapping, "乡镇财政所").mapping_json = "{损坏"  # type: ignore[union-attr]
        uow.commit()
    assert call(db, ei.saved_mapping, admin_actor, "乡镇财政所") is None
    assert not call(db, ei.inspect_file, admin_actor, path, "乡镇财政所").mapping_saved


@pytest.mark.parametrize(("role", "allowed"), [(Role.ADMIN, True), (Role.REVIEWER, True), (Role.EVALUATOR, True),
                                               (Role.CLERK, False), (Role.LEADER, False)])
def test_importing_is_bureau_work(db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]],
                                  tmp_path: Path, role: Role, allowed: bool) -> None:
    actor = actor_of(role, 1 if role == Role.CLERK else None)
    path = export(tmp_path / "支付.xlsx", [pay(county[0][0], "2024-03-05", 100, "V1")])
    assert ei.can_import(actor) is allowed
    if allowed:
        assert call(db, ei.apply, actor, preview(db, actor, path), confirm=True).applied == 1
        return
    result = preview(db, admin_actor, path)
    before = counts(db)
    for service, args in ((ei.preview, (path, ei.DEFAULT_SOURCE, MAPPING)), (ei.apply, (result, True)),
                          (ei.inspect_file, (path, ei.DEFAULT_SOURCE))):
        with pytest.raises(PermissionDenied, match="不能导入执行数据"):
            call(db, service, actor, *args)
    assert counts(db) == before


def test_demo_vouchers_count_as_already_recorded(db: Database, admin_actor: Actor, tmp_path: Path) -> None:
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    with db.unit_of_work() as uow:
        code, voucher = uow.session.execute(
            select(Project.code, ExecutionRecord.voucher_no).join(Project, ExecutionRecord.project_id == Project.id)
            .where(ExecutionRecord.voucher_no.is_not(None), ExecutionRecord.year == 2024)).first()  # type: ignore[misc]
    result = preview(db, admin_actor, export(tmp_path / "支付.xlsx", [pay(code, "2024-03-05", 100, voucher)]))
    assert [p.kind for p in result.problems] == ["duplicate_voucher"]


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "没有.xlsx", "找不到文件"),
    (lambda d: (d / "旧.xls").write_bytes(b"\xd0\xcf\x11\xe0") and d / "旧.xls", "不支持旧版 .xls"),
    (lambda d: (d / "坏.xlsx").write_bytes(b"not a zip") and d / "坏.xlsx", "不是有效的 Excel 工作簿"),
    (lambda d: _zip_bomb(d / "炸弹.xlsx"), "解压后异常庞大"),
    (lambda d: export(d / "空.xlsx", [], headers=(), title=None), "是空的"),
    (lambda d: (d / "a.txt").write_text("x") and d / "a.txt", "只能导入 .xlsx 工作簿或 .csv 文件"),
])
def test_unreadable_files_are_refused_by_name(db: Database, admin_actor: Actor, tmp_path: Path, make,  # type: ignore[no-untyped-def]
                                              message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(ValidationError, match=message) as caught:
        call(db, ei.inspect_file, admin_actor, path, ei.DEFAULT_SOURCE)
    assert path.name in str(caught.value)


def test_a_mapping_that_does_not_fit_names_the_file_and_sheet(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    path = export(tmp_path / "支付.xlsx", [pay(county[0][0], "2024-03-05", 100, "V1")])
    with pytest.raises(ValidationError, match=re.escape("文件“支付.xlsx”工作表“支付明细”：文件中没有名为“金额”的列")) as caught:
        preview(db, admin_actor, path, ColumnMapping("项目编码", "支付日期", "金额"))
    assert caught.value.field == "amount"
    with pytest.raises(ValidationError, match="没有名为“Sheet9”的工作表"):
        call(db, ei.preview, admin_actor, path, ei.DEFAULT_SOURCE, MAPPING, today=TODAY, sheet="Sheet9")


def test_csv_in_gb18030_as_excel_saves_it(db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]],
                                          tmp_path: Path) -> None:
    a = county[0][0]
    path = tmp_path / "支付.csv"
    path.write_bytes(("项目编码,支付日期,支付金额,支付凭证号,收款人\r\n"
                      f"{a},2024/3/5,\"1,500.00\",C1,某公司\r\n"
                      f"{a},2024/3/6,待定,C2,某公司\r\n").encode("gb18030"))
    result = preview(db, admin_actor, path)
    assert [(p.row, p.kind) for p in result.problems] == [(3, "not_a_number")]
    assert [(r.row, r.amount) for r in result.records] == [(2, Decimal("0.150000"))]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_imports_the_same(
        db: Database, admin_actor: Actor, county: list[tuple[str, Decimal]], tmp_path: Path) -> None:
    a, b = county[0][0], county[1][0]
    original = export(tmp_path / "支付.xlsx", [pay(a, datetime(2024, 3, 5), 12_345.67, "GK001"),
                                                pay(b, "2024-04-01", 500, 20240001),
                                                pay(a, "2024-03-05", "待定", "GK003")])
    ods = tmp_path / "ods"
    out = tmp_path / "lo"
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    for target, source, folder in (("ods", original, ods), ("xlsx", ods / "支付.ods", out)):
        subprocess.run([SOFFICE, profile, "--headless", "--convert-to", target, "--outdir", str(folder), str(source)],
                       check=True, capture_output=True, timeout=180)
    converted = out / "支付.xlsx"
    with zipfile.ZipFile(converted) as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode("utf-8")  # written by LibreOffice itself
    mine, theirs = preview(db, admin_actor, original), preview(db, admin_actor, converted)
    assert [p.kind for p in theirs.problems] == ["not_a_number"]
    assert theirs.records == mine.records and len(theirs.records) == 2
    assert theirs.content_hash == mine.content_hash  # the same cells, whoever saved them
    call(db, ei.apply, admin_actor, theirs, confirm=True)
    assert call(db, ei.apply, admin_actor, mine, confirm=True).applied == 0
