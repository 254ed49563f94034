"""Evaluation formulas, table-driven with the boundaries of DOMAIN.md §4 (A = T, A = 2T, T = 0, grade edges)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.evaluation.rules import scoring as ev

W = D(10)


@pytest.mark.parametrize(("comparator", "target", "actual", "score"), [
    (">=", "100", "100", "10"), (">=", "100", "120", "10"), (">=", "100", "50", "5.00"), (">=", "100", "0", "0.00"),
    (">=", "100", "-5", "0.00"), (">=", "0", "0", "10"), (">=", "3", "1", "3.33"),
    ("<=", "90", "90", "10"), ("<=", "90", "80", "10"), ("<=", "100", "150", "5.00"), ("<=", "100", "200", "0"),
    ("<=", "100", "250", "0"), ("<=", "100", "199.9", "0.01"), ("<=", "0", "0", "10"), ("<=", "0", "1", "0"),
    ("=", "100", "100", "10"), ("=", "100", "80", "8.00"), ("=", "0", "0", "10"), ("=", "0", "-1", "10"),
    ("=", "0", "0.1", "0"),
])
def test_indicator_score(comparator: str, target: str, actual: str, score: str) -> None:
    assert ev.indicator_score(comparator, W, D(target), D(actual)) == D(score)


def test_indicator_score_refuses_what_it_cannot_score() -> None:
    with pytest.raises(ev.ScoringError, match="缺少"):
        ev.indicator_score(">=", W, D(1), None, "改造里程")
    with pytest.raises(ev.ScoringError, match="定性指标"):
        ev.indicator_score("qual", W, D(1), D(1))


@pytest.mark.parametrize(("level", "score", "ok"), [
    ("达成年度指标", "8", True), ("达成年度指标", "10", True), ("达成年度指标", "7.99", False),
    ("部分达成并具有一定效果", "6", True), ("部分达成并具有一定效果", "8", True), ("部分达成并具有一定效果", "8.01", False),
    ("未达成且效果较差", "0", True), ("未达成且效果较差", "6", True), ("未达成且效果较差", "6.5", False),
])
def test_qualitative_bands(level: str, score: str, ok: bool) -> None:
    if ok:
        assert ev.qualitative_score(level, D(score), W) == D(score)
    else:
        with pytest.raises(ev.ScoringError, match="得分应在"):
            ev.qualitative_score(level, D(score), W)


def test_not_applicable_lines_are_dropped_and_the_rest_rescaled() -> None:
    lines = ev.rescale([("a", D(20), D(20)), ("b", D(20), None), ("c", D(10), D(5))], D(50))
    assert [(x.key, x.score) for x in lines] == [("a", D("33.33")), ("b", None), ("c", D("8.33"))]
    assert ev.rescale([("a", D(5), None)], D(50))[0].score is None


def test_execution_points_and_overrides() -> None:
    assert ev.execution_points(D(90), D(100)) == D("9.00")
    assert ev.execution_points(D(120), D(100)) == D(10)
    assert ev.execution_points(D(5), D(0)) == D(0)
    assert ev.check_override(D(5), None, None, W) == D(5)
    with pytest.raises(ev.ScoringError, match="必须写明理由"):
        ev.check_override(D(5), D(7), " ", W)
    with pytest.raises(ev.ScoringError, match="0 至 10"):
        ev.check_override(D(5), D(11), "专家意见", W)


@pytest.mark.parametrize(("score", "label"), [("100", "优"), ("90.00", "优"), ("89.99", "良"), ("80", "良"),
                                              ("79.99", "中"), ("60", "中"), ("59.99", "差"), ("0", "差")])
def test_grade_edges(score: str, label: str) -> None:
    assert ev.grade(D(score)) == label


def test_grade_thresholds_must_decrease() -> None:
    ev.check_grades((("优", D(80)), ("良", D(70)), ("中", D(60)), ("差", D(0))))
    with pytest.raises(ev.ScoringError, match="依次递减"):
        ev.check_grades((("优", D(80)), ("良", D(85)), ("中", D(60)), ("差", D(0))))


def _items(*weights: tuple[str, int]) -> list[ev.FrameworkItem]:
    return [ev.FrameworkItem(f"k{i}", level1, "二级", f"指标{i}", D(w), "标准") for i, (level1, w) in enumerate(weights)]


def test_framework_weights() -> None:
    assert ev.check_framework(_items(("决策", 20), ("过程", 20), ("产出", 35), ("效益", 25))) == []
    warnings = ev.check_framework(_items(("决策", 30), ("过程", 20), ("产出", 30), ("效益", 20)))
    assert warnings and "低于通常要求的 60 分" in warnings[0]
    with pytest.raises(ev.ScoringError, match="合计为 99"):
        ev.check_framework(_items(("决策", 20), ("过程", 20), ("产出", 35), ("效益", 24)))
    with pytest.raises(ev.ScoringError, match="应大于 0"):
        ev.check_framework(_items(("决策", 0), ("产出", 100)))


def test_panel_aggregation_drops_extremes_with_five_experts() -> None:
    three = ev.aggregate_item("k", [D(8), D(9), D(10)], W)
    assert three.mean == D("9.00") and three.used == (D(8), D(9), D(10)) and three.spread == D(2)
    five = ev.aggregate_item("k", [D(2), D(8), D(9), D(9), D(10)], W)
    assert five.used == (D(8), D(9), D(9)) and five.mean == D("8.67") and five.outliers == (0,)
    with pytest.raises(ev.ScoringError, match="超出 0 至 10"):
        ev.aggregate_item("k", [D(11)], W)


def test_panel_score_needs_every_expert_to_score_every_item() -> None:
    items = _items(("产出", 60), ("效益", 40))
    total, aggregates = ev.panel_score(items, {"甲": {"k0": D(50), "k1": D(30)}, "乙": {"k0": D(54), "k1": D(36)}})
    assert total == D("85.00") and [a.mean for a in aggregates] == [D("52.00"), D("33.00")]
    with pytest.raises(ev.ScoringError, match="专家“乙”还有 1 项未评分"):
        ev.panel_score(items, {"甲": {"k0": D(50), "k1": D(30)}, "乙": {"k0": D(54)}})


@pytest.mark.parametrize(("rule", "value", "points"), [
    ({"kind": "ceiling", "limit": "100", "per_point": "0.5"}, "100", "5"),
    ({"kind": "ceiling", "limit": "100", "per_point": "0.5"}, "104", "3.00"),
    ({"kind": "ceiling", "limit": "100", "per_point": "0.5"}, "120", "0.00"),
    ({"kind": "ceiling", "limit": "0", "per_point": "0.8"}, "-3", "5"),
    ({"kind": "ceiling", "limit": "0", "per_point": "0.8"}, "2.5", "3.00"),
    ({"kind": "bands", "step": "10", "share_per_band": "0.2"}, "0", "5"),
    ({"kind": "bands", "step": "10", "share_per_band": "0.2"}, "10", "4.00"),
    ({"kind": "bands", "step": "10", "share_per_band": "0.2"}, "10.1", "3.00"),
    ({"kind": "floor", "limit": "100", "per_point": "0.5"}, "98", "4.00"),
])
def test_department_rule_points(rule: dict[str, str], value: str, points: str) -> None:
    assert ev.rule_points(rule, D(value), D(5)) == D(points)


def test_department_rule_must_be_known() -> None:
    with pytest.raises(ev.ScoringError, match="无法识别"):
        ev.rule_points({"kind": "magic"}, D(1), D(5))
