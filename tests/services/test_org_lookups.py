"""The organisation look-ups later stages share: the department each unit reports to, and the fiscal years."""

from __future__ import annotations

from sqlalchemy import update

from core.common.runner import call
from core.org import admin, lookups
from core.org.dto import UnitInput
from core.org.rules.roles import Actor
from db.database import Database
from db.models import FiscalYear


def _unit(db: Database, actor: Actor, code: str, name: str, kind: str, parent: int | None = None) -> int:
    call(db, admin.save_unit, actor, UnitInput(code, name, kind, parent))
    return next(r.id for r in call(db, admin.list_units, actor) if r.code == code)


def _departments(db: Database) -> dict[int, tuple[int, str]]:
    with db.unit_of_work() as uow:
        return lookups.departments(uow.session)


def test_every_unit_reports_to_the_department_or_township_above_its_budget_units(
        db: Database, admin_actor: Actor) -> None:
    dept = _unit(db, admin_actor, "D001", "县教育局", "department")
    town = _unit(db, admin_actor, "T001", "城关镇", "township")
    school = _unit(db, admin_actor, "B001", "县第一中学", "budget_unit", dept)
    canteen = _unit(db, admin_actor, "B002", "一中食堂", "budget_unit", school)  # a budget unit under one
    clinic = _unit(db, admin_actor, "B003", "城关镇卫生院", "budget_unit", town)
    found = _departments(db)
    assert found[dept] == found[school] == found[canteen] == (dept, "县教育局")
    assert found[town] == found[clinic] == (town, "城关镇")
    assert set(lookups.DEPARTMENT_KINDS) == {"department", "township"}


def test_a_cycle_of_budget_units_ends_instead_of_looping(db: Database, admin_actor: Actor) -> None:
    dept = _unit(db, admin_actor, "D001", "县教育局", "department")
    first = _unit(db, admin_actor, "B001", "甲单位", "budget_unit", dept)
    second = _unit(db, admin_actor, "B002", "乙单位", "budget_unit", first)
    call(db, admin.save_unit, admin_actor, UnitInput("B001", "甲单位", "budget_unit", second, id=first))
    found = _departments(db)  # returns at all: the walk stops at a unit it has seen
    assert found[first] == (second, "乙单位") and found[second] == (first, "甲单位")


def test_the_current_year_is_the_marked_one_or_else_the_newest(db: Database) -> None:
    assert call(db, lookups.current_year) is None and call(db, lookups.years) == []
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add_all([FiscalYear(year=2024, status="closed"), FiscalYear(year=2026, status="open")])
        uow.commit()
    assert call(db, lookups.years) == [2026, 2024]
    assert call(db, lookups.current_year) == 2026
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(update(FiscalYear).where(FiscalYear.year == 2024).values(is_current=True))
        uow.commit()
    assert call(db, lookups.current_year) == 2024
