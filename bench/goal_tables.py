"""A county's goals workbook filled by hand (issue 14, "Speed"): 800 full goal tables (header, amounts by source,
texts, 6-7 indicators each, some values percentage-formatted numbers or formulas as spreadsheets make them) in
the bureau's blank template, previewed and imported (`intake.import_package`, every table new), against the raw
openpyxl read-only read of every cell of the same file. The tables cycle through the hand-typed corpus of
tests/exchange_corpus (its good tables), each a project of its own registered beforehand.

Run: `python -m bench.goal_tables` (prints JSON lines; the ratio is import seconds ÷ raw read seconds).
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from bench.common import ROOT, emit
from bench.exchange import _read_floor, _timed
from core.common.runner import call
from core.exchange import goals as exchange_goals
from core.exchange import intake
from core.exchange import projects as exchange_projects
from core.org import admin
from core.org.rules.roles import SYSTEM
from db.database import Database, open_database

CORPUS = ROOT / "tests" / "exchange_corpus" / "clerk_goal_tables.json"
YEAR = 2025
UNIT = "D900"
HEADER = {"impl": "实施单位", "attr": "项目属性", "start": "开始日期", "end": "结束日期", "manager": "项目负责人",
          "phone": "联系电话", "total": "资金总额（万元）", "fiscal": "其中：财政拨款（万元）",
          "carry": "其中：上年结转（万元）", "other": "其中：其他资金（万元）", "overview": "项目概况", "basis": "立项依据",
          "schedule": "实施进度计划", "long": "长期目标", "goal": "年度总体目标"}


def _tables(count: int) -> list[dict[str, Any]]:
    good = [t for t in json.loads(CORPUS.read_text(encoding="utf-8")) if not t.get("bad")]
    return [{**good[n % len(good)], "code": f"{YEAR}-{UNIT}-{n + 1:04d}"} for n in range(count)]


def _register(db: Database, tables: list[dict[str, Any]]) -> None:
    call(db, admin.save_unit, SYSTEM, admin.UnitInput(UNIT, "某县综合部门", "department"))
    unit_id = next(r.id for r in call(db, admin.list_units, SYSTEM) if r.code == UNIT)
    with db.unit_of_work() as uow:
        uow.write()
        plan = exchange_projects.ProjectPlan(create={t["code"]: (unit_id, {
            "name": t["name"], "attribute": "new" if t["attr"] == "新增" else "continuing", "nature": "recurring",
            "fund_type": "general", "total_amount": Decimal(t["total"]), "fiscal_amount": Decimal(t["total"]),
            "carryover_amount": Decimal(0), "other_amount": Decimal(0)}) for t in tables})
        exchange_projects.write_projects(uow, SYSTEM, YEAR, plan)
        uow.commit()


def _fill(path: Path, tables: list[dict[str, Any]]) -> None:
    wb = openpyxl.load_workbook(path)
    sheet, indicators = wb["绩效目标表"], wb["绩效指标"]
    heads = {c.value: c.column for c in sheet[1]}
    columns = {c.value: c.column for c in indicators[1]}
    rows = {sheet.cell(row=r, column=heads["项目编码"]).value: r for r in range(2, sheet.max_row + 1)}
    line = 1
    for t in tables:
        row = rows[t["code"]]
        for key, header in HEADER.items():
            value = t[key]
            if key in ("start", "end"):
                value = date.fromisoformat(value)
            elif key in ("total", "fiscal", "carry", "other"):
                value = float(value)
            sheet.cell(row=row, column=heads[header]).value = value
        for level1, level2, name, typed, weight in t["i"]:
            line += 1
            for header, value in (("项目编码", t["code"]), ("一级指标", level1), ("二级指标", level2),
                                  ("三级指标", name), ("权重", weight)):
                indicators.cell(row=line, column=columns[header]).value = value
            cell = indicators.cell(row=line, column=columns["指标值"])
            if isinstance(typed, dict):
                cell.value, cell.number_format = typed["pct"], "0%"
            else:
                cell.value = typed
                if not t.get("formula"):
                    cell.data_type = "s"
    wb.save(path)


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
