"""The exchange packages (issue 6, "Speed") against the floor of openpyxl read-only iteration of every cell of the
same workbook(s), measured in the same run; scale 6.25 is about 5,000 projects.

Goals: a package is per unit, so the county-size figure writes and reads ALL the county's projects (项目信息) and
goal tables (rows built as `exchange_goals.export_goals` builds them) through `write_package` / `read_package`; the largest unit's real
package is timed end to end through `export_goals` and `preview_goals`.

Monitoring round: the whole county's round as one workbook (`monitoring_rows` over every unit, written; read and
parsed), then the real flow of a round at the bureau: one template per unit exported, every unit's monitoring
table changed here so that every row of every package is "changed", then each package previewed (every row
checked by `save_entry` in a rolled-back savepoint) and applied (every row saved through `save_entry`, one
transaction per package), against the raw read of the same files.
"""

from __future__ import annotations

import secrets
import sqlite3
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import select

from bench.common import emit
from core.common.runner import call
from core.demo import generate as demo
from core.exchange import goals as exchange_goals
from core.exchange import kinds as exchange_kinds
from core.exchange import monitoring as exchange_monitoring
from core.exchange import profile as exchange_profile
from core.exchange.rules.goal_sheets import GOAL_INSTRUCTIONS, GOAL_SHEETS, GOALS_KIND, INDICATORS, TABLES
from core.exchange.rules.manifest import HUB, Manifest, sign
from core.exchange.rules.monitoring_sheets import MONITORING_INSTRUCTIONS, MONITORING_KIND, MONITORING_SHEETS
from core.exchange.workbook import read_package, stamp, write_package
from core.org.rules.roles import SYSTEM
from db.database import Database, open_database
from db.models import GoalTable, Project, Unit
from db.uow import UnitOfWork


def _export_county(uow: UnitOfWork, year: int, target: Path) -> tuple[int, int, float]:
    """Build, stamp, sign and write the whole county's package; (tables, indicators, seconds building rows)."""
    start = time.perf_counter()
    sheets = exchange_goals.goal_sheets(uow.session, year)
    rows_s = time.perf_counter() - start
    manifest = Manifest(uuid.uuid4().hex, GOALS_KIND, HUB, "COUNTY", year, 1)
    write_package(target, sheets, sign(stamp(manifest, sheets), secrets.token_bytes(32)), GOAL_INSTRUCTIONS)
    counts = {spec.kind: len(rows) for spec, rows in sheets}
    return counts[TABLES], counts[INDICATORS], rows_s


def _largest_unit(uow: UnitOfWork, year: int) -> str:
    """The unit whose package (its own and its direct children's projects) holds the most goal tables."""
    s = uow.session
    parent = dict(s.execute(select(Unit.id, Unit.parent_id)).all())
    code = dict(s.execute(select(Unit.id, Unit.code)).all())
    counts: Counter[int] = Counter()
    for unit_id in s.scalars(select(Project.unit_id).join(GoalTable, GoalTable.project_id == Project.id)
                             .where(Project.year == year)):
        counts[unit_id] += 1
        if parent.get(unit_id) is not None:
            counts[parent[unit_id]] += 1
    return code[counts.most_common(1)[0][0]]


def _read_floor(path: Path) -> float:
    """openpyxl read-only mode iterating every cell of every sheet (values only)."""
    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            for _ in row:
                pass
    book.close()
    return time.perf_counter() - start


def _timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _county(db: Database, year: int, scale: float, tmp: Path) -> None:
    path = tmp / "county.xlsx"
    with db.unit_of_work() as uow:
        (tables, indicators, rows_s), export_s = _timed(lambda: _export_county(uow, year, path))
    size_mb = round(path.stat().st_size / 1e6, 2)
    floor = _read_floor(path)
    read, read_s = _timed(lambda: read_package(path, GOAL_SHEETS))
    problems = list(read.problems)
    parsed, parse_s = _timed(lambda: exchange_goals.parse_tables(read, problems))
    assert read.content_hash == read.manifest.content_hash and not problems and len(parsed) == tables
    emit(f"exchange_county_export_scale_{scale:g}", export_s, "s", floor, "openpyxl read-only read of every cell",
         tables=tables, indicators=indicators, rows_s=round(rows_s, 2), file_mb=size_mb)
    emit(f"exchange_county_import_scale_{scale:g}", read_s + parse_s, "s", floor,
         "openpyxl read-only read of every cell", read_package_s=round(read_s, 2), parse_s=round(parse_s, 2),
         tables=tables, indicators=indicators)


def _unit(db: Database, year: int, scale: float, tmp: Path) -> None:
    """The largest unit's real round trip: the bureau issues its key, a copy of the database enrolled as that
    unit's spoke exports its package (`export_goals`), the bureau previews it (`preview_goals`)."""
    unit_code = call(db, _largest_unit, year)
    key_hex = call(db, exchange_profile.issue_key, SYSTEM, unit_code).key_hex
    assert db.path is not None
    spoke_path = tmp / "spoke.sqlite"
    with sqlite3.connect(db.path) as src, sqlite3.connect(spoke_path) as dst:
        src.backup(dst)
    with open_database(spoke_path) as spoke:
        call(spoke, exchange_profile.become_spoke, SYSTEM, unit_code, key_hex, "财政局")
        path, export_s = _timed(lambda: call(spoke, exchange_goals.export_goals, SYSTEM, year, tmp / "unit.xlsx"))
    floor = _read_floor(path)
    preview, preview_s = _timed(lambda: call(db, exchange_goals.preview_goals, SYSTEM, path))
    assert preview.decision == "new" and not preview.problems, (preview.decision, preview.refusal)
    emit(f"exchange_unit_export_scale_{scale:g}", export_s, "s", floor, "openpyxl read-only read of every cell",
         unit_code=unit_code, tables=len(preview.changes))
    emit(f"exchange_unit_preview_scale_{scale:g}", preview_s, "s", floor, "openpyxl read-only read of every cell",
         unit_code=unit_code, tables=len(preview.changes), statuses=dict(Counter(p.status for p in preview.changes)))


