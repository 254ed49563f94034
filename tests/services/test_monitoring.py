"""运行监控 services on a real demo database: the grid's lights, the demo round (laggards red, over-achievers
blue), rounds, the entry form's mandatory-field rule, key monitoring, corrective actions, warnings, bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import grid as monitoring
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import EntryInput, LineInput
from core.org import settings
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import CorrectiveAction, MonitoringEntry, MonitoringLine
from tests.conftest import actor_of

YEAR, TODAY = 2024, date(2024, 12, 31)


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Actor:
    call(db, demo.generate_demo, admin_actor)
    return admin_actor


def _round(db: Database, actor: Actor) -> int:
    return call(db, monitoring_rounds.list_rounds, actor, YEAR)[0].id


def test_demo_round_shows_laggards_red_and_over_achievers_blue(db: Database, county: Actor) -> None:
    rid = _round(db, county)
    grid = call(db, monitoring.grid, county, YEAR, rid, None, TODAY)
    assert grid.month == 8 and grid.round_name == "1-8月" and len(grid.rows) == 800
    lights = {r.project_light for r in grid.rows}
    assert {"red", "yellow", "green", "blue"} <= lights
    for row in grid.rows:  # the demo's laggards spend under 30 % by August: 30 ÷ 66.7 < 60
        if row.execution_rate is not None and row.execution_rate < 30:
            assert row.budget_light == "red" and row.project_light == "red"
    blue = [r for r in grid.rows if r.goal_light == "blue"]
    assert blue and all(r.goal_basis == "approved" for r in blue)
    budget_only = [r for r in grid.rows if r.goal_basis == "budget_only"]
    assert budget_only and all(r.goal_light == "none" for r in budget_only)
    red_with_goals = [r for r in grid.rows if r.goal_light == "red"]
    assert red_with_goals and all(r.reasons for r in red_with_goals)  # laggards explained themselves


def test_drill_down_has_the_curve_time_line_and_forecast(db: Database, county: Actor) -> None:
    rid = _round(db, county)
    row = next(r for r in call(db, monitoring.grid, county, YEAR, rid, None, TODAY).rows if r.goal_basis == "approved")
    detail = call(db, monitoring.project_monitoring, county, row.project_id, rid, None, TODAY)
    assert len(detail.cumulative_rate) == 8 and detail.cumulative_rate[-1] == row.execution_rate
    assert len(detail.time_line) == 12 and detail.time_line[-1] == Decimal("100.0")
    assert detail.forecast_line[0] == row.execution_rate and detail.forecast_line[-1] == row.forecast_rate
    assert detail.indicators and {i.light for i in detail.indicators} <= {"red", "yellow", "green", "blue", "none"}
    assert sum(detail.monthly) == row.spent


def test_future_period_and_unknown_round_are_refused(db: Database, county: Actor) -> None:
    with pytest.raises(ValidationError, match="还没有到"):
        call(db, monitoring.grid, county, YEAR, None, 9, date(2024, 8, 20))
    with pytest.raises(ValidationError, match="还没有到"):
        call(db, monitoring_rounds.open_round, county, YEAR, 9, None, None, date(2024, 8, 20))
    with pytest.raises(Exception, match="没有编号为 999"):
        call(db, monitoring.grid, county, YEAR, 999, None, TODAY)


def test_thresholds_are_settings_and_an_impossible_order_is_refused(db: Database, county: Actor) -> None:
    before = call(db, monitoring.grid, county, YEAR, None, 8, TODAY)
    call(db, settings.update_settings, county, {"monitoring.budget_red_below": "75",
                                                "monitoring.budget_yellow_below": "90"})
    after = call(db, monitoring.grid, county, YEAR, None, 8, TODAY)
    red = lambda g: sum(1 for r in g.rows if r.budget_light == "red")  # noqa: E731
    assert red(after) > red(before)
    with pytest.raises(ValidationError, match="必须小于"):
        call(db, settings.update_settings, county, {"monitoring.indicator_blue_from": "70"})


def test_second_round_entry_rules_key_monitoring_and_actions(db: Database, county: Actor) -> None:
    first = _round(db, county)
    call(db, monitoring_rounds.open_round, county, YEAR, 9, "1-9月（第二轮）", first, TODAY)
    rounds = call(db, monitoring_rounds.list_rounds, county, YEAR)
    second = next(r for r in rounds if r.follows_round_id == first)
    with pytest.raises(ValidationError, match="已有名为"):
        call(db, monitoring_rounds.open_round, county, YEAR, 9, "1-9月（第二轮）", None, TODAY)
    row = next(r for r in call(db, monitoring.grid, county, YEAR, first, None, TODAY).rows
               if r.goal_basis == "approved")
    detail = call(db, monitoring.project_monitoring, county, row.project_id, first, None, TODAY)
    quantity = next(i for i in detail.indicators if i.comparator == ">=" and i.target)
    doubtful = LineInput(quantity.position, actual=Decimal(1), likelihood="possible")
    with pytest.raises(ValidationError, match="必须填写全年预计完成值、偏差原因、原因分析"):
        call(db, monitoring_rounds.save_entry, county, second.id, row.project_id, EntryInput(lines=(doubtful,)))
    with pytest.raises(ValidationError, match="没有第 99 条指标"):
        call(db, monitoring_rounds.save_entry, county, second.id, row.project_id, EntryInput(lines=(LineInput(99),)))
    with db.unit_of_work() as uow:  # nothing half-saved
        assert uow.session.scalar(select(func.count()).select_from(MonitoringEntry)
                                  .where(MonitoringEntry.round_id == second.id)) == 0
    good = LineInput(quantity.position, actual=Decimal(1), forecast=Decimal(2), likelihood="possible", cause="经费",
                     analysis="资金到位晚。", measures="加快拨付。")
    call(db, monitoring_rounds.save_entry, county, second.id, row.project_id,
         EntryInput(budget_adjustment=Decimal(-1), lines=(good,)), True)
    second_grid = call(db, monitoring.grid, county, YEAR, second.id, None, TODAY)
    mine = next(r for r in second_grid.rows if r.project_id == row.project_id)
    assert mine.adjusted_budget == row.budget - 1 and "资金到位晚" in mine.reasons and mine.likelihood == "possible"
    call(db, monitoring_rounds.set_key_monitoring, county, second.id, [row.project_id], True)
    assert next(r for r in call(db, monitoring.grid, county, YEAR, second.id, None, TODAY).rows
                if r.project_id == row.project_id).key_monitoring
    with pytest.raises(ValidationError, match="至少 4 个字"):
        call(db, monitoring_rounds.create_action, county, row.project_id, second.id, "corrective", "快")
    call(db, monitoring_rounds.create_action, county, row.project_id, second.id, "rectification",
         "9 月底前完成设备招标并支付首付款。", date(2024, 12, 31), date(2024, 10, 1))
    actions = call(db, monitoring_rounds.list_actions, county, YEAR)
    assert [(a.kind_label, a.project_id) for a in actions] == [("整改", row.project_id)]
    call(db, monitoring_rounds.close_round, county, second.id)
    with pytest.raises(ValidationError, match="已关闭"):
        call(db, monitoring_rounds.save_entry, county, second.id, row.project_id, EntryInput(lines=(good,)))


def test_clerks_fill_their_own_unit_only(db: Database, county: Actor) -> None:
    rid = _round(db, county)
    rows = call(db, monitoring.grid, county, YEAR, rid, None, TODAY).rows
    mine = next(r for r in rows if r.goal_basis == "approved")
    with db.unit_of_work() as uow:
        from db.models import Project
        unit_id = uow.session.get(Project, mine.project_id).unit_id  # type: ignore[union-attr]
    clerk = actor_of(Role.CLERK, unit_id)
    visible = call(db, monitoring.grid, clerk, YEAR, rid, None, TODAY).rows
    assert mine.project_id in {r.project_id for r in visible} and len(visible) < len(rows)
    call(db, monitoring_rounds.save_entry, clerk, rid, mine.project_id, EntryInput())
    other = next(r for r in rows if r.project_id not in {v.project_id for v in visible})
    with pytest.raises(PermissionDenied):
        call(db, monitoring_rounds.save_entry, clerk, rid, other.project_id, EntryInput())
    with pytest.raises(PermissionDenied):
        call(db, monitoring_rounds.open_round, clerk, YEAR, 10, None, None, TODAY)
    with pytest.raises(PermissionDenied):
        call(db, monitoring_rounds.create_action, clerk, mine.project_id, rid, "corrective", "加快支付进度。")
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(CorrectiveAction)) == 0
        assert uow.session.scalar(select(func.count()).select_from(MonitoringLine)) > 0


def test_warnings_list_red_first_and_use_the_months_round(db: Database, county: Actor) -> None:
    rows = call(db, monitoring_rounds.warnings, county, YEAR, None, 8, TODAY)
    assert rows and {r.project_light for r in rows} <= {"red", "yellow"}
    ranks = [0 if r.project_light == "red" else 1 for r in rows]
    assert ranks == sorted(ranks)
    assert any(r.goal_basis == "approved" and r.goal_light != "none" for r in rows)  # the 1-8月 round was used
