"""Registering 8,000 projects from a registry workbook (项目库导入) into a county of 70 departments that already holds
last year's 8,000: preview and apply (with linking the continuing projects: most by code, some renamed ones by name)
against the floor of openpyxl's read-only iteration of the same file."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import openpyxl

from bench.common import emit
from core.common.runner import call
from core.exchange import registry as xr
from core.org import admin
from core.org.rules.roles import SYSTEM
from core.org.settings import update_settings
from db.database import Database, open_database

PROJECTS = 8_000
DEPARTMENTS = 70
TOPICS = ("农村公路养护", "学生营养餐补助", "校舍维修改造", "基层医疗设备购置", "高标准农田建设", "城区污水管网改造",
          "公共文化服务", "就业技能培训", "森林防火", "残疾人康复服务")


def write_list(path: Path, year: int, projects: int = PROJECTS) -> Path:
    """The budget system's list: one row per project; in the later year 70 % continue (every tenth of them under a
    new code and a reworded name), the rest are new."""
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("项目库")
    ws.append([c.header for c in xr.REGISTRY_SHEET.columns])
    for i in range(projects):
        later = year > 2024 and i % 10 < 7
        code = f"{year if later and i % 70 == 0 else 2024}-{i:05d}" if later else f"{year}-{i:05d}"
        name = f"{TOPICS[i % len(TOPICS)]}项目{i // len(TOPICS)}"
        if later and i % 70 == 0:
            name = f"{year}年度{name}（续建）"
        fiscal, carry = 10 + i % 90, i % 7
        ws.append([code, name, f"D{i % DEPARTMENTS:03d}", None, "延续" if later else "新增",
                   "经常性" if i % 3 else "一次性", None, fiscal, carry, None, fiscal + carry, None, year - i % 2,
                   year + i % 3, year])
    book.save(path)
    return path


def _read_floor(path: Path) -> float:
    start = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _ in book["项目库"].iter_rows(values_only=True):
        pass
    book.close()
    return time.perf_counter() - start


def _county(db: Database) -> None:
    for i in range(DEPARTMENTS):
        call(db, admin.save_unit, SYSTEM, admin.UnitInput(f"D{i:03d}", f"县第{i}局", "department"))
    call(db, update_settings, SYSTEM, {"registry.link_auto_similarity": "0.8"})


def run(projects: int = PROJECTS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with open_database(Path(tmp) / "registry.sqlite") as db:
            _county(db)
            call(db, xr.apply_registry, SYSTEM, write_list(Path(tmp) / "2024.xlsx", 2024, projects))
            path = write_list(Path(tmp) / "2025.xlsx", 2025, projects)
            start = time.perf_counter()
            preview = call(db, xr.preview_registry, SYSTEM, path)
            preview_s = time.perf_counter() - start
            start = time.perf_counter()
            result, _ = call(db, xr.apply_registry, SYSTEM, path)
            apply_s = time.perf_counter() - start
        floor = _read_floor(path)
    emit(f"registry_preview_{projects}", preview_s, "s", floor, "openpyxl read-only iteration of the file",
         new=preview.count("new"), refused=preview.count("refused"))
    emit(f"registry_apply_{projects}", apply_s, "s", floor, "openpyxl read-only iteration of the file",
         created=result.created, linked_by_code=result.links.by_code, linked_by_name=result.links.by_name,
         proposed=result.links.proposed)


if __name__ == "__main__":
    run()
