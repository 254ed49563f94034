"""Automatic pre-review of the demo county against the raw floor: one sqlite3 SELECT of the year's indicator rows."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import emit
from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import SYSTEM
from core.review import auto as review_auto
from db.database import open_database

FLOOR_SQL = """SELECT i.* FROM indicator i JOIN goal_table_version v ON v.id = i.version_id
JOIN goal_table g ON g.id = v.goal_table_id AND g.current_version = v.version
JOIN project p ON p.id = g.project_id WHERE p.year = ?"""


def _raw_floor(path: Path, year: int) -> float:
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    conn.execute(FLOOR_SQL, (year,)).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def run(scales: tuple[float, ...] = (1.0, 10.0)) -> None:
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo.sqlite"
            with open_database(path) as db:
                report = call(db, demo.generate_demo, SYSTEM, scale=scale)
                start = time.perf_counter()
                reviews = call(db, review_auto.auto_review, SYSTEM, report.year)
                elapsed = time.perf_counter() - start
            floor = _raw_floor(path, report.year)
        findings = sum(len(r.findings) for r in reviews)
        emit(f"review_auto_scale_{scale:g}", elapsed, "s", floor, f"sqlite3 SELECT of {report.indicators} indicator rows",
             tables=len(reviews), ms_per_table=round(elapsed * 1000 / max(len(reviews), 1), 3), findings=findings)
