"""Chinese labels for the code names stored in the database (glossary of DOMAIN.md)."""

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
PROJECT_STATUSES = {
    "applied": "新项目申请",
    "declined": "不予受理",
    "reserve": "储备",
    "library": "入库",
    "arranged": "已安排",
    "executing": "执行中",
    "completed": "已完成",
    "terminated": "已终止",
}
LINK_BASES = {
    "code": "同编码自动关联",
    "name": "名称相近自动关联",
    "confirmed": "人工确认",
    "proposed": "待确认",
    "rejected": "已否决",
}
