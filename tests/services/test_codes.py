"""The closed code sets (db/codes.py): every code has its Chinese label, the database refuses a code outside
its set, the migrated schema holds the same CHECK constraints as the models, and upgrading a database that
holds an unknown code refuses and names the row instead of changing it."""

from __future__ import annotations

import inspect as pyinspect
import shutil
import sqlite3
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from core.common import labels
from db import codes
from db.database import Database, open_database
from db.errors import MigrationFailedError
from db.models import Base, FiscalYear

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CODE_SETS = [c for _n, c in pyinspect.getmembers(codes, pyinspect.isclass)
             if issubclass(c, StrEnum) and c.__module__ == codes.__name__]
CHECKS = sorted((c.table.name, c.name) for t in Base.metadata.tables.values() for c in t.constraints
                if isinstance(c, CheckConstraint))


@pytest.mark.parametrize("code_set", CODE_SETS, ids=lambda c: c.__name__)
def test_every_code_has_one_label(code_set: type[StrEnum]) -> None:
    shown = labels.LABELS[code_set]
    assert set(shown) == set(code_set)
    assert all(label.strip() for label in shown.values())
    assert len(set(shown.values())) == len(shown)  # workbooks read a label back to its code
    assert all(labels.label(code) == shown[code] for code in code_set)


def test_every_code_set_constrains_a_column() -> None:
    constrained = {str(c.sqltext).split(" IN ", 1)[1] for t in Base.metadata.tables.values()
                   for c in t.constraints if isinstance(c, CheckConstraint)}
    for code_set in CODE_SETS:
        assert f"({', '.join(repr(code.value) for code in code_set)})" in constrained, code_set.__name__


def test_a_new_database_holds_the_models_check_constraints(db: Database) -> None:
    """A new database is built by the migrations; their CHECKs must be the models' (schema defined once)."""
    with db.unit_of_work() as uow:
        found = inspect(uow.session.connection())
        for table in Base.metadata.tables.values():
            expected = {(c.name, str(c.sqltext)) for c in table.constraints if isinstance(c, CheckConstraint)}
            assert {(c["name"], c["sqltext"]) for c in found.get_check_constraints(table.name)} == expected


def test_the_database_refuses_an_unknown_status(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(FiscalYear(year=2030, status="archived", is_current=False))
        with pytest.raises(IntegrityError, match="ck_fiscal_year_status"):
            uow.session.flush()
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add(FiscalYear(year=2030, status=codes.YearStatus.CLOSED, is_current=False))
        uow.session.commit()
    with db.unit_of_work() as uow:
        assert uow.session.get(FiscalYear, 2030).status == "closed"


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The newest fixture database upgraded to head."""
    newest = max(FIXTURES.glob("schema_*.sqlite"))
    target = tmp_path_factory.mktemp("upgraded") / newest.name
    shutil.copyfile(newest, target)
    open_database(target).close()
    return target


def _with_rows(fixture: Path) -> set[str]:
    with sqlite3.connect(fixture) as conn:
        found = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                 if conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]}
    conn.close()
    return found


# The tables the newest fixture has rows in (most); the others are covered by the schema comparison above.
FILLED = _with_rows(max(FIXTURES.glob("schema_*.sqlite")))


@pytest.mark.parametrize(("table", "check"), [(t, c) for t, c in CHECKS if t in FILLED])
def test_every_constraint_refuses_an_unknown_code_in_an_upgraded_database(upgraded: Path, table: str,
                                                                          check: str) -> None:
    column = check.removeprefix(f"ck_{table}_")
    conn = sqlite3.connect(upgraded)
    try:
        with pytest.raises(sqlite3.IntegrityError, match=check):
            conn.execute(f"UPDATE {table} SET {column} = 'unknown' "
                         f"WHERE rowid = (SELECT min(rowid) FROM {table})")
    finally:
        conn.close()


def test_upgrade_refuses_a_row_with_an_unknown_status_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "schema_0008.sqlite"
    shutil.copyfile(FIXTURES / "schema_0008.sqlite", target)
    with sqlite3.connect(target) as conn:
        table_id = conn.execute("SELECT min(id) FROM goal_table").fetchone()[0]
        conn.execute("UPDATE goal_table SET status = 'archived' WHERE id = ?", (table_id,))
        conn.execute("UPDATE rectification_item SET status = '已整改' WHERE id = 2")
    conn.close()
    with pytest.raises(MigrationFailedError) as refused:
        open_database(target)
    message = str(refused.value)
    assert f"goal_table 表 id={table_id} 的 status 为“archived”" in message
    assert "rectification_item 表 id=2 的 status 为“已整改”" in message
    assert "已从升级前的备份" in message and "不会擅自改动" in message
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0008"
        status = conn.execute("SELECT status FROM goal_table WHERE id = ?", (table_id,)).fetchone()[0]
        assert status == "archived"
    conn.close()
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE goal_table SET status = 'draft' WHERE id = ?", (table_id,))
        conn.execute("UPDATE rectification_item SET status = 'done' WHERE id = 2")
    conn.close()
    with open_database(target) as db, db.unit_of_work() as uow:
        assert uow.session.execute(text("SELECT version_num FROM alembic_version")).scalar() != "0008"
