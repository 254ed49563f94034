"""Chinese labels for the code names stored in the database (glossary of DOMAIN.md)."""

from db.codes import IndicatorKind

UNIT_KINDS = {"bureau": "财政局", "department": "部门", "township": "镇街", "budget_unit": "预算单位"}
PROJECT_ATTRIBUTES = {"new": "新增", "continuing": "延续"}
PROJECT_NATURES = {"one_off": "一次性", "recurring": "经常性"}
FUND_TYPES = {
    "general": "一般公共预算",
    "gov_fund": "政府性基金预算",
    "soe_capital": "国有资本经营预算",
    "social_insurance": "社会保险基金预算",
}
GOAL_STATUSES = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "退回修改",
    "approved": "已通过",
    "rejected": "不予通过",
}
COMPARATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "qual": "定性"}
INDICATOR_TREE = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
INDICATOR_KINDS: dict[str, str] = {IndicatorKind.CUMULATIVE: "累计型", IndicatorKind.RATE: "比率型",
                                   IndicatorKind.MILESTONE: "时点型", IndicatorKind.QUALITATIVE: "定性"}
KIND_UNDECIDED = "待定"  # shown where an indicator's kind could not be inferred and nobody has chosen one
