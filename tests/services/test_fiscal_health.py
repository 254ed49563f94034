"""The township fiscal health service on the demo county: one township's index computed by hand from its stored
figures, the ranking with shared ranks, a clerk's own row, entering and correcting figures (audited, refused by
field), history, and the workbook: template → fill → import, every bad cell located by row and column with nothing
written, hostile and foreign files refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.fiscal import figures as fh
from core.fiscal import index as fhi
from core.fiscal import workbook as fhw
from core.fiscal.dto import FiscalInput
from core.fiscal.rules.figures import FIELDS
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry, TownshipFiscal, Unit
from tests.conftest import actor_of
from tests.services.exchange_helpers import libreoffice

YEAR = 2024
KEYS = [key for key, _ in FIELDS]


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> tuple[Database, Actor]:
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    return db, admin_actor


def unit_id(db: Database, code: str) -> int:
    with db.unit_of_work() as uow:
        found = uow.session.scalar(select(Unit.id).where(Unit.code == code))
        assert found is not None
        return found


def count(db: Database, model: Any) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_demo_figures_cover_five_years_of_every_township(county: tuple[Database, Actor]) -> None:
    db, actor = county
    assert count(db, TownshipFiscal) == 12 * 5
    rows = call(db, fh.list_figures, actor, YEAR)
    assert len(rows) == 12 and all(r.figures is not None and r.entered_by == "demo" for r in rows)
    assert call(db, fh.fiscal_years, actor)[:5] == [2024, 2023, 2022, 2021, 2020]


def test_index_of_a_demo_township_matches_a_hand_computation(county: tuple[Database, Actor]) -> None:
    """河西街道 (T02) 2024, from its stored figures (万元):
    收入增长 (7161.12 − 7631.90) ÷ 7631.90 = −6.1685 % → −6.17, band −10 ≤ x < −5 → 40;
    收入稳定性: growth 2022 (8171.66 − 8642.46) ÷ 8642.46 = −5.45, 2023 (7631.90 − 8171.66) ÷ 8171.66 = −6.61,
      2024 −6.17; mean −6.0767; squares 0.3927 + 0.2844 + 0.0087 = 0.6859, ÷ 3 = 0.2286, √ = 0.478 → 0.48 → 100;
    税收占比 3522.98 ÷ 7161.12 = 49.20 → 40; 三保 5136.22 ÷ 5607.92 = 91.59 → 60;
    债务率 20435.30 ÷ 14740.17 = 138.64 → 10; 执行率 11409.02 ÷ 15739.98 = 72.48 → 50;
    结转结余率 3303.38 ÷ 15739.98 = 20.99 → 30.
    Index = (40×15 + 100×10 + 40×15 + 60×20 + 10×15 + 50×15 + 30×10) ÷ 100 = 4600 ÷ 100 = 46.00 → 预警, last of 12."""
    db, actor = county
    ranking = call(db, fhi.ranking, actor, YEAR)
    row = next(r for r in ranking.rows if r.unit_code == "T02")
    revenue = {f.year: f.general_revenue for f in row.all_figures}
    assert revenue == {2020: D("8971.78"), 2021: D("8642.46"), 2022: D("8171.66"), 2023: D("7631.90"),
                       2024: D("7161.12")}
    f = row.figures
    assert f is not None
    assert (f.tax_revenue, f.basic_needs, f.basic_spent, f.debt_balance, f.fiscal_capacity, f.budget_total,
            f.executed, f.carryover) == (D("3522.98"), D("5607.92"), D("5136.22"), D("20435.30"), D("14740.17"),
                                         D("15739.98"), D("11409.02"), D("3303.38"))
    assert row.result is not None
    assert [(c.value, c.score) for c in row.result.components] == [
        (D("-6.17"), 40), (D("0.48"), 100), (D("49.20"), 40), (D("91.59"), 60), (D("138.64"), 10), (D("72.48"), 50),
        (D("20.99"), 30)]
    assert row.index == D("46.00") and row.level == "预警" and row.rank == 12
    assert [p.year for p in row.history] == [2020, 2021, 2022, 2023, 2024]


def test_ranking_is_ordered_with_shared_ranks_and_levels_counted(county: tuple[Database, Actor]) -> None:
    db, actor = county
    ranking = call(db, fhi.ranking, actor, YEAR)
    indexes = [r.index for r in ranking.rows]
    assert all(i is not None for i in indexes) and indexes == sorted(indexes, reverse=True)  # type: ignore[type-var]
    for before, after in zip(ranking.rows, ranking.rows[1:], strict=False):
        assert after.rank == (before.rank if after.index == before.index else ranking.rows.index(after) + 1)
    counts = ranking.level_counts()
    assert sum(counts.values()) == 12 and counts["预警"] >= 1 and counts["健康"] >= 1
    assert {p.year for p in ranking.county} == {2020, 2021, 2022, 2023, 2024}
    assert ranking.average == (sum((r.index for r in ranking.rows if r.index is not None), D(0)) / 12).quantize(D("0.01"))


def test_a_township_clerk_sees_its_own_row_and_nothing_else(county: tuple[Database, Actor]) -> None:
    db, _ = county
    clerk = actor_of(Role.CLERK, unit_id(db, "T02"))
    assert [r.unit_code for r in call(db, fh.list_figures, clerk, YEAR)] == ["T02"]
    ranking = call(db, fhi.ranking, clerk, YEAR)
    assert [(r.unit_code, r.rank) for r in ranking.rows] == [("T02", 12)] and ranking.townships_total == 12
    with pytest.raises(PermissionDenied):
        call(db, fhi.township_history, clerk, unit_id(db, "T01"))
    department_clerk = actor_of(Role.CLERK, unit_id(db, "D001"))
    assert call(db, fh.list_figures, department_clerk, YEAR) == []


def good_amounts() -> dict[str, object]:
    return {"general_revenue": "1,000.50", "tax_revenue": "700", "total_expenditure": "2000",
            "fiscal_capacity": "2500", "basic_needs": "800", "basic_spent": "800", "debt_balance": "1000",
            "budget_total": "2100", "executed": "2000", "carryover": "100"}


def test_enter_and_correct_figures_audited(county: tuple[Database, Actor]) -> None:
    db, actor = county
    uid = unit_id(db, "T05")
    audits = count(db, AuditEntry)
    call(db, fh.save_figures, actor, FiscalInput(uid, 2025, good_amounts()))
    row = next(r for r in call(db, fh.list_figures, actor, 2025) if r.unit_id == uid)
    assert row.figures is not None and row.figures.general_revenue == D("1000.50") and row.entered_by == "admin"
    call(db, fh.save_figures, actor, FiscalInput(uid, 2025, good_amounts() | {"executed": "2100"}))
    call(db, fh.save_figures, actor, FiscalInput(uid, 2025, good_amounts() | {"executed": "2100"}))  # no change
    assert count(db, AuditEntry) == audits + 2
    with db.unit_of_work() as uow:
        last = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "fiscal.save"
        assert '"executed": "2000.000000"' in (last.before_json or "") and '"2100.000000"' in (last.after_json or "")
    history = call(db, fhi.township_history, actor, uid)
    assert [p.year for p in history] == [2020, 2021, 2022, 2023, 2024, 2025]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"tax_revenue": "2000"}, "tax_revenue", "“税收收入”（2000 万元）不能大于“一般公共预算收入”（1000.50 万元）"),
    ({"debt_balance": "-5"}, "debt_balance", "“政府债务余额”不能为负数"),
    ({"carryover": "十万"}, "carryover", "“结转结余”应为金额（万元，如 1234.56），收到“十万”"),
    ({"basic_needs": ""}, "basic_needs", "“三保”支出需求未填写"),
    ({"basic_spent": "2500"}, "basic_spent", "“三保”实际支出（2500 万元）不能大于“一般公共预算支出”"),
])
def test_wrong_figures_are_refused_by_field(county: tuple[Database, Actor], changes: dict[str, str], field: str,
                                            message: str) -> None:
    db, actor = county
    before = count(db, TownshipFiscal)
    with pytest.raises(ValidationError) as refused:
        call(db, fh.save_figures, actor, FiscalInput(unit_id(db, "T05"), 2025, good_amounts() | changes))
    assert refused.value.field == field and message in str(refused.value)
    assert str(refused.value).startswith("柳林镇2025 年：")
    assert count(db, TownshipFiscal) == before


def test_only_bureau_roles_enter_and_only_townships(county: tuple[Database, Actor]) -> None:
    db, actor = county
    for role, unit in ((Role.CLERK, "T05"), (Role.LEADER, None)):
        someone = actor_of(role, unit_id(db, unit) if unit else None)
        with pytest.raises(PermissionDenied, match="只有财政局用户"):
            call(db, fh.save_figures, someone, FiscalInput(unit_id(db, "T05"), 2025, good_amounts()))
    call(db, fh.save_figures, actor_of(Role.EVALUATOR), FiscalInput(unit_id(db, "T05"), 2025, good_amounts()))
    with pytest.raises(ValidationError, match="不是镇街"):
        call(db, fh.save_figures, actor, FiscalInput(unit_id(db, "D001"), 2025, good_amounts()))
    with pytest.raises(ValidationError, match="年度应为 2001 至 2099"):
        call(db, fh.save_figures, actor, FiscalInput(unit_id(db, "T05"), 1999, good_amounts()))


def fill(path: Path, rows: dict[int, dict[int, object]]) -> Path:
    """Set cells of the template's data sheet: row → column (1-based) → value."""
    wb = openpyxl.load_workbook(path)
    ws = wb[fhw.SHEET]
    for r, cells in rows.items():
        for c, value in cells.items():
            ws.cell(r, c).value = value
    wb.save(path)
    return path


