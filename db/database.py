"""Opening a database the safe way, at every start of the GUI or a command.

Order: the file is checked (SQLite? writable?), the instance lock taken, integrity checked, the
schema version compared (a newer database is refused), and if an upgrade is due a backup is taken
first and restored when the upgrade fails. An upgrade always runs under the instance lock: opened
without it (a reading command beside the GUI), the database takes it for the upgrade only.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from db import migrate
from db.backup import backup_file, default_backup_path, is_sqlite_file, restore_file
from db.engine import make_engine, sqlite_path, to_url
from db.errors import (
    DatabaseInUseError,
    DatabaseTooNewError,
    MigrationFailedError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from db.instance_lock import InstanceLock
from db.models import utcnow
from db.uow import UnitOfWork


class Database:
    """An open database: its URL, engine, file path (SQLite) and instance lock; opened `read_only`, its units of
    work refuse to commit."""

    def __init__(self, url: str, engine: Engine, path: Path | None, lock: InstanceLock | None,
                 read_only: bool = False) -> None:
        self.url = url
        self.engine = engine
        self.path = path
        self._lock = lock
        self.read_only = read_only

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, read_only=self.read_only)

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise NotADatabaseError(f"{path} 是一个文件夹，不是数据库文件。")
        if path.stat().st_size > 0 and not is_sqlite_file(path):
            raise NotADatabaseError(
                f"文件 {path} 不是工作台数据库（不是 SQLite 文件）。请选择正确的数据库文件，或换一个新文件名。"
            )
        # The mode bits count too: an administrator (or root) can write anything, but a file
        # marked read-only was marked so on purpose.
        if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
            raise ReadOnlyDatabaseError(
                f"数据库文件 {path} 是只读的。请在文件属性中取消“只读”，或把它复制到可写的位置后再打开。"
            )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabaseError(
            f"文件夹 {path.parent} 不可写，数据库无法在其中保存。请换一个有写权限的位置。"
        )


def _integrity_check(engine: Engine, path: Path) -> None:
    try:
        with engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
    except OperationalError as exc:
        if "locked" in str(exc):
            raise DatabaseInUseError(f"数据库 {path} 正被其他程序锁定，请稍后再试。") from exc
        raise NotADatabaseError(f"无法打开数据库 {path}：{exc.orig}") from exc
    if result != "ok":
        raise StorageError(f"数据库 {path} 完整性检查未通过（{result}）。请从备份恢复（系统管理 → 备份与恢复）。")


def _ensure_schema(engine: Engine, path: Path | None, migrations: Path, locked: bool) -> Path | None:
    """Upgrade to head if needed (under the instance lock: taken now unless `locked`); return the backup taken
    before the upgrade, if any."""
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
        has_tables = bool(conn.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE type='table'" if engine.dialect.name == "sqlite"
            else "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )).scalar())
    if current is not None and current not in migrate.known_revisions(migrations):
        raise DatabaseTooNewError(
            f"数据库 {path or engine.url} 由更新版本的工作台创建（结构版本 {current}），本程序无法安全打开。"
            "请安装最新版本后再打开；数据未作任何改动。"
        )
    if current == migrate.head_revision(migrations):
        return None
    if path is not None and not locked:
        upgrade_lock = InstanceLock(path)
        upgrade_lock.acquire()
        try:
            return _ensure_schema(engine, path, migrations, locked=True)
        finally:
            upgrade_lock.release()
    backup = None
    if path is not None and (current is not None or has_tables):
        backup = backup_file(path, default_backup_path(path, f"before-upgrade-{current}", utcnow()))
    try:
        migrate.upgrade(engine, migrations)
    except Exception as exc:  # any failure of a migration script must restore the data
        if backup is None:
            raise MigrationFailedError(f"数据库升级失败：{exc}") from exc
        engine.dispose()
        restore_file(backup, path)  # type: ignore[arg-type]
        raise MigrationFailedError(
            f"数据库升级失败（{exc}）。已从升级前的备份 {backup} 恢复，数据保持原样。"
        ) from exc
    return backup


def open_database(
    target: str | Path, *, exclusive: bool = True, read_only: bool = False, migrations: Path = migrate.MIGRATIONS
) -> Database:
    """Open (creating if needed) and upgrade the database at a path or URL; `exclusive` holds the instance lock
    until it is closed, `read_only` makes its units of work refuse to commit."""
    url = to_url(target)
    path = sqlite_path(url)
    lock = None
    if path is not None:
        _check_file(path)
        if exclusive:
            lock = InstanceLock(path)
            lock.acquire()
    engine = make_engine(url)
    try:
        if path is not None:
            _integrity_check(engine, path)
        _ensure_schema(engine, path, migrations, locked=lock is not None)
    except (StorageError, sqlite3.Error, OperationalError):
        engine.dispose()
        if lock is not None:
            lock.release()
        raise
    return Database(url, engine, path, lock, read_only)


@contextmanager
def opened(target: str | Path, *, exclusive: bool = False) -> Iterator[Database]:
    db = open_database(target, exclusive=exclusive)
    try:
        yield db
    finally:
        db.close()
