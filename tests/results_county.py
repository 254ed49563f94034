"""A demo county (scale 0.1) with one department added whose results the tests control exactly (县结果测试局,
D900): five projects of 2024 with an evaluation grade each (or none), an ex-ante cut, a decided goal review, a
key-monitored project without spending, an overall evaluation, an audit finding and an overdue rectification
item. `EXPECTED` holds what result application must make of them under the shipped policy, worked out by hand."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.runner import call
from core.demo import generate as demo
from core.org import admin, auth
from core.org.dto import UnitInput
from core.org.rules.roles import Actor
from core.results import findings
from core.results.dto import FindingInput
from db.database import Database, open_database
from db.models import (
    Evaluation,
    ExAnteAssessment,
    GoalReview,
    GoalTable,
    Project,
    RectificationItem,
    Unit,
)
from tests.conftest import PASSWORD

YEAR = 2024
AS_OF = date(2025, 1, 15)
CODE = "D900"


@dataclass(frozen=True)
class Line:
    code: str
    nature: str
    end: date
    amount: D
    grades: tuple[tuple[str, str], ...]  # (kind, grade) of final evaluations
    suggested: D
    rule: str


# Shipped policy (resources/reference/result_policy.json, DOMAIN.md §5): 优 0 %, 良 0 %, 中 −15 %, 差 −100 %.
LINES = (
    # 120.345678 万元 × 0.85 = 102.2938263 万元 = 1,022,938.263 元 → 1,022,938 元
    Line("2024-D900-0001", "recurring", date(2024, 12, 31), D("120.345678"), (("self", "中"),), D("102.2938"),
         "评价等级“中”按比例核减，核减 15%"),
    # no evaluation; the key ex-ante assessment held it to 250 万元: a cut of 50 万元 comes off first
    Line("2024-D900-0002", "recurring", date(2024, 12, 31), D("300.000000"), (), D("250.0000"),
         "事前评估核减 50.0000 万元；无评价结果，按核减后金额安排"),
    # one-off, ended in October 2024
    Line("2024-D900-0003", "one_off", date(2024, 10, 31), D("80.000000"), (("self", "优"),), D(0), "一次性项目已完成"),
    # the key evaluation's 差 outranks the self-evaluation's 优: cancelled
    Line("2024-D900-0004", "recurring", date(2024, 12, 31), D("45.670000"), (("self", "优"), ("key", "差")), D(0),
         "评价等级“差”取消或暂停，不再安排"),
    # 100,000.50 元 kept at 良, rounded half up to the 元
    Line("2024-D900-0005", "one_off", date(2025, 6, 30), D("10.000050"), (("key", "良"),), D("10.0001"),
         "评价等级“良”据实保障，按本年金额安排"),
)
# Components: 重点事前评估 92 (0002), 目标管理 85 (0001 reviewed 良), 重点监控 50 (0002: ≥ 200 万元, nothing spent by
# August → key-monitored, red), 部门整体评价 85.50; (92×20 + 85×20 + 50×20 + 85.5×40) ÷ 100 = 79.60;
# minus the finding's 2.5 and 1 overdue item × 1 → 76.10 → band 60–80 → 0.95.
# Σ suggestions 102.2938 + 250 + 0 + 0 + 10.0001 = 362.2939; × 0.95 = 344.179205 → 344.1792 万元.
EXPECTED = {"components": {"exante": D("92.00"), "goals": D("85.00"), "monitoring": D("50.00"),
                           "department": D("85.50")},
            "composite": D("76.10"), "coefficient": D("0.95"), "this_year": D("556.015728"),
            "suggested_sum": D("362.2939"), "suggested_total": D("344.1792")}


def _add_department(database: Database, actor: Actor) -> int:
    call(database, admin.save_unit, actor, UnitInput(CODE, "县结果测试局", "department", sector="其他"))
    unit_id = next(r.id for r in call(database, admin.list_units, actor) if r.code == CODE)
    with database.unit_of_work() as uow:
        uow.write()
        s = uow.session
        for n, line in enumerate(LINES, 1):
            project = Project(year=YEAR, code=line.code, name=f"2024年结果测试项目{n}", unit_id=unit_id,
                              attribute="continuing", nature=line.nature, fund_type="general",
                              total_amount=line.amount, fiscal_amount=line.amount, carryover_amount=D(0),
                              other_amount=D(0), start_date=date(2024, 1, 1), end_date=line.end)
            s.add(project)
            s.flush()
            for kind, grade in line.grades:
                s.add(Evaluation(year=YEAR, kind=kind, subject_kind="project", project_id=project.id, unit_id=unit_id,
                                 title=project.name, status="final", grade=grade, score=D(70), created_by="test"))
            if n == 1:
                table = GoalTable(project_id=project.id, status="approved", current_version=1)
                s.add(table)
                s.flush()
                s.add(GoalReview(goal_table_id=table.id, version=1, status="final", grade="good", outcome="approved",
                                 reviewed_by="test"))
            if n == 2:
                s.add(ExAnteAssessment(project_id=project.id, kind="key", status="final", grades_json="{}",
                                       score=D(92), conclusion="partial", requested_amount=D(300),
                                       recommended_amount=D(250), assessed_by="test"))
        s.add(Evaluation(year=YEAR, kind="department", subject_kind="department", unit_id=unit_id, title="县结果测试局",
                         status="final", score=D("85.50"), grade="良", created_by="test"))
        s.add(RectificationItem(uid="00000000-0000-0000-0000-000000000900", year=YEAR, unit_id=unit_id,
                                source="audit", requirement="整改测试", issued_on=date(2024, 5, 1),
                                deadline=date(2024, 6, 30), status="pending", created_by="test"))
        uow.commit()
    call(database, findings.add_finding, actor, YEAR,
         FindingInput(unit_id, "audit", "县审报〔2024〕99号", "测试发现", D("2.5")))
    return unit_id


def build(path: Path) -> None:
    database = open_database(path)
    try:
        actor = call(database, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
        call(database, demo.generate_demo, actor, scale=0.1)
        _add_department(database, actor)
    finally:
        database.close()


def copy_of(source: Path, target: Path) -> Iterator[Database]:
    shutil.copy(source, target)
    database = open_database(target)
    try:
        yield database
    finally:
        database.close()


# Fixtures for a test module that registers them with `county_file, db = county.county_file, county.db`.


@pytest.fixture(scope="module")
def county_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county, built once per test module."""
    path = tmp_path_factory.mktemp("results") / "county.sqlite"
    build(path)
    return path


@pytest.fixture
def db(county_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the county for each test, in place of tests/conftest.py's empty database."""
    yield from copy_of(county_file, tmp_path / "county.sqlite")


def unit_id(database: Database) -> int:
    with database.unit_of_work() as uow:
        found = uow.session.scalar(select(Unit.id).where(Unit.code == CODE))
        assert found is not None
        return found
