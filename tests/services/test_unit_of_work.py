"""The nested unit of work (db/uow.py): a deferred-commit scope in which services that commit on their own only
flush, so that the opener commits once; savepoints that undo one failed step alone; a read-only unit of work that
refuses to commit. Driven with a real writing service (`admin.save_unit`) on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.common.errors import ValidationError
from core.org import admin
from core.org.rules.roles import Actor
from db.database import Database
from db.models import AuditEntry, Unit
from db.uow import UnitOfWork


def _unit(code: str, name: str | None = None) -> admin.UnitInput:
    return admin.UnitInput(code, name or f"单位{code}", "department")


def _codes(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(Unit.code).order_by(Unit.code)))


def _committed_elsewhere(db_path: Path) -> list[str]:
    """What another connection sees: only committed rows."""
    with sqlite3.connect(db_path) as other:
        rows = [r[0] for r in other.execute("SELECT code FROM unit ORDER BY code")]
    other.close()
    return rows


def test_services_inside_a_deferred_scope_commit_nothing_until_the_opener_commits_once(
        db: Database, db_path: Path, admin_actor: Actor) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        assert not uow.commit_is_deferred
        with uow.deferred_commit():
            assert uow.commit_is_deferred
            admin.save_unit(uow, admin_actor, _unit("D001"))  # calls uow.commit(): a flush here
            admin.save_unit(uow, admin_actor, _unit("D002"))
            assert _committed_elsewhere(db_path) == []
        assert not uow.commit_is_deferred
        uow.commit()
    assert _committed_elsewhere(db_path) == ["D001", "D002"]


def test_an_opener_that_does_not_commit_leaves_nothing(db: Database, admin_actor: Actor) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        with uow.deferred_commit():
            admin.save_unit(uow, admin_actor, _unit("D001"))
    assert _codes(db) == []


def test_a_failed_step_in_a_savepoint_is_undone_alone_and_the_outer_transaction_commits(
        db: Database, admin_actor: Actor) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        audits = uow.session.scalar(select(func.count()).select_from(AuditEntry))
        with uow.deferred_commit():
            admin.save_unit(uow, admin_actor, _unit("D001"))
            with pytest.raises(ValidationError), uow.savepoint():
                admin.save_unit(uow, admin_actor, _unit("D002", "第二个单位"))
                admin.save_unit(uow, admin_actor, _unit("D001", "编码重复"))  # refused: undoes D002 as well
            admin.save_unit(uow, admin_actor, _unit("D003"))
        uow.commit()
    assert _codes(db) == ["D001", "D003"]
    with db.unit_of_work() as uow:  # the audit entries of the undone step went with it
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == audits + 2


def test_a_trial_savepoint_is_undone_even_when_it_succeeds(db: Database, admin_actor: Actor) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        with uow.savepoint(keep=False), uow.deferred_commit():
            admin.save_unit(uow, admin_actor, _unit("D001"))
            assert uow.session.scalar(select(Unit.code)) == "D001"  # visible inside the trial
        assert uow.session.scalar(select(Unit.code)) is None
        uow.commit()
    assert _codes(db) == []


def test_write_is_the_openers_decision_inside_a_deferred_scope(db: Database, admin_actor: Actor) -> None:
    """A preview reads first and then tries a writing service: its `write()` may not refuse there."""
    with db.unit_of_work() as uow:
        uow.session.scalar(select(func.count()).select_from(Unit))
        with pytest.raises(RuntimeError, match="before the first query"):
            uow.write()
        with uow.savepoint(keep=False), uow.deferred_commit():
            admin.save_unit(uow, admin_actor, _unit("D001"))
    assert _codes(db) == []


def test_a_read_only_unit_of_work_refuses_to_commit(db: Database, admin_actor: Actor) -> None:
    with UnitOfWork(db.engine, read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        admin.save_unit(uow, admin_actor, _unit("D001"))
    # a trial inside it still works: nothing is committed
    with UnitOfWork(db.engine, read_only=True) as uow, uow.savepoint(keep=False), uow.deferred_commit():
        admin.save_unit(uow, admin_actor, _unit("D002"))
    assert _codes(db) == []
