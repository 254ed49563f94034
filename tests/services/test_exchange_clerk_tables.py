"""Goal tables we did not write, typed the way a clerk types them: 21 project tables of three departments
(tests/exchange_corpus/clerk_goal_tables.json, written by hand after the national 项目支出绩效目标申报表 and tables
counties publish; not produced by, nor derived from, the demo generator), filled with openpyxl into the bureau's
blank templates — values as typed ("=100%", "≥90%", "2025年11月30日前", "第三季度", "2023.07-2024.01"), some typed
where a spreadsheet made a percentage number (0.9 shown as 90%) or a formula ("=100%") of them — re-saved by
LibreOffice headless and imported in one pass per workbook.

Six tables are bad in the ways reviewers meet (a comparator without a number, an impossible date, a 二级 under the
wrong 一级, a table row deleted, a table of another unit, a project whose table was rejected earlier): each comes
back located in the problem workbook, nothing of it is written, and every other table comes in with its header,
amounts and indicators, no value changed in meaning."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import intake
from core.exchange import kinds as xk
from core.exchange import problems as xpr
from core.exchange import projects as xpj
from core.goals import service as goals
from core.goals.rules.notation import format_decimal, parse_indicator_value
from core.org import admin, auth
from core.org.rules.roles import Actor
from db.database import Database, open_database
from db.models import GoalTable, GoalTableVersion, Project
from tests import clerk_corpus
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import libreoffice

YEAR = 2025
UNITS = {"D101": "县交通运输局", "D102": "县农业农村局", "D103": "县卫生健康局"}


def _tables() -> list[dict[str, Any]]:
    tables = clerk_corpus.load()
    for t in tables:  # the defect a "value" table carries replaces one of its values
        if t.get("bad") == "value":
            index, typed = t["fix"]
            t["i"][index][3] = typed
    return tables


def _meant(typed: Any) -> str:
    """What the clerk meant by a cell: a percentage number is the percentage the cell showed."""
    return f"{format_decimal(Decimal(str(typed['pct'])) * 100)}%" if isinstance(typed, dict) else str(typed)


def _register(db: Database, actor: Actor, tables: list[dict[str, Any]]) -> None:
    """The departments and the year's projects as the bureau's project library holds them (before the units
    fill in the header: no manager, no phone, the whole amount as fiscal money); a rejected table for the project
    refused earlier."""
    for code, name in UNITS.items():
        call(db, admin.save_unit, actor, admin.UnitInput(code, name, "department"))
    ids = {r.code: r.id for r in call(db, admin.list_units, actor)}
    with db.unit_of_work() as uow:
        uow.write()
        plan = xpj.ProjectPlan(create={t["code"]: (ids[t["unit"]], clerk_corpus.project_fields(t)) for t in tables})
        xpj.write_projects(uow, actor, YEAR, plan)
        for t in tables:
            if t.get("bad") == "rejected":
                project = uow.session.scalar(select(Project).where(Project.code == t["code"]))
                table = GoalTable(project_id=project.id, status="rejected", current_version=1)
                uow.session.add(table)
                uow.session.flush()
                uow.session.add(GoalTableVersion(goal_table_id=table.id, version=1, reason="申报",
                                                 annual_goal="去年被审核为差的目标", created_by="clerk"))
        uow.commit()


def _fill(template: Path, unit: str, tables: list[dict[str, Any]]) -> None:
    """Fill the template as a clerk of `unit` does: the header, texts and indicators of each of its tables."""
    book = clerk_corpus.GoalsWorkbook(template)
    for t in tables:
        if (t.get("into") or t["unit"]) == unit:  # a table of another unit is typed into this unit's workbook
            book.type_table(t)
    book.save()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_clerk_tables_re_saved_by_libreoffice_import_in_one_pass(tmp_path: Path) -> None:
    tables = _tables()
    db = open_database(tmp_path / "hub.sqlite")
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    _register(db, actor, tables)
    bad = {t["code"] for t in tables if t.get("bad")}
    notes = 0
    for unit in UNITS:
        template = call(db, xg.template_goals, actor, YEAR, tmp_path / f"{unit}.xlsx", unit)
        _fill(template, unit, tables)
        resaved = libreoffice(template, tmp_path)
        preview = call(db, xk.preview_any, actor, resaved)
        mine = {t["code"] for t in tables if (t.get("into") or t["unit"]) == unit}
        assert not preview.blocked, [str(p) for p in preview.blocking]
        assert set(preview.refused_codes) == mine & bad, [str(p) for p in preview.problems]
        assert all(p.row and p.column for p in preview.problems)  # every problem located
        written = xpr.write_problems(preview, tmp_path / f"{unit}-问题清单.xlsx", resaved.name)
        listed = {r[6] for r in openpyxl.load_workbook(written)["问题清单"].iter_rows(min_row=4, values_only=True)}
        assert mine & bad <= listed
        done = intake.import_package(db, actor, resaved, confirm_unsigned=True)
        assert set(done.written) == mine - bad
        notes += len(preview.notes)
    typed_otherwise = sum(1 for t in tables if t["code"] not in bad for i in t["i"]
                          if isinstance(i[3], dict) or (t.get("formula") and str(i[3]).startswith("=")))
    assert notes == typed_otherwise  # every value read otherwise than typed has its line in the preview
    _check_stored(db, actor, tables, bad)
    db.close()


def _check_stored(db: Database, actor: Actor, tables: list[dict[str, Any]], bad: set[str]) -> None:
    keys = ("id", "manager", "phone", "implementing_unit", "start_date", "end_date", "total_amount", "fiscal_amount",
            "carryover_amount", "other_amount")
    with db.unit_of_work() as uow:
        projects = {p.code: type("Stored", (), {k: getattr(p, k) for k in keys})
                    for p in uow.session.scalars(select(Project))}
        statuses = {pid: status for pid, status in uow.session.execute(
            select(GoalTable.project_id, GoalTable.status))}
    for t in tables:
        project = projects[t["code"]]
        if t["code"] in bad:  # nothing of a refused table is written: no table, the library's header
            assert statuses.get(project.id) in (None, "rejected") and project.manager is None
            continue
        assert (project.manager, project.phone, project.implementing_unit) == (t["manager"], t["phone"], t["impl"])
        assert (project.start_date, project.end_date) == (date.fromisoformat(t["start"]), date.fromisoformat(t["end"]))
        assert [project.total_amount, project.fiscal_amount, project.carryover_amount, project.other_amount] == [
            Decimal(t[k]) for k in ("total", "fiscal", "carry", "other")]
        content = call(db, goals.get_table, actor, project.id).content
        assert content.annual_goal == t["goal"] and content.basis == t["basis"]
        stored = [(r.name, r.comparator, r.target, r.target_text, r.unit_of_measure) for r in content.indicators]
        expected = []
        for _, _, name, typed, _ in t["i"]:
            v = parse_indicator_value(_meant(typed))
            expected.append((name, v.comparator, v.target, v.target_text, v.unit_of_measure))
        assert stored == expected, t["code"]
