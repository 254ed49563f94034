"""Import of a 100,000-row treasury payment export into the demo county (scale 1): read + preview against the
floor of openpyxl read-only iteration of the same file, apply against a raw sqlite3 executemany of the same rows.

The demo's own execution records are removed first, so the export is the county's January-August feed and the
preview's over-budget warnings are the few a real feed has, not one per row.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import delete, select

from bench.common import emit
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import execution_import as ei
from core.monitoring.dto import Preview
from core.org.rules.roles import SYSTEM
from db.database import Database, open_database
from db.models import ExecutionRecord, Project

ROWS = 100_000
TODAY = date(2024, 9, 15)
HEADERS = ["序号", "项目编码", "项目名称", "支付日期", "收款人", "支付金额", "支付凭证号", "摘要"]


def _projects(db: Database) -> list[tuple[str, str, Decimal]]:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(delete(ExecutionRecord))
        uow.commit()
        return [(c, n, t) for c, n, t in uow.session.execute(
            select(Project.code, Project.name, Project.total_amount).where(Project.year == 2024).order_by(Project.id))]


def write_export(path: Path, projects: list[tuple[str, str, Decimal]], rows: int = ROWS) -> Path:
    """An export as the treasury system writes it (normal mode, so the sheet carries its used range as Excel's
    files do): title row, header, one payment per row spread over January-August, about 60 % of each budget."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "支付明细"
    ws.append(["2024年国库集中支付明细表（金额单位：元）"])
    ws.append(HEADERS)
    per_project = max(1, rows // len(projects))
    for i in range(rows):
        code, name, total = projects[i % len(projects)]
        yuan = max((total * 6_000 / per_project).quantize(Decimal("0.01")), Decimal("0.01"))
        ws.append([i + 1, code, name, datetime(2024, 1 + i % 8, 1 + i % 28), f"收款单位{i % 997:03d}",
                   float(yuan), f"GK2024{i:09d}", "项目支出"])
    book.save(path)
    return path


def _read_floor(path: Path) -> float:
    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _ in book.worksheets[0].iter_rows(values_only=True):
        pass
    book.close()
    return time.perf_counter() - start


def _insert_floor(db_path: Path, floor_path: Path, preview: Preview) -> float:
    ddl = sqlite3.connect(db_path).execute(
        "SELECT sql FROM sqlite_master WHERE name = 'execution_record'").fetchone()[0]
    conn = sqlite3.connect(floor_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(ddl)
    data = [(r.project_id, r.year, r.month, int(r.amount * 1_000_000), r.voucher, r.payee, "treasury",
             "2024-09-15 00:00:00") for r in preview.records]
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO execution_record (project_id, year, month, amount, voucher_no, payee, source,"
                         " recorded_at) VALUES (?,?,?,?,?,?,?,?)", data)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def run(rows: int = ROWS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "demo.sqlite"
        with open_database(db_path) as db:
            call(db, demo.generate_demo, SYSTEM, scale=1.0)
            path = write_export(Path(tmp) / "国库支付.xlsx", _projects(db), rows)
            mapping = call(db, ei.inspect_file, SYSTEM, path, ei.DEFAULT_SOURCE).mapping
            start = time.perf_counter()
            preview = call(db, ei.preview, SYSTEM, path, ei.DEFAULT_SOURCE, mapping, today=TODAY)
            preview_s = time.perf_counter() - start
            start = time.perf_counter()
            result = call(db, ei.apply, SYSTEM, preview, confirm=True)
            apply_s = time.perf_counter() - start
            start = time.perf_counter()
            again = call(db, ei.apply, SYSTEM, preview, confirm=True)
            again_s = time.perf_counter() - start
        read_floor = _read_floor(path)
        insert_floor = _insert_floor(db_path, Path(tmp) / "raw.sqlite", preview)
        size_mb = path.stat().st_size / 1e6
    emit(f"execution_import_preview_{rows}", preview_s, "s", read_floor, "openpyxl read-only iteration of the file",
         rows=preview.rows_read, problems=len(preview.problems), file_mb=round(size_mb, 1))
    emit(f"execution_import_apply_{rows}", apply_s, "s", insert_floor, "sqlite3 executemany of the same rows",
         applied=result.applied, amount_wan=str(result.amount))
    emit(f"execution_import_again_{rows}", again_s, "s", applied=again.applied)


if __name__ == "__main__":
    run()
