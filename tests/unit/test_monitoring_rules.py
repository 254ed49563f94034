"""Monitoring lights, forecast and key-monitoring rules with the DOMAIN.md §3 defaults."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from core.monitoring.rules import lights as m

T = m.Thresholds()


@pytest.mark.parametrize(("spent", "light"), [("0", "red"), ("39", "red"), ("40", "yellow"), ("53.3", "yellow"),
                                              ("53.4", "green"), ("100", "green")])
def test_budget_light_against_time_progress(spent: str, light: str) -> None:
    # At the end of August the time progress is 66.7 %; 40 % spent is 60.0 % of it.
    assert m.budget_light(D(spent), D(100), 8, T)[0] == light


def test_budget_light_without_budget_is_none() -> None:
    assert m.budget_light(D(5), D(0), 6, T) == ("none", None)


@pytest.mark.parametrize(("actual", "light"), [("0", "red"), ("29", "red"), ("30", "yellow"), ("40", "green"),
                                               ("59.9", "green"), ("60", "blue")])
def test_quantity_indicator_light(actual: str, light: str) -> None:
    # Target 100 at June: the expected progress is 50, so 30 is 60 %, 40 is 80 %, 60 is 120 %.
    assert m.indicator_light(">=", D(100), D(actual), None, 6, T)[0] == light


def test_ceiling_and_qualitative_indicator_lights() -> None:
    assert m.indicator_light("<=", D(90), D(90), None, 6, T)[0] == "green"
    assert m.indicator_light("<=", D(90), D("90.5"), None, 6, T)[0] == "red"
    assert [m.indicator_light("qual", None, None, text, 6, T)[0] for text in ("达成", "部分达成", "未达成", "")] == [
        "green", "yellow", "red", "none"]
    assert m.indicator_light(">=", D(100), None, None, 6, T)[0] == "none"  # not reported yet


def test_project_light_is_the_worst() -> None:
    assert m.worst(["green", "blue", "yellow"]) == "yellow"
    assert m.worst(["green", "blue"]) == "blue"
    assert m.worst(["green", "red", "blue"]) == "red"
    assert m.worst([]) == "none"


def test_thresholds_in_an_impossible_order_are_refused() -> None:
    with pytest.raises(m.ThresholdError, match="应小于"):
        m.Thresholds(budget_red_below=D(80), budget_yellow_below=D(60))
    with pytest.raises(m.ThresholdError, match="依次增大"):
        m.Thresholds(indicator_yellow_below=D(130))


def test_key_monitoring_from_august_for_large_slow_projects() -> None:
    assert m.is_key_monitoring(D(250), D(100), 8, T)
    assert not m.is_key_monitoring(D(250), D(100), 7, T)  # too early
    assert not m.is_key_monitoring(D(150), D(10), 8, T)  # too small
    assert not m.is_key_monitoring(D(250), D(150), 8, T)  # 60 % spent


def test_forecast_trend_and_seasonal_pattern() -> None:
    assert m.forecast_full_year([D(10)] * 6) == D(120)
    back_loaded = [D(1)] * 6 + [D(2)] * 3 + [D(5)] * 3  # half of last year's money went in the last quarter
    assert m.forecast_full_year([D(6)], back_loaded) == D(6) / (D(1) / D(27))
    assert m.forecast_full_year([D(0)] * 4, [D(0)] * 12) == D(0)  # an empty pattern falls back to the trend
    assert m.at_risk(D(80), D(100), T) and not m.at_risk(D(95), D(100), T)
    with pytest.raises(ValueError, match="1 到 12"):
        m.forecast_full_year([])


def test_deviation_analysis_needed_for_doubtful_likelihood() -> None:
    assert [m.needs_deviation_analysis(v) for v in ("certain", "possible", "impossible", None)] == [
        False, True, True, False]
    assert m.time_progress(6) == D("50.0")
    with pytest.raises(ValueError):
        m.time_progress(13)
