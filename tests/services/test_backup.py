"""Backup and restore: a round trip, a full disk during backup, bad backup files; the original never suffers."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.common.runner import call
from core.org import admin, maintenance
from core.org.dto import UnitInput
from core.org.rules.roles import Actor
from db.database import Database, open_database
from db.errors import DatabaseTooNewError, NotADatabaseError

ROOT = Path(__file__).resolve().parents[2]


def test_backup_then_restore_brings_back_the_old_state(tmp_path: Path, db: Database, admin_actor: Actor,
                                                       two_units: tuple[int, int]) -> None:
    saved = maintenance.backup_database(db, admin_actor, tmp_path / "b" / "backup.sqlite").path
    call(db, admin.save_unit, admin_actor, UnitInput("D777", "备份后新建的单位", "department"))
    safety = maintenance.restore_database(db, admin_actor, saved).safety
    codes = {u.code for u in call(db, admin.list_units, admin_actor)}
    assert codes == {"D001", "D002"}
    assert safety.exists()  # the state before the restore was kept aside
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT count(*) FROM unit WHERE code='D777'").fetchone()[0] == 1
    conn.close()
    assert call(db, maintenance.verify_audit, admin_actor).ok


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, db: Database, admin_actor: Actor,
                                                     two_units: tuple[int, int]) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(NotADatabaseError, match="不是工作台的备份文件"):
        maintenance.restore_database(db, admin_actor, junk)
    newer = tmp_path / "newer.sqlite"
    maintenance.backup_database(db, admin_actor, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.close()
    with pytest.raises(DatabaseTooNewError):
        maintenance.restore_database(db, admin_actor, newer)
    assert {u.code for u in call(db, admin.list_units, admin_actor)} == {"D001", "D002"}


FULL_DISK_SCRIPT = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
from desktop.cli.main import main
sys.exit(main(["backup", "--db", sys.argv[1], "--to", sys.argv[2]]))
"""


def test_full_disk_during_backup(tmp_path: Path, db_path: Path) -> None:
    with open_database(db_path) as db:
        actor = call(db, __import__("core.org.auth", fromlist=["auth"]).create_first_admin,
                     "admin", "管理员", "Passw0rd!", "Passw0rd!")
        for i in range(400):  # make the database larger than the 64 KiB the child may write
            call(db, admin.save_unit, actor, UnitInput(f"U{i:04d}", f"测试单位{i:04d}号" * 3, "department"))
    original = db_path.read_bytes()
    assert len(original) > 64 * 1024 or (db_path.with_name(db_path.name + "-wal")).exists()
    target = tmp_path / "usb" / "backup.sqlite"
    target.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", FULL_DISK_SCRIPT, str(db_path), str(target)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "磁盘空间不足" in proc.stderr
    assert not target.exists() and not list(target.parent.iterdir())  # no half backup left behind
    with open_database(db_path) as db:
        assert len(call(db, admin.list_units, actor)) == 400
        assert call(db, maintenance.verify_audit, actor).ok
    shutil.rmtree(target.parent)
