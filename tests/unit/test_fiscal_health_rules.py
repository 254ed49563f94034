"""The township fiscal health index, table-driven: bands and levels at their edges (shipped method,
resources/reference/fiscal_health.json), raw values by hand, full indexes by hand with and without redistributed
weights, the method's own checks (weights, gaps, overlaps, order) and the figures' checks."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from core.fiscal.rules.figures import FigureError, FiscalFigures, check_figures, parse_amount
from core.fiscal.rules.index import MethodError, health_index, parse_method
from resources import path as resource_path

RAW: dict[str, Any] = json.loads(resource_path("reference", "fiscal_health.json").read_text(encoding="utf-8"))
METHOD = parse_method(RAW)


def figures(year: int, revenue: str, **other: str) -> FiscalFigures:
    """A year whose other figures give 税收占比 70.00, 三保 95.00, 债务率 66.67, 执行率 92.00, 结转率 8.00 unless told."""
    base = {"tax_revenue": D(revenue) * D("0.7"), "total_expenditure": D(5000), "fiscal_capacity": D(6000),
            "basic_needs": D(2000), "basic_spent": D(1900), "debt_balance": D(4000), "budget_total": D(5000),
            "executed": D(4600), "carryover": D(400)}
    return FiscalFigures(year, D(revenue), **(base | {k: D(v) for k, v in other.items()}))


# 1000 → 1100 (+10 %) → 1144 (+4 %) → 1224.08 (+7 %)
STEADY = [figures(2021, "1000"), figures(2022, "1100"), figures(2023, "1144"), figures(2024, "1224.08")]


@pytest.mark.parametrize(("key", "value", "score"), [
    # the bands of the shipped method: lower bound inclusive, upper exclusive
    ("revenue_growth", "6", 100), ("revenue_growth", "5.99", 90), ("revenue_growth", "0", 75),
    ("revenue_growth", "-0.01", 60), ("revenue_growth", "-10", 40), ("revenue_growth", "-10.01", 20),
    ("revenue_stability", "2.99", 100), ("revenue_stability", "3", 85), ("revenue_stability", "15", 30),
    ("tax_share", "49.99", 40), ("tax_share", "80", 100),
    ("basic_coverage", "79.99", 0), ("basic_coverage", "95", 80), ("basic_coverage", "100", 100),
    ("basic_coverage", "130", 100),
    ("debt_ratio", "59.99", 100), ("debt_ratio", "99.99", 70), ("debt_ratio", "100", 40), ("debt_ratio", "120", 10),
    ("execution_rate", "94.99", 85), ("execution_rate", "95", 100), ("execution_rate", "0", 30),
    ("carryover_rate", "4.99", 100), ("carryover_rate", "5", 85), ("carryover_rate", "20", 30),
])
def test_bands(key: str, value: str, score: int) -> None:
    component = next(c for c in METHOD.components if c.key == key)
    assert component.band_for(D(value)).score == score


@pytest.mark.parametrize(("index", "level"), [
    ("100", "健康"), ("85", "健康"), ("84.99", "基本健康"), ("70", "基本健康"), ("69.99", "关注"), ("60", "关注"),
    ("59.99", "预警"), ("0", "预警"),
])
def test_levels(index: str, level: str) -> None:
    assert METHOD.level_of(D(index)).label == level


def test_shipped_method_is_whole() -> None:
    assert sum(c.weight for c in METHOD.components) == 100
    assert [c.key for c in METHOD.components] == ["revenue_growth", "revenue_stability", "tax_share", "basic_coverage",
                                                  "debt_ratio", "execution_rate", "carryover_rate"]
    assert METHOD.min_computable_weight == 50


def test_full_index_by_hand() -> None:
    """2024 of STEADY: growth 7.00 → 100; spread of 10, 4, 7 = √6 = 2.449… → 2.45 → 100; tax 856.856 ÷ 1224.08
    = 70.00 → 90; 三保 1900 ÷ 2000 = 95.00 → 80; debt 4000 ÷ 6000 = 66.67 → 85; execution 4600 ÷ 5000 = 92.00 → 85;
    carry-over 400 ÷ 5000 = 8.00 → 85. Index = (100×15 + 100×10 + 90×15 + 80×20 + 85×15 + 85×15 + 85×10) ÷ 100
    = 8850 ÷ 100 = 88.50 → 健康."""
    r = health_index(METHOD, STEADY, 2024)
    assert [(c.value, c.score) for c in r.components] == [
        (D("7.00"), 100), (D("2.45"), 100), (D("70.00"), 90), (D("95.00"), 80), (D("66.67"), 85), (D("92.00"), 85),
        (D("8.00"), 85)]
    assert [c.contribution for c in r.components] == [D("15.00"), D("10.00"), D("13.50"), D("16.00"), D("12.75"),
                                                      D("12.75"), D("8.50")]
    assert r.computable_weight == 100
    assert r.index == D("88.50") and r.level is not None and r.level.label == "健康" and r.reason is None
    assert r.component("basic_coverage").band == "95 ≤ x < 100"


def test_first_year_redistributes_the_weights() -> None:
    """2021, no earlier year: growth and stability (15 + 10) cannot be computed, 75 remains. Index = (90×15 + 80×20
    + 85×15 + 85×15 + 85×10) ÷ 75 = 6350 ÷ 75 = 84.666… → 84.67, 基本健康 (the same figures give 88.50 with history).
    Contributions 18.00, 21.33 (1600 ÷ 75), 17.00, 17.00, 11.33 add up to 84.66: shown rounded, a cent off."""
    r = health_index(METHOD, STEADY[:1], 2021)
    growth, stability = r.component("revenue_growth"), r.component("revenue_stability")
    assert (growth.value, growth.score, growth.contribution) == (None, None, None)
    assert growth.reason == "缺少上年（2020 年）数据，无法计算增长率"
    assert stability.reason == "需要 2018—2021 年连续 4 年的数据，缺少 2018、2019、2020 年"
    assert r.computable_weight == 75
    assert [c.effective_weight for c in r.components if c.computed] == [D("20.00"), D("26.67"), D("20.00"),
                                                                       D("20.00"), D("13.33")]
    assert [c.contribution for c in r.components if c.computed] == [D("18.00"), D("21.33"), D("17.00"), D("17.00"),
                                                                    D("11.33")]
    assert r.index == D("84.67") and r.level is not None and r.level.label == "基本健康"


def test_second_year_has_growth_but_no_stability() -> None:
    """2022: growth 10.00 → 100 joins; computable 90; (1500 + 6350) ÷ 90 = 87.222… → 87.22."""
    r = health_index(METHOD, STEADY[:2], 2022)
    assert r.component("revenue_growth").value == D("10.00")
    assert r.computable_weight == 90 and r.index == D("87.22")


def test_years_in_any_order_and_a_gap_stops_the_spread() -> None:
    assert health_index(METHOD, list(reversed(STEADY)), 2024).index == D("88.50")
    gap = [STEADY[0], STEADY[2], STEADY[3]]  # 2022 missing
    r = health_index(METHOD, gap, 2024)
    assert r.component("revenue_growth").value == D("7.00")
    assert r.component("revenue_stability").reason == "需要 2021—2024 年连续 4 年的数据，缺少 2022 年"


@pytest.mark.parametrize(("changes", "key", "reason"), [
    ({"basic_needs": "0", "basic_spent": "0"}, "basic_coverage", "“三保”支出需求为 0，无法计算"),
    ({"fiscal_capacity": "0", "debt_balance": "0"}, "debt_ratio", "综合财力为 0，无法计算"),
])
def test_zero_denominator_is_reported(changes: dict[str, str], key: str, reason: str) -> None:
    history = [*STEADY[:3], figures(2024, "1224.08", **changes)]
    r = health_index(METHOD, history, 2024)
    assert r.component(key).reason == reason and r.component(key).score is None
    assert r.computable_weight == 100 - next(c.weight for c in METHOD.components if c.key == key)
    assert r.index is not None


def test_zero_revenue_last_year_stops_the_growth() -> None:
    history = [figures(2023, "0", tax_revenue="0"), figures(2024, "500")]
    assert health_index(METHOD, history, 2024).component("revenue_growth").reason == \
        "2023 年一般公共预算收入为 0，无法计算增长率"


def test_no_index_below_the_minimum_computable_weight() -> None:
    """A first year with zero revenue, 三保 needs and capacity: only execution (15) and carry-over (10) remain, 25 < 50."""
    empty = figures(2024, "0", tax_revenue="0", basic_needs="0", basic_spent="0", fiscal_capacity="0", debt_balance="0")
    r = health_index(METHOD, [empty], 2024)
    assert r.computable_weight == 25 and r.index is None and r.level is None
    assert r.reason is not None and "权重合计 25 低于 50" in r.reason and "税收占比（一般公共预算收入为 0，无法计算）" in r.reason


def test_unknown_year_is_an_error() -> None:
    with pytest.raises(KeyError):
        health_index(METHOD, STEADY, 2030)


def _mutated(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def _band(component: int, band: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda raw: raw["components"][component]["bands"][band].update(values)


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["components"][0].update(weight=20), "各指标权重合计应为 100，现为 105"),
    (_band(0, 2, **{"from": -4}), "“收入增长”第 3 档的下限（-4）与第 2 档的上限（-5）不相接（有空档）"),
    (_band(0, 2, **{"from": -6}), "“收入增长”第 3 档的下限（-6）与第 2 档的上限（-5）不相接（重叠）"),
    (_band(0, 0, **{"from": -50}), "“收入增长”第 1 档不应有下限"),
    (_band(4, 4, below=200), "“债务率”第 5 档（最后一档）不应有上限"),
    (_band(3, 1, score=120), "“三保”保障率第 2 档的得分 120 应在 0 到 100 之间"),
    (_band(4, 1, score=100, below=50), "“债务率”第 2 档的下限 60 应小于上限 50"),
    (_band(2, 1, score=30), "“税收占比”越高越好，第 2 档的得分 30 不应低于第 1 档的 40"),
    (_band(6, 2, score=90), "“结转结余率”越低越好，第 3 档的得分 90 不应高于第 2 档的 85"),
    (_band(1, 0, score="很好"), "“收入稳定性”第 1 档的得分应为数值，收到“很好”"),
    (lambda raw: raw["components"][2]["formula"].update(b="revenue"), "“税收占比”的公式引用了未知的数据项“revenue”"),
    (lambda raw: raw["components"][2].update(direction="up"), "“税收占比”的方向“up”未知"),
    (lambda raw: raw["components"][1].update(key="revenue_growth"), "指标编码“revenue_growth”重复"),
    (lambda raw: raw["components"][3].update(short="三保支出保障"), "“三保”保障率的简称“三保支出保障”应为 1 到 4 个字"),
    (lambda raw: raw["levels"][1].update({"from": 90}), "等级“基本健康”的下限 90 应低于上一等级“健康”的 85"),
    (lambda raw: raw["levels"][3].update({"from": 10}), "最低等级“预警”的下限应为 0"),
    (lambda raw: raw["levels"][2].update(tone="purple"), "等级“关注”的颜色“purple”未知"),
    (lambda raw: raw.update(components=[]), "没有任何指标"),
])
def test_method_checks(change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(MethodError) as refused:
        parse_method(_mutated(change))
    assert message in str(refused.value)


@pytest.mark.parametrize(("raw", "value"), [
    ("1,234.56", "1234.56"), (" 12万元 ", "12"), (12.3, "12.3"), (7, "7"), (D("0.000001"), "0.000001"),
    ("1.2300000", "1.2300000"), ("0", "0"),
])
def test_parse_amount(raw: object, value: str) -> None:
    assert parse_amount(raw, "税收收入") == D(value)


@pytest.mark.parametrize(("raw", "message"), [
    (None, "“税收收入”未填写"), ("  ", "“税收收入”未填写"), ("abc", "“税收收入”应为金额（万元，如 1234.56），收到“abc”"),
    ("-1", "“税收收入”不能为负数，收到 -1"), ("1.0000001", "“税收收入”最多精确到分"), (True, "应为金额"),
    ("NaN", "应为金额"),
])
def test_parse_amount_refuses(raw: object, message: str) -> None:
    with pytest.raises(FigureError) as refused:
        parse_amount(raw, "税收收入")
    assert message in str(refused.value)


def test_check_figures_names_the_part_and_the_whole() -> None:
    amounts = STEADY[3].amounts() | {"tax_revenue": D(2000), "executed": D(5001)}
    assert check_figures(amounts) == [
        ("tax_revenue", "“税收收入”（2000 万元）不能大于“一般公共预算收入”（1224.08 万元）。"),
        ("executed", "“支出执行数”（5001 万元）不能大于“支出预算数”（5000 万元）。")]
    assert check_figures(STEADY[3].amounts()) == []
