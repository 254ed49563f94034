"""The import use case (core.exchange.intake) on a real demo hub with a blank template that comes back untouched
(an unsigned package): nothing is backed up or written without the reviewer's confirmation; with it, a backup
beside the database (audited) comes before the one transaction, and the change record names the kind's areas; the
same package again does nothing; a backup that cannot be made stops the import; a clerk's import is backed up too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.exchange import intake
from core.exchange import kinds as xk
from core.org.rules.roles import Actor, Role
from db.backup import is_sqlite_file
from db.database import Database
from db.errors import BackupError
from db.models import AuditEntry
from tests.services.exchange_helpers import YEAR, county, fingerprint, incoming

UNIT = "D045"  # a department of the demo county with approved projects (as in test_exchange_package.py)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[tuple[Database, Actor]]:
    db, actor = county(tmp_path / "hub" / "hub.sqlite")
    yield db, actor
    db.close()


def _returned_template(hub: tuple[Database, Actor], folder: Path) -> Path:
    db, actor = hub
    return call(db, xk.template_kind, actor, "goals", YEAR, folder / "goals.xlsx", UNIT).path


def _backups(db: Database) -> list[Path]:
    assert db.path is not None
    return sorted((db.path.parent / "backups").glob("*.sqlite"))


def test_an_unconfirmed_unsigned_package_takes_no_backup_and_writes_nothing(hub: tuple[Database, Actor],
                                                                            tmp_path: Path) -> None:
    db, actor = hub
    package = _returned_template(hub, tmp_path)
    before = fingerprint(db)
    with pytest.raises(ValidationError) as refused:
        intake.import_package(db, actor, package)
    assert refused.value.field == "confirm_unsigned"
    assert _backups(db) == [] and fingerprint(db) == before


def test_a_confirmed_import_is_backed_up_first_then_applied_once(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    package = _returned_template(hub, tmp_path)
    shown = call(db, intake.preview, actor, package)
    assert shown.decision == "unsigned" and not shown.blocked
    done = intake.import_package(db, actor, package, shown, confirm_unsigned=True)
    assert done.backup is not None and done.backup.name.endswith("-before-import.sqlite")
    assert _backups(db) == [done.backup] and is_sqlite_file(done.backup)
    assert done.preview.decision == "unsigned" and not done.duplicate and incoming(db) == 1
    assert done.changes.areas == {"exchange", "audit", *xk.ENTRIES["goals"].kind.areas}
    with db.unit_of_work() as uow:
        logged = uow.session.scalars(select(AuditEntry.after_json).where(AuditEntry.action == "database.backup"))
        assert [json.loads(a) for a in logged] == [{"to": str(done.backup), "reason": "before-import"}]
    again = intake.import_package(db, actor, package, confirm_unsigned=True)  # previewed inside, this time
    assert again.duplicate and again.backup is None and not again.changes.areas
    assert _backups(db) == [done.backup] and incoming(db) == 1


def test_a_backup_that_cannot_be_made_stops_the_import(hub: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = hub
    package = _returned_template(hub, tmp_path)
    assert db.path is not None
    (db.path.parent / "backups").write_text("a file where the backup folder should be")
    before = fingerprint(db)
    with pytest.raises(BackupError, match=r"备份失败.*原数据库未受影响"):
        intake.import_package(db, actor, package, confirm_unsigned=True)
    assert fingerprint(db) == before and incoming(db) == 0


def test_the_safety_copy_needs_no_backup_permission(hub: tuple[Database, Actor]) -> None:
    """A clerk importing the bureau's results on a unit installation is protected like the administrator."""
    db, _actor = hub
    clerk = Actor("clerk", "填报员", Role.CLERK, unit_id=1)
    copy = intake.backup_before_import(db, clerk)
    assert copy is not None and _backups(db) == [copy]
