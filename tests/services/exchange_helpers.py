"""Shared by the exchange package tests: a hub and a spoke built from the same demo county (the spoke enrolled
with the key the hub issued), a unit chosen for what a test needs, cell edits on real workbooks, a LibreOffice
re-save, and a fingerprint of a whole database file to show that a refused import changed nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from core.common.runner import call
from core.demo import generate as demo
from core.exchange import profile as xp
from core.org import auth
from core.org.rules.roles import Actor
from db.database import Database, open_database
from db.models import Evaluation, ExchangeLedgerEntry, GoalTable, MonitoringEntry, Project, Unit
from tests.conftest import PASSWORD

SOFFICE = shutil.which("soffice")
YEAR = 2024
ROUND = "1-8月"  # the demo county's open monitoring round


@dataclass
class Pair:
    hub: Database
    spoke: Database
    hub_admin: Actor
    spoke_admin: Actor
    unit: str
    monitored: str  # a project of the unit with an approved table and a monitoring entry in ROUND
    unevaluated: str  # a project of the unit with an approved table and no self-evaluation yet


def county(path: Path, scale: float = 0.05) -> tuple[Database, Actor]:
    db = open_database(path)
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, demo.generate_demo, actor, scale=scale)
    return db, actor


def _choose(db: Database) -> tuple[str, str, str]:
    """A unit with its own approved projects, one monitored and one not self-evaluated."""
    with db.unit_of_work() as uow:
        s = uow.session
        approved = (select(Unit.code, Project.code, Project.id).join(Project, Project.unit_id == Unit.id)
                    .join(GoalTable, GoalTable.project_id == Project.id)
                    .where(GoalTable.status == "approved", Project.year == YEAR).order_by(Unit.code, Project.code))
        monitored = {pid for pid in s.scalars(select(MonitoringEntry.project_id))}
        evaluated = {pid for pid in s.scalars(select(Evaluation.project_id).where(Evaluation.kind == "self"))}
        by_unit: dict[str, list[tuple[str, int]]] = {}
        for unit, code, pid in s.execute(approved):
            by_unit.setdefault(unit, []).append((code, pid))
    for unit, projects in by_unit.items():
        watched = [c for c, pid in projects if pid in monitored]
        fresh = [c for c, pid in projects if pid not in evaluated and pid in monitored]
        if watched and fresh:
            return unit, watched[0], fresh[0]
    raise AssertionError("the demo county has no unit with a monitored, not yet self-evaluated project")


@contextmanager
def pair_of(tmp_path: Path) -> Iterator[Pair]:
    hub, hub_admin = county(tmp_path / "hub.sqlite")
    spoke, spoke_admin = county(tmp_path / "spoke.sqlite")
    unit, monitored, unevaluated = _choose(hub)
    key = call(hub, xp.issue_key, hub_admin, unit).key_hex
    call(spoke, xp.become_spoke, spoke_admin, unit, key, "某县财政局")
    try:
        yield Pair(hub, spoke, hub_admin, spoke_admin, unit, monitored, unevaluated)
    finally:
        hub.close()
        spoke.close()


def project_id(db: Database, code: str) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(Project.id).where(Project.code == code, Project.year == YEAR)))


def round_id(db: Database, name: str = ROUND) -> int:
    from db.models import MonitoringRound
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(MonitoringRound.id).where(MonitoringRound.name == name)))


def ledger(db: Database) -> list[tuple[str, str, str, str]]:
    with db.unit_of_work() as uow:
        return [tuple(r) for r in uow.session.execute(select(  # type: ignore[misc]
            ExchangeLedgerEntry.direction, ExchangeLedgerEntry.state, ExchangeLedgerEntry.kind,
            ExchangeLedgerEntry.package_id).order_by(ExchangeLedgerEntry.id))]


def incoming(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ExchangeLedgerEntry)
                                      .where(ExchangeLedgerEntry.direction == "in")))


def fingerprint(db: Database) -> str:
    """SHA-256 of the whole database's SQL dump: equal before and after means nothing at all was written."""
    assert db.path is not None
    with sqlite3.connect(db.path) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def headers(path: Path, sheet: str) -> list[Any]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(next(wb[sheet].iter_rows(max_row=1, values_only=True)))
    finally:
        wb.close()


def line_of(path: Path, sheet: str, **match: Any) -> int:
    """The row number of the first data row whose cells (by header) equal `match`."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    index = {h: i for i, h in enumerate(rows[0])}
    return next(n for n, r in enumerate(rows, 1) if n > 1 and all(r[index[h]] == v for h, v in match.items()))


def set_cells(path: Path, sheet: str, row: int, **values: Any) -> dict[str, str]:
    """Set cells of `row` by header; returns header → column letter."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    letters = {c.value: c.column_letter for c in ws[1]}
    for header, value in values.items():
        ws[f"{letters[header]}{row}"] = value
    wb.save(path)
    return {h: letters[h] for h in values}


def set_cell(path: Path, sheet: str, header: str, row: int, value: Any) -> str:
    """Set one cell of `row` by header; returns its column letter."""
    return set_cells(path, sheet, row, **{header: value})[header]


def libreoffice(source: Path, folder: Path) -> Path:
    """`source` opened and saved again as .xlsx by LibreOffice headless."""
    out = folder / "resaved"
    out.mkdir(exist_ok=True)
    assert SOFFICE is not None
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0 and (out / source.name).exists(), done.stderr
    return out / source.name
