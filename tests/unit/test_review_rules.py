"""Review rules on a clean hand-built goal table: every rule fires on its defect and stays quiet otherwise;
a broken rule is isolated; configuration is validated; the quality score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.review.rules import engine
from core.review.rules.engine import ConfigError, load_default_config, parse_config, quality_score, run_rules
from core.review.rules.model import (
    RULES,
    Finding,
    Hit,
    IndicatorView,
    PeerCost,
    ReviewContext,
    RuleSpec,
    TableView,
)

D = Decimal
INDS = (
    IndicatorView(1, "产出指标", "数量指标", "改造农村公路里程", ">=", D(50), None, "公里", D(20), "按完成比例计分"),
    IndicatorView(2, "产出指标", "质量指标", "工程验收合格率", ">=", D(98), None, "%", D(10), "按比例计分"),
    IndicatorView(3, "产出指标", "时效指标", "项目按期完成率", ">=", D(95), None, "%", D(10), "按比例计分"),
    IndicatorView(4, "产出指标", "成本指标", "每公里平均成本", "<=", D(180), None, "万元/公里", D(10), "超出扣分"),
    IndicatorView(5, "效益指标", "社会效益指标", "群众出行时间缩短", ">=", D(10), None, "分钟", D(15), "按比例计分"),
    IndicatorView(6, "效益指标", "可持续影响指标", "农村公路管养长效机制", "qual", None, "建立健全", None, D(15),
                  "达成得80%-100%分值"),
    IndicatorView(7, "满意度指标", "服务对象满意度指标", "沿线群众满意度", ">=", D(90), None, "%", D(10), "按比例计分"),
)
CLEAN = TableView(
    "2024-D001-0001", "农村公路提质改造工程", "县交通运输局", "县公路事业发展中心", "交通运输", "continuing", "one_off",
    "general", D(5000), D(4500), D(500), D(0), date(2024, 3, 1), date(2024, 11, 30), 2024, "张明", "13812345678",
    "改造农村公路", "交通强国建设纲要", "3月招标，11月完工", "农村公路通畅", "2024年改造农村公路50公里，提升群众出行条件。",
    "submitted", INDS)
CTX = ReviewContext(unit_names=frozenset({"县交通运输局", "县公路事业发展中心", "县教育局"}),
                    peer_costs={("交通运输", "公里", "改造农村公路里程"): PeerCost(D(80), D(100), D(150), 10)})
PREV = replace(CLEAN, project_code="2023-D001-0001", annual_goal="2023年改造农村公路40公里。",
               indicators=tuple(replace(i, target=i.target - 5) if i.position in (1, 2) else i for i in INDS))
CONFIG = load_default_config()

Mutation = Callable[[TableView, ReviewContext], tuple[TableView, ReviewContext]]


def ind(k: int, **changes: object) -> Mutation:
    """Change indicator at position k."""
    def m(t: TableView, c: ReviewContext) -> tuple[TableView, ReviewContext]:
        return replace(t, indicators=tuple(replace(i, **changes) if i.position == k else i  # type: ignore[arg-type]
                                           for i in t.indicators)), c
    return m


def head(**changes: object) -> Mutation:
    return lambda t, c: (replace(t, **changes), c)  # type: ignore[arg-type]


def drop(*level2: str) -> Mutation:
    return lambda t, c: (replace(t, indicators=tuple(i for i in t.indicators if i.level2 not in level2)), c)


def ctx(**changes: object) -> Mutation:
    return lambda t, c: (t, replace(c, **changes))  # type: ignore[arg-type]


def both(*ms: Mutation) -> Mutation:
    def m(t: TableView, c: ReviewContext) -> tuple[TableView, ReviewContext]:
        for one in ms:
            t, c = one(t, c)
        return t, c
    return m


def noop(t: TableView, c: ReviewContext) -> tuple[TableView, ReviewContext]:
    return t, c


FIRE: list[tuple[str, Mutation]] = [
    ("A01", head(fiscal_amount=D(4400))),
    ("A02", head(other_amount=D(-1), fiscal_amount=D(4501))),
    ("A03", ind(1, target=D(500))),
    ("A04", ind(7, weight=D(20))),
    ("A05", both(ctx(previous=PREV), ind(1, target=D(40)))),
    ("A06", ind(7, target=D(60))),
    ("A07", ind(2, target=D(110))),
    ("A08", ind(5, weight=D(0))),
    ("A09", lambda t, c: (replace(t, indicators=tuple(replace(i, weight=None) for i in t.indicators)), c)),
    ("A11", ind(4, name="成本控制率", target=D(100), unit_of_measure="%")),
    ("C01", head(manager=" ")),
    ("C02", drop("数量指标", "质量指标", "时效指标", "成本指标")),
    ("C03", drop("数量指标")),
    ("C04", drop("服务对象满意度指标")),
    ("C05", drop("社会效益指标", "可持续影响指标")),
    ("C06", drop("质量指标", "时效指标", "成本指标", "社会效益指标", "可持续影响指标")),
    ("C07", drop("时效指标")),
    ("C08", drop("成本指标")),
    ("C09", ind(5, unit_of_measure=None)),
    ("C10", head(annual_goal="农村公路提质改造工程")),
    ("C11", ind(6, target_text="")),
    ("C12", ind(5, level1="实施效果指标", level2="社会效益")),
    ("F01", ind(2, name="进一步提升工程质量", comparator="qual", target=None, target_text="明显提升")),
    ("F02", ind(1, comparator="qual", target=None, target_text="按计划完成", unit_of_measure=None)),
    ("F03", ind(3, comparator="qual", target=None, target_text="按期完成", unit_of_measure=None)),
    ("F04", head(start_date=date(2023, 3, 1), end_date=date(2023, 11, 30))),  # a multi-year period is no defect
    ("F05", head(start_date=date(2024, 12, 1), end_date=date(2024, 11, 30))),
    ("F06", head(attribute="new")),
    ("F07", both(head(attribute="new"), ctx(has_exante=False))),
    ("F08", head(phone="138123456")),
    ("F09", ind(2, comparator="≈")),
    ("F10", ind(3, scoring_standard=None)),
    ("R01", head(implementing_unit="县公路事业发展中心办公室")),
    ("R02", head(unit_name="交通局")),
    ("R03", lambda t, c: (replace(t, indicators=(*t.indicators, replace(t.indicators[1], position=8, weight=D(0)))), c)),
    ("R04", ind(5, level1="产出指标")),
    ("R05", both(ctx(previous=CLEAN), noop)),
    ("R06", ind(5, name="农村公路提质改造工程")),
    ("R07", head(annual_goal="2024年改造农村公路50公里，新建候车亭20个、港湾式停靠站12座。")),
    ("R08", ind(5, name="学生营养餐供餐天数", target=D(200), unit_of_measure="天")),
]
QUIET: list[tuple[str, Mutation]] = [
    ("A01", head(fiscal_amount=D("4500.00"))),
    ("A02", head(carryover_amount=D(0), fiscal_amount=D(5000))),
    ("A03", ind(1, target=D(40))),  # 125 万元/公里: inside the peers' range
    ("A04", noop),
    ("A05", both(ctx(previous=PREV), ind(1, target=D(46)))),  # last year 45
    ("A06", ind(7, target=D(80))),
    ("A07", ind(2, target=D(100))),
    ("A08", noop),
    ("A09", noop),
    ("A11", ind(4, target=D(180))),
    ("C01", head(phone="0731-84561234")),
    ("C02", noop), ("C03", noop), ("C04", both(drop("服务对象满意度指标"), head(project_name="政府债务还本付息"))),
    ("C05", noop), ("C06", noop), ("C07", both(drop("时效指标"), head(nature="recurring"))), ("C08", noop),
    ("C09", ind(6, unit_of_measure=None)), ("C10", noop), ("C11", noop), ("C12", noop),
    ("F01", ind(6, target_text="长期有效")),  # qualitative 可持续影响 with “有效” is normal
    ("F02", noop), ("F03", noop),
    ("F04", head(start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))),
    ("F05", noop), ("F06", both(head(attribute="new", total_amount=D(99), fiscal_amount=D(99), carryover_amount=D(0)))),
    ("F07", both(head(attribute="new"), ctx(has_exante=True))),
    ("F08", head(phone="0731-84561234")), ("F09", noop), ("F10", noop),
    ("R01", ctx(unit_names=frozenset())),  # no registry loaded: nothing to compare
    ("R02", noop), ("R03", noop), ("R04", noop),
    ("R05", both(ctx(previous=PREV), noop)), ("R06", noop),
    ("R07", head(annual_goal="2024年改造农村公路50公里，平均缩短群众出行时间10分钟。")),
    ("R08", ind(5, name="沿线群众出行时间缩短")),
]


def _ids(t: TableView, c: ReviewContext) -> set[str]:
    return {f.rule_id for f in run_rules(t, c, CONFIG)}


def test_every_rule_has_cases_and_the_clean_table_is_clean() -> None:
    assert len(RULES) >= 25
    assert {r for r, _ in FIRE} == set(RULES) == {r for r, _ in QUIET}
    assert run_rules(CLEAN, CTX, CONFIG) == []


@pytest.mark.parametrize(("rule_id", "mutation"), FIRE, ids=[r for r, _ in FIRE])
def test_rule_fires(rule_id: str, mutation: Mutation) -> None:
    t, c = mutation(CLEAN, CTX)
    findings = [f for f in run_rules(t, c, CONFIG) if f.rule_id == rule_id]
    assert findings, rule_id
    f = findings[0]
    assert f.dimension == RULES[rule_id].dimension and f.severity == RULES[rule_id].severity
    assert f.message and "内部错误" not in f.message


@pytest.mark.parametrize(("rule_id", "mutation"), QUIET, ids=[r for r, _ in QUIET])
def test_rule_stays_quiet(rule_id: str, mutation: Mutation) -> None:
    t, c = mutation(CLEAN, CTX)
    assert rule_id not in _ids(t, c)


def test_messages_quote_the_value_and_suggest_the_registry_name() -> None:
    t, c = head(implementing_unit="县公路事业发展中心办公室")(CLEAN, CTX)
    (f,) = [f for f in run_rules(t, c, CONFIG) if f.rule_id == "R01"]
    assert "县公路事业发展中心办公室" in f.message and "“县公路事业发展中心”" in f.message
    t, c = ind(2, target=D(110))(CLEAN, CTX)
    (f,) = [f for f in run_rules(t, c, CONFIG) if f.rule_id == "A07"]
    assert "110%" in f.message and f.field == "indicators[2].target" and f.indicator_position == 2


def test_odd_data_becomes_an_error_finding_not_a_crash() -> None:
    t, c = ind(1, target="五十")(CLEAN, CTX)
    findings = run_rules(t, c, CONFIG)
    broken = [f for f in findings if "无法检查本表" in f.message]
    assert broken and all(f.severity == "error" and "请人工复核" in f.message for f in broken)
    assert any(f.rule_id == "F04" for f in run_rules(replace(t, end_date=date(2025, 1, 31)), c, CONFIG))


def test_a_broken_registered_rule_is_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(t: TableView, c: ReviewContext, p: object) -> list[Hit]:
        raise ZeroDivisionError("division by zero")
    monkeypatch.setitem(RULES, "Z99", RuleSpec("Z99", "可行性", "warning", "header", "测试规则", boom))
    config = parse_config({})
    t, c = head(fiscal_amount=D(4400))(CLEAN, CTX)
    findings = run_rules(t, c, config)
    assert [f.rule_id for f in findings] == ["A01", "Z99"]
    assert findings[1].severity == "error" and "规则 Z99" in findings[1].message


def test_config_validation_and_overrides() -> None:
    with pytest.raises(ConfigError, match="X42"):
        parse_config({"rules": {"X42": {"enabled": False}}})
    with pytest.raises(ConfigError, match="severity"):
        parse_config({"rules": {"A01": {"severity": "fatal"}}})
    with pytest.raises(ConfigError, match="nope"):
        parse_config({"rules": {"A06": {"params": {"nope": "1"}}}})
    with pytest.raises(ConfigError):
        parse_config({"rules": {"A06": {"params": {"min": 0.8}}}})  # floats refused: decimals as strings
    bureau = parse_config({"rules": {"A06": {"params": {"min": "60"}}, "A01": {"enabled": False}},
                           "severity_deductions": {"warning": "5"}}, CONFIG)
    t, c = both(ind(7, target=D(70)), head(fiscal_amount=D(4400)))(CLEAN, CTX)
    assert {"A06", "A01"} <= _ids(t, c)
    assert not {"A06", "A01"} & {f.rule_id for f in run_rules(t, c, bureau)}
    assert bureau.deductions["warning"] == 5 and bureau.rules["A03"] == CONFIG.rules["A03"]
    assert engine.rule_table()[0].id == "A01"


def _f(sev: str) -> Finding:
    return Finding("A01", "适当性", sev, "total_amount", "x")


@pytest.mark.parametrize(("severities", "score"), [
    ([], D(100)), (["info"], D(99)), (["error", "warning"], D(86)), (["error"] * 12, D(0)),
])
def test_quality_score(severities: list[str], score: Decimal) -> None:
    assert quality_score([_f(s) for s in severities], CONFIG) == score
