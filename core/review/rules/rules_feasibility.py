"""可行性 rules: indicators that can be measured (no vague wording, numbers where numbers are possible),
a schedule inside the budget year, ex-ante assessment for large new projects, a reachable contact."""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.common.formatting import screen_date
from core.common.labels import COMPARATORS
from core.goals.rules.notation import is_deadline
from core.library.rules import best_match
from core.review.rules.model import Hit, IndicatorView, Params, ReviewContext, TableView, fmt, label, rule

D = "可行性"
STRONG = ["进一步", "加强", "不断", "切实", "加快", "有效推进", "逐步", "明显", "显著", "大力", "积极", "努力"]
WEAK = ["提升", "提高", "改善", "增强", "有效", "优化"]
TEXTS = ["明显", "显著", "有效提升", "有效改善", "逐步", "进一步", "大幅", "较大", "及时", "规范有序", "稳步", "不断"]
# Phrases that say nothing measurable at any level, 可持续影响 included (published tables are full of them).
ALWAYS_VAGUE = ["正面支撑", "正向支撑", "有所提升", "有所提高", "有所改善", "有所增加", "有所增强", "有所下降",
                "进一步加强", "进一步提升", "进一步提高", "进一步改善", "进一步完善", "逐步提高", "逐步完善",
                "逐步改善", "不断提高", "不断完善", "显著提升", "显著提高", "显著改善", "明显提升", "明显提高",
                "明显改善", "大幅提升", "大幅提高", "稳步提升", "持续改善", "持续提升", "得到提升", "得到改善",
                "得到提高", "得到加强", "积极作用", "积极影响", "一定程度", "较大提升", "较大改善", "有效促进",
                "有力支撑", "有力保障", "效果明显", "成效显著"]


def _measurable(i: IndicatorView) -> bool:
    return i.comparator != "qual" and i.target is not None


def _milestone(i: IndicatorView) -> bool:
    """A time indicator whose value is a date, month, quarter or period: measurable as it stands."""
    return i.level2 == "时效指标" and is_deadline(i.target_text)


@rule("F01", D, "warning", "indicators[].name", "指标表述笼统、无法衡量",
      strong_words=STRONG, weak_words=WEAK, text_words=TEXTS, always_vague=ALWAYS_VAGUE,
      qual_allowed_level2=["可持续影响指标"])
def vague(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if _measurable(i) or _milestone(i):
            continue
        phrase = next((w for w in p["always_vague"] if w in (i.target_text or "")), None)
        if phrase:
            yield Hit(f"indicators[{i.position}].name", f"{label(i)}表述笼统（含“{phrase}”），指标值“{i.target_text or ''}”"
                      "无法衡量，请改为可量化的指标和具体数值（如“服务事项按时办结率 ≥ 95%”）。", i.position)
            continue
        words = list(p["strong_words"])
        if i.level2 not in p["qual_allowed_level2"]:
            words += p["weak_words"]
        hit = next((w for w in words if w in i.name), None)
        where = f"指标名称含“{hit}”" if hit else ""
        if hit is None and i.level2 not in p["qual_allowed_level2"]:
            hit = next((w for w in p["text_words"] if w in (i.target_text or "")), None)
            where = f"指标值“{i.target_text}”含“{hit}”" if hit else ""
        if hit:
            yield Hit(f"indicators[{i.position}].name", f"{label(i)}表述笼统（{where}），指标值“{i.target_text or ''}”"
                      "无法衡量，请改为可量化的指标和具体数值（如“服务事项按时办结率 ≥ 95%”）。", i.position)


@rule("F02", D, "warning", "indicators[].target", "数量指标填为定性")
def qual_quantity(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if i.level2 == "数量指标" and i.comparator == "qual":
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}填为定性“{i.target_text or ''}”，"
                      "数量指标应填写具体数量和单位（如“≥ 50 个”）。", i.position)


@rule("F03", D, "warning", "indicators[].target", "可量化的指标填为定性",
      numeric_level2=["质量指标", "时效指标", "成本指标"], qual_allowed_level2=["可持续影响指标"])
