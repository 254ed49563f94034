"""The 申报表's header in the goals workbook on the bureau's hub: a unit's change is a normal change of its table,
a conflict only where the bureau changed the same field since the last package from that unit."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import intake
from core.exchange import projects as xpj
from core.org import admin, auth
from core.org.rules.roles import Actor
from db.database import Database, open_database
from db.models import Project
from tests.conftest import PASSWORD

YEAR = 2025
CODE = "2025-D101-001"


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[Database, Actor]]:
    db = open_database(tmp_path / "hub.sqlite")
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, admin.save_unit, actor, admin.UnitInput("D101", "县交通运输局", "department"))
    unit_id = next(r.id for r in call(db, admin.list_units, actor) if r.code == "D101")
    with db.unit_of_work() as uow:
        uow.write()
        xpj.write_projects(uow, actor, YEAR, xpj.ProjectPlan(create={CODE: (unit_id, {
            "name": "农村公路提质改造", "attribute": "new", "nature": "one_off", "fund_type": "general",
            "total_amount": Decimal(100), "fiscal_amount": Decimal(100), "carryover_amount": Decimal(0),
            "other_amount": Decimal(0)})}))
        uow.commit()
    yield db, actor
    db.close()


def _send(hub: tuple[Database, Actor], path: Path, **cells: object) -> Path:
    db, actor = hub
    template = call(db, xg.template_goals, actor, YEAR, path, "D101")
    wb = openpyxl.load_workbook(template)
    ws = wb["绩效目标表"]
    heads = {c.value: c.column for c in ws[1]}
    for header, value in {"年度总体目标": "完成14.5公里", **cells}.items():
        ws.cell(row=2, column=heads[header]).value = value
    wb.save(template)
    return template


def _project(db: Database) -> Project:
    with db.unit_of_work() as uow:
        project = uow.session.scalar(select(Project).where(Project.code == CODE))
        uow.session.expunge(project)
        return project


def test_a_units_header_change_is_written_with_its_table(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    package = _send(hub, tmp_path / "1.xlsx", 项目负责人="王建国", 联系电话="0745-6221345",
                    **{"其中：财政拨款（万元）": 80, "其中：上年结转（万元）": 20})
    done = intake.import_package(db, actor, package, confirm_unsigned=True)
    assert done.written == (CODE,) and [c.status for c in done.preview.changes] == ["new"]
    project = _project(db)
    assert (project.manager, project.phone, project.fiscal_amount, project.carryover_amount) == (
        "王建国", "0745-6221345", Decimal(80), Decimal(20))


def test_a_field_the_bureau_changed_since_the_base_conflicts_and_another_does_not(
        hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    intake.import_package(db, actor, _send(hub, tmp_path / "1.xlsx", 项目负责人="王建国"), confirm_unsigned=True)
    with db.unit_of_work() as uow:  # the bureau corrects the manager after the unit's package
        uow.write()
        project = uow.session.scalar(select(Project).where(Project.code == CODE))
        xpj.write_projects(uow, actor, YEAR, xpj.ProjectPlan(update={CODE: (project.id, {"manager": "李四"})}))
        uow.commit()
    same = call(db, intake.preview, actor, _send(hub, tmp_path / "2.xlsx", 项目负责人="王五"))
    assert [(c.status, "项目负责人" in c.reason) for c in same.changes] == [("conflicting", True)]
    other = _send(hub, tmp_path / "3.xlsx", 项目负责人="李四", 联系电话="13907451234")
    done = intake.import_package(db, actor, other, confirm_unsigned=True)
    assert [c.status for c in done.preview.changes] == ["changed"] and _project(db).phone == "13907451234"
