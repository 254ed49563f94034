"""Result-application rules: the shipped policy, its validation (bands, monotony, weights, percentages), the
project suggestion to the 元 and the composite score with redistributed weights and capped deductions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from core.results.rules import policy as rp
from resources import path


@pytest.fixture(scope="module")
def policy() -> rp.Policy:
    return rp.parse_policy(json.loads(path("reference", "result_policy.json").read_text(encoding="utf-8")))


def with_bands(policy: rp.Policy, *bands: tuple[str, str, str]) -> rp.Policy:
    return replace(policy, bands=tuple(rp.Band(D(a), D(b), D(c)) for a, b, c in bands))


def test_shipped_defaults_follow_domain(policy: rp.Policy) -> None:
    # DOMAIN.md §5: 优 优先保障 / 良 据实保障 / 中 按比例核减 (10-20%) / 差 取消或暂停
    actions = {a.grade: (a.action, a.label, a.percent) for a in policy.grade_actions}
    assert actions == {"优": ("prioritise", "优先保障", D(0)), "良": ("actual", "据实保障", D(0)),
                       "中": ("cut", "按比例核减", D(-15)), "差": ("cancel", "取消或暂停", D(-100))}
    # seed 002: four scores weighted into one composite (the weights are settings and sum to 100)
    assert [k for k, _ in policy.weights] == ["exante", "goals", "monitoring", "department"]
    assert sum(w for _, w in policy.weights) == 100
    assert rp.problems(policy) == []
    assert rp.parse_policy(rp.policy_json(policy)) == policy


@pytest.mark.parametrize(("amount", "grade", "cut", "expected", "rule_part"), [
    # DOMAIN.md §5 defaults: 优 / 良 keep the amount
    (D("100.000000"), "优", None, D("100.0000"), "优先保障"),
    (D("57.123456"), "良", None, D("57.1235"), "据实保障"),  # 571234.56 元 → 571235 元 (half up)
    # 中: 15 % off; 33.333333 万元 × 0.85 = 28.33333305 万元 = 283333.3305 元 → 283333 元
    (D("33.333333"), "中", None, D("28.3333"), "核减 15%"),
    # 12.34567 万元 × 0.85 = 10.4938195 万元 = 104938.195 元 → 104938 元
    (D("12.345670"), "中", None, D("10.4938"), "核减 15%"),
    # 1.00003 万元 × 0.85 = 0.8500255 万元 = 8500.255 元 → 8500 元; 0.000050 万元 = 0.5 元 rounds up
    (D("1.000030"), "中", None, D("0.8500"), "核减 15%"),
    (D("0.000050"), "良", None, D("0.0001"), "据实保障"),
    # 差: 取消或暂停 = −100 %
    (D("250.000000"), "差", None, D("0.0000"), "不再安排"),
    # no result: this year's amount to the 元
    (D("80.456789"), None, None, D("80.4568"), rp.NO_RESULT),
    # the seed's ex-ante example: asked 7091.21万元, held to 2000万元 → a cut of 5091.21万元 comes off first
    (D("7091.210000"), "良", D("5091.21"), D("2000.0000"), "事前评估核减 5,091.2100 万元"),
    (D("7091.210000"), "中", D("5091.21"), D("1700.0000"), "核减 15%"),
    (D("7091.210000"), None, D("5091.21"), D("2000.0000"), "按核减后金额安排"),
])
def test_suggest_project_to_the_yuan(policy: rp.Policy, amount: D, grade: str | None, cut: D | None,
                                     expected: D, rule_part: str) -> None:
    suggested, rule = rp.suggest_project(amount, grade, cut, policy)
    assert suggested == expected
    assert suggested.as_tuple().exponent == -4  # whole 元 in 万元
    assert rule_part in rule


def test_increase_percentage(policy: rp.Policy) -> None:
    raised = policy.with_percent("优", D(5))
    assert rp.suggest_project(D("200"), "优", None, raised) == (D("210.0000"), "评价等级“优”优先保障，增加 5%")


@pytest.mark.parametrize(("nature", "end", "carries"), [
    ("recurring", date(2024, 12, 31), True),
    ("one_off", date(2024, 10, 31), False),  # ends in the year: 一次性项目已完成
    ("one_off", date(2025, 6, 30), True),
    ("one_off", None, True),
])
def test_carries_over(nature: str, end: date | None, carries: bool) -> None:
    assert rp.carries_over(nature, end, 2024) is carries


@pytest.mark.parametrize(("score", "coefficient"), [
    # the default table: <60 0.90, 60–80 0.95, 80–90 1.00, ≥90 1.05 (lower bound inclusive as DOMAIN.md §4 grades)
    (D(0), D("0.90")), (D("59.99"), D("0.90")), (D(60), D("0.95")), (D("79.99"), D("0.95")),
    (D(80), D("1.00")), (D("89.99"), D("1.00")), (D(90), D("1.05")), (D(100), D("1.05")),
])
def test_coefficient_bands(policy: rp.Policy, score: D, coefficient: D) -> None:
    assert rp.coefficient(score, policy) == coefficient


@pytest.mark.parametrize(("bands", "message"), [
    ((("0", "60", "0.9"), ("55", "80", "0.95"), ("80", "100", "1")), "第 1 行（0–60 分）与第 2 行（55–80 分）重叠"),
    ((("0", "60", "0.9"), ("65", "80", "0.95"), ("80", "100", "1")), "60–65 分之间没有系数"),
    ((("10", "60", "0.9"), ("60", "100", "1")), "0–10 分没有系数"),
    ((("0", "60", "0.9"), ("60", "95", "1")), "95–100 分没有系数"),
    ((("0", "60", "1.0"), ("60", "100", "0.95")), "系数表不单调：第 2 行（60–100 分）的系数 0.95 低于第 1 行"),
    ((("0", "60", "0.9"), ("60", "60", "1")), "系数表第 2 行：起始分 60 应小于截止分 60"),
    ((("0", "60", "0"), ("60", "100", "1")), "系数表第 1 行：系数 0 应大于 0"),
])
def test_band_problems_name_the_row(policy: rp.Policy, bands: tuple[tuple[str, str, str], ...], message: str) -> None:
    bad = with_bands(policy, *bands)
    assert any(message in p for p in rp.problems(bad)), rp.problems(bad)
    with pytest.raises(rp.PolicyError, match="结果应用政策有误"):
        rp.check(bad)


def test_bands_in_any_order_are_fine(policy: rp.Policy) -> None:
    shuffled = with_bands(policy, ("80", "100", "1.0"), ("0", "80", "0.9"))
    assert rp.problems(shuffled) == []
    assert rp.coefficient(D("79.5"), shuffled) == D("0.9")


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: replace(p, weights=(("exante", D(20)), ("goals", D(20)), ("monitoring", D(20)), ("department", D(35)))),
     "四项权重合计应为 100，现为 95"),
    (lambda p: p.with_percent("中", D(-150)), "等级处理表第 3 行（中）：增减比例 -150% 超出 −100% 至 +100%"),
    (lambda p: p.with_percent("优", D(101)), "等级处理表第 1 行（优）：增减比例 101% 超出"),
    (lambda p: replace(p, grade_actions=p.grade_actions[:3]), "等级“差”应恰好出现一次，现为 0 次"),
    (lambda p: replace(p, finding_cap=D(-1)), "审计检查扣分上限 -1 应在 0 至 100 之间"),
])
def test_policy_problems(policy: rp.Policy, change, message: str) -> None:  # type: ignore[no-untyped-def]
    assert any(message in p for p in rp.problems(change(policy))), rp.problems(change(policy))


@pytest.mark.parametrize(("data", "message"), [
    ({"bands": "x"}, "缺少等级处理表"),
    ({"weights": {"exante": 1.5}}, "应写成文本形式的数值"),
    ({"findings": {"cap": "abc"}}, "审计检查扣分上限“abc”不是有效的数值"),
])
def test_parse_refuses_bad_json(policy: rp.Policy, data: dict[str, object], message: str) -> None:
    broken = {**rp.policy_json(policy), **data}
    if "bands" in data:
        broken["grade_actions"] = "x"
    with pytest.raises(rp.PolicyError, match=message):
        rp.parse_policy(broken)


def test_composite_weighted_with_all_components(policy: rp.Policy) -> None:
    # seed 002: the four scores weighted (defaults 20/20/20/40) into one composite
    scores = {"exante": D(90), "goals": D(80), "monitoring": D(70), "department": D(85)}
    # (90×20 + 80×20 + 70×20 + 85×40) ÷ 100 = 82.00 → band 80–90 → 1.00
    assert rp.composite(scores, rp.Deductions((), 0, 0), policy)[:2] == (D("82.00"), D("1.00"))


def test_composite_redistributes_missing_weight(policy: rp.Policy) -> None:
    scores = {"exante": None, "goals": None, "monitoring": D(75), "department": D("95.5")}
    # (75×20 + 95.5×40) ÷ 60 = 88.666… → 88.67
    score, coef, text = rp.composite(scores, rp.Deductions((), 0, 0), policy)
    assert (score, coef) == (D("88.67"), D("1.00"))
    assert "重点事前评估、目标管理无数据，其权重按比例分配给其余各项" in text


def test_composite_deductions_are_capped(policy: rp.Policy) -> None:
    scores = {"exante": D(95), "goals": D(95), "monitoring": D(95), "department": D(95)}
    # findings 4 + 5 + 3 = 12 capped at 10; rectification 3 overdue × 1 + 2 failed × 2 = 7 capped at 5 → 95 − 15
    score, coef, text = rp.composite(scores, rp.Deductions((D(4), D(5), D(3)), 3, 2), policy)
    assert (score, coef) == (D("80.00"), D("1.00"))
    assert "审计检查扣 10 分（上限 10）" in text and "整改扣 5 分" in text
    assert rp.composite(scores, rp.Deductions((D(2),), 1, 0), policy)[:2] == (D("92.00"), D("1.05"))


def test_composite_without_results_is_neutral(policy: rp.Policy) -> None:
    score, coef, text = rp.composite(dict.fromkeys(("exante", "goals", "monitoring", "department")),
                                     rp.Deductions((D(3),), 0, 0), policy)
    assert score is None and coef == policy.no_result_coefficient == D("1.00")
    assert "无可用的绩效结果" in text


def test_composite_never_below_zero(policy: rp.Policy) -> None:
    assert rp.composite({"department": D(5)}, rp.Deductions((D(10),), 5, 0), policy)[:2] == (D("0.00"), D("0.90"))


@pytest.mark.parametrize(("grades", "expected"), [
    (["excellent", "good"], D("92.50")),  # (100 + 85) ÷ 2 with the shipped points
    (["fair", "poor", "excellent"], D("53.33")),
    ([], None),
])
def test_goal_component(policy: rp.Policy, grades: list[str], expected: D | None) -> None:
    assert rp.goal_component(grades, policy) == expected


@pytest.mark.parametrize(("lights", "expected"), [
    (["green", "red"], D("75.00")),  # (100 + 50) ÷ 2
    (["blue", "yellow", "none"], D("82.50")),  # a project without a light is left out
    (["none"], None),
])
def test_monitoring_component(policy: rp.Policy, lights: list[str], expected: D | None) -> None:
    assert rp.monitoring_component(lights, policy) == expected


@pytest.mark.parametrize(("total", "coef", "expected"), [
    (D("1000.000000"), D("0.95"), D("950.0000")),
    (D("123.456789"), D("1.05"), D("129.6296")),  # 129.62962845 万元 → 1296296 元
    (D("0.000010"), D("1.05"), D("0.0000")),  # 0.105 元 rounds to 0
])
def test_department_total(total: D, coef: D, expected: D) -> None:
    assert rp.department_total(total, coef) == expected
