"""完整性 rules: required header parts, the indicator tree's required categories, units and targets filled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from core.goals.rules.notation import norm, normalise_text
from core.review.rules.model import (
    Hit,
    IndicatorView,
    Params,
    ReviewContext,
    TableView,
    fmt,
    label,
    rule,
)
from core.review.rules.wording import similarity

D = "完整性"
HEADER = {
    "project_name": "项目名称", "unit_name": "主管部门", "implementing_unit": "实施单位", "total_amount": "资金总额",
    "annual_goal": "年度总体目标", "start_date": "开始时间", "end_date": "结束时间", "manager": "项目负责人",
    "phone": "联系电话",
}


def _has(t: TableView, level: str) -> bool:
    return any(i.level1 == level or i.level2 == level for i in t.indicators)


@rule("C01", D, "error", "header", "表头必填项缺失", required=list(HEADER))
def header_missing(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for name in p["required"]:
        value = getattr(t, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield Hit(name, f"表头“{HEADER.get(name, name)}”未填写，请补充后再报送。")


@rule("C02", D, "error", "indicators", "缺少产出指标")
def no_output(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if not _has(t, "产出指标"):
        yield Hit("indicators", "未设置任何产出指标（一级），请按数量、质量、时效、成本补充产出指标。")


@rule("C03", D, "error", "indicators", "产出指标缺少数量指标")
def no_quantity(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if _has(t, "产出指标") and not _has(t, "数量指标"):
        yield Hit("indicators", "产出指标中没有数量指标，请补充本年度计划完成的工作量（如“改造农村公路里程 ≥ 50 公里”）。")


@rule("C04", D, "warning", "indicators", "面向服务对象的项目缺少满意度指标",
      exempt_keywords=["还本付息", "债务", "上解", "利息", "专项债券", "基金缴纳"], exempt_sectors=[])
def no_satisfaction(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if _has(t, "满意度指标") or (t.sector or "") in p["exempt_sectors"]:
        return
    if any(k in t.project_name for k in p["exempt_keywords"]):
        return
    yield Hit("indicators", f"项目“{t.project_name}”有服务对象，但未设置服务对象满意度指标，"
                            "请补充（如“受益群众满意度 ≥ 90%”）。")


@rule("C05", D, "error", "indicators", "缺少效益指标")
def no_benefit(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if not _has(t, "效益指标"):
        yield Hit("indicators", "未设置任何效益指标，请从经济、社会、生态效益或可持续影响中至少补充一项。")


@rule("C06", D, "warning", "indicators", "指标数量过少或过多", min_count=3, max_count=30)
def count_bounds(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    n, lo, hi = len(t.indicators), int(p["min_count"]), int(p["max_count"])
    if n < lo:
        yield Hit("indicators", f"只有 {n} 条三级指标，少于 {lo} 条，难以全面反映项目产出和效益，请补充。")
    elif n > hi:
        yield Hit("indicators", f"三级指标多达 {n} 条，超过 {hi} 条，请精简为能反映核心产出和效益的指标。")


@rule("C07", D, "warning", "indicators", "一次性项目缺少时效指标")
def no_timeliness(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if t.nature == "one_off" and _has(t, "产出指标") and not _has(t, "时效指标"):
        yield Hit("indicators", "一次性项目未设置时效指标，请补充完成时限（如“项目按期完成率 ≥ 95%”或“完工时间 ≤ 11 月”）。")


@rule("C08", D, "info", "indicators", "缺少成本指标")
def no_cost(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if _has(t, "产出指标") and not _has(t, "成本指标"):
        yield Hit("indicators", "未设置成本指标，建议补充单位成本或成本控制指标（如“每公里平均成本 ≤ 180 万元/公里”）。")


def _numeric(i: IndicatorView) -> bool:
    return i.comparator != "qual" and i.target is not None


@rule("C09", D, "warning", "indicators[].unit_of_measure", "数值型指标未填度量单位")
def missing_unit(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if _numeric(i) and not (i.unit_of_measure or "").strip():
            yield Hit(f"indicators[{i.position}].unit_of_measure",
                      f"{label(i)}指标值 {fmt(i.target)} 未填度量单位，请补充（如 %、个、公里、人次）。", i.position)


SLOGAN_WORDS = ["贯彻", "落实", "坚持", "推动", "推进", "助力", "全面", "高质量", "新时代", "以人民为中心", "奋力",
                "着力", "深入", "扎实", "不断", "进一步", "切实", "积极", "努力", "打造", "实现", "促进"]
EXPENSE_WORDS = ["用于", "支付", "经费", "费用", "开支", "工资", "购置", "采购"]
MONEY = re.compile(r"\d+(?:\.\d+)?\s*(万元|元)")
DIGIT = re.compile(r"\d")


@rule("C10", D, "warning", "annual_goal", "年度总体目标空泛（过短、只列开支、口号或重复项目名称）",
      min_length=15, name_similarity="0.8", slogan_words=SLOGAN_WORDS, min_slogan_words=2,
      expense_words=EXPENSE_WORDS, min_money_items=2)
def annual_goal_thin(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """A goal says what the year produces and achieves; an expense list, a slogan or the project's name
    restated says neither."""
    goal = (t.annual_goal or "").strip()
    if not goal:
        return  # C01 reports the empty goal
    plain = goal
    for word in ("完成", "实施", "开展", "做好", "项目", "工作"):
        plain = plain.replace(word, "")
    money = len(MONEY.findall(normalise_text(goal)))
    rest = MONEY.sub("", normalise_text(goal))
    slogans = [w for w in p["slogan_words"] if w in goal]
    if norm(goal).rstrip("。") == norm(t.project_name) or (
            similarity(plain, t.project_name.replace("项目", "")) >= Decimal(p["name_similarity"])):
        yield Hit("annual_goal", f"年度总体目标“{goal}”只重复了项目名称，请写明本年度要完成的产出和达到的效果。")
    elif money >= int(p["min_money_items"]) and not DIGIT.search(rest) and any(w in goal for w in p["expense_words"]):
        yield Hit("annual_goal", f"年度总体目标“{goal}”只列了资金用途和金额，没有说明要完成的产出和达到的效果，"
                                 "请改写（如“年内改造农村公路50公里，群众出行时间缩短10分钟”）。")
    elif not DIGIT.search(goal) and len(slogans) >= int(p["min_slogan_words"]):
        yield Hit("annual_goal", f"年度总体目标“{goal}”是口号式表述（{'、'.join(slogans[:3])}），没有可考核的产出和效果，"
                                 "请写明本年度完成的数量、质量、时限和预期效果。")
    elif len(goal) < int(p["min_length"]):
        yield Hit("annual_goal", f"年度总体目标“{goal}”只有 {len(goal)} 个字，过于简单，"
                                 "请写明本年度的主要产出（数量、质量、时限）和预期效果。")


@rule("C11", D, "error", "indicators[].target", "指标值未填写")
def target_missing(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if i.comparator == "qual":
            if not (i.target_text or "").strip():
                yield Hit(f"indicators[{i.position}].target", f"{label(i)}为定性指标，但未填写指标值，请填写预期达到的状态。",
                          i.position)
        elif i.target is None:
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}指标性质为“{i.comparator}”，但未填写数值，请补充。",
                      i.position)
        elif not isinstance(i.target, Decimal):
            raise TypeError(f"指标值类型 {type(i.target).__name__}")


@rule("C12", D, "info", "indicators[].name", "指标按常见写法读取（提示）")
def read_notes(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """What `reading.normalise` read differently from the standard form, so a reviewer can check it."""
    for i in t.indicators:
        if i.read_note:
            yield Hit(f"indicators[{i.position}].name", f"{label(i)}：{i.read_note}。", i.position)
