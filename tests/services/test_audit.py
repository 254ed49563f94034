"""Every write leaves a chained audit entry; the table refuses edits; tampering is detected."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from core.common.runner import call
from core.org import admin, maintenance
from core.org.dto import UnitInput
from core.org.rules.roles import Actor
from db.database import Database
from db.models import AuditEntry


def _sqlite3(db_path: Path, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sqlite3", str(db_path), sql], capture_output=True, text=True, check=False)


def test_write_records_who_what_before_after(db: Database, admin_actor: Actor,
                                             two_units: tuple[int, int]) -> None:
    call(db, admin.save_unit, admin_actor,
         UnitInput("D001", "县教育体育局", "department", sector="教育", id=two_units[0]))
    with db.unit_of_work() as uow:
        entry = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.actor == "admin" and entry.action == "unit.update"
        assert json.loads(entry.before_json or "")["name"] == "县教育局"
        assert json.loads(entry.after_json or "")["name"] == "县教育体育局"
    assert call(db, maintenance.verify_audit, admin_actor).ok


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET actor='x'", "DELETE FROM audit_entry"])
def test_audit_table_is_append_only(db: Database, admin_actor: Actor, statement: str) -> None:
    with db.unit_of_work() as uow, pytest.raises(IntegrityError, match="append-only"):
        uow.write()
        uow.session.execute(text(statement))


def test_tampering_with_the_shell_is_detected(db: Database, db_path: Path, admin_actor: Actor,
                                              two_units: tuple[int, int]) -> None:
    assert _sqlite3(db_path, "UPDATE audit_entry SET actor='x' WHERE id=2").returncode != 0  # trigger
    done = _sqlite3(db_path, "DROP TRIGGER audit_entry_no_update; UPDATE audit_entry SET actor='mallory' WHERE id=2;")
    assert done.returncode == 0, done.stderr
    result = call(db, maintenance.verify_audit, admin_actor)
    assert not result.ok and result.broken_at == 2
    assert "第 2 号记录" in result.message() and "audit_entry_no_update" in result.message()


def test_deleting_a_middle_entry_breaks_the_chain(db: Database, db_path: Path, admin_actor: Actor,
                                                  two_units: tuple[int, int]) -> None:
    _sqlite3(db_path, "DROP TRIGGER audit_entry_no_delete; DELETE FROM audit_entry WHERE id=2; "
                      "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
                      "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;")
    result = call(db, maintenance.verify_audit, admin_actor)
    assert not result.ok and result.broken_at == 3 and not result.missing_triggers


def test_audit_list_searches(db: Database, admin_actor: Actor, two_units: tuple[int, int]) -> None:
    rows, total = call(db, maintenance.list_audit, admin_actor, "unit.create")
    assert total == 2 and all(r.action == "unit.create" for r in rows)
    assert rows[0].id > rows[1].id  # newest first
