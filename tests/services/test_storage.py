"""Opening databases: pragmas, BEGIN IMMEDIATE, bad files, locks, newer versions, failed upgrades, old files."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.common.runner import call
from core.org import maintenance
from core.org.rules.roles import SYSTEM
from db import migrate
from db.database import Database, open_database
from db.errors import (
    DatabaseInUseError,
    DatabaseTooNewError,
    MigrationFailedError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
)
from db.models import FiscalYear, Project, Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_pragmas_on_every_connection(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_writer_holds_reserved_lock_from_its_first_statement(db: Database, db_path: Path) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(text("SELECT 1"))  # a read, yet the write lock is already taken
        other = sqlite3.connect(db_path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_unit_of_work_rolls_back_unless_committed(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(Unit(code="X1", name="临时单位", kind="department"))
        uow.session.flush()
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_foreign_keys_enforced(db: Database) -> None:
    with db.unit_of_work() as uow, pytest.raises(Exception, match="FOREIGN KEY"):
        uow.write()
        uow.session.add(Unit(code="X2", name="无上级", kind="budget_unit", parent_id=999))
        uow.session.flush()


def test_money_survives_storage_exactly(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(FiscalYear(year=2024))
        unit = Unit(code="D9", name="县自然资源和规划局", kind="department")
        uow.session.add(unit)
        uow.session.flush()
        uow.session.add(Project(year=2024, code="P1", name="土地综合整治", unit_id=unit.id, attribute="new",
                                nature="one_off", fund_type="general", total_amount=Decimal("7091.21"),
                                fiscal_amount=Decimal("7091.21"), carryover_amount=Decimal("0"),
                                other_amount=Decimal("0")))
        uow.commit()
    with db.unit_of_work() as uow:
        project = uow.session.scalar(select(Project))
        assert project is not None and project.total_amount == Decimal("7091.21")
        raw = uow.session.execute(text("SELECT total_amount FROM project")).scalar()
        assert raw == 7_091_210_000  # integer 分 on disk


def test_not_a_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "报表.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is a workbook, not a database")
    before = bogus.read_bytes()
    with pytest.raises(NotADatabaseError, match="不是工作台数据库"):
        open_database(bogus)
    assert bogus.read_bytes() == before


def test_read_only_file_is_refused(tmp_path: Path, db_path: Path) -> None:
    open_database(db_path).close()
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    with pytest.raises(ReadOnlyDatabaseError, match="只读"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_second_instance_is_refused(db: Database, db_path: Path) -> None:
    with pytest.raises(DatabaseInUseError, match="另一个运行中的工作台"):
        open_database(db_path)
    with open_database(db_path, exclusive=False) as reader:  # the command line may still read
        assert reader.path == db_path


def test_database_from_newer_version_is_refused(db_path: Path) -> None:
    open_database(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.close()
    with pytest.raises(DatabaseTooNewError, match="更新版本"):
        open_database(db_path)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
    conn.close()


FAILING_MIGRATION = '''"""A migration that changes things and then fails, to prove the backup is restored."""
from alembic import op
import sqlalchemy as sa

revision = "0999_broken"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("DELETE FROM setting")
    raise RuntimeError("simulated failure in the middle of an upgrade")


def downgrade() -> None:
    pass
'''


def test_failed_upgrade_restores_the_backup(tmp_path: Path, db_path: Path) -> None:
    with open_database(db_path, exclusive=False) as db, db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(text("INSERT INTO setting(key, value_json, updated_at) "
                                 "VALUES ('org.name', '\"某县财政局\"', '2024-01-01T00:00:00+00:00')"))
        uow.commit()
    broken = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, broken, ignore=shutil.ignore_patterns("__pycache__"))
    (broken / "versions" / "0999_broken.py").write_text(
        FAILING_MIGRATION.format(head=migrate.head_revision()), encoding="utf-8")
    with pytest.raises(MigrationFailedError, match="已从升级前的备份"):
        open_database(db_path, migrations=broken)
    with sqlite3.connect(db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "half_done" not in tables
        assert conn.execute("SELECT count(*) FROM setting").fetchone()[0] == 1
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == migrate.head_revision()
    conn.close()
    assert list((db_path.parent / "backups").glob("*before-upgrade*.sqlite"))


def test_revisions_read_at_start_agree_with_alembic(tmp_path: Path) -> None:
    """Start-up reads the revisions from the script headers, without alembic; they must be alembic's own, also for a
    folder with one more script and for one with a merge (two heads joined), which is left to alembic."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    def alembic_says(location: Path) -> tuple[str | None, set[str]]:
        cfg = Config()
        cfg.set_main_option("script_location", str(location))
        scripts = ScriptDirectory.from_config(cfg)
        return scripts.get_current_head(), {s.revision for s in scripts.walk_revisions()}

    extended = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, extended, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (extended / "versions" / "0999_broken.py").write_text(FAILING_MIGRATION.format(head=head), encoding="utf-8")
    for location in (migrate.MIGRATIONS, extended):
        assert (migrate.head_revision(location), migrate.known_revisions(location)) == alembic_says(location)
    assert migrate.head_revision(extended) == "0999_broken"
    branch = FAILING_MIGRATION.format(head=head).replace('"0999_broken"', '"0999_branch"')
    (extended / "versions" / "0999_branch.py").write_text(branch, encoding="utf-8")
    merge = FAILING_MIGRATION.format(head=("0999_broken", "0999_branch")).replace('"0999_broken"', '"1000_merge"')
    (extended / "versions" / "1000_merge.py").write_text(merge, encoding="utf-8")
    assert (migrate.head_revision(extended), migrate.known_revisions(extended)) == alembic_says(extended)
    assert migrate.head_revision(extended) == "1000_merge"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema_*.sqlite")))
def test_upgrade_from_every_released_schema_keeps_the_data(tmp_path: Path, fixture: str) -> None:
    """Each released schema version has a saved database; upgrading it must keep every row."""
    target = tmp_path / fixture
    shutil.copyfile(FIXTURES / fixture, target)
    with sqlite3.connect(target) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("unit", "project", "goal_table", "indicator", "execution_record", "app_user",
                            "audit_entry")}
        money = conn.execute("SELECT code, total_amount FROM project ORDER BY id LIMIT 5").fetchall()
    conn.close()
    assert counts["project"] > 0 and counts["indicator"] > 0
    with open_database(target) as db:
        with db.unit_of_work() as uow:
            for table, n in counts.items():
                assert uow.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() >= n
            for code, fen in money:
                project = uow.session.scalar(select(Project).where(Project.code == code))
                assert project is not None and project.total_amount * 1_000_000 == fen
        assert call(db, maintenance.verify_audit, SYSTEM).ok
