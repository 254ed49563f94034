"""Shared fixtures: a real temporary SQLite database, the first administrator and actors of every role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.common.labels import ROLES
from core.common.runner import call
from core.org import admin, auth
from core.org.dto import UnitInput
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database

PASSWORD = "Passw0rd!"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # Qt tests run headless unless told otherwise


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbench.sqlite"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def admin_actor(db: Database) -> Actor:
    return call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)


@pytest.fixture
def two_units(db: Database, admin_actor: Actor) -> tuple[int, int]:
    """Two departments; returns their ids."""
    call(db, admin.save_unit, admin_actor, UnitInput("D001", "县教育局", "department", sector="教育"))
    call(db, admin.save_unit, admin_actor, UnitInput("D002", "县卫生健康局", "department", sector="卫生健康"))
    rows = {r.code: r.id for r in call(db, admin.list_units, admin_actor)}
    return rows["D001"], rows["D002"]


def actor_of(role: Role, unit_id: int | None = None) -> Actor:
    return Actor(f"user-{role.value}", ROLES[role], role, unit_id, "县教育局" if unit_id else None)


def demo_without_exante(database: Database, actor: Actor, scale: float = 0.1) -> None:
    """A demo county whose own ex-ante assessments are removed, for tests that walk the assessment workflow
    from unassessed projects."""
    from sqlalchemy import delete

    from core.demo import generate as demo
    from db.models import ExAnteAssessment

    call(database, demo.generate_demo, actor, scale=scale)
    with database.unit_of_work() as uow:
        uow.write()
        uow.session.execute(delete(ExAnteAssessment))
        uow.commit()
