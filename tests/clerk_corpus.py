"""The hand-typed corpus of clerk goal tables (tests/exchange_corpus/clerk_goal_tables.json: project tables of
three departments written after the national 项目支出绩效目标申报表, some of them bad) and how a clerk types them
into a goals workbook from the bureau's template: the header and amounts by source, the texts and the indicators,
each value as typed (a percentage number or a formula where a spreadsheet made one of it). The clerk-tables
import test and the goals import bench (bench/goal_tables.py) fill their workbooks with it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

CORPUS = Path(__file__).parent / "exchange_corpus" / "clerk_goal_tables.json"
ATTRIBUTES = {"新增": "new", "延续": "continuing"}
HEADER = {"impl": "实施单位", "attr": "项目属性", "start": "开始日期", "end": "结束日期", "manager": "项目负责人",
          "phone": "联系电话", "total": "资金总额（万元）", "fiscal": "其中：财政拨款（万元）",
          "carry": "其中：上年结转（万元）", "other": "其中：其他资金（万元）"}
TEXTS = {"overview": "项目概况", "basis": "立项依据", "schedule": "实施进度计划", "long": "长期目标", "goal": "年度总体目标"}


def load() -> list[dict[str, Any]]:
    tables: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))
    return tables


def project_fields(t: dict[str, Any]) -> dict[str, Any]:
    """The project of a table as the bureau's project library holds it before the unit fills in the header: no
    manager, no phone, the whole amount as fiscal money."""
    return {"name": t["name"], "attribute": ATTRIBUTES[t["attr"]], "nature": "recurring", "fund_type": "general",
            "total_amount": Decimal(t["total"]), "fiscal_amount": Decimal(t["total"]),
            "carryover_amount": Decimal(0), "other_amount": Decimal(0)}


class GoalsWorkbook:
    """A goals workbook open for typing tables into its 绩效目标表 and 绩效指标 sheets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = openpyxl.load_workbook(path)
        self.tables, self.indicators = self.book["绩效目标表"], self.book["绩效指标"]
        self.heads = {c.value: c.column for c in self.tables[1]}
        self.columns = {c.value: c.column for c in self.indicators[1]}
        self.rows = {self.tables.cell(row=r, column=self.heads["项目编码"]).value: r
                     for r in range(2, self.tables.max_row + 1)}
        self.line = self.indicators.max_row  # the last indicator row typed

    def type_table(self, t: dict[str, Any]) -> None:
        """Type a table: into its project's row (a new row at the end when the template has none), its
        indicators after the last ones; 删除=是 on a table the corpus marks as deleted."""
        row = self.rows.get(t["code"])
        if row is None:
            row = self.rows[t["code"]] = self.tables.max_row + 1
            self.tables.cell(row=row, column=self.heads["项目编码"]).value = t["code"]
        for key, header in HEADER.items():
            value = t[key]
            if key in ("start", "end"):
                value = date.fromisoformat(value)
            elif key in ("total", "fiscal", "carry", "other"):
                value = float(value)
            self.tables.cell(row=row, column=self.heads[header]).value = value
        for key, header in TEXTS.items():
            self.tables.cell(row=row, column=self.heads[header]).value = t[key]
        if t.get("bad") == "deleted":
            self.tables.cell(row=row, column=self.heads["删除"]).value = "是"
        for level1, level2, name, typed, weight in t["i"]:
            self.line += 1
            for header, value in (("项目编码", t["code"]), ("一级指标", level1), ("二级指标", level2),
                                  ("三级指标", name), ("权重", weight)):
                self.indicators.cell(row=self.line, column=self.columns[header]).value = value
            self._set_value(typed, bool(t.get("formula")))

    def _set_value(self, typed: Any, formula: bool) -> None:
        cell = self.indicators.cell(row=self.line, column=self.columns["指标值"])
        if isinstance(typed, dict):  # Excel turned "90%" into the number 0.9 shown as a percentage
            cell.value = typed["pct"]
            cell.number_format = "0%"
            return
        cell.value = typed
        if isinstance(typed, str) and typed.startswith("=") and not formula:
            cell.data_type = "s"  # typed into the text cell: it stays text

    def save(self) -> None:
        self.book.save(self.path)
