"""A small demo county (scale 0.05) for the yearly statistics tests: the demo has no decided goal reviews and nothing
monitored, evaluated or rectified in the previous year, so a few rows are added for each, by hand."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.runner import call
from core.demo import generate as demo
from core.org import auth
from core.org.rules.roles import Actor, Role
from core.statistics.dto import StatisticsComparison
from core.statistics.yearly import year_statistics
from db.database import Database, open_database
from db.models import (
    Evaluation,
    GoalReview,
    GoalTable,
    MonitoringEntry,
    MonitoringRound,
    Project,
    RectificationItem,
)
from tests.conftest import PASSWORD

YEAR, PREVIOUS = 2024, 2023
AS_OF = date(2025, 3, 31)
AT = datetime(2024, 6, 1, tzinfo=UTC)


def _review(table_id: int, version: int, status: str, grade: str | None, outcome: str | None) -> GoalReview:
    return GoalReview(goal_table_id=table_id, version=version, status=status, grade=grade, outcome=outcome,
                      reviewed_by="admin", decided_at=AT if status == "final" else None)


def _tables(s: Session, year: int, unreviewed: bool = True) -> list[int]:
    stmt = select(GoalTable.id).join(Project, GoalTable.project_id == Project.id).where(Project.year == year)
    if unreviewed:  # the demo decided the approved, returned and rejected tables
        stmt = stmt.where(GoalTable.id.not_in(select(GoalReview.goal_table_id)))
    return list(s.scalars(stmt.order_by(GoalTable.id)))


def _extras(s: Session) -> None:
    """More review outcomes (a re-review, a draft), key monitoring, and monitoring, evaluations and rectification items in
    the previous year, so that every figure of both years has something to count."""
    t, p = _tables(s, YEAR), _tables(s, PREVIOUS, unreviewed=False)
    s.add_all([_review(t[0], 1, "final", "fair", "returned"), _review(t[0], 2, "final", "excellent", "approved"),
               _review(t[1], 1, "final", "poor", "rejected"), _review(t[2], 1, "draft", "good", None),
               _review(p[0], 2, "final", "good", "approved")])
    first = s.scalars(select(MonitoringEntry).order_by(MonitoringEntry.id)).first()
    assert first is not None
    first.key_monitoring = True
    old = list(s.scalars(select(Project).where(Project.year == PREVIOUS).order_by(Project.id)))
    rnd = MonitoringRound(year=PREVIOUS, name="1-8月", as_of_month=8, status="closed", opened_by="admin")
    s.add(rnd)
    s.flush()
    s.add_all([MonitoringEntry(round_id=rnd.id, project_id=old[0].id, key_monitoring=True, updated_by="admin"),
               MonitoringEntry(round_id=rnd.id, project_id=old[1].id, updated_by="admin")])
    unit = old[0].unit_id
    s.add_all([
        Evaluation(year=PREVIOUS, kind="key", subject_kind="policy", unit_id=unit, title="政策评价", status="final",
                   budget=Decimal("123.4567"), score=Decimal(85), grade="良", created_by="admin"),
        Evaluation(year=PREVIOUS, kind="key", subject_kind="project", project_id=old[1].id, unit_id=unit,
                   title="草稿评价", status="draft", budget=Decimal(10), created_by="admin"),
        Evaluation(year=PREVIOUS, kind="self", subject_kind="project", project_id=old[0].id, unit_id=unit,
                   title="自评", status="final", score=Decimal(92), grade="优", created_by="admin"),
        Evaluation(year=PREVIOUS, kind="department", subject_kind="department", unit_id=unit, title="部门整体评价",
                   status="final", score=Decimal(70), grade="中", created_by="admin")])
    for status, deadline in (("done", date(2024, 3, 1)), ("pending", date(2024, 6, 30)),
                             ("failed", date(2025, 6, 30))):
        s.add(RectificationItem(uid=str(uuid.uuid4()), year=PREVIOUS, unit_id=unit, source="audit",
                                requirement="整改审计发现的问题", issued_on=date(2024, 1, 10), deadline=deadline,
                                status=status, created_by="admin"))


def fill_county(database: Database, admin: Actor) -> None:
    """The demo county (scale 0.05) and the extra rows, in an empty database."""
    call(database, demo.generate_demo, admin, scale=0.05)
    with database.unit_of_work() as uow:
        uow.write()
        _extras(uow.session)
        uow.commit()


def open_county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Yield the county's database (for a module-scoped fixture), closed afterwards."""
    database = open_database(Path(tmp_path_factory.mktemp("statistics")) / "county.sqlite")
    fill_county(database, call(database, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD))
    yield database
    database.close()


ADMIN = Actor("admin", "管理员", Role.ADMIN)


# Fixtures for a test module that registers them with
# `county, stats = statistics_county.county, statistics_county.stats`.


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    yield from open_county(tmp_path_factory)


@pytest.fixture(scope="module")
def stats(county: Database) -> StatisticsComparison:
    return call(county, year_statistics, ADMIN, YEAR, AS_OF)
