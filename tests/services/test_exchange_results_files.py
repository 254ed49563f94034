"""Files from outside through both import paths of the results (bureau → unit) and feedback (unit → bureau)
packages: hostile files (a macro workbook, a legacy .xls, a file that is not a workbook, a zip bomb, a formula in
a data cell) are refused with the database unchanged, preview and apply alike; a package re-saved by LibreOffice
imports as new when untouched and, with a cell edited, only as "unsigned" after the reviewer's confirmation."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.common.workbook_guard import OLE_MAGIC
from core.exchange import feedback as xf
from core.exchange import results as xr
from core.results import rectification
from db.database import Database
from db.models import ExchangeLedgerEntry, RectificationItem, Unit, utcnow
from tests.services import test_exchange_results as shared
from tests.services.exchange_helpers import SOFFICE, fingerprint, libreoffice, set_cell
from tests.services.test_exchange_results import YEAR, Pair, decide, export, line_of, project_id
from tests.services.test_workbook_guard import zip_bomb

county, pair = shared.county, shared.pair  # the hub and spoke fixtures


FEEDBACK_TEXT = "已完成整改，佐证材料已报送。"


def _results(p: Pair, folder: Path) -> Path:
    decide(p, p.submitted, "good", "请补充满意度指标。")
    return export(p, folder / "results.xlsx")


def _feedback(p: Pair, folder: Path) -> Path:
    with p.spoke.unit_of_work() as uow:
        uid = uow.session.scalar(select(RectificationItem.uid).join(Unit).where(
            Unit.code == p.unit, RectificationItem.status.in_(("pending", "in_progress", "failed")))
            .order_by(RectificationItem.id))
    call(p.spoke, rectification.record_feedback, p.admin, uid, FEEDBACK_TEXT, utcnow())
    return call(p.spoke, xf.export_feedback, p.admin, YEAR, folder / "feedback.xlsx")


# (make a real package, the installation that imports it, preview, apply)
PATHS = {
    "results": (_results, "spoke", xr.preview_results, xr.apply_results),
    "feedback": (_feedback, "hub", xf.preview_feedback, xf.apply_feedback_package),
}


def _renamed(suffix: str) -> Callable[[Path, Path], Path]:
    def make(real: Path, folder: Path) -> Path:
        return Path(shutil.copy(real, folder / f"交换包{suffix}"))
    return make


def _bytes(name: str, data: bytes) -> Callable[[Path, Path], Path]:
    def make(_real: Path, folder: Path) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return make


HOSTILE = {
    "xlsm": (_renamed(".xlsm"), "不接受 .xlsm 格式"),
    "xls": (_bytes("旧格式.xls", OLE_MAGIC + b"\x00" * 512), "不支持旧版 .xls"),
    "not-a-workbook": (_bytes("文本.xlsx", "这不是工作簿，只是一段文字".encode()), "不是有效的 Excel 工作簿"),
    "zip-bomb": (lambda _real, folder: zip_bomb(folder), "解压后异常庞大"),
}


def _db(p: Pair, side: str) -> Database:
    return p.hub if side == "hub" else p.spoke


@pytest.mark.parametrize("kind", sorted(PATHS))
@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_hostile_files_are_refused_and_nothing_is_written(pair: Pair, tmp_path: Path, kind: str, hostile: str) -> None:
    make_package, side, preview, apply = PATHS[kind]
    make, message = HOSTILE[hostile]
    path = make(make_package(pair, tmp_path), tmp_path)
    db = _db(pair, side)
    before = fingerprint(db)
    for use in (preview, apply):
        with pytest.raises(ValidationError, match=message):
            call(db, use, pair.admin, path)
    assert fingerprint(db) == before


@pytest.mark.parametrize("kind", sorted(PATHS))
def test_a_formula_in_a_data_cell_is_a_located_problem_and_nothing_is_written(pair: Pair, tmp_path: Path,
                                                                               kind: str) -> None:
    make_package, side, preview, apply = PATHS[kind]
    package = make_package(pair, tmp_path)
    sheet, header = ("审核结论", "综合审核意见") if kind == "results" else ("整改反馈", "整改情况")
    wb = openpyxl.load_workbook(package, read_only=True)
    line = 1 + next(n for n, r in enumerate(wb[sheet].iter_rows(min_row=2, values_only=True), 1) if r[0])
    wb.close()
    column = set_cell(package, sheet, header, line, '=HYPERLINK("http://example.com","点我")')
    db = _db(pair, side)
    before = fingerprint(db)
    found = call(db, preview, pair.admin, package)
    assert [(p.sheet, p.row, p.column) for p in found.problems] == [(sheet, line, column)]
    assert "公式" in found.problems[0].message
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(db, apply, pair.admin, package, confirm_unsigned=True)
    assert fingerprint(db) == before


def _last_in(db: Database) -> str | None:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(ExchangeLedgerEntry.state).where(ExchangeLedgerEntry.direction == "in")
                                  .order_by(ExchangeLedgerEntry.id.desc()).limit(1))


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", sorted(PATHS))
def test_a_libreoffice_resave_imports_as_new_and_an_edited_one_only_after_confirmation(
        pair: Pair, tmp_path: Path, kind: str) -> None:
    make_package, side, preview, apply = PATHS[kind]
    package = make_package(pair, tmp_path)
    edited = Path(shutil.copy(package, tmp_path / "edited.xlsx"))
    sheet, header = ("审核结论", "综合审核意见") if kind == "results" else ("整改反馈", "整改情况")
    rows = list(openpyxl.load_workbook(package, read_only=True)[sheet].iter_rows(values_only=True))
    row_id = pair.submitted if kind == "results" else next(r[0] for r in rows if FEEDBACK_TEXT in r)
    set_cell(edited, sheet, header, line_of(edited, sheet, row_id), "在 LibreOffice 里改过的意见 ")
    db = _db(pair, side)
    untouched = libreoffice(package, tmp_path)
    found = call(db, preview, pair.admin, untouched)
    assert found.decision == "new" and not found.problems, found.problems
    resaved = libreoffice(edited, tmp_path)
    found = call(db, preview, pair.admin, resaved)
    assert found.decision == "edited" and not found.problems, found.problems
    before = fingerprint(db)
    with pytest.raises(ValidationError, match="确认"):
        call(db, apply, pair.admin, resaved)
    assert fingerprint(db) == before
    done = call(db, apply, pair.admin, resaved, confirm_unsigned=True)
    assert row_id in {c.code for c in done.preview.changes} and _last_in(db) == "unsigned"
    if kind == "results":
        decision = call(db, shared.review.latest_decision, pair.admin, project_id(db, pair.submitted))
        assert decision.opinion == "在 LibreOffice 里改过的意见"
    else:
        with db.unit_of_work() as uow:
            assert uow.session.scalar(select(RectificationItem.feedback).where(
                RectificationItem.uid == row_id)) == "在 LibreOffice 里改过的意见"
