"""The generic package pipeline on a real demo hub: the kind is detected from the workbook and the manifest
decides, a package of an unknown kind or without a manifest is refused, every hostile file is refused through
each kind's import path with the database unchanged, a formula in a data cell of each kind is a located problem,
the problem list is a readable workbook, and 全部单位 writes one signed package per unit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from core.common.errors import ValidationError
from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import kinds as xk
from core.exchange import monitoring as xm
from core.exchange import problems as xpr
from core.exchange import self_evaluation as xs
from core.org.rules.roles import Actor
from db.database import Database
from tests.services.exchange_helpers import YEAR, county, fingerprint, ledger, line_of, set_cells
from tests.services.test_workbook_guard import OLE_MAGIC, macro_member, plain_workbook, zip_bomb

KINDS = ("goals", "monitoring", "self_evaluation")
DATA_SHEET = {"goals": ("绩效目标表", "年度总体目标"), "monitoring": ("监控表", "纠偏措施"),
              "self_evaluation": ("自评表", "年度总体目标：实际完成情况")}
PREVIEWS: dict[str, Callable[..., object]] = {"any": xk.preview_any, "goals": xg.preview_goals,
                                              "monitoring": xm.preview_monitoring,
                                              "self_evaluation": xs.preview_self_evaluation}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Actor]]:
    db, actor = county(tmp_path_factory.mktemp("hub") / "hub.sqlite")
    yield db, actor
    db.close()


UNIT = "D045"  # a department of the demo county with approved, monitored and self-evaluated projects


def _template(hub: tuple[Database, Actor], kind: str, path: Path) -> Path:
    db, actor = hub
    return call(db, xk.template_kind, actor, kind, YEAR, path, UNIT).path


@pytest.mark.parametrize("kind", KINDS)
def test_the_kind_is_detected_and_an_untouched_template_is_unsigned(hub: tuple[Database, Actor], kind: str,
                                                                    tmp_path: Path) -> None:
    db, actor = hub
    template = _template(hub, kind, tmp_path / f"{kind}.xlsx")
    preview = call(db, xk.preview_any, actor, template)
    assert (preview.kind, preview.label) == (kind, xk.LABELS[kind])
    assert preview.decision == "unsigned" and not preview.problems, preview.problems
    assert preview.changes and {c.status for c in preview.changes} == {"unchanged"}


def test_an_unknown_kind_and_a_missing_manifest_are_refused(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    template = _template(hub, "monitoring", tmp_path / "监控表.xlsx")
    wb = openpyxl.load_workbook(template)
    manifest = wb["清单"]
    row = next(r for r in range(1, manifest.max_row + 1) if manifest.cell(r, 1).value == "kind")
    manifest.cell(row, 2).value = "future_kind"
    wb.save(tmp_path / "未知.xlsx")
    preview = call(db, xk.preview_any, actor, tmp_path / "未知.xlsx")
    assert preview.decision == "refused" and "未知的交换包类型“future_kind”" in preview.refusal
    with pytest.raises(ValidationError, match="未知的交换包类型"):
        call(db, xk.apply_any, actor, tmp_path / "未知.xlsx", confirm_unsigned=True)
    del wb["清单"]
    wb.save(tmp_path / "无清单.xlsx")
    preview = call(db, xk.preview_any, actor, tmp_path / "无清单.xlsx")
    assert preview.kind == "monitoring" and preview.decision == "refused" and "没有交换包清单" in preview.refusal
    preview = call(db, xk.preview_any, actor, plain_workbook(tmp_path / "别的表.xlsx"))
    assert preview.kind == "" and preview.decision == "refused" and preview.blocked
    assert call(db, xg.preview_goals, actor, template).decision == "refused"  # a monitoring package, not goals


def _renamed_xlsm(d: Path) -> Path:
    return plain_workbook(d / "宏.xlsm")


def _legacy_xls(d: Path) -> Path:
    (d / "旧.xls").write_bytes(OLE_MAGIC + b"\x00" * 512)
    return d / "旧.xls"


def _not_a_workbook(d: Path) -> Path:
    (d / "文本.xlsx").write_text("这不是工作簿", encoding="utf-8")
    return d / "文本.xlsx"


@pytest.mark.parametrize("path_of", list(PREVIEWS))
@pytest.mark.parametrize(("make", "message"), [
    (_renamed_xlsm, "不接受 .xlsm"), (macro_member, "含有宏"), (_legacy_xls, "不支持旧版 .xls"),
    (_not_a_workbook, "不是有效的 Excel 工作簿"), (zip_bomb, "解压后异常庞大"),
], ids=["xlsm", "vba", "xls", "not-a-workbook", "zip-bomb"])
def test_hostile_files_are_refused_through_every_import_path(hub: tuple[Database, Actor], tmp_path: Path,
                                                             path_of: str, make: Callable[[Path], Path],
                                                             message: str) -> None:
    db, actor = hub
    before = fingerprint(db)
    path = make(tmp_path)
    with pytest.raises(ValidationError, match=message):
        call(db, PREVIEWS[path_of], actor, path)
    with pytest.raises(ValidationError, match=message):
        call(db, xk.apply_any, actor, path, confirm_unsigned=True)
    assert fingerprint(db) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_formula_in_a_data_cell_is_a_located_problem_and_nothing_is_written(hub: tuple[Database, Actor],
                                                                             kind: str, tmp_path: Path) -> None:
    db, actor = hub
    template = _template(hub, kind, tmp_path / f"{kind}.xlsx")
    sheet, header = DATA_SHEET[kind]
    letters = set_cells(template, sheet, 2, **{header: "=HYPERLINK(\"http://example.com\",\"点我\")"})
    before = fingerprint(db)
    preview = call(db, xk.preview_any, actor, template)
    assert preview.blocked and [(p.sheet, p.row, p.column) for p in preview.problems] == [(sheet, 2, letters[header])]
    assert "公式" in preview.problems[0].message
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(db, xk.apply_any, actor, template, confirm_unsigned=True)
    assert fingerprint(db) == before


def test_the_problem_list_is_a_readable_workbook(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    template = _template(hub, "monitoring", tmp_path / "监控表.xlsx")
    row = line_of(template, "监控表", 项目编码=next(iter(_codes(template))))
    set_cells(template, "监控表", row, **{"年度预算调整（万元）": "很多", "预算执行偏差原因": "天气"})
    preview = call(db, xk.preview_any, actor, template)
    assert len(preview.problems) == 2
    written = xpr.write_problems(preview, tmp_path / "问题清单.xlsx", template.name)
    ws = openpyxl.load_workbook(written)["问题清单"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "交换包问题清单" and "监控表" in rows[1][0] and "未签名" in rows[1][0]
    assert rows[2] == ("序号", "工作表", "行", "列", "列名", "问题说明", "退回的表（项目编码）")
    body = [r for r in rows[3:] if r[0] is not None]
    assert [(r[1], r[2], r[3], r[4]) for r in body] == [(p.sheet, p.row, p.column, p.header) for p in preview.problems]
    assert all(r[5] for r in body) and "很多" in body[0][5]


def _codes(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["监控表"].iter_rows(values_only=True))
    index = rows[0].index("项目编码")
    return [r[index] for r in rows[1:]]


def test_all_units_get_one_signed_package_each(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    units = call(db, xk.units_with_projects, actor, YEAR)
    before = len(ledger(db))
    paths = call(db, xk.export_all_units, actor, "goals", YEAR, tmp_path / "全部").paths
    assert len(paths) == len(units) > 10 and all(p.is_file() for p in paths)
    assert paths[0].name == xk.file_name("goals", YEAR, *units[0])
    added = ledger(db)[before:]
    assert len(added) == len(units) and {e[:3] for e in added} == {("out", "exported", "goals")}
    refused = call(db, xk.preview_any, actor, paths[0])  # addressed to the unit, not to the bureau
    assert refused.kind == "goals" and refused.decision == "refused" and "不是本单位" in refused.refusal
