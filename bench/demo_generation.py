"""Demo county generation time against the raw floor: the same number of rows inserted with sqlite3 executemany."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import emit
from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import SYSTEM
from db.database import open_database


def _raw_floor(rows: int, path: Path) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT, c TEXT, d INTEGER, e TEXT, f TEXT)")
    data = [(i, f"指标名称{i}", "数量指标", i * 100, "个", "≥") for i in range(rows)]
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO t VALUES (?,?,?,?,?,?)", data)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def run(scales: tuple[float, ...] = (1.0, 10.0)) -> None:
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            with open_database(Path(tmp) / "demo.sqlite") as db:
                start = time.perf_counter()
                report = call(db, demo.generate_demo, SYSTEM, scale=scale)
                elapsed = time.perf_counter() - start
            rows = report.projects * 2 + report.goal_tables + report.indicators + report.execution_records
            floor = _raw_floor(rows, Path(tmp) / "raw.sqlite")
        emit(f"demo_generation_scale_{scale:g}", elapsed, "s", floor,
             f"sqlite3 executemany of {rows} rows, same run", projects=report.projects, rows=rows)
