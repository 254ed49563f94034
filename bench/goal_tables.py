"""A county's goals workbook filled by hand (issue 14, "Speed"): 800 full goal tables (header, amounts by source,
texts, 6-7 indicators each, some values percentage-formatted numbers or formulas as spreadsheets make them) in
the bureau's blank template, previewed and imported (`intake.import_package`, every table new), against the raw
openpyxl read-only read of every cell of the same file. The tables cycle through the hand-typed corpus of
tests/exchange_corpus (its good tables), each a project of its own registered beforehand.

Run: `python -m bench.goal_tables` (prints JSON lines; the ratio is import seconds ÷ raw read seconds).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import emit
from bench.exchange import _read_floor, _timed
from core.common.runner import call
from core.exchange import goals as exchange_goals
from core.exchange import intake
from core.exchange import projects as exchange_projects
from core.org import admin
from core.org.rules.roles import SYSTEM
from db.database import Database, open_database
from tests import clerk_corpus

YEAR = 2025
UNIT = "D900"


def _tables(count: int) -> list[dict[str, Any]]:
    good = [t for t in clerk_corpus.load() if not t.get("bad")]
    return [{**good[n % len(good)], "code": f"{YEAR}-{UNIT}-{n + 1:04d}"} for n in range(count)]


def _register(db: Database, tables: list[dict[str, Any]]) -> None:
    call(db, admin.save_unit, SYSTEM, admin.UnitInput(UNIT, "某县综合部门", "department"))
    unit_id = next(r.id for r in call(db, admin.list_units, SYSTEM) if r.code == UNIT)
    with db.unit_of_work() as uow:
        uow.write()
        plan = exchange_projects.ProjectPlan(create={t["code"]: (unit_id, clerk_corpus.project_fields(t))
                                                     for t in tables})
        exchange_projects.write_projects(uow, SYSTEM, YEAR, plan)
        uow.commit()


def _fill(path: Path, tables: list[dict[str, Any]]) -> None:
    book = clerk_corpus.GoalsWorkbook(path)
    for t in tables:
        book.type_table(t)
    book.save()


def run(count: int = 800) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tables = _tables(count)
        with open_database(tmp / "hub.sqlite") as db:
            _register(db, tables)
            path = call(db, exchange_goals.template_goals, SYSTEM, YEAR, tmp / "county-goals.xlsx", UNIT)
            _fill(path, tables)
            floor = _read_floor(path)
            preview, preview_s = _timed(lambda: call(db, intake.preview, SYSTEM, path))
            assert not preview.problems and len(preview.by_status("new")) == count, preview.problems[:3]
            done, import_s = _timed(lambda: intake.import_package(db, SYSTEM, path, preview, confirm_unsigned=True))
            assert len(done.written) == count
        indicators = sum(len(t["i"]) for t in tables)
        emit(f"goal_tables_preview_{count}", preview_s, "s", floor, "openpyxl read-only read of every cell",
             tables=count, indicators=indicators, notes=len(preview.notes), file_mb=round(path.stat().st_size / 1e6, 2))
        emit(f"goal_tables_import_{count}", import_s, "s", floor, "openpyxl read-only read of every cell",
             tables=count, indicators=indicators)


if __name__ == "__main__":
    run()