def amounts_row(general: float = 1000, tax: float = 700) -> dict[int, object]:
    """Columns D… of a good row: numbers as a spreadsheet holds them."""
    values = [general, tax, 2000, 2500, 800, 800, 1000, 2100, 2000, 100.25]
    return {4 + i: v for i, v in enumerate(values)}


def test_template_lists_every_township_and_imports_back(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    path = call(db, fhw.template_workbook, actor, 2025, tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == [fhw.SHEET, fhw.NOTES_SHEET]
    grid = list(wb[fhw.SHEET].iter_rows(values_only=True))
    assert list(grid[2]) == ["单位编码", "单位名称", "年度", *(fhw.header_text(k) for k in KEYS)]
    assert [(r[0], r[2]) for r in grid[3:]] == [(f"T{n:02d}", 2025) for n in range(1, 13)]
    wb.close()
    with pytest.raises(ValidationError, match="没有任何数据行"):
        call(db, fhw.import_workbook, actor, path)  # blank amounts are skipped rows, not data
    fill(path, {4: amounts_row(), 5: amounts_row(1500.5, 1200)})
    before = count(db, TownshipFiscal)
    result = call(db, fhw.import_workbook, actor, path)
    assert (result.rows, result.created, result.updated, result.unchanged, result.years) == (2, 2, 0, 0, (2025,))
    assert count(db, TownshipFiscal) == before + 2
    stored = {r.unit_code: r.figures for r in call(db, fh.list_figures, actor, 2025) if r.figures}
    assert stored["T02"] is not None and stored["T02"].general_revenue == D("1500.5")
    assert stored["T01"] is not None and stored["T01"].carryover == D("100.25")
    again = call(db, fhw.import_workbook, actor, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_every_bad_cell_is_located_and_nothing_is_written(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    path = call(db, fhw.template_workbook, actor, 2025, tmp_path / "template.xlsx")
    fill(path, {
        4: amounts_row(),  # a good row: not written either
        5: amounts_row() | {5: 1200},  # tax above revenue
        6: amounts_row() | {1: "T99"},  # unknown township
        7: amounts_row() | {2: "西河街道"},  # name does not match T04
        8: amounts_row() | {3: "明年"},  # year
        9: amounts_row() | {6: "abc", 12: -3},  # text and a negative amount
        10: amounts_row() | {1: "T01", 2: "城关镇"},  # T01 2025 twice
        11: amounts_row() | {9: None},  # 三保 actual spending missing
    })
    rows, audits = count(db, TownshipFiscal), count(db, AuditEntry)
    with pytest.raises(fhw.WorkbookRefused) as refused:
        call(db, fhw.import_workbook, actor, path)
    assert refused.value.problems == (
        "第 5 行 E 列：“税收收入”（1200 万元）不能大于“一般公共预算收入”（1000 万元）。",
        "第 6 行 A 列（单位编码）：“T99”不是系统中的镇街编码。",
        "第 7 行 B 列（单位名称）：“西河街道”与编码 T04 的镇街“石桥镇”不符。",
        "第 8 行 C 列（年度）：应为 2001 至 2099 的年份，收到“明年”。",
        "第 9 行 F 列：“一般公共预算支出”应为金额（万元，如 1234.56），收到“abc”。",
        "第 9 行 L 列：“支出执行数”不能为负数，收到 -3。",
        "第 10 行：城关镇2025 年的数据与第 4 行重复。",
        "第 11 行 I 列：“三保”实际支出未填写（万元，没有发生的填 0）。",
    )
    assert "有 8 处问题，未导入任何数据" in str(refused.value)
    assert (count(db, TownshipFiscal), count(db, AuditEntry)) == (rows, audits)


def test_headers_are_found_by_name(county: tuple[Database, Actor], tmp_path: Path) -> None:
    """A sheet of the user's own: header in row 1, columns reordered, quotes and units typed differently."""
    db, actor = county
    wb = openpyxl.Workbook()
    ws = wb.active
    labels = [label.replace("“", "\"").replace("”", "\"") + "(万元)" for _, label in FIELDS]
    ws.append(["年度", "单位编码", *reversed(labels)])
    ws.append(["2025年", "T03", *reversed([1000, 700, 2000, 2500, 800, 800, 1000, 2100, 2000, 100])])
    wb.save(tmp_path / "own.xlsx")
    assert call(db, fhw.import_workbook, actor, tmp_path / "own.xlsx").created == 1
    stored = next(r for r in call(db, fh.list_figures, actor, 2025) if r.unit_code == "T03").figures
    assert stored is not None and stored.general_revenue == 1000 and stored.carryover == 100


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("not a workbook"), "不是有效的 Excel 工作簿"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "文件设有打开密码"),
    (lambda p: p.write_bytes(b""), "文件是空的"),
])
def test_hostile_files_are_refused_before_opening(county: tuple[Database, Actor], tmp_path: Path,
                                                  make: Callable[[Path], object], message: str) -> None:
    db, actor = county
    path = tmp_path / "data.xlsx"
    make(path)
    with pytest.raises(ValidationError, match=message):
        call(db, fhw.import_workbook, actor, path)


def test_a_sheet_without_the_columns_is_refused_by_name(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    wb = openpyxl.Workbook()
    wb.active.append(["单位编码", "年度", "一般公共预算收入"])
    wb.save(tmp_path / "short.xlsx")
    with pytest.raises(ValidationError, match="第 1 行的表头缺少列：税收收入（万元）、一般公共预算支出（万元）"):
        call(db, fhw.import_workbook, actor, tmp_path / "short.xlsx")
    other = openpyxl.Workbook()
    other.active.append(["项目编码", "金额"])
    other.save(tmp_path / "other.xlsx")
    with pytest.raises(ValidationError, match="找不到含“单位编码”的表头行"):
        call(db, fhw.import_workbook, actor, tmp_path / "other.xlsx")
    clerk = actor_of(Role.CLERK, unit_id(db, "T01"))
    with pytest.raises(PermissionDenied):
        call(db, fhw.import_workbook, clerk, tmp_path / "other.xlsx")
    with pytest.raises(PermissionDenied):
        call(db, fhw.template_workbook, clerk, 2025, tmp_path / "t.xlsx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_template_saved_by_libreoffice_imports(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    source = call(db, fhw.template_workbook, actor, 2025, tmp_path / "template.xlsx")
    resaved = fill(libreoffice(source, tmp_path), {6: amounts_row(888.88, 600)})
    result = call(db, fhw.import_workbook, actor, resaved)
    assert (result.rows, result.created) == (1, 1)
    stored = next(r for r in call(db, fh.list_figures, actor, 2025) if r.unit_code == "T03").figures
    assert stored is not None and stored.general_revenue == D("888.88")
