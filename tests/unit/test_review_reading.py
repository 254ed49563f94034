"""How published wording is read (level labels, units in names, deadlines: core.goals.rules.published and the
notation, shared with the goals import), the pre-review reading stored tables with it, and the checks reworked
for issue 14 (weight convention, last year's actual, multi-year periods, unit cost without a reference,
near-copies, empty annual goals, 100 % satisfaction), on the hand-built table of test_review_rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.goals.rules.notation import is_deadline
from core.goals.rules.published import standard_levels, unit_in_name
from core.review.rules.engine import run_rules
from core.review.rules.model import IndicatorView
from core.review.rules.reading import normalise
from tests.unit.test_review_rules import CLEAN, CONFIG, CTX, INDS, PREV, both, ctx, head, ind

D = Decimal


@pytest.mark.parametrize(("level1", "level2", "expected"), [
    ("产出指标", "数量指标", ("产出指标", "数量指标")),
    ("产出值", "数量值", ("产出指标", "数量指标")),  # labels of published county tables
    ("实施效果指标", "社会效益", ("效益指标", "社会效益指标")),
    ("产出指标", "数量指标（必填硬性指标）", ("产出指标", "数量指标")),
    ("", "时效指标", ("产出指标", "时效指标")),  # a merged 一级 cell left blank
    ("社会公众或服务对象满意度指标", "社会公众或服务对象满意度指标", ("满意度指标", "服务对象满意度指标")),
    ("产出指标", "社会效益指标", None),  # a wrong tree stays wrong (R04)
    ("产出指标", "其他指标", None),
])
def test_level_labels(level1: str, level2: str, expected: tuple[str, str] | None) -> None:
    assert standard_levels(level1, level2) == expected


@pytest.mark.parametrize(("name", "unit"), [
    ("实施营造林总面积(亩)", "亩"), ("苗木成活率(≥**%)", "%"), ("站点年均维护费用（万元/个）", "万元/个"),
    ("改造农村公路里程", None), ("资金（含上年结转）到位率", None),
])
def test_unit_in_name(name: str, unit: str | None) -> None:
    assert unit_in_name(name) == unit


@pytest.mark.parametrize(("text", "deadline"), [
    ("2025年11月30日前", True), ("11月底前完成", True), ("第三季度", True), ("2023年底", True),
    ("2023.07-2024.01", True), ("每季度结束后15日内", True), ("2025年1月1日-4月30日", True), ("每月10日前", True),
    ("按期完成", False), ("按计划完成", False), ("明显改善", False), ("12个月", False), ("每季度不少于1次", False),
])
def test_deadlines(text: str, deadline: bool) -> None:
    assert is_deadline(text) is deadline


def test_numbers_read_with_a_note_instead_of_a_changed_meaning() -> None:
    bare = replace(INDS[0], name="改造农村公路里程(公里)", unit_of_measure=None)
    year_end = replace(INDS[2], comparator="=", target=D(2023), unit_of_measure="年底")
    table = replace(CLEAN, indicators=(bare, INDS[1], year_end, *INDS[3:]))
    t = normalise(table)
    assert t.indicators[0].unit_of_measure == "公里" and "公里" in (t.indicators[0].read_note or "")
    assert (t.indicators[2].comparator, t.indicators[2].target_text) == ("qual", "2023年底")
    findings = run_rules(table, CTX, CONFIG)
    assert {f.rule_id for f in findings if f.severity != "info"} == set()
    assert [f.rule_id for f in findings if f.rule_id == "C12"] == ["C12", "C12"]


def _ids(t, c, severities=("error", "warning")) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.rule_id for f in run_rules(t, c, CONFIG) if f.severity in severities}


def test_weight_convention_is_90_with_execution_apart_or_100_with_its_row() -> None:
    execution = IndicatorView(8, "产出指标", "时效指标", "预算执行率", ">=", D(90), None, "%", D(10))
    assert "A04" not in _ids(replace(CLEAN, indicators=(*INDS, execution)), CTX)  # 90 + 10
    assert "A04" in _ids(*ind(7, weight=D(20))(CLEAN, CTX))  # 100 without the row
    full = both(ind(7, weight=D(20)))(CLEAN, CTX)[0]
    setting = replace(CONFIG, rules={**CONFIG.rules, "A04": replace(
        CONFIG.rules["A04"], params={**CONFIG.rules["A04"].params, "accept_full_total": True})})
    assert "A04" not in {f.rule_id for f in run_rules(full, CTX, setting)}


def test_a_target_below_last_years_actual_is_set_low() -> None:
    t, c = both(ctx(previous=PREV, previous_actuals={"改造农村公路里程": D(58)}))(CLEAN, CTX)
    assert "A05" in _ids(t, c)  # 50 planned, 58 done last year
    t, c = both(ctx(previous=PREV, previous_actuals={"改造农村公路里程": D(48)}))(CLEAN, CTX)
    assert "A05" not in _ids(t, c)


def test_multi_year_period_is_a_note_and_a_period_before_the_year_a_defect() -> None:
    t, c = head(end_date=date(2025, 6, 30))(CLEAN, CTX)
    assert "F04" not in _ids(t, c) and "F04" in _ids(t, c, ("info",))
    t, c = head(start_date=date(2023, 3, 1), end_date=date(2023, 11, 30))(CLEAN, CTX)
    assert "F04" in _ids(t, c)


def test_unit_cost_without_a_reference_is_not_checked_and_says_so() -> None:
    t, c = both(ctx(peer_costs={}))(CLEAN, CTX)
    (note,) = [f for f in run_rules(t, c, CONFIG) if f.rule_id == "A03"]
    assert note.severity == "info" and "无可比参照" in note.message and "未核" in note.message


def test_a_near_copy_of_last_year_is_found() -> None:
    prev = replace(CLEAN, annual_goal="2023年改造农村公路50公里，提升群众出行条件。")
    t, c = both(ctx(previous=prev), ind(7, target=D(91)))(CLEAN, CTX)
    assert "R05" in _ids(t, c)  # goal alike without the year, 6 of 7 indicators unchanged
    assert "R05" not in _ids(*ctx(previous=PREV)(CLEAN, CTX))


@pytest.mark.parametrize("goal", [
    "用于支付聘用人员工资36万元、办公费8万元、差旅费3万元。",
    "深入贯彻落实交通强国战略，推动农村公路高质量发展，助力乡村振兴。",
    "完成农村公路提质改造工程。",
])
def test_empty_annual_goals(goal: str) -> None:
    assert "C10" in _ids(*head(annual_goal=goal)(CLEAN, CTX))


@pytest.mark.parametrize(("comparator", "target", "fires"), [(">=", D(100), True), ("=", D(100), True),
                                                              (">=", D(95), False), (">=", D(70), True)])
def test_satisfaction_of_100_percent_is_implausible(comparator: str, target: Decimal, fires: bool) -> None:
    assert ("A06" in _ids(*ind(7, comparator=comparator, target=target)(CLEAN, CTX))) is fires
