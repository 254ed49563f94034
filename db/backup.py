"""Backups and restores of a SQLite database through the SQLite backup API.

A backup is written to a temporary file beside its target, checked, flushed to disk and only then
renamed into place, so a full disk or a crash never leaves a half backup under the real name and
never touches the source.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from db.errors import BackupError, NotADatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def _explain(exc: BaseException, target: Path) -> str:
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or "full" in text or "disk i/o" in text:
        return f"备份失败：{target.parent} 所在磁盘空间不足或无法写入。请清理磁盘或换一个位置后重试；原数据库未受影响。"
    return f"备份失败：无法写入 {target}（{exc}）。原数据库未受影响。"


def _discard(tmp: Path) -> None:
    """Remove a half-written backup; where there is none (or no folder for it) there is nothing to remove."""
    with suppress(OSError):
        tmp.unlink()


def backup_file(source: Path, target: Path) -> Path:
    """Copy the live database `source` to `target` consistently; return `target`."""
    tmp = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # a file in the folder's place is a failed backup too
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"备份文件 {target} 校验失败，未保存。")
        dst.close()
        src.close()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BackupError:
        _discard(tmp)
        raise
    except (OSError, sqlite3.Error) as exc:
        _discard(tmp)
        raise BackupError(_explain(exc, target)) from exc
    return target


def default_backup_path(db_path: Path, reason: str, when: datetime) -> Path:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    return db_path.parent / "backups" / f"{db_path.stem}-{stamp}-{reason}.sqlite"


def restore_file(backup: Path, live: Path) -> None:
    """Overwrite the live database with the content of `backup` (page by page, in one step)."""
    if not backup.is_file():
        raise BackupError(f"找不到备份文件 {backup}")
    if not is_sqlite_file(backup):
        raise NotADatabaseError(f"{backup} 不是工作台的备份文件（不是 SQLite 数据库）。")
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as src:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"备份文件 {backup} 已损坏（完整性检查未通过），未恢复。")
            with sqlite3.connect(live, timeout=5) as dst:
                src.backup(dst)
            dst.close()
        src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"恢复失败：{exc}。当前数据库保持原样。") from exc