def _whole_county_monitored(db: Database, year: int) -> None:
    """Bench data only: every goal table of the year approved and every project in the round with an entry, so
    the round carries every project and its indicators (the demo approves a fraction of the tables)."""
    assert db.path is not None
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE goal_table SET status = 'approved' WHERE project_id IN "
                     "(SELECT id FROM project WHERE year = ?)", (year,))
        round_id, stamp_at = conn.execute("SELECT r.id, r.opened_at FROM monitoring_round r WHERE r.year = ? "
                                          "ORDER BY r.as_of_month DESC LIMIT 1", (year,)).fetchone()
        conn.execute("INSERT INTO monitoring_entry (round_id, project_id, budget_adjustment, key_monitoring, status, "
                     "source, updated_by, updated_at) SELECT ?, p.id, 0, 0, 'draft', 'form', 'bench', ? FROM project p "
                     "WHERE p.year = ? AND p.id NOT IN (SELECT project_id FROM monitoring_entry WHERE round_id = ?)",
                     (round_id, stamp_at, year, round_id))


def _monitoring_county(db: Database, year: int, scale: float, tmp: Path) -> None:
    """The whole county's round as one workbook: build, write; read and parse."""
    path = tmp / "county-monitoring.xlsx"

    def export() -> tuple[int, int]:
        with db.unit_of_work() as uow:
            found = exchange_monitoring.find_round(uow.session, year, None)
            entries, lines = exchange_monitoring.monitoring_rows(uow.session, found)
        sheets = [(MONITORING_SHEETS[0], entries), (MONITORING_SHEETS[1], lines)]
        manifest = Manifest(uuid.uuid4().hex, MONITORING_KIND, HUB, "COUNTY", year, 1)
        write_package(path, sheets, sign(stamp(manifest, sheets), secrets.token_bytes(32)), MONITORING_INSTRUCTIONS)
        return len(entries), len(lines)

    (projects, indicators), export_s = _timed(export)
    floor = _read_floor(path)
    read, read_s = _timed(lambda: read_package(path, MONITORING_SHEETS))
    problems = list(read.problems)
    parsed, parse_s = _timed(lambda: exchange_monitoring.parse_entries(read, problems))
    assert read.content_hash == read.manifest.content_hash and not problems and len(parsed) == projects
    emit(f"exchange_monitoring_county_export_scale_{scale:g}", export_s, "s", floor,
         "openpyxl read-only read of every cell", projects=projects, indicators=indicators,
         file_mb=round(path.stat().st_size / 1e6, 2))
    emit(f"exchange_monitoring_county_import_scale_{scale:g}", read_s + parse_s, "s", floor,
         "openpyxl read-only read of every cell", read_package_s=round(read_s, 2), parse_s=round(parse_s, 2),
         projects=projects, indicators=indicators)


def _monitoring_round(db: Database, year: int, scale: float, tmp: Path) -> None:
    """A round at the bureau: every unit's template out, every row changed here, every package previewed and
    applied through `save_entry`."""
    folder = tmp / "round"
    folder.mkdir()
    units = call(db, exchange_kinds.units_with_projects, SYSTEM, year)

    def export() -> list[Path]:
        return [call(db, exchange_kinds.template_kind, SYSTEM, "monitoring", year, folder / f"{code}.xlsx", code).path
                for code, _name in units]

    paths, export_s = _timed(export)
    assert db.path is not None
    with sqlite3.connect(db.path) as conn:  # the bureau's copy now differs from every package: all rows "changed"
        conn.execute("UPDATE monitoring_entry SET corrective_measures = '财政局基准数据'")
    floor = sum(_read_floor(p) for p in paths)
    previews, preview_s = _timed(lambda: [call(db, exchange_kinds.preview_any, SYSTEM, p) for p in paths])
    assert all(not p.problems and p.decision == "unsigned" for p in previews), [p.problems[:2] for p in previews]
    changed = sum(len(p.by_status("changed")) for p in previews)
    done, apply_s = _timed(lambda: [call(db, exchange_kinds.apply_any, SYSTEM, p, True) for p in paths])
    written = sum(len(d.written) for d in done)
    indicators = sum(p.manifest.row_counts.get("monitoring_lines", 0) for p in previews if p.manifest)
    emit(f"exchange_monitoring_round_export_scale_{scale:g}", export_s, "s", floor,
         "openpyxl read-only read of every cell of the same files", units=len(paths), indicators=indicators)
    emit(f"exchange_monitoring_round_preview_scale_{scale:g}", preview_s, "s", floor,
         "openpyxl read-only read of every cell of the same files", units=len(paths), changed=changed)
    emit(f"exchange_monitoring_round_apply_scale_{scale:g}", apply_s, "s", floor,
         "openpyxl read-only read of every cell of the same files", units=len(paths), written=written)


def run(scales: tuple[float, ...] = (6.25, 10.0)) -> None:
    for scale in scales:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            with open_database(tmp / "demo.sqlite") as db:
                report = call(db, demo.generate_demo, SYSTEM, scale=scale)
                _county(db, report.year, scale, tmp)
                _unit(db, report.year, scale, tmp)
                _whole_county_monitored(db, report.year)
                _monitoring_county(db, report.year, scale, tmp)
                _monitoring_round(db, report.year, scale, tmp)


if __name__ == "__main__":
    run()
