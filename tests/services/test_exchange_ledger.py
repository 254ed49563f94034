"""The exchange's read side: this installation's profile and label, and the ledger rows of packages exported and
imported, on a hub and a spoke built from the same demo county."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.runner import call
from core.demo import generate as demo
from core.exchange import goals as xg
from core.exchange import ledger as xl
from core.exchange import profile as xp
from core.exchange.dto import Profile
from core.org import auth
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import Unit
from tests.conftest import PASSWORD


def _county(path: Path) -> tuple[Database, Actor]:
    db = open_database(path)
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, demo.generate_demo, actor, scale=0.05)
    return db, actor


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Actor, Database, Actor, str]]:
    """A hub and a spoke of one unit; the spoke exported its goal tables twice, the hub applied the first."""
    folder = tmp_path_factory.mktemp("ledger")
    hub, hub_admin = _county(folder / "hub.sqlite")
    spoke, spoke_admin = _county(folder / "spoke.sqlite")
    with hub.unit_of_work() as uow:
        unit = uow.session.scalar(select(Unit.code).where(Unit.kind == "department").order_by(Unit.code))
    call(spoke, xp.become_spoke, spoke_admin, unit, call(hub, xp.issue_key, hub_admin, unit).key_hex, "某县财政局")
    first = call(spoke, xg.export_goals, spoke_admin, 2024, folder / "first.xlsx")
    call(spoke, xg.export_goals, spoke_admin, 2024, folder / "second.xlsx")
    call(hub, xg.apply_goals, hub_admin, first)
    yield hub, hub_admin, spoke, spoke_admin, unit
    hub.close()
    spoke.close()


def test_profile_and_label_tell_hub_from_spoke(counties) -> None:  # type: ignore[no-untyped-def]
    hub, hub_admin, spoke, spoke_admin, unit = counties
    assert call(hub, xl.current_profile, hub_admin) == Profile("hub", None)
    assert call(hub, xl.installation_label, hub_admin) == "财政局（汇总端）"
    assert call(spoke, xl.current_profile, spoke_admin) == Profile("spoke", unit)
    with spoke.unit_of_work() as uow:
        name = uow.session.scalar(select(Unit.name).where(Unit.code == unit))
    assert call(spoke, xl.installation_label, spoke_admin) == f"单位（填报端：{name}）"


def test_the_ledger_lists_exports_and_imports_newest_first(counties) -> None:  # type: ignore[no-untyped-def]
    hub, hub_admin, spoke, spoke_admin, unit = counties
    on_spoke = call(spoke, xl.list_ledger, spoke_admin)
    assert [(r.direction, r.state, r.sequence) for r in on_spoke] == [("导出", "已导出", 2), ("导出", "已导出", 1)]
    assert {(r.sender, r.receiver, r.kind, r.year, r.signed) for r in on_spoke} == {
        (unit, "财政局", "绩效目标表", 2024, True)}
    on_hub = call(hub, xl.list_ledger, hub_admin)
    imported = [r for r in on_hub if r.direction == "导入"]
    assert [(r.state, r.sender, r.sequence) for r in imported] == [("已导入", unit, 1)]
    assert imported[0].package_id == on_spoke[1].package_id and "写入" in imported[0].note
    assert on_hub[0].recorded_at >= on_hub[-1].recorded_at
    assert call(hub, xl.list_ledger, hub_admin, 2023) == []


def test_a_clerk_on_the_hub_sees_only_its_units_packages(counties) -> None:  # type: ignore[no-untyped-def]
    hub, _hub_admin, _spoke, _spoke_admin, unit = counties
    with hub.unit_of_work() as uow:
        ids = dict(uow.session.execute(select(Unit.code, Unit.id)).all())
    other = next(code for code in ids if code != unit)
    own = call(hub, xl.list_ledger, Actor("c1", "填报员", Role.CLERK, ids[unit], "本单位"))
    assert {(r.direction, r.sender) for r in own} == {("导入", unit)}
    assert call(hub, xl.list_ledger, Actor("c2", "填报员", Role.CLERK, ids[other], "别的单位")) == []
