"""Schema versions: read the revision of a database, refuse one newer than the app, upgrade to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(location: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    return cfg


def head_revision(location: Path = MIGRATIONS) -> str:
    head = ScriptDirectory.from_config(_config(location)).get_current_head()
    assert head is not None
    return head


def known_revisions(location: Path = MIGRATIONS) -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config(location)).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, location: Path = MIGRATIONS) -> None:
    """Upgrade to head in one transaction. On SQLite foreign keys are off while batch mode
    rebuilds tables (the pragma only works outside a transaction), then checked before commit."""
    cfg = _config(location)
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # a live connection
        if is_sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if is_sqlite:
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        raise RuntimeError(f"foreign key check failed after upgrade: {bad[:5]}")
        finally:
            if is_sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
