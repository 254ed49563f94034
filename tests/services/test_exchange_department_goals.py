"""Department goal tables (部门整体绩效目标) in the goals package between two real databases built from the same
demo county: the unit's own department table to the bureau and the bureau's copy back, with a key task naming a
project the department does not have located on its sheet and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import profile as xp
from core.exchange.rules.department_sheets import DEPARTMENT_TABLE_SHEET, DEPARTMENT_TASK_SHEET
from core.goals import department as dg
from core.goals.rules.department import Budget, Contact, TaskRow
from core.org.rules.roles import Actor
from db.database import Database
from db.models import Project, Unit
from tests.services.department_goal_helpers import CONTENT
from tests.services.exchange_helpers import YEAR, county, set_cell

CONTACT = Contact("王建国", "0735-1234567")


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Database, Actor, Database, Actor, int, str]]:
    hub, hub_admin = county(tmp_path / "hub.sqlite")
    spoke, spoke_admin = county(tmp_path / "spoke.sqlite")
    with hub.unit_of_work() as uow:
        unit_id, unit, project = uow.session.execute(
            select(Unit.id, Unit.code, Project.code).join(Project, Project.unit_id == Unit.id)
            .where(Unit.kind == "department", Project.year == YEAR).order_by(Unit.code, Project.code)).first()
    call(spoke, xp.become_spoke, spoke_admin, unit, call(hub, xp.issue_key, hub_admin, unit).key_hex, "某县财政局")
    yield hub, hub_admin, spoke, spoke_admin, unit_id, project
    hub.close()
    spoke.close()


def _fill(db: Database, actor: Actor, unit_id: int, project: str) -> int:
    table_id = call(db, dg.create, actor, unit_id, YEAR)
    detail = call(db, dg.get, actor, table_id)
    budget = detail.project_budget
    tasks = (TaskRow("义务教育均衡发展", budget.total / 2, (project,)), TaskRow("学前教育普惠扩容"))
    call(db, dg.save_draft, actor, table_id, Budget(budget.total, budget.fiscal, budget.carryover, budget.other),
         CONTENT, tasks, detail.updated_at, CONTACT)
    return table_id


def _same(a: dg.DepartmentGoalDetail, b: dg.DepartmentGoalDetail) -> bool:
    return (a.budget, a.contact, a.content, a.tasks, a.unit_code) == (b.budget, b.contact, b.content, b.tasks,
                                                                     b.unit_code)


def test_department_table_travels_both_ways(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub, hub_admin, spoke, spoke_admin, unit_id, project = pair
    spoke_table = _fill(spoke, spoke_admin, unit_id, project)
    package = call(spoke, xg.export_goals, spoke_admin, YEAR, tmp_path / "unit.xlsx")
    preview = call(hub, xg.preview_goals, hub_admin, package)
    assert not preview.problems, preview.problems
    mine = [c for c in preview.changes if c.sheet == DEPARTMENT_TABLE_SHEET.title]
    assert [c.status for c in mine] == ["new"] and mine[0].name.endswith("（部门整体）")
    call(hub, xg.apply_goals, hub_admin, package)
    hub_table = call(hub, dg.find, hub_admin, unit_id, YEAR)
    assert hub_table is not None
    sent = call(spoke, dg.get, spoke_admin, spoke_table)
    arrived = call(hub, dg.get, hub_admin, hub_table)
    assert _same(sent, arrived) and arrived.status == "draft" and arrived.tasks[0].projects == (project,)
    # the bureau changes its copy and sends it back to the unit
    changed = replace(CONTENT, annual_goal=f"{CONTENT.annual_goal}（财政局修改）")
    call(hub, dg.save_draft, hub_admin, hub_table, arrived.budget, changed, arrived.tasks, arrived.updated_at)
    back = call(hub, xg.export_goals, hub_admin, YEAR, tmp_path / "bureau.xlsx", sent.unit_code)
    preview = call(spoke, xg.preview_goals, spoke_admin, back)
    assert not preview.problems, preview.problems
    assert [c.status for c in preview.changes if c.sheet == DEPARTMENT_TABLE_SHEET.title] == ["changed"]
    call(spoke, xg.apply_goals, spoke_admin, back)
    assert _same(call(spoke, dg.get, spoke_admin, spoke_table), call(hub, dg.get, hub_admin, hub_table))


def test_a_task_naming_another_departments_project_is_located(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hub, hub_admin, spoke, spoke_admin, unit_id, project = pair
    _fill(spoke, spoke_admin, unit_id, project)
    package = call(spoke, xg.export_goals, spoke_admin, YEAR, tmp_path / "unit.xlsx")
    set_cell(package, DEPARTMENT_TASK_SHEET.title, "对应项目编码", 2, "NOPE-1")
    preview = call(hub, xg.preview_goals, hub_admin, package)
    located = [(p.sheet, p.row) for p in preview.problems if "NOPE-1" in p.message]
    assert located == [(DEPARTMENT_TASK_SHEET.title, 2)]
    assert call(hub, dg.find, hub_admin, unit_id, YEAR) is None
