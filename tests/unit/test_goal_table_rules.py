"""Goal table content rules: what can be saved, and the difference between two versions."""

from dataclasses import replace
from decimal import Decimal

import pytest

from core.goals.rules.goal_table import (
    ContentError,
    GoalContent,
    IndicatorRow,
    diff_contents,
    validate_content,
)

ROAD = IndicatorRow("产出指标", "数量指标", "新改建农村公路里程", ">=", Decimal(50), None, "公里", Decimal(20))
SATISFIED = IndicatorRow("满意度指标", "服务对象满意度指标", "群众满意度", ">=", Decimal(90), None, "%", Decimal(10))
BASE = GoalContent("概况", "依据", "进度", "长期", "年度目标", (ROAD, SATISFIED))


def test_clean_content_passes() -> None:
    validate_content(BASE)


@pytest.mark.parametrize(("row", "field"), [
    (replace(ROAD, level1="投入指标"), "indicators[1].level1"),
    (replace(ROAD, level2="满意度"), "indicators[1].level2"),
    (replace(ROAD, comparator="≈"), "indicators[1].comparator"),
    (replace(ROAD, target=None), "indicators[1].target"),
    (replace(ROAD, comparator="qual", target_text=""), "indicators[1].target"),
])
def test_unsaveable_rows(row: IndicatorRow, field: str) -> None:
    with pytest.raises(ContentError) as caught:
        validate_content(replace(BASE, indicators=(row,)))
    assert caught.value.field == field and "第 1 条指标" in str(caught.value)


def test_diff_reports_changed_added_removed() -> None:
    new = replace(BASE, annual_goal="新的年度目标",
                  indicators=(replace(ROAD, target=Decimal(60)),
                              IndicatorRow("效益指标", "社会效益指标", "群众出行时间缩短", ">=", Decimal(10), None, "分钟")))
    changes = {(c.kind, c.place): (c.before, c.after) for c in diff_contents(BASE, new)}
    assert changes[("changed", "年度总体目标")] == ("年度目标", "新的年度目标")
    assert changes[("changed", "产出指标 / 数量指标 / 新改建农村公路里程：指标值")] == ("50", "60")
    assert ("added", "效益指标 / 社会效益指标 / 群众出行时间缩短") in changes
    assert changes[("removed", "满意度指标 / 服务对象满意度指标 / 群众满意度")] == ("群众满意度：≥90%", None)
    assert diff_contents(BASE, BASE) == []
