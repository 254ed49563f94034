"""The demo county: counts, determinism, clean tables really clean, planted defects really there, refusals."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.demo.defects import KINDS
from core.demo.dto import DemoReport
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import (
    AuditEntry,
    ExAnteAssessment,
    ExecutionRecord,
    FiscalYear,
    GoalTable,
    GoalTableVersion,
    Indicator,
    Project,
    Unit,
)
from resources import path as resource_path

ADMIN = Actor("admin", "管理员", Role.ADMIN)
CLERK = Actor("c", "填报员", Role.CLERK, unit_id=1)
TEXTS = ("overview", "basis", "schedule", "long_term_goal", "annual_goal")
PROJECTS_REF = json.loads(resource_path("reference", "demo", "projects.json").read_text(encoding="utf-8"))
# Cost-linked quantities: indicator name -> typical 万元 per unit (the reference for 适当性).
UNIT_COSTS = {q["name"]: (Decimal(str(q["cost"][0])), Decimal(str(q["cost"][1])))
              for sector in PROJECTS_REF["sectors"].values() for t in sector["templates"]
              for q in t["quantity"] if "cost" in q}


@dataclass
class Table:
    project: dict[str, Any]
    status: str
    texts: dict[str, Any]
    indicators: list[dict[str, Any]]
    exante: bool = False  # has a final ex-ante assessment


def _load(db: Database) -> dict[int, Table]:
    with db.unit_of_work() as uow:
        s = uow.session
        projects = {p.id: p for p in s.scalars(select(Project))}
        assessed = set(s.scalars(select(ExAnteAssessment.project_id).where(ExAnteAssessment.status == "final")))
        tables = {}
        for gt, v in s.execute(select(GoalTable, GoalTableVersion).join(
                GoalTableVersion, GoalTableVersion.goal_table_id == GoalTable.id)):
            p = projects[gt.project_id]
            row = {c.name: getattr(p, c.name) for c in Project.__table__.columns}
            inds = [{c.name: getattr(i, c.name) for c in Indicator.__table__.columns
                     if c.name not in ("id", "version_id")} for i in v.indicators]
            tables[p.id] = Table(row, gt.status, {t: getattr(v, t) for t in TEXTS}, inds, p.id in assessed)
        return tables


def _counts(db: Database) -> tuple[int, ...]:
    with db.unit_of_work() as uow:
        s = uow.session
        return tuple(s.scalar(select(func.count()).select_from(m)) or 0
                     for m in (Unit, Project, GoalTable, Indicator, ExecutionRecord, AuditEntry, FiscalYear))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoReport]]:
    database = open_database(tmp_path_factory.mktemp("demo") / "d.sqlite")
    report = call(database, demo.generate_demo, ADMIN)
    yield database, report
    database.close()


@pytest.fixture(scope="module")
def tables(county: tuple[Database, DemoReport]) -> dict[int, Table]:
    return _load(county[0])


@pytest.fixture(scope="module")
def unit_names(county: tuple[Database, DemoReport]) -> set[str]:
    with county[0].unit_of_work() as uow:
        return set(uow.session.scalars(select(Unit.name)))


EXANTE_THRESHOLD = Decimal(100)  # the shipped default of the setting exante.threshold_wan


def detect(t: Table, previous: Table | None, names: set[str]) -> set[str]:
    """An independent, naive checker for every planted kind, used to prove the ground truth."""
    p, inds, found = t.project, t.indicators, set()
    if p["fiscal_amount"] + p["carryover_amount"] + p["other_amount"] != p["total_amount"]:
        found.add("amounts_mismatch")
    if p["implementing_unit"] not in names:
        found.add("unit_name_mismatch")
    if any(m in i["name"] for i in inds for m in PROJECTS_REF["vague_markers"]):
        found.add("vague_wording")
    if any(i["level2"] == "数量指标" and i["comparator"] == "qual" for i in inds):
        found.add("qualitative_where_numeric")
    if any(i["target"] is not None and not i["unit_of_measure"] for i in inds):
        found.add("missing_unit")
    if any(i["unit_of_measure"] == "%" and i["level1"] != "满意度指标" and not 0 <= i["target"] <= 100
           for i in inds):
        found.add("percent_out_of_range")
    if any(i["level1"] == "满意度指标" and not 80 <= i["target"] <= 100 for i in inds):
        found.add("satisfaction_out_of_range")
    if len({(i["level2"], i["name"]) for i in inds}) != len(inds):
        found.add("duplicate_indicator")
    if sum(i["weight"] for i in inds) != 90:
        found.add("weights_not_summing")
    if not any(i["level2"] == "数量指标" for i in inds):
        found.add("missing_quantity_category")
    if not any(i["level1"] == "满意度指标" for i in inds):
        found.add("missing_satisfaction")
    if p["start_date"].year != p["year"] or p["end_date"].year != p["year"]:
        found.add("dates_outside_year")
    for i in inds:
        if i["name"] in UNIT_COSTS and i["target"] is not None:
            lo, hi = UNIT_COSTS[i["name"]]
            if not lo <= p["total_amount"] / i["target"] <= hi:
                found.add("unit_cost_implausible")
    if p["attribute"] == "new" and p["total_amount"] >= EXANTE_THRESHOLD and not t.exante:
        found.add("exante_missing")
    if previous is not None:
        before = {i["name"]: i for i in previous.indicators}
        for i in inds:
            b = before.get(i["name"])
            if (b and i["comparator"] == b["comparator"] == ">=" and i["target"] is not None
                    and i["target"] < b["target"]):
                found.add("target_set_low")
        if t.texts == previous.texts and inds == previous.indicators:
            found.add("copied_from_last_year")
    return found


def test_counts_units_years_and_every_table(county: tuple[Database, DemoReport],
                                            tables: dict[int, Table]) -> None:
    db, report = county
    with db.unit_of_work() as uow:
        s = uow.session
        kinds = {kind: n for kind, n in s.execute(select(Unit.kind, func.count()).group_by(Unit.kind))}
        years = {y.year: (y.status, y.is_current) for y in s.scalars(select(FiscalYear))}
        audit = list(s.scalars(select(AuditEntry.action)))
    assert kinds == {"bureau": 1, "department": 73, "township": 12, "budget_unit": report.budget_units}
    assert years == {2023: ("closed", False), 2024: ("open", True)}
    assert audit == ["demo.generate"]
    current = [t for t in tables.values() if t.project["year"] == 2024]
    previous = [t for t in tables.values() if t.project["year"] == 2023]
    assert (report.departments, report.townships, report.projects, report.goal_tables) == (73, 12, 800, 800)
    assert len(current) == 800 and report.indicators == sum(len(t.indicators) for t in current)
    assert len(previous) == sum(1 for t in current if t.project["attribute"] == "continuing")
    assert 0.50 <= len(previous) / len(current) <= 0.60
    assert all(len(t.indicators) >= 6 for t in tables.values())
    assert all(t.status == "approved" for t in previous)
    statuses = Counter(t.status for t in current)
    assert 0.70 <= statuses["submitted"] / 800 <= 0.80 and statuses["draft"] and statuses["returned"]
    amounts = sorted(t.project["total_amount"] for t in current)
    assert amounts[400] < 300 and sum(a >= 7000 for a in amounts) >= 3
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)
    assert len({t.project["name"] for t in current}) == 800


def test_same_seed_same_content(tmp_path: Path, tables: dict[int, Table]) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        call(db, demo.generate_demo, ADMIN)
        again = _load(db)
    finally:
        db.close()

    def content(ts: dict[int, Table]) -> list[tuple[Any, ...]]:
        code = {pid: t.project["code"] for pid, t in ts.items()}
        return sorted((t.project["year"], t.project["code"], code.get(t.project["previous_project_id"]),
                       sorted((k, str(v)) for k, v in t.project.items() if k not in ("id", "previous_project_id")),
                       t.status, sorted(t.texts.items()), [sorted(i.items()) for i in t.indicators])
                      for t in ts.values())
    assert content(again) == content(tables)


def test_planted_defects_are_exactly_what_a_checker_finds(county: tuple[Database, DemoReport],
                                                          tables: dict[int, Table], unit_names: set[str]) -> None:
    _, report = county
    planted: dict[str, set[str]] = {}
    for p in report.planted:
        planted.setdefault(p.project_code, set()).add(p.kind)
    assert 0.25 <= len(planted) / report.projects <= 0.30
    assert set(KINDS) <= {p.kind for p in report.planted}
    assert any(len(kinds) == 2 for kinds in planted.values())
    for t in tables.values():
        if t.project["year"] != 2024:
            continue
        prev = tables.get(t.project["previous_project_id"]) if t.project["previous_project_id"] else None
        assert detect(t, prev, unit_names) == planted.get(t.project["code"], set()), t.project["code"]


def test_previous_year_tables_are_clean(tables: dict[int, Table], unit_names: set[str]) -> None:
    for t in tables.values():
        if t.project["year"] == 2023:
            assert detect(t, None, unit_names) == set(), t.project["code"]


def test_clean_continuing_tables_move_on_from_last_year(county: tuple[Database, DemoReport],
                                                        tables: dict[int, Table]) -> None:
    planted = {p.project_code for p in county[1].planted}
    clean = [t for t in tables.values() if t.project["year"] == 2024 and t.project["previous_project_id"]
             and t.project["code"] not in planted]
    assert clean
    for t in clean:
        prev = tables[t.project["previous_project_id"]]
        assert t.texts["annual_goal"].startswith("2024年") and prev.texts["annual_goal"].startswith("2023年")
        assert prev.project["name"] == t.project["name"].replace("2024年", "2023年", 1)


def test_execution_stays_within_budget_with_realistic_curves(county: tuple[Database, DemoReport],
                                                             tables: dict[int, Table]) -> None:
    db, report = county
    with db.unit_of_work() as uow:
        rows = uow.session.execute(select(ExecutionRecord.project_id, ExecutionRecord.month,
                                          ExecutionRecord.amount, ExecutionRecord.voucher_no,
                                          ExecutionRecord.source)).all()
    spent: dict[int, list[Decimal]] = {}
    for pid, month, amount, voucher, source in rows:
        spent.setdefault(pid, [Decimal(0)] * 12)[month - 1] += amount
        assert source == "demo" and amount >= 0 and (voucher is None) == (amount == 0)
        assert amount == amount.quantize(Decimal("0.000001"))
    assert set(spent) == set(tables) and len(rows) == 12 * len(tables)
    assert report.execution_records == 12 * 800
    laggards = 0
    for pid, months in spent.items():
        total = tables[pid].project["total_amount"]
        assert sum(months) <= total
        if tables[pid].project["year"] == 2024 and sum(months[:8]) < total * Decimal("0.3"):
            laggards += 1
    assert 0.05 <= laggards / 800 <= 0.14


def test_clerk_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        before = _counts(db)
        with pytest.raises(PermissionDenied, match="管理员"):
            call(db, demo.generate_demo, CLERK)
        assert _counts(db) == before
    finally:
        db.close()


def test_small_scale_then_second_run_refused(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        report = call(db, demo.generate_demo, ADMIN, scale=0.05, seed=7)
        assert report.projects == 40 and report.goal_tables == 40 and report.departments == 73
        before = _counts(db)
        with pytest.raises(ValidationError, match="已有 2024 年度的项目"):
            call(db, demo.generate_demo, ADMIN, scale=0.05, seed=7)
        with pytest.raises(ValidationError, match="需要用空的 2024 年度"):
            call(db, demo.generate_demo, ADMIN, year=2025, scale=0.05)
        assert _counts(db) == before
        later = call(db, demo.generate_demo, ADMIN, year=2027, scale=0.05)
        assert later.projects == 40 and _counts(db)[0] == before[0]  # units are reused
    finally:
        db.close()


@pytest.mark.parametrize("scale", [0, -1, 100.5])
def test_scale_out_of_range_is_refused(tmp_path: Path, scale: float) -> None:
    db = open_database(tmp_path / "d.sqlite")
    try:
        with pytest.raises(ValidationError, match="规模"):
            call(db, demo.generate_demo, ADMIN, scale=scale)
        assert _counts(db)[1] == 0
    finally:
        db.close()


def test_truth_file_lists_every_planted_defect(county: tuple[Database, DemoReport], tmp_path: Path) -> None:
    report = county[1]
    target = tmp_path / "truth" / "demo-2024.json"
    demo.write_truth(report, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["year"] == 2024 and data["projects"] == 800
    assert len(data["planted"]) == len(report.planted) == sum(data["by_kind"].values())
    assert data["planted"][0] == {"project_code": report.planted[0].project_code,
                                  "kind": report.planted[0].kind, "detail": report.planted[0].detail}
