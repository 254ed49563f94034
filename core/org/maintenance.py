"""Backup, restore and the audit log: listing it and verifying its hash chain and triggers."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select, text

from core.common.changes import EVERYTHING, Area, Changes
from core.common.errors import ValidationError
from core.org.access import require
from core.org.dto import AuditRow, AuditVerification
from core.org.rules.roles import Actor, Permission
from db import migrate
from db.audit import verify_chain
from db.backup import backup_file, default_backup_path, is_sqlite_file, restore_file
from db.database import Database
from db.errors import DatabaseTooNewError, NotADatabaseError
from db.models import AuditEntry, utcnow
from db.uow import UnitOfWork

EXPECTED_TRIGGERS = {"audit_entry_no_update", "audit_entry_no_delete"}
BACKED_UP = Changes.of(Area.AUDIT)  # the backup is recorded in the audit log


@dataclass(frozen=True)
class BackedUp:
    """The backup file written; the audit log records it."""

    path: Path
    changes: Changes = BACKED_UP


@dataclass(frozen=True)
class Restored:
    """The safety backup of the state replaced; everything else changed with the restore."""

    safety: Path
    changes: Changes = EVERYTHING


def _sqlite_path(database: Database) -> Path:
    if database.path is None:
        raise ValidationError("此数据库不是本地 SQLite 文件，请使用数据库服务器自身的备份工具（如 pg_dump）。")
    return database.path


def _record(database: Database, actor: Actor, action: str, detail: dict[str, str]) -> None:
    with database.unit_of_work() as uow:
        uow.write()
        uow.audit(actor.username, action, "database", None, None, detail)
        uow.commit()


def backup_database(database: Database, actor: Actor, target: Path | None = None) -> BackedUp:
    require(actor, Permission.BACKUP_RESTORE)
    live = _sqlite_path(database)
    target = target or default_backup_path(live, "manual", utcnow())
    if target.resolve() == live.resolve():
        raise ValidationError("备份文件不能与当前数据库是同一个文件。")
    done = backup_file(live, target)
    _record(database, actor, "database.backup", {"to": str(done)})
    return BackedUp(done)


def check_backup_file(backup: Path) -> str:
    """Refuse a file that is not a workbench database or comes from a newer version; return its revision."""
    if not backup.is_file() or not is_sqlite_file(backup):
        raise NotADatabaseError(f"{backup} 不是工作台的备份文件（不是 SQLite 数据库）。")
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        conn.close()
    except sqlite3.Error as exc:
        raise NotADatabaseError(f"{backup} 不是工作台的备份文件（{exc}）。") from exc
    if row is None or row[0] not in migrate.known_revisions():
        raise DatabaseTooNewError(f"备份 {backup} 来自更新版本的工作台，无法恢复到本版本。")
    return str(row[0])


def restore_database(database: Database, actor: Actor, backup: Path) -> Restored:
    """Replace the live database by a backup, after taking a safety backup of the current state."""
    require(actor, Permission.BACKUP_RESTORE)
    live = _sqlite_path(database)
    revision = check_backup_file(backup)
    safety = backup_file(live, default_backup_path(live, "before-restore", utcnow()))
    database.engine.dispose()
    restore_file(backup, live)
    if revision != migrate.head_revision():
        migrate.upgrade(database.engine)
    _record(database, actor, "database.restore", {"from": str(backup), "safety_backup": str(safety)})
    return Restored(safety)


def verify_audit(uow: UnitOfWork, actor: Actor) -> AuditVerification:
    require(actor, Permission.VIEW_AUDIT)
    report = verify_chain(uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000))
    missing: tuple[str, ...] = ()
    if uow.session.get_bind().dialect.name == "sqlite":
        present = set(uow.session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
        missing = tuple(sorted(EXPECTED_TRIGGERS - present))
    return AuditVerification(report.entries, report.broken_at, report.reason, missing)


def list_audit(uow: UnitOfWork, actor: Actor, search: str = "", limit: int = 500,
               offset: int = 0) -> tuple[list[AuditRow], int]:
    """A page of audit entries, newest first, and the number that match."""
    require(actor, Permission.VIEW_AUDIT)
    stmt = select(AuditEntry)
    if search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(AuditEntry.actor.like(like), AuditEntry.action.like(like),
                              AuditEntry.entity.like(like), AuditEntry.after_json.like(like)))
    total = uow.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = uow.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return [AuditRow(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, r.before_json, r.after_json)
            for r in rows], total
