"""Property: any goal content written into a goals package and read back (the workbook writer, the reader and
the package parser of core.exchange.goals) comes back equal, texts and indicator values alike; and so do
any project's basic data on 项目信息."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.common.labels import FUND_TYPES, INDICATOR_KINDS, PROJECT_ATTRIBUTES, PROJECT_NATURES
from core.exchange.goals import parse_tables
from core.exchange.rules.goal_sheets import (
    GOAL_SHEETS,
    GOAL_TABLE_SHEET,
    INDICATOR_SHEET,
    PROJECT_SHEET,
    TEXT_KEYS,
    indicator_row_id,
)
from core.exchange.rules.manifest import Manifest
from core.exchange.workbook import read_package, stamp, write_package
from core.goals.rules.goal_table import GoalContent, IndicatorRow
from core.goals.rules.indicator_kind import infer_kind, settle_kind
from core.goals.rules.notation import IndicatorValue
from db.codes import IndicatorKind

ALPHABET = st.sampled_from(list("目标产出效益满意度abcXYZ0123456789=+-@，。、（）%≥≤ \n"))
TEXT = st.text(ALPHABET, max_size=40).map(lambda s: s.strip() or None)
NUMERIC = st.builds(
    IndicatorValue, st.sampled_from([">=", "<=", "=", ">", "<"]),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2, allow_nan=False),
    st.none(), st.sampled_from([None, "个", "万元", "%", "人次", "公里"]))
QUAL = st.builds(lambda t: IndicatorValue("qual", None, t, None), st.sampled_from(["明显改善", "有所提升", "达标"]))
ROW = st.builds(
    lambda level, name, value, weight, standard, kind: settle_kind(IndicatorRow(
        level[0], level[1], name, value.comparator, value.target, value.target_text, value.unit_of_measure,
        weight, standard, None, kind, kind is not None)),
    st.sampled_from([("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标")]),
    st.text(st.sampled_from(list("培训人次覆盖率农户")), min_size=1, max_size=12),
    st.one_of(NUMERIC, QUAL), st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)), TEXT,
    st.one_of(st.none(), st.sampled_from(list(IndicatorKind))))  # a kind chosen by a person, or inferred
CONTENT = st.builds(GoalContent, TEXT, TEXT, TEXT, TEXT, TEXT, st.lists(ROW, max_size=6).map(tuple))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONTENT)
def test_goal_content_survives_the_package(content: GoalContent) -> None:
    code = "2024-D001-0001"
    table = {"row_id": code, "version": 1, "deleted": False, "project_code": code, "project_name": "项目",
             **{k: getattr(content, k) for k in TEXT_KEYS}}
    indicators = [{"row_id": indicator_row_id(code, n), "version": 1, "deleted": False, "project_code": code,
                   "level1": r.level1, "level2": r.level2, "name": r.name,
                   "value": IndicatorValue(r.comparator, r.target, r.target_text, r.unit_of_measure),
                   "kind": INDICATOR_KINDS.get(r.kind or ""), "weight": r.weight,
                   "scoring_standard": r.scoring_standard, "note": r.note}
                  for n, r in enumerate(content.indicators, 1)]
    sheets = [(PROJECT_SHEET, []), (GOAL_TABLE_SHEET, [table]), (INDICATOR_SHEET, indicators)]
    manifest = stamp(Manifest("p", "goals", "D001", "BUREAU", 2024, 1), sheets)
    with TemporaryDirectory() as folder:
        read = read_package(write_package(Path(folder) / "p.xlsx", sheets, manifest, ()), GOAL_SHEETS)
    assert read.problems == [] and read.content_hash == manifest.content_hash
    problems: list = []
    item = parse_tables(read, problems)[code]
    assert problems == []
    back = GoalContent(*(item.texts[k] for k in TEXT_KEYS), tuple(r for _, r in item.indicators))
    assert back == content
    assert all(b.kind_chosen == (r.kind != infer_kind(r)) for b, r in zip(back.indicators, content.indicators, strict=True))


MONEY = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=6, allow_nan=False)
BASICS = st.fixed_dictionaries({
    "name": st.text(ALPHABET, min_size=1, max_size=40).map(str.strip).filter(bool),
    "unit_code": st.sampled_from(["D001", "D001001", "T01"]),
    "attribute": st.sampled_from(list(PROJECT_ATTRIBUTES.values())),
    "nature": st.sampled_from(list(PROJECT_NATURES.values())),
    "fund_type": st.sampled_from(list(FUND_TYPES.values())),
    **{k: MONEY for k in ("total_amount", "fiscal_amount", "carryover_amount", "other_amount")},
    "start_date": st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
    "end_date": st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
    "manager": st.text(ALPHABET, max_size=32).map(lambda s: s.strip() or None), "phone": st.one_of(st.none(), st.from_regex(r"0[0-9]{3}-[0-9]{8}", fullmatch=True)),
    "implementing_unit": TEXT, "sector": st.sampled_from([None, "教育", "农业农村"]),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BASICS)
def test_project_basics_survive_the_package(basics: dict) -> None:
    """A project's 项目信息 row (amounts in 万元 to the 分, dates, people, text that starts like a formula) comes
    back from the workbook equal."""
    row = {"row_id": "2024-D001-0001", "version": 1, "deleted": False, "project_code": "2024-D001-0001", **basics}
    sheets = [(PROJECT_SHEET, [row]), (GOAL_TABLE_SHEET, []), (INDICATOR_SHEET, [])]
    manifest = stamp(Manifest("p", "goals", "BUREAU", "D001", 2024, 1), sheets)
    with TemporaryDirectory() as folder:
        read = read_package(write_package(Path(folder) / "p.xlsx", sheets, manifest, ()), GOAL_SHEETS)
    assert read.problems == [] and read.content_hash == manifest.content_hash
    assert read.rows("projects") == [row]
