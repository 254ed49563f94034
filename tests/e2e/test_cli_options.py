"""desktop.cli.options' rule, run in-process against a database that another instance holds (the instance lock a
running GUI takes, db/instance_lock.py): reading commands run, writing commands are refused and run once it is
released, a reading command cannot commit, an upgrade is not run beside another instance; every command declares
whether it writes; passwords come from stdin or the environment, never from an argument."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.common.runner import call
from core.demo import generate as demo
from core.org import admin, auth
from db import migrate
from db.database import open_database
from db.instance_lock import InstanceLock
from desktop.cli import options
from desktop.cli.main import build_parser, main
from tests.conftest import PASSWORD
from tests.e2e.test_cli import perfbudget

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IN_USE = "正被另一个运行中的工作台使用"


def _sql(path: Path, query: str) -> object:
    """One value read the way any other program would (through the WAL, without our code)."""
    with sqlite3.connect(path) as conn:
        value = conn.execute(query).fetchone()[0]
    conn.close()
    return value


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    with open_database(path) as db:
        call(db, demo.generate_demo, call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD),
             scale=0.05)
    return path


@pytest.fixture
def gui_open(county: Path) -> Iterator[InstanceLock]:
    """The lock a running GUI holds on the county's database."""
    lock = InstanceLock(county)
    lock.acquire()
    yield lock
    lock.release()


READING = [
    ["stats", "--year", "2024", "--json"],
    ["users", "list"],
    ["audit", "verify"],
    ["review", "auto", "--year", "2024", "--json"],
    ["monitor", "warnings", "--year", "2024", "--as-of", "2024-08", "--json"],
    ["evaluation", "list", "--year", "2024", "--json"],
    ["results", "policy", "--year", "2024", "--json"],
    ["rectification", "list", "--year", "2024", "--json"],
]
WRITING = [
    ["backup"],
    ["rectification", "collect", "--year", "2024", "--json"],
    ["users", "unlock", "--username", "admin"],
]


@pytest.mark.parametrize("argv", READING, ids=lambda a: " ".join(a[:2]))
def test_a_reading_command_runs_beside_an_open_gui(county: Path, gui_open: InstanceLock, argv: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--db", str(county)]) == 0
    out = capsys.readouterr().out
    assert out.strip() and IN_USE not in out


@pytest.mark.parametrize("argv", WRITING, ids=lambda a: " ".join(a[:2]))
def test_a_writing_command_is_refused_beside_an_open_gui_and_runs_after(
        county: Path, gui_open: InstanceLock, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    audited = _sql(county, "SELECT count(*) FROM audit_entry")
    assert main([*argv, "--db", str(county)]) == 2
    captured = capsys.readouterr()
    assert IN_USE in captured.out + captured.err
    assert _sql(county, "SELECT count(*) FROM audit_entry") == audited
    gui_open.release()
    assert main([*argv, "--db", str(county)]) == 0, capsys.readouterr()
    assert _sql(county, "SELECT count(*) FROM audit_entry") > audited


def test_an_exchange_dry_run_reads_and_a_real_import_writes(county: Path, gui_open: InstanceLock, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "template.xlsx"
    gui_open.release()
    assert main(["exchange", "template", "--db", str(county), "--kind", "goals", "--unit", "D045", "--year", "2024",
                 "--out", str(package)]) == 0
    capsys.readouterr()
    gui_open.acquire()
    assert main(["exchange", "import", "--db", str(county), str(package), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "unsigned"
    assert main(["exchange", "import", "--db", str(county), str(package), "--confirm-unsigned"]) == 2
    assert IN_USE in capsys.readouterr().out


def test_a_command_declared_reading_cannot_commit(county: Path) -> None:
    args = argparse.Namespace(db=str(county), writes=False)
    with options.open_database(args) as db, pytest.raises(RuntimeError, match="read-only"):
        call(db, admin.save_unit, options.ACTOR, admin.UnitInput("X99", "不该写入的单位", "department"))


def test_a_schema_upgrade_is_not_run_beside_another_instance(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copy(FIXTURES / "schema_0007.sqlite", old)
    version = "SELECT version_num FROM alembic_version"
    before = _sql(old, version)
    lock = InstanceLock(old)
    lock.acquire()
    try:
        assert main(["stats", "--db", str(old), "--json"]) == 2
        assert IN_USE in capsys.readouterr().err and _sql(old, version) == before
    finally:
        lock.release()
    assert main(["audit", "verify", "--db", str(old)]) == 0  # alone, the reading command upgrades it
    assert _sql(old, version) == migrate.head_revision() != before


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


def test_every_command_declares_whether_it_writes() -> None:
    parser = build_parser()
    leaves = list(_leaves(parser))
    assert len(leaves) > 20
    for leaf in leaves:
        node = parser
        for name in leaf:
            node = next(a for a in node._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
        assert "writes" in node._defaults and "func" in node._defaults, leaf


def test_passwords_come_from_stdin_or_the_environment_never_from_an_argument(county: Path, tmp_path: Path) -> None:
    shot = tmp_path / "home.png"
    refused = perfbudget("gui", "--db", str(county), "--user", "admin", "--password", PASSWORD,
                         "--screenshot", str(shot))
    assert refused.returncode == 2 and "--password-stdin" in refused.stderr and not shot.exists()
    asked = perfbudget("gui", "--db", str(county), "--user", "admin", "--screenshot", str(shot), stdin="")
    assert asked.returncode == 1 and "PERFBUDGET_PASSWORD" in asked.stderr and not shot.exists()
