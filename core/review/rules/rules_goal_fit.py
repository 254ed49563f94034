"""相关性 rules on what the table says against itself: the annual goal against the indicators (outputs the goal
names that no indicator measures, quantities that disagree, quantities the goal never mentions), and indicators
that do not belong to the project (nothing in common with its name, goal and content) or are template leftovers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from core.goals.rules.notation import norm, normalise_text
from core.library.rules import best_match, canonical_unit
from core.review.rules.model import Hit, IndicatorView, Params, ReviewContext, TableView, fmt, label, rule
from core.review.rules.wording import base_quantity, grams, quantities

D = "相关性"
# Units that measure an output; bare classifiers (个、所、家、项、村、处) are left out: goals use them to count
# places ("在7个林场实施…"), not outputs.
OUTPUT_UNITS = ["公里", "千米", "米", "亩", "公顷", "平方米", "平方公里", "立方米", "吨", "人次", "人", "户", "场",
                "座", "台", "套", "辆", "间", "盏", "件", "册", "份", "批次", "株", "棵", "头", "只", "名", "期",
                "班", "篇", "次"]
# Words every kind of project uses; an indicator made only of them belongs anywhere.
GENERIC = ["指标", "数量", "完成", "项目", "工程", "建设", "实施", "开展", "验收", "合格", "达标", "按期", "按时", "及时",
           "准时", "率", "资金", "拨付", "发放", "支付", "准确", "覆盖", "受益", "群众", "人民", "满意", "知晓", "投诉",
           "使用", "年限", "设计", "质量", "成本", "控制", "预算", "执行", "安全", "事故", "人数", "人次", "服务",
           "对象", "管理", "机制", "长效", "制度", "运行", "维护", "正常", "影响", "效益", "社会", "经济", "生态",
           "可持续", "就业", "带动", "收入", "提升", "提高", "改善", "水平", "能力", "保障", "规范", "标准", "情况",
           "工作", "任务", "计划", "目标", "全年", "年度", "本年", "当年", "平均", "每", "单位", "总", "数", "次数",
           "时间", "周期", "进度", "期限", "档案", "资料", "宣传", "培训", "政策", "考核", "监督", "检查", "整改",
           "问题", "环境", "保护", "稳定", "发展", "群体", "居民", "农户", "农民", "企业", "学生", "群众", "村民",
           "受惠", "惠及", "设施", "设备", "运营", "利用", "有效", "达到", "满足", "需求", "比例", "比率", "覆盖率",
           "财政", "投入", "人均", "户均", "亩均", "文件", "办理", "接待", "参观", "参与", "活动"]
PLACEHOLDERS = [r"\*\*", r"[xX×]{2,}", r"某某", r"＊", r"…{1,}\s*$"]


def _unit(unit: str, synonyms: dict[str, str]) -> str:
    folded = canonical_unit(unit) or unit
    return synonyms.get(folded, folded)


def _measured(i: IndicatorView, synonyms: dict[str, str]) -> tuple[Decimal, str] | None:
    if i.comparator == "qual" or not isinstance(i.target, Decimal) or not i.unit_of_measure:
        return None
    n, u = base_quantity(i.target, normalise_text(i.unit_of_measure).strip())
    return n, _unit(u, synonyms)


@rule("R07", D, "warning", "annual_goal", "年度目标与绩效指标不对应", output_units=OUTPUT_UNITS, generic_words=GENERIC,
      unit_synonyms=["名=人", "位=人"])
def goal_against_indicators(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    synonyms = dict(pair.split("=", 1) for pair in p["unit_synonyms"] if "=" in pair)
    goal = [(n, _unit(u, synonyms)) for n, u in quantities(t.annual_goal, p["output_units"])]
    measured = [(i, m) for i in t.indicators if (m := _measured(i, synonyms)) is not None]
    for n, u in goal:
        same_unit = [(i, m) for i, m in measured if m[1] == u]
        if not same_unit:
            yield Hit("annual_goal", f"年度总体目标提出“{fmt(n)}{u}”的产出，但没有以“{u}”计量的绩效指标，"
                                     "请补充相应的数量或效益指标。")
        elif (len(same_unit) == 1 and sum(1 for _, gu in goal if gu == u) == 1
              and same_unit[0][0].level2 == "数量指标" and same_unit[0][1][0] != n):
            i, (target, _) = same_unit[0]
            yield Hit(f"indicators[{i.position}].target",
                      f"年度总体目标写“{fmt(n)}{u}”，{label(i)}却为 {fmt(target)}{u}，两者不一致，请核对。", i.position)
    goal_units = {u for _, u in goal}
    goal_words = grams(t.annual_goal, p["generic_words"])
    if not goal_units:
        return
    for i, (_, u) in measured:
        if (i.level2 == "数量指标" and u in p["output_units"] and u not in goal_units
                and not grams(i.name, p["generic_words"]) & goal_words):
            yield Hit(f"indicators[{i.position}].name", f"{label(i)}（{fmt(i.target)}{i.unit_of_measure}）的产出在年度总体"
                      "目标中没有体现，请核对指标是否属于本项目，或在目标中写明。", i.position)


@rule("R08", D, "warning", "indicators[].name", "指标与本项目无关或为模板占位",
      generic_words=GENERIC, min_own_words=3, sector_similarity="0.4", placeholders=PLACEHOLDERS,
      checked_level2=["数量指标", "经济效益指标", "社会效益指标", "生态效益指标"])
def foreign_indicator(t: TableView, ctx: ReviewContext, p: Params) -> Iterator[Hit]:
    """An indicator with words of its own (`min_own_words` bigrams once generic words are out) none of which
    the project's texts use, and not a usual indicator of the project's sector in the library. Only outputs and
    benefits counted in units are compared: rates, and quality, time, cost, sustainability and satisfaction rows,
    read alike in every project, so only placeholders are looked for there."""
    texts = " ".join(x or "" for x in (t.project_name, t.overview, t.basis, t.schedule, t.long_term_goal,
                                       t.annual_goal, t.unit_name, t.implementing_unit, t.sector))
    context = grams(texts, p["generic_words"])
    patterns = [re.compile(x) for x in p["placeholders"]]
    own_sector = [e for e in ctx.library if getattr(e, "sector", None) == t.sector]
    for i in t.indicators:
        where = f"indicators[{i.position}].name"
        if any(x.search(normalise_text(f"{i.name} {i.target_text or ''}")) for x in patterns):
            yield Hit(where, f"{label(i)}保留了模板占位内容（如“**”“XX”），请填写本项目的实际指标和指标值。", i.position)
            continue
        own = grams(i.name, p["generic_words"])
        if (i.level2 not in p["checked_level2"] or norm(i.unit_of_measure) in ("%", "‰") or len(own) < int(p["min_own_words"]) or own & context
                or best_match(own_sector, t.sector, i.name, None, Decimal(p["sector_similarity"])) is not None):
            continue
        yield Hit(where, f"{label(i)}与项目名称、概况和年度目标没有共同内容，也不是本行业的常用指标，像是从其他"
                         "项目或模板照搬，请核对是否属于本项目。", i.position)
