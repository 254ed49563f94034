"""The reviewer workspace: loading the queue (pre-review of every table that reached review), opening the next
table, and filtering/searching the queue in the real Qt proxy, against raw sqlite3 reads of the same rows."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import emit, median_seconds
from core.common.runner import call
from core.demo import generate as demo
from core.org.rules.roles import SYSTEM
from core.review import workspace as review
from core.review.dto import Queue, QueueRow
from db.database import open_database

QUEUE_FLOOR_SQL = """SELECT p.*, g.* FROM project p JOIN goal_table g ON g.project_id = p.id
WHERE p.year = ? AND g.status IN ('submitted', 'returned', 'approved', 'rejected')"""
TABLE_FLOOR_SQL = """SELECT p.*, i.* FROM project p JOIN goal_table g ON g.project_id = p.id
JOIN goal_table_version v ON v.goal_table_id = g.id AND v.version = g.current_version
JOIN indicator i ON i.version_id = v.id WHERE p.id = ?"""


def _floor(path: Path, sql: str, arg: int) -> float:
    conn = sqlite3.connect(path)
    elapsed = median_seconds(lambda: conn.execute(sql, (arg,)).fetchall(), repeat=5)
    conn.close()
    return elapsed


def _proxy_figures(queue: Queue) -> tuple[float, float]:
    """Seconds to apply a department filter and to search a code, with every row of the queue in the model."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.pages.review.area import QueueFilter
    from desktop.widgets.table_model import Column, RowTableModel

    app = QApplication.instance() or QApplication([])
    model: RowTableModel[QueueRow] = RowTableModel([Column("编码", lambda r: r.project_code),
                                                            Column("名称", lambda r: r.project_name)])
    model.set_rows(queue.rows)
    proxy = QueueFilter(None)  # type: ignore[arg-type]
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    dept = queue.rows[len(queue.rows) // 2].department_id
    filter_s = median_seconds(lambda: (proxy.set_filters(dept, None, None, None), proxy.set_filters(None, None,
                                                                                                      None, None)))
    code = queue.rows[-1].project_code
    search_s = median_seconds(lambda: (proxy.setFilterFixedString(code), proxy.setFilterFixedString("")))
    app.processEvents()
    return filter_s / 2, search_s / 2


def run(scales: tuple[float, ...] = (1.0, 10.0)) -> None:
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo.sqlite"
            with open_database(path) as db:
                report = call(db, demo.generate_demo, SYSTEM, scale=scale)
                start = time.perf_counter()
                queue = call(db, review.load_queue, SYSTEM, report.year)
                load_s = time.perf_counter() - start
                ids = [r.project_id for r in queue.rows[:20]]
                step = iter(ids * 5)
                open_s = median_seconds(lambda step=step, base=queue.base: call(
                    db, review.open_review, SYSTEM, next(step), base), repeat=20)
            queue_floor = _floor(path, QUEUE_FLOOR_SQL, report.year)
            table_floor = _floor(path, TABLE_FLOOR_SQL, ids[0])
        filter_s, search_s = _proxy_figures(queue)
        emit(f"review_queue_load_scale_{scale:g}", load_s, "s", queue_floor,
             f"sqlite3 SELECT of the {len(queue.rows)} queued tables", tables=len(queue.rows),
             ms_per_table=round(load_s * 1000 / max(len(queue.rows), 1), 3))
        emit(f"review_open_next_scale_{scale:g}", open_s * 1000, "ms", table_floor * 1000,
             "sqlite3 SELECT of one table's project and indicator rows")
        emit(f"review_queue_filter_scale_{scale:g}", filter_s * 1000, "ms", None, "", rows=len(queue.rows),
             search_ms=round(search_s * 1000, 2))
