"""Indicator kinds (DOMAIN.md §3: 累计型 / 比率型 / 时点型 / 定性) inferred from unit, value and wording; what the
word lists do not decide stays 待定 (None), never a guess."""

from dataclasses import replace
from decimal import Decimal

import pytest

from core.goals.rules.goal_table import (
    ContentError,
    GoalContent,
    IndicatorRow,
    diff_contents,
    kind_label,
    validate_content,
)
from core.goals.rules.indicator_kind import default_lexicon, infer_kind, settle_kind, settle_kinds, undecided
from core.goals.rules.notation import parse_indicator_value
from db.codes import IndicatorKind

CUM, RATE, MILESTONE, QUAL = (IndicatorKind.CUMULATIVE, IndicatorKind.RATE, IndicatorKind.MILESTONE,
                              IndicatorKind.QUALITATIVE)


def row(name: str, value: str, level1: str = "产出指标", level2: str = "数量指标") -> IndicatorRow:
    v = parse_indicator_value(value)
    return IndicatorRow(level1, level2, name, v.comparator, v.target, v.target_text, v.unit_of_measure)


@pytest.mark.parametrize(("name", "value", "level1", "level2", "kind"), [
    # 比率型: DOMAIN.md §3 "rates and shares: %, 率, 合格率, 满意度, 覆盖率, 知晓率"; issue 15's examples
    ("学生及家长满意度", "≥85%", "满意度指标", "服务对象满意度指标", RATE),
    ("资金使用合规率", "=100%", "效益指标", "社会效益指标", RATE),
    ("验收合格率", "≥95%", "产出指标", "质量指标", RATE),
    ("农村公路覆盖率", "≥90%", "效益指标", "社会效益指标", RATE),
    ("政策知晓率", "≥80", "效益指标", "社会效益指标", RATE),  # bare number: the name says it is a rate
    ("受益群众满意度", "≥90", "满意度指标", "服务对象满意度指标", RATE),
    ("抽检合格比例", "≥0.97比例", "产出指标", "质量指标", RATE),  # issue 14: a published table's "≥0.97比例"
    ("人均补助标准", "≤500元/人", "产出指标", "成本指标", RATE),  # a unit cost is compared directly
    ("考核得分", "≥90分", "产出指标", "质量指标", RATE),
    # 累计型: DOMAIN.md §3 "cumulative quantity: 公里, 人次, 户, 万元 of output"; issue 14's "≥14.5公里"
    ("新改建农村公路里程", "≥14.5公里", "产出指标", "数量指标", CUM),
    ("培训人次", "≥500人次", "产出指标", "数量指标", CUM),
    ("补助农户数", "≥1200户", "产出指标", "数量指标", CUM),
    ("发放补贴金额", "≥300万元", "产出指标", "数量指标", CUM),
    ("项目总成本", "≤90万元", "产出指标", "成本指标", CUM),  # a cost cap is pro-rated (DOMAIN §3, ≤ indicators)
    ("改造学校运动场数量", "≥3个", "产出指标", "数量指标", CUM),
    ("实施营造林总面积（亩）", "80000", "产出指标", "数量指标", CUM),  # issue 14: the unit in the name
    ("培训天数", "≥10天", "产出指标", "数量指标", CUM),
    ("维修改造校舍面积", "≥656", "产出指标", "数量指标", CUM),  # bare numbers of the 0007 fixture database
    ("完成档案数字化数量", "≥21152卷", "产出指标", "数量指标", CUM),
    ("更新采编播设备数量", "≥40台(套)", "产出指标", "数量指标", CUM),  # units of the demo county
    ("强制免疫畜禽数量", "≥68万头(只)", "产出指标", "数量指标", CUM),
    ("养护绿地面积", "≥11.6万平方米", "产出指标", "数量指标", CUM),
    ("每公里平均成本", "≤400", "产出指标", "成本指标", RATE),
    ("人均补助金额", "≥500元", "产出指标", "成本指标", RATE),
    ("带动农户年均增收", "≥2531元", "效益指标", "经济效益指标", RATE),
    # 时点型: DOMAIN.md §3 "2025年11月30日前完成", "建成1座", 完工时间; issue 14's "2023年底", "第三季度"
    # (deadlines the notation cannot read as a number arrive as text, "定性: …", as issue 14 says clerks do)
    ("项目完成时间", "定性: 2025年11月30日前", "产出指标", "时效指标", MILESTONE),
    ("工程竣工", "2023年底", "产出指标", "时效指标", MILESTONE),
    ("设备采购", "第三季度完成", "产出指标", "时效指标", MILESTONE),
    ("主体工程完工", "定性: 11月底前完成", "产出指标", "时效指标", MILESTONE),
    ("实施周期", "定性: 2023.07-2024.01", "产出指标", "时效指标", MILESTONE),
    ("建成污水处理站", "=1座", "产出指标", "数量指标", MILESTONE),  # a one-off count: done or not
    ("审批办结时限", "≤15个工作日", "产出指标", "时效指标", MILESTONE),
    ("竣工时间", "按合同约定", "产出指标", "时效指标", MILESTONE),  # the name says it is a date
    # 定性
    ("群众生活条件", "明显改善", "效益指标", "社会效益指标", QUAL),
    ("水质标准", "达到国家标准", "效益指标", "生态效益指标", QUAL),
    ("长效管护机制", "定性: 健全", "效益指标", "可持续影响指标", QUAL),
    # 待定: nothing decides it, or the unit and the name disagree
    ("带动效应", "≥3", "效益指标", "经济效益指标", None),
    ("村集体经济经营性收入", "≥16", "效益指标", "经济效益指标", None),  # no unit, nothing in the name
    ("达标率", "≥95个", "产出指标", "质量指标", None),
    ("使用年限", "≥10年", "效益指标", "可持续影响指标", None),
    ("群众出行时间缩短", "≥27分钟", "效益指标", "社会效益指标", None),  # minutes saved: neither a deadline nor a sum
    ("指数", "≥5倍数", "效益指标", "经济效益指标", None),
])
def test_kind_inferred_from_unit_and_wording(name: str, value: str, level1: str, level2: str,
                                             kind: IndicatorKind | None) -> None:
    assert infer_kind(row(name, value, level1, level2)) == kind


