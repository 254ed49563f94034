"""The 单位自评表 arithmetic (core.evaluation.rules.self_evaluation), table-driven: points from goal-table weights (DOMAIN.md
§4 default 产出 50 / 效益 30 / 满意度 10 / 执行率 10), typed numbers, dropped levels, and lines that add up."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.evaluation.rules.scoring import ScoringError
from core.evaluation.rules.self_evaluation import (
    LineInput,
    SheetLine,
    distribute_points,
    parse_money,
    parse_number,
    score_sheet,
)

WEIGHTS = {"output": D(50), "outcome": D(30), "satisfaction": D(10), "execution": D(10)}


@pytest.mark.parametrize(("given", "expected"), [
    ([D(2), D(1), D(1)], ["25.00", "12.50", "12.50"]),  # in proportion to the goal table's weights
    ([None, D(1), D(1)], ["16.67", "16.67", "16.66"]),  # one weight missing → equal shares, remainder last
    ([D(0), D(0), D(0)], ["16.67", "16.67", "16.66"]),
    ([D(1), D(1), D(1)], ["16.67", "16.67", "16.66"]),
])
def test_points_are_shared_within_a_level(given: list[D | None], expected: list[str]) -> None:
    points = distribute_points([(f"I{i}", "产出指标", w) for i, w in enumerate(given)], WEIGHTS)
    assert [points[f"I{i}"] for i in range(len(given))] == [D(e) for e in expected]
    assert sum(points.values()) == D(50)


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ScoringError, match="一级指标“成本指标”无法计分"):
        distribute_points([("I1", "成本指标", None)], WEIGHTS)


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("95", None, "95"), (" 1,234.5 ", None, "1234.5"), ("９８", None, "98"), ("98%", "%", "98"),
    ("120户", "户", "120"), ("", None, None), ("12万元", None, "12"),
])
def test_parse_number(text: str, unit: str | None, value: str | None) -> None:
    assert parse_number(text, "实际完成值", unit) == (None if value is None else D(value))


@pytest.mark.parametrize(("text", "message"), [
    ("abc", "不是有效的数值"), ("12户", "不是有效的数值"), ("NaN", "不是有效的数值"),
])
def test_parse_number_refuses(text: str, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        parse_number(text, "实际完成值", "%")


def test_money_is_not_negative_nor_finer_than_a_fen() -> None:
    assert parse_money("12.345678", "全年预算数") == D("12.345678")
    with pytest.raises(ScoringError, match="精度超过 1 分"):
        parse_money("1.0000001", "全年预算数")
    with pytest.raises(ScoringError, match="不能为负数"):
        parse_money("-3", "全年预算数")


def _line(key: str, level1: str, weight: str, target: str = "100") -> SheetLine:
    return SheetLine(key, int(key[1:]), level1, "二级", f"指标{key}", ">=", D(target), None, "%", D(weight))


def test_a_level_without_indicators_gives_its_points_to_the_others() -> None:
    lines = [_line("I1", "产出指标", "50"), _line("I2", "效益指标", "30")]  # no 满意度 indicator
    result = score_sheet(lines, {k: LineInput(k, "100") for k in ("I1", "I2")}, WEIGHTS, D(10), D(10))
    assert result.level_points == {"产出指标": D("56.25"), "效益指标": D("33.75")}  # 90 × 50/80, 90 × 30/80
    assert result.total == D(100)


def test_lines_add_up_to_the_level_and_never_exceed_their_points() -> None:
    lines = [_line(f"I{i}", "产出指标", w) for i, w in ((1, "16.67"), (2, "16.67"), (3, "16.66"))]
    lines += [_line("I4", "效益指标", "30"), _line("I5", "满意度指标", "10")]
    inputs = {"I1": LineInput("I1", "100"), "I2": LineInput("I2", "99.9"), "I3": LineInput("I3", applicable=False),
              "I4": LineInput("I4", "100"), "I5": LineInput("I5", "100")}
    result = score_sheet(lines, inputs, WEIGHTS, D(3), D(2))
    out = result.lines[:3]
    assert [r.points for r in out] == [D("25.00"), D("25.00"), D(0)]
    assert all(r.earned is None or r.earned <= r.points for r in result.lines)
    assert result.level_earned["产出指标"] == sum((r.earned or D(0) for r in out), D(0)) == D("49.97")
    assert (result.execution_rate, result.execution_points) == (D("66.67"), D("6.67"))
    assert result.total == D("49.97") + 30 + 10 + D("6.67")


def test_open_lines_leave_the_total_open_and_complete_refuses_them() -> None:
    lines = [_line("I1", "产出指标", "50")]
    assert score_sheet(lines, {}, WEIGHTS, D(1), D(1)).total is None
    with pytest.raises(ScoringError, match="还没有填写实际完成值"):
        score_sheet(lines, {}, WEIGHTS, D(1), D(1), complete=True)
    with pytest.raises(ScoringError, match="至少要有一项适用的绩效指标"):
        score_sheet(lines, {"I1": LineInput("I1", applicable=False)}, WEIGHTS, D(1), D(1))
