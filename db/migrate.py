"""Schema versions: read the revision of a database, refuse one newer than the app, upgrade to head.

Reading versions is cheap, because every start does it: the database's revision is one query on alembic_version,
and the revisions the app knows are read from the `revision = ...` / `down_revision = ...` lines of the scripts
in the versions folder (a layout alembic cannot express that way, such as a merge of two heads, falls back to
alembic's own script directory). Alembic itself is imported only when an upgrade actually runs.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"

_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]\s*$""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(?:None|['"]([^'"]+)['"])\s*$""", re.MULTILINE)


def _config(location: Path) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    return cfg


def _alembic_graph(location: Path) -> tuple[str, frozenset[str]]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config(location))
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(s.revision for s in scripts.walk_revisions())


@functools.lru_cache(maxsize=8)
def _graph(location: Path, _stamp: tuple[tuple[str, float], ...]) -> tuple[str, frozenset[str]]:
    """The head and every revision of the scripts in `location` (`_stamp` makes an edited folder read again)."""
    parents: dict[str, str | None] = {}
    for name, _mtime in _stamp:
        source = (location / "versions" / name).read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return _alembic_graph(location)  # written in a form this reader does not know
        parents[revision.group(1)] = down.group(1)
    heads = set(parents) - set(parents.values())
    if len(heads) != 1 or sum(parent is None for parent in parents.values()) != 1:
        return _alembic_graph(location)
    return heads.pop(), frozenset(parents)


def _revisions(location: Path) -> tuple[str, frozenset[str]]:
    scripts = sorted((location / "versions").glob("*.py"))
    return _graph(location, tuple((p.name, p.stat().st_mtime) for p in scripts))


def head_revision(location: Path = MIGRATIONS) -> str:
    return _revisions(location)[0]


def known_revisions(location: Path = MIGRATIONS) -> set[str]:
    return set(_revisions(location)[1])


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in the database, None for a database never upgraded (as alembic reads it)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the database has {len(rows)} schema versions (more than one head): {rows}")
    return rows[0] if rows else None


def upgrade(engine: Engine, location: Path = MIGRATIONS) -> None:
    """Upgrade to head in one transaction. On SQLite foreign keys are off while batch mode
    rebuilds tables (the pragma only works outside a transaction), then checked before commit."""
    from alembic import command

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