def test_lexicon_reads_the_shipped_lists() -> None:
    lex = default_lexicon()
    assert "%" in lex.rate_units and "公里" in lex.cumulative_units and lex.milestone_value_patterns


def test_a_chosen_kind_is_kept_and_an_inferred_one_follows_the_value() -> None:
    road = settle_kind(row("新改建农村公路里程", "≥50公里"))
    assert road.kind == CUM and not road.kind_chosen
    changed = settle_kind(replace(road, target=Decimal(95), unit_of_measure="%"))
    assert changed.kind == RATE  # the value changed: the inferred kind follows it
    chosen = replace(road, kind=MILESTONE, kind_chosen=True)
    assert settle_kind(replace(chosen, target=Decimal(95), unit_of_measure="%")).kind == MILESTONE


def test_undecided_rows_are_listed_and_shown_as_pending() -> None:
    content = settle_kinds(GoalContent(None, None, None, None, None, (
        row("新改建农村公路里程", "≥50公里"), row("带动效应", "≥3", "效益指标", "经济效益指标"))))
    assert undecided(content) == [2]
    assert [kind_label(r.kind) for r in content.indicators] == ["累计型", "待定"]


def test_an_unknown_kind_is_refused_and_a_changed_kind_is_a_difference() -> None:
    road = settle_kind(row("新改建农村公路里程", "≥50公里"))
    base = GoalContent(None, None, None, None, None, (road,))
    with pytest.raises(ContentError) as caught:
        validate_content(replace(base, indicators=(replace(road, kind="monthly"),)))
    assert caught.value.field == "indicators[1].kind"
    changes = diff_contents(base, replace(base, indicators=(replace(road, kind=MILESTONE, kind_chosen=True),)))
    assert [(c.place.rsplit("：", 1)[-1], c.before, c.after) for c in changes] == [("指标类型", "累计型", "时点型")]
