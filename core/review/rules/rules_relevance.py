"""相关性 rules: names that match the unit registry, indicators that sit in the right place of the tree and
are not repeated, and a table that was actually written for this year."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal

from core.common.labels import INDICATOR_TREE
from core.goals.rules.notation import norm
from core.review.rules.model import Hit, IndicatorView, Params, ReviewContext, TableView, label, rule
from core.review.rules.wording import similarity

D = "相关性"


def _closest(name: str, names: frozenset[str]) -> str:
    best = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.4)
    if not best:  # a name with extra words around a registry name, e.g. “县教育局（本级）”
        best = sorted((n for n in names if n in name or name in n), key=len, reverse=True)[:1]
    return f"，单位名录中最接近的是“{best[0]}”" if best else ""


@rule("R01", D, "error", "implementing_unit", "实施单位不在单位名录中")
def implementing_unknown(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    name = (t.implementing_unit or "").strip()
    if name and ctx.unit_names and name not in ctx.unit_names:
        yield Hit("implementing_unit", f"实施单位“{name}”不在单位名录中{_closest(name, ctx.unit_names)}，"
                                       "请按名录填写单位全称。")


@rule("R02", D, "error", "unit_name", "主管部门不在单位名录中")
def owner_unknown(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    name = (t.unit_name or "").strip()
    if name and ctx.unit_names and name not in ctx.unit_names:
        yield Hit("unit_name", f"主管部门“{name}”不在单位名录中{_closest(name, ctx.unit_names)}，请按名录填写。")


@rule("R03", D, "warning", "indicators[].name", "指标重复")
def duplicates(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    seen: dict[str, IndicatorView] = {}
    for i in t.indicators:
        key = norm(i.name)
        if key in seen:
            yield Hit(f"indicators[{i.position}].name",
                      f"{label(i)}与第{seen[key].position}条指标重复，请删除重复项或改为不同的考核内容。", i.position)
        else:
            seen[key] = i


@rule("R04", D, "error", "indicators[].level2", "指标层级不符合指标体系")
def wrong_tree(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if i.level2 not in INDICATOR_TREE.get(i.level1, ()):
            yield Hit(f"indicators[{i.position}].level2",
                      f"第{i.position}条指标“{i.name}”的一级“{i.level1}”与二级“{i.level2}”不匹配，"
                      f"请按“产出/效益/满意度”指标体系重新归类。", i.position)


def _row(i: IndicatorView) -> tuple[object, ...]:
    return (norm(i.name), i.comparator, i.target, norm(i.target_text), norm(i.unit_of_measure))


@rule("R05", D, "warning", "indicators", "照搬上年目标表", goal_similarity="0.9", indicator_share="0.8")
def copied(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """Near-copies too: the goal alike once years are taken out, and most indicators unchanged in name and value."""
    prev = ctx.previous
    if prev is None or not t.indicators:
        return
    goal = similarity(t.annual_goal, prev.annual_goal)
    before = [_row(i) for i in prev.indicators]
    same = 0
    for row in map(_row, t.indicators):
        if row in before:
            before.remove(row)
            same += 1
    share = Decimal(same) / Decimal(max(len(t.indicators), len(prev.indicators)))
    if goal >= Decimal(p["goal_similarity"]) and share >= Decimal(p["indicator_share"]):
        what = "完全相同" if goal == 1 and same == len(t.indicators) == len(prev.indicators) else "基本相同"
        yield Hit("indicators", f"绩效目标表与上年项目 {prev.project_code} {what}（年度总体目标相似度 "
                                f"{goal * 100:.0f}%，{len(t.indicators)} 条指标中 {same} 条名称和指标值未变），"
                                "请结合本年度任务重新设定目标和指标值。")


@rule("R06", D, "info", "indicators[].name", "指标名称与项目名称相同")
def name_as_indicator(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    project = norm(t.project_name)
    for i in t.indicators:
        if project and norm(i.name) == project:
            yield Hit(f"indicators[{i.position}].name", f"{label(i)}照抄了项目名称，请改为可考核的具体内容。", i.position)
