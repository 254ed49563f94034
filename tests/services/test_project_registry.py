"""The project library (项目库) at the bureau on a real SQLite file: registering by hand (refusals name the field),
the lifecycle (allowed moves only, each audited), links of continuing projects to last year's (same code, similar
name in the same department, proposals accepted or rejected), and the registry workbook written by openpyxl and
re-saved by LibreOffice: preview per row, located problems, the good rows applied in one transaction, the bad
ones not at all."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.exchange import registry as xr
from core.org import admin
from core.org.rules.roles import Actor, Role
from core.projects import linking, service
from core.projects.dto import ProjectInput
from core.projects.rules import Amounts as A
from core.projects.rules import (
    ProjectStatus,
    TransitionError,
    check_transition,
    entry_problems,
    name_similarity,
)
from db.database import Database
from db.models import AuditEntry, Project
from tests.conftest import actor_of
from tests.services.exchange_helpers import SOFFICE, fingerprint, libreoffice

D = Decimal
HEADERS = [c.header for c in xr.REGISTRY_SHEET.columns]


@pytest.mark.parametrize(("current", "target", "allowed"), [
    ("reserve", "library", True), ("library", "arranged", True), ("arranged", "executing", True),
    ("executing", "completed", True), ("executing", "terminated", True), ("applied", "reserve", True),
    ("applied", "declined", True), ("arranged", "library", True),  # the budget dropped it
    ("reserve", "arranged", False), ("reserve", "completed", False), ("completed", "executing", False),
    ("declined", "reserve", False), ("terminated", "reserve", False),
])
def test_the_lifecycle_allows_only_its_moves(current: str, target: str, allowed: bool) -> None:
    if allowed:
        assert check_transition(current, target) == ProjectStatus(target)
    else:
        with pytest.raises(TransitionError, match="不能从"):
            check_transition(current, target)


@pytest.mark.parametrize(("amounts", "years", "fields"), [
    (A(D(10), D(0), D(0), D(10)), (2025, 2025), []),
    (A(D("6.5"), D("2.5"), D(1), D(10), D(30)), (2024, 2026), []),  # spanning three years is normal
    (A(D(10), D(1), D(0), D(10)), (2025, 2025), ["total_amount"]),  # sources 11 ≠ 合计 10
    (A(D(10), D(0), D(0), D(10)), (2026, 2024), ["end_year"]),
    (A(D(10), D(0), D(0), D(10)), (2026, 2027), ["year"]),  # budget year 2025 before the start
    (A(D(10), D(0), D(0), D(10), D(5)), (2025, 2026), ["span_total_amount"]),
    (A(D(-1), D(11), D(0), D(10)), (None, None), ["fiscal_amount"]),
])
def test_entry_checks(amounts: A, years: tuple[int | None, int | None], fields: list[str]) -> None:
    assert [f for f, _ in entry_problems(2025, amounts, *years)] == fields


def test_name_similarity_ignores_years_and_punctuation() -> None:
    assert name_similarity("2024年农村公路养护项目", "2025年度农村公路养护项目") == 1
    assert name_similarity("农村公路养护", "城区学校校舍维修") < D("0.3")


@pytest.fixture
def units(db: Database, admin_actor: Actor) -> None:
    for code, name, kind, parent in (("D001", "县教育局", "department", None), ("D002", "县交通运输局", "department", None)):
        call(db, admin.save_unit, admin_actor, admin.UnitInput(code, name, kind, parent_id=parent))
    d1 = {r.code: r.id for r in call(db, admin.list_units, admin_actor)}["D001"]
    call(db, admin.save_unit, admin_actor, admin.UnitInput("D001001", "县第一中学", "budget_unit", parent_id=d1))


def entry(code: str, name: str, year: int = 2025, department: str = "D001", attribute: str = "new",
          **kw: Any) -> ProjectInput:
    return ProjectInput(year, code, name, department, kw.pop("implementing", None), attribute, "one_off",
                        kw.pop("fiscal", D(10)), D(0), D(0), kw.pop("total", D(10)), **kw)


def test_register_by_hand_into_reserve_and_refusals_name_the_field(db: Database, admin_actor: Actor,
                                                                  units: None) -> None:
    pid, changes = call(db, service.register_project, admin_actor,
                        entry("P1", "校舍维修", implementing="县第一中学", start_year=2025, end_year=2027,
                              span_total_amount=D(30)))
    assert changes.touches("projects")
    [row] = call(db, service.list_projects, admin_actor, 2025)
    assert (row.id, row.status_label, row.department_name, row.span_total_amount) == (pid, "储备", "县教育局", D(30))
    for bad, field in ((entry("P1", "重复"), "code"), (entry("P2", "x", department="县财政局"), "department"),
                       (entry("P3", "x", total=D(11)), "total_amount")):
        with pytest.raises(ValidationError) as caught:
            call(db, service.register_project, admin_actor, bad)
        assert caught.value.field == field
    with pytest.raises(Exception, match="权限"):
        call(db, service.register_project, actor_of(Role.CLERK, 1), entry("P4", "x"))


def test_each_move_is_checked_and_audited(db: Database, admin_actor: Actor, units: None) -> None:
    pid, _ = call(db, service.register_project, admin_actor, entry("P1", "校舍维修"))
    for target in ("library", "arranged", "executing", "completed"):
        call(db, service.move_status, admin_actor, pid, target, "年度安排")
    with pytest.raises(ValidationError, match="已完成"):
        call(db, service.move_status, admin_actor, pid, "executing")
    with db.unit_of_work() as uow:
        moves = uow.session.scalars(select(AuditEntry.after_json).where(AuditEntry.action == "project.status")).all()
    assert len(moves) == 4 and '"completed"' in moves[-1]


def test_continuing_projects_link_by_code_then_by_name(db: Database, admin_actor: Actor, units: None) -> None:
    last = {code: call(db, service.register_project, admin_actor, entry(code, name, 2024, dept))[0]
            for code, name, dept in (("A1", "农村公路养护", "D002"), ("A2", "2024年学生营养餐补助", "D001"),
                                     ("A3", "校园安全设施改造", "D001"), ("A4", "教师培训", "D001"),
                                     ("A5", "2024年学生营养餐补助", "D002"))}
    same_code, _ = call(db, service.register_project, admin_actor, entry("A1", "农村道路养护", department="D002",
                                                                         attribute="continuing"))
    by_name, _ = call(db, service.register_project, admin_actor, entry("N2", "2025年学生营养餐补助",
                                                                       attribute="continuing"))
    unsure, _ = call(db, service.register_project, admin_actor, entry("N3", "校园安全监控设施改造提升",
                                                                      attribute="continuing"))
    rejected, _ = call(db, service.register_project, admin_actor, entry("N4", "教师培训与交流",
                                                                        attribute="continuing"))
    with db.unit_of_work() as uow:
        links = {p.id: (p.previous_project_id, p.link_basis) for p in uow.session.scalars(select(Project))}
    assert links[same_code] == (last["A1"], "code")
    assert links[by_name] == (last["A2"], "name")  # not A5: another department's
    assert links[unsure] == (None, "proposed") and links[rejected] == (None, "proposed")
    proposed = {p.project_id: p for p in call(db, linking.proposals, admin_actor, 2025)}
    assert proposed[unsure].candidate_code == "A3" and D("0.6") <= proposed[unsure].similarity < D("0.9")
    call(db, linking.decide, admin_actor, unsure, True)
    call(db, linking.decide, admin_actor, rejected, False)
    summary, _ = call(db, linking.link_year, admin_actor, 2025)
    assert (summary.by_code, summary.by_name, summary.proposed) == (0, 0, 0)  # a rejection is not proposed again
    with db.unit_of_work() as uow:
        assert uow.session.get(Project, unsure).previous_project_id == last["A3"]
        assert uow.session.get(Project, rejected).link_basis == "rejected"
    assert call(db, linking.proposals, admin_actor, 2025) == []


def write_registry(path: Path, rows: list[list[Any]], title: str = "项目库") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def row(code: str, name: str, dept: str = "县教育局", attribute: str = "新增", fiscal: Any = 10, carry: Any = 0,
        total: Any = 10, start: int | None = 2025, end: int | None = 2025, year: int = 2025, unit: str | None = None,
        span: Any = None) -> list[Any]:
    return [code, name, dept, unit, attribute, "一次性", None, fiscal, carry, None, total, span, start, end, year]


def test_the_registry_workbook_previews_applies_the_good_rows_and_locates_the_bad(db: Database, admin_actor: Actor,
                                                                                  units: None, tmp_path: Path) -> None:
    call(db, service.register_project, admin_actor, entry("OLD", "旧名称"))
    path = write_registry(tmp_path / "项目清单.xlsx", [
        row("P1", "校舍维修", unit="县第一中学", start=2025, end=2027, span="30.5"),
        row("OLD", "新名称", start=None, end=None),
        row("P2", "重复一"), row("P2", "重复二"),
        row("P3", "来源不符", fiscal=10, carry="1.5", total=10),
        row("P4", "未知部门", dept="县不存在局"),
        row("P5", "年度颠倒", start=2026, end=2024),
        row("P6", "金额写错", fiscal="十万"),
    ])
    before = fingerprint(db)
    preview = call(db, xr.preview_registry, admin_actor, path)
    assert fingerprint(db) == before
    assert [(x.line, x.code, x.status) for x in preview.lines] == [
        (2, "P1", "new"), (3, "OLD", "changed"), (4, "P2", "refused"), (5, "P2", "refused"), (6, "P3", "refused"),
        (7, "P4", "refused"), (8, "P5", "refused"), (9, "P6", "refused")]
    assert preview.lines[1].changed == ("项目名称",)
    located = {(p.row, p.column, p.header) for p in preview.problems}
    assert located == {(4, "A", "项目编码"), (5, "A", "项目编码"), (6, "K", "合计"), (7, "C", "主管部门"),
                       (8, "N", "结束年度"), (9, "H", "财政拨款")}
    assert all(text.startswith("文件“项目清单.xlsx”工作表“项目库”第 ") for text in preview.located())
    result, _ = call(db, xr.apply_registry, admin_actor, path)
    assert (result.created, result.updated) == (1, 1)
    with db.unit_of_work() as uow:
        [audit] = uow.session.scalars(select(AuditEntry.after_json).where(
            AuditEntry.action == "project.registry_import")).all()
    assert '"2025:P1"' in audit and '"旧名称"' in audit and '"新名称"' in audit and "P2" not in audit
    rows = {r.code: r for r in call(db, service.list_projects, admin_actor, 2025)}
    assert set(rows) == {"OLD", "P1"} and rows["OLD"].name == "新名称"
    assert (rows["P1"].status, rows["P1"].span_total_amount, rows["P1"].implementing_unit) == (
        "reserve", D("30.5"), "县第一中学")
    again = call(db, xr.preview_registry, admin_actor, path)
    assert [x.status for x in again.lines[:2]] == ["unchanged", "unchanged"]


def test_a_workbook_without_the_sheet_or_a_header_writes_nothing(db: Database, admin_actor: Actor, units: None,
                                                                 tmp_path: Path) -> None:
    wrong = write_registry(tmp_path / "wrong.xlsx", [row("P1", "x")], title="Sheet1")
    before = fingerprint(db)
    result, _ = call(db, xr.apply_registry, admin_actor, wrong)
    assert result.created == 0 and "缺少工作表“项目库”" in result.preview.problems[0].message
    assert fingerprint(db) == before


def test_the_template_filled_and_resaved_by_libreoffice_imports(db: Database, admin_actor: Actor, units: None,
                                                                tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    template = xr.write_template(tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb["项目库"]
    assert [c.value for c in ws[1]] == HEADERS
    ws.append(row("L1", "乡村学校饮水工程", dept="D001", fiscal="12.345678", carry="0.654322", total=13))
    ws.append(row("L2", "县乡道路改造", dept="县交通运输局", attribute="延续", start=2024, end=2026, span=90, total=10))
    wb.save(template)
    resaved = libreoffice(template, tmp_path)
    preview = call(db, xr.preview_registry, admin_actor, resaved)
    assert [(x.code, x.status) for x in preview.lines] == [("L1", "new"), ("L2", "new")] and not preview.problems
    call(db, xr.apply_registry, admin_actor, resaved)
    rows = {r.code: r for r in call(db, service.list_projects, admin_actor, 2025)}
    assert rows["L1"].fiscal_amount == D("12.345678") and rows["L1"].total_amount == D(13)
    assert (rows["L2"].start_year, rows["L2"].end_year, rows["L2"].span_total_amount) == (2024, 2026, D(90))
