"""The enrolment package (bureau → one unit) between real databases: a demo county hub exports a unit's package,
a fresh installation (only its first administrator) enrols from it and becomes that unit's spoke, and the spoke's
first goals package is admitted by the hub as new. A hand-edited package, another kind of package, a second
enrolment as another unit and a database holding other units' data are refused with nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.exchange import enrolment as xe
from core.exchange import goals as xg
from core.exchange import profile as xp
from core.exchange.dto import Profile
from core.library import service as library
from core.library.dto import LibraryEntryInput
from core.org import auth, settings
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import AuditEntry, ExchangeLedgerEntry, FiscalYear, LibraryEntry, Setting, Unit, UnitKey
from tests.conftest import PASSWORD, actor_of

CULVERT = LibraryEntryInput(
    sector="交通运输", level1="产出指标", level2="数量指标", name="新建农村公路涵洞数量", comparator="≥", unit="座",
    typical_min="2", typical_max="40", unit_cost_min_wan="1.5", unit_cost_max_wan="12",
    scoring="完成目标值得满分，未完成按完成比例得分", note="含圆管涵、盖板涵")


@dataclass
class Hub:
    db: Database
    admin: Actor
    unit: str  # a department with budget units below it
    other: str  # another department
    package: Path


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("enrolment")
    db = open_database(folder / "hub.sqlite")
    admin = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, demo.generate_demo, admin, scale=0.05)
    call(db, settings.update_settings, admin, {"org.name": "某县财政局", "monitoring.budget_red_below": "55.5",
                                               "auth.min_password_length": 10})
    call(db, library.add_entry, admin, CULVERT)
    with db.unit_of_work() as uow:
        child = aliased(Unit)
        departments = uow.session.scalars(
            select(Unit.code).join(child, child.parent_id == Unit.id).where(Unit.kind == "department")
            .group_by(Unit.code).order_by(Unit.code)).all()
    package = call(db, xe.export_enrolment, admin, departments[0], folder / "登记包.xlsx").path
    yield Hub(db, admin, departments[0], departments[1], package)
    db.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Database, Actor]]:
    db = open_database(tmp_path / "unit.sqlite")
    yield db, call(db, auth.create_first_admin, "admin", "单位管理员", PASSWORD, PASSWORD)
    db.close()


def _units(db: Database, codes: set[str] | None = None) -> dict[str, tuple]:
    parent = aliased(Unit)
    with db.unit_of_work() as uow:
        rows = uow.session.execute(select(Unit.code, Unit.name, Unit.kind, parent.code, Unit.sector, Unit.active)
                                   .outerjoin(parent, parent.id == Unit.parent_id)).all()
    return {r[0]: tuple(r[1:]) for r in rows if codes is None or r[0] in codes}


def _settings(db: Database) -> dict[str, object]:
    with db.unit_of_work() as uow:
        return {k: settings.get(uow.session, k) for k in settings.definitions() if not k.startswith("auth.")}


def _snapshot(db: Database) -> dict[str, object]:
    with db.unit_of_work() as uow:
        s = uow.session
        counts = {m.__name__: s.scalar(select(func.count()).select_from(m))
                  for m in (Unit, Setting, LibraryEntry, ExchangeLedgerEntry, UnitKey, FiscalYear, AuditEntry)}
        return {**counts, "profile": xp.profile(s)}


def test_a_fresh_installation_enrols_and_its_first_goals_package_is_admitted(hub: Hub, fresh: tuple, tmp_path: Path
                                                                             ) -> None:
    db, admin = fresh
    done = call(db, xe.enrol_from_package, admin, hub.package)
    assert done.unit_code == hub.unit and not done.duplicate and done.library == 1
    with db.unit_of_work() as uow:
        s = uow.session
        assert xp.profile(s) == Profile("spoke", hub.unit)
        spoke_keys = xp.ledger_view(s).keys
        entry = s.scalar(select(ExchangeLedgerEntry).where(ExchangeLedgerEntry.direction == "in"))
        culvert = s.scalar(select(LibraryEntry).where(LibraryEntry.name == CULVERT.name))
        assert s.scalar(select(FiscalYear.year).where(FiscalYear.is_current)) == done.year
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "exchange.enrol")) == 1
        assert entry.kind == "enrolment" and entry.sender == "BUREAU" and entry.receiver == hub.unit
        assert entry.state == "applied" and entry.signed
        assert culvert is not None and str(culvert.unit_cost_max_wan) == "12" and culvert.comparator == ">="
    with hub.db.unit_of_work() as uow:
        assert spoke_keys == {hub.unit: xp.ledger_view(uow.session).keys[hub.unit]}
    mine = _units(db)
    assert hub.unit in mine and len(mine) == done.units > 1 and hub.other not in mine
    assert mine == _units(hub.db, set(mine))
    assert _settings(db) == _settings(hub.db)
    assert str(_settings(db)["monitoring.budget_red_below"]) == "55.5"
    with db.unit_of_work() as uow:
        assert settings.get(uow.session, "auth.min_password_length") == 8  # the bureau's login rules stay there

    again = call(db, xe.enrol_from_package, admin, hub.package)
    assert again.duplicate and _units(db) == mine

    package = call(db, xg.export_goals, admin, done.year, tmp_path / "目标表.xlsx")
    preview = call(hub.db, xg.preview_goals, hub.admin, package)
    assert preview.decision == "new" and preview.manifest.sender == hub.unit and not preview.problems


def _edit(source: Path, target: Path, sheet: str, cell: str, value: object) -> Path:
    wb = openpyxl.load_workbook(source)
    wb[sheet][cell] = value
    wb.save(target)
    return target


@pytest.mark.parametrize(("sheet", "cell", "value", "message"), [
    ("单位名录", "E2", "改过的名称", "被修改过"),
    ("系统设置", "E2", json.dumps("冒名财政局", ensure_ascii=False), "被修改过"),
    ("本机登记", "H2", "cd" * 32, "签名无效"),
    ("本机登记", "H2", "不是密钥", "密钥格式不正确"),
])
def test_a_hand_edited_package_is_refused_and_nothing_written(hub: Hub, fresh: tuple, tmp_path: Path, sheet: str,
                                                              cell: str, value: object, message: str) -> None:
    db, admin = fresh
    edited = _edit(hub.package, tmp_path / "edited.xlsx", sheet, cell, value)
    before = _snapshot(db)
    with pytest.raises(ValidationError, match=message):
        call(db, xe.enrol_from_package, admin, edited)
    assert _snapshot(db) == before and before["profile"] == Profile("hub", None)


def test_other_packages_other_units_and_other_installations_are_refused(hub: Hub, fresh: tuple,
                                                                         tmp_path: Path) -> None:
    db, admin = fresh
    call(db, xe.enrol_from_package, admin, hub.package)
    other = call(hub.db, xe.export_enrolment, hub.admin, hub.other, tmp_path / "另一单位.xlsx").path
    before = _snapshot(db)
    with pytest.raises(ValidationError, match=f"已登记为单位“{hub.unit}”"):
        call(db, xe.enrol_from_package, admin, other)
    goals = call(hub.db, xg.export_goals, hub.admin, 2024, tmp_path / "目标表.xlsx", hub.unit)
    with pytest.raises(ValidationError, match="不是登记包"):
        call(db, xe.enrol_from_package, admin, goals)
    assert _snapshot(db) == before
    hub_before = _snapshot(hub.db)
    with pytest.raises(ValidationError, match="其他单位"):
        call(hub.db, xe.enrol_from_package, hub.admin, hub.package)
    assert _snapshot(hub.db) == hub_before
    with pytest.raises(ValidationError, match="只有财政局"):
        call(db, xe.export_enrolment, admin, hub.unit, tmp_path / "spoke.xlsx")
    with pytest.raises(PermissionDenied):
        call(hub.db, xe.export_enrolment, actor_of(Role.CLERK, 1), hub.unit, tmp_path / "clerk.xlsx")
