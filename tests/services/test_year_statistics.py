"""年度统计 on the demo county (scale 0.05) with a few extra rows for the previous year and the review outcomes: every
figure checked against an independent count in plain SQL (amounts summed as whole 分), both years, clerk scope."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, text

from core.common import formatting
from core.common.runner import call
from core.org.rules.roles import Actor, Role
from core.results import application as result_application
from core.statistics.dto import StatisticsComparison, YearStatistics
from core.statistics.yearly import chart_data, figure_rows, statistics_as_json, year_statistics
from db.database import Database
from db.models import Evaluation, Unit
from db.types import fen_to_wan
from tests import statistics_county
from tests.statistics_county import ADMIN, AS_OF, PREVIOUS, YEAR

county, stats = statistics_county.county, statistics_county.stats  # its fixtures, registered in this module


def _one(db: Database, sql: str, **params: object) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.execute(text(sql), params).scalar() or 0)


def _wan(db: Database, sql: str, **params: object) -> Decimal:
    """A SUM over a Money column (whole 分) in 万元."""
    return fen_to_wan(_one(db, sql, **params))


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _years(stats: StatisticsComparison) -> list[tuple[int, YearStatistics]]:
    return [(YEAR, stats.current), (PREVIOUS, stats.previous)]


TABLES = "FROM goal_table g JOIN project p ON p.id = g.project_id WHERE p.year = :y"
LATEST = ("FROM goal_review r JOIN goal_table g ON g.id = r.goal_table_id JOIN project p ON p.id = g.project_id "
          "WHERE p.year = :y AND r.status = 'final' AND r.version = (SELECT MAX(r2.version) FROM goal_review r2 "
          "WHERE r2.goal_table_id = r.goal_table_id AND r2.status = 'final')")


def test_goal_figures_match_sql(county: Database, stats: StatisticsComparison) -> None:
    for y, figures in _years(stats):
        g = figures.goals
        assert g.tables == _one(county, f"SELECT COUNT(*) {TABLES}", y=y) > 0
        assert g.submitted == _one(county, f"SELECT COUNT(*) {TABLES} AND g.status <> 'draft'", y=y)
        assert g.approved == _one(county, f"SELECT COUNT(*) {TABLES} AND g.status = 'approved'", y=y)
        assert g.reviewed == _one(county, f"SELECT COUNT(DISTINCT r.goal_table_id) {LATEST}", y=y)
        for code, label in (("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差")):
            assert g.by_grade[label] == _one(county, f"SELECT COUNT(*) {LATEST} AND r.grade = :g", y=y, g=code)
        assert g.returned == _one(county, "SELECT COUNT(DISTINCT r.goal_table_id) FROM goal_review r JOIN goal_table g "
                                          "ON g.id = r.goal_table_id JOIN project p ON p.id = g.project_id WHERE "
                                          "p.year = :y AND r.status = 'final' AND r.outcome = 'returned'", y=y)
    # Each decided table counts once, under its latest grade (_extras' returned-then-approved table as 优), and a
    # draft review not at all.
    for figures in (stats.current, stats.previous):
        assert sum(figures.goals.by_grade.values()) == figures.goals.reviewed > 0


MONITORED = ("FROM project p WHERE p.year = :y AND p.id IN (SELECT e.project_id FROM monitoring_entry e "
             "JOIN monitoring_round r ON r.id = e.round_id WHERE r.year = :y AND e.key_monitoring IN {keys})")


def test_monitoring_figures_and_coverage_match_sql(county: Database, stats: StatisticsComparison) -> None:
    for y, figures in _years(stats):
        m = figures.monitoring
        funds = _wan(county, "SELECT SUM(total_amount) FROM project WHERE year = :y", y=y)
        assert (m.projects, m.funds) == (_one(county, "SELECT COUNT(*) FROM project WHERE year = :y", y=y), funds)
        everything, key = MONITORED.format(keys="(0, 1)"), MONITORED.format(keys="(1)")
        assert m.monitored_projects == _one(county, f"SELECT COUNT(*) {everything}", y=y) > 0
        assert m.monitored_funds == _wan(county, f"SELECT SUM(p.total_amount) {everything}", y=y)
        assert m.key_projects == _one(county, f"SELECT COUNT(*) {key}", y=y) == 1
        assert m.key_funds == _wan(county, f"SELECT SUM(p.total_amount) {key}", y=y)
        assert m.funds_coverage == _pct(m.monitored_funds, funds)
        assert m.rounds == 1
    assert stats.previous.monitoring.monitored_projects == 2


def test_evaluation_figures_match_sql(county: Database, stats: StatisticsComparison) -> None:
    final = "FROM evaluation WHERE year = :y AND status = 'final'"
    for y, figures in _years(stats):
        e = figures.evaluation
        assert e.self_count == _one(county, f"SELECT COUNT(*) {final} AND kind = 'self'", y=y) > 0
        assert e.self_coverage == _pct(_one(county, f"SELECT COUNT(DISTINCT project_id) {final} AND kind = 'self'",
                                            y=y), _one(county, "SELECT COUNT(*) FROM project WHERE year = :y", y=y))
        assert e.key_count == _one(county, f"SELECT COUNT(*) {final} AND kind = 'key'", y=y) > 0
        for code, label in (("project", "项目"), ("policy", "政策"), ("department", "部门")):
            assert e.key_by_subject[label] == _one(
                county, f"SELECT COUNT(*) {final} AND kind = 'key' AND subject_kind = :k", y=y, k=code)
        assert e.key_funds == _wan(county, f"SELECT SUM(budget) {final} AND kind = 'key'", y=y)
        assert e.departments_evaluated == _one(
            county, f"SELECT COUNT(DISTINCT unit_id) {final} AND kind = 'department'", y=y)
        departments = _one(county, "SELECT COUNT(*) FROM unit WHERE kind IN ('department', 'township') AND active")
        assert e.department_coverage == _pct(e.departments_evaluated, departments)
        for grade in ("优", "良", "中", "差"):
            assert e.grade_totals()[grade] == _one(county, f"SELECT COUNT(*) {final} AND grade = :g", y=y, g=grade)
    assert stats.previous.evaluation.key_funds == Decimal("123.4567")  # the draft's 10 万元 is not counted
    assert stats.previous.evaluation.key_by_subject == {"项目": 0, "政策": 1, "部门": 0}


def test_exante_figures_match_sql(county: Database, stats: StatisticsComparison) -> None:
    rows = "FROM exante_assessment a JOIN project p ON p.id = a.project_id WHERE p.year = :y AND a.status = 'final'"
    for y, figures in _years(stats):
        x = figures.exante
        assert x.count == _one(county, f"SELECT COUNT(*) {rows}", y=y) > 0
        assert x.key_count == _one(county, f"SELECT COUNT(*) {rows} AND a.kind = 'key'", y=y)
        assert x.requested == _wan(county, f"SELECT SUM(a.requested_amount) {rows}", y=y)
        assert x.supported == _wan(county, f"SELECT SUM(a.recommended_amount) {rows}", y=y)
        assert x.cut == _wan(county, f"SELECT SUM(a.requested_amount - a.recommended_amount) {rows}", y=y)
        for conclusion in ("support", "partial", "reject"):
            assert x.by_conclusion[conclusion] == _one(county, f"SELECT COUNT(*) {rows} AND a.conclusion = :c",
                                                       y=y, c=conclusion)


def test_rectification_figures_match_sql_as_of_the_date(county: Database, stats: StatisticsComparison) -> None:
    items = "FROM rectification_item WHERE year = :y"
    for y, figures in _years(stats):
        c = figures.rectification
        assert c.total == _one(county, f"SELECT COUNT(*) {items}", y=y) > 0
        assert c.done == _one(county, f"SELECT COUNT(*) {items} AND status = 'done'", y=y)
        assert c.failed == _one(county, f"SELECT COUNT(*) {items} AND status = 'failed'", y=y)
        assert c.open == _one(county, f"SELECT COUNT(*) {items} AND status <> 'done'", y=y)
        assert c.overdue == _one(county, f"SELECT COUNT(*) {items} AND status <> 'done' AND deadline < :d",
                                 y=y, d=AS_OF.isoformat())
        assert c.lagging_units == _one(county, f"SELECT COUNT(DISTINCT unit_id) {items} AND status <> 'done' "
                                               "AND deadline < :d", y=y, d=AS_OF.isoformat())
        assert c.completion_rate == _pct(c.done, c.total)
    # The previous year's three items: one done, one pending past its deadline, one failed but still in time.
    prev = stats.previous.rectification
    assert (prev.total, prev.done, prev.open, prev.overdue, prev.failed) == (3, 1, 2, 1, 1)
    earlier = call(county, year_statistics, ADMIN, YEAR, date(2024, 1, 1)).previous.rectification
    assert earlier.overdue == 0  # nothing was past its deadline on 1 January 2024


def test_result_figures_are_the_suggestion_tables_totals(county: Database, stats: StatisticsComparison) -> None:
    for y, figures in _years(stats):
        totals = call(county, result_application.suggestion_totals, ADMIN, y)
        r = figures.results
        assert (r.this_year, r.suggested, r.cut, r.increased, r.cancelled_projects, r.projects_cut) == (
            totals.this_year, totals.suggested, totals.cut, totals.increased, totals.cancelled_projects,
            totals.projects_cut)
    first = call(county, year_statistics, ADMIN, PREVIOUS, AS_OF)  # 2022 is not in the database: no suggestions
    assert first.previous.results.suggested == 0 and first.previous.monitoring.projects == 0


def test_rows_json_and_charts_give_both_years(stats: StatisticsComparison) -> None:
    rows = figure_rows(stats)
    assert len({r.key for r in rows}) == len(rows)
    by_key = {r.key: r for r in rows}
    funds = by_key["monitored_funds"]
    assert (funds.current, funds.previous) == (stats.current.monitoring.monitored_funds,
                                              stats.previous.monitoring.monitored_funds)
    assert funds.change == funds.current - funds.previous and funds.kind == "money"
    assert by_key["monitoring_coverage"].change == (stats.current.monitoring.funds_coverage
                                                    - stats.previous.monitoring.funds_coverage)
    data = statistics_as_json(stats)
    assert data["current"]["year"] == YEAR and data["previous"]["year"] == PREVIOUS
    # JSON carries the figure rounded half up as the screen shows it, without separators
    assert data["current"]["monitored_funds"] == formatting.plain(stats.current.monitoring.monitored_funds)
    assert data["previous"]["goal_grade_good"] == stats.previous.goals.by_grade["良"] and data["as_of"] == "2025-03-31"
    charts = {c.key: c for c in chart_data(stats)}
    assert charts["exante_amounts"].current == (stats.current.exante.requested, stats.current.exante.supported,
                                                stats.current.exante.cut)
    assert charts["evaluations"].previous == (1, 1, 1)


def test_clerk_sees_only_its_units_figures(county: Database, stats: StatisticsComparison) -> None:
    with county.unit_of_work() as uow:
        unit = uow.session.execute(select(Unit.id, Unit.name).where(Unit.id == select(Evaluation.unit_id).where(
            Evaluation.year == PREVIOUS, Evaluation.kind == "key").scalar_subquery())).one()
    clerk = Actor("clerk", "填报员", Role.CLERK, unit.id, unit.name)
    mine = call(county, year_statistics, clerk, YEAR, AS_OF)
    assert mine.scope == unit.name and stats.scope is None
    scope = "(SELECT id FROM unit WHERE id = :u OR parent_id = :u)"
    for y, figures in ((YEAR, mine.current), (PREVIOUS, mine.previous)):
        assert figures.monitoring.funds == _wan(
            county, f"SELECT SUM(total_amount) FROM project WHERE year = :y AND unit_id IN {scope}", y=y, u=unit.id)
        assert figures.goals.tables == _one(county, f"SELECT COUNT(*) {TABLES} AND p.unit_id IN {scope}",
                                            y=y, u=unit.id)
        assert figures.rectification.total == _one(
            county, f"SELECT COUNT(*) FROM rectification_item WHERE year = :y AND unit_id IN {scope}", y=y, u=unit.id)
        assert figures.evaluation.key_count == _one(
            county, "SELECT COUNT(*) FROM evaluation WHERE year = :y AND status = 'final' AND kind = 'key' "
                    f"AND unit_id IN {scope}", y=y, u=unit.id)
        assert figures.evaluation.departments == 1
    assert mine.current.monitoring.funds < stats.current.monitoring.funds
    assert mine.previous.evaluation.key_count == 1