def qual_where_numeric(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if (i.comparator != "qual" or i.level2 == "数量指标" or i.level2 in p["qual_allowed_level2"]
                or _milestone(i)):
            continue
        reason = f"{i.level2}通常可以量化" if i.level2 in p["numeric_level2"] else ""
        if not reason and ctx.library:
            entry = best_match(list(ctx.library), t.sector, i.name, None)
            if entry is not None and entry.level2 == i.level2 and entry.comparator != "qual":
                reason = f"指标库中同类指标“{entry.name}”为数值型"
        if reason:
            yield Hit(f"indicators[{i.position}].target", f"{label(i)}填为定性“{i.target_text or ''}”，但{reason}，"
                      "请改为具体数值（如合格率、完成时限、成本上限）。", i.position)


@rule("F04", D, "warning", "start_date", "实施期限与预算年度不符", multi_year_allowed=True)
def outside_year(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """A multi-year project's period spans years and is no defect (its year's amount is what the table is
    checked against); a period that does not reach into the budget year at all is."""
    start, end = t.start_date, t.end_date
    if p["multi_year_allowed"]:
        if start is not None and start.year > t.year:
            yield Hit("start_date", f"开始时间 {start.isoformat()} 晚于 {t.year} 预算年度，本年度没有实施内容，"
                                    "请核对起止时间或预算年度。")
        elif end is not None and end.year < t.year:
            yield Hit("end_date", f"结束时间 {end.isoformat()} 早于 {t.year} 预算年度，项目在本年度前已结束，"
                                  "请核对起止时间（是否照抄了上年的表）。")
        elif start is not None and end is not None and (start.year, end.year) != (t.year, t.year):
            yield Hit("start_date", f"跨年度项目（{start.isoformat()} 至 {end.isoformat()}）：本表按 {t.year} 年度的资金和"
                                    "目标审核，跨年部分应在中长期目标中说明。", severity="info")
        return
    for name, value, what in (("start_date", start, "开始时间"), ("end_date", end, "结束时间")):
        if value is not None and value.year != t.year:
            yield Hit(name, f"{what} {screen_date(value)} 不在 {t.year} 预算年度内，年度绩效目标应只覆盖本年度，"
                            "跨年部分请在中长期目标中说明。")


@rule("F05", D, "error", "end_date", "结束时间早于开始时间")
def end_before_start(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if t.start_date is not None and t.end_date is not None and t.end_date < t.start_date:
        yield Hit("end_date", f"结束时间 {screen_date(t.end_date)} 早于开始时间 {screen_date(t.start_date)}，请更正。")


@rule("F06", D, "info", "total_amount", "需要事前绩效评估（提醒）")
def exante_reminder(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if (ctx.has_exante is None and t.attribute == "new" and t.total_amount is not None
            and t.total_amount >= ctx.exante_threshold):
        yield Hit("total_amount", f"新增项目资金 {fmt(t.total_amount)} 万元，达到事前绩效评估标准 "
                                  f"{fmt(ctx.exante_threshold)} 万元，需要事前绩效评估。系统尚无事前评估记录，"
                                  "无法核实是否已开展，请确认已完成评估后再审核。")


@rule("F07", D, "error", "total_amount", "未开展事前绩效评估")
def exante_missing(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    if (ctx.has_exante is False and t.attribute == "new" and t.total_amount is not None
            and t.total_amount >= ctx.exante_threshold):
        yield Hit("total_amount", f"新增项目资金 {fmt(t.total_amount)} 万元，达到事前绩效评估标准 "
                                  f"{fmt(ctx.exante_threshold)} 万元，但未开展事前绩效评估，请先完成评估。")


@rule("F08", D, "warning", "phone", "联系电话格式不正确",
      pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
def phone(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    raw = (t.phone or "").strip()
    if raw and not re.fullmatch(p["pattern"], raw.replace(" ", "")):
        yield Hit("phone", f"联系电话“{raw}”格式不正确，请填写 11 位手机号或带区号的固定电话（如 0731-84561234）。")


@rule("F09", D, "error", "indicators[].comparator", "指标性质无效")
def bad_comparator(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    for i in t.indicators:
        if i.comparator not in COMPARATORS:
            yield Hit(f"indicators[{i.position}].comparator", f"{label(i)}的指标性质“{i.comparator}”无效，"
                      f"应为 {'、'.join(COMPARATORS.values())} 之一。", i.position)


@rule("F10", D, "info", "indicators[].scoring_standard", "未填评分标准")
def no_scoring(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    blank = [i for i in t.indicators if not (i.scoring_standard or "").strip()]
    if blank:
        yield Hit(f"indicators[{blank[0].position}].scoring_standard",
                  f"{len(blank)} 条指标未填评（扣）分标准（如{label(blank[0])}），请补充，便于自评时计分。",
                  blank[0].position)
