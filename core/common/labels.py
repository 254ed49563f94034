"""Chinese labels for the code sets the database stores (db/codes.py), one map per set keyed by the enum
members, and the indicator tree (glossary of DOMAIN.md). Screens, reports and exchange workbooks take their
wording from here and nowhere else. A member hashes like its string, so a map also answers for a code read
back from the database as plain text."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from db.codes import (
    ActionKind,
    ActionStatus,
    Comparator,
    DeviationCause,
    DraftStatus,
    EntrySource,
    EntryStatus,
    EvaluationKind,
    ExAnteConclusion,
    ExAnteKind,
    ExchangeKind,
    ExecutionSource,
    FindingSource,
    FundType,
    GoalStatus,
    IndicatorKind,
    InstallationRole,
    Likelihood,
    LinkBasis,
    NoticeKind,
    PackageDirection,
    PackageState,
    PanelRole,
    ProjectAttribute,
    ProjectNature,
    ProjectStatus,
    RectificationSource,
    RectificationStatus,
    ReviewGrade,
    ReviewOutcome,
    Role,
    RoundStatus,
    SubjectKind,
    TemplateKind,
    UnitKind,
    YearStatus,
)

YEAR_STATUSES: dict[str, str] = {YearStatus.OPEN: "进行中", YearStatus.CLOSED: "已关闭"}
UNIT_KINDS: dict[str, str] = {UnitKind.BUREAU: "财政局", UnitKind.DEPARTMENT: "部门", UnitKind.TOWNSHIP: "镇街",
              UnitKind.BUDGET_UNIT: "预算单位"}
ROLES: dict[str, str] = {Role.ADMIN: "系统管理员", Role.REVIEWER: "审核员", Role.EVALUATOR: "评价员", Role.CLERK: "填报员",
         Role.LEADER: "领导"}
PROJECT_ATTRIBUTES: dict[str, str] = {ProjectAttribute.NEW: "新增", ProjectAttribute.CONTINUING: "延续"}
PROJECT_NATURES: dict[str, str] = {ProjectNature.ONE_OFF: "一次性", ProjectNature.RECURRING: "经常性"}
FUND_TYPES: dict[str, str] = {
    FundType.GENERAL: "一般公共预算",
    FundType.GOV_FUND: "政府性基金预算",
    FundType.SOE_CAPITAL: "国有资本经营预算",
    FundType.SOCIAL_INSURANCE: "社会保险基金预算",
}
GOAL_STATUSES: dict[str, str] = {
    GoalStatus.DRAFT: "草稿",
    GoalStatus.SUBMITTED: "已提交",
    GoalStatus.RETURNED: "退回修改",
    GoalStatus.APPROVED: "已通过",
    GoalStatus.REJECTED: "不予通过",
}
COMPARATORS: dict[str, str] = {Comparator.GE: "≥", Comparator.LE: "≤", Comparator.EQ: "=", Comparator.GT: ">",
               Comparator.LT: "<", Comparator.QUAL: "定性"}
EXECUTION_SOURCES: dict[str, str] = {ExecutionSource.TREASURY: "国库集中支付", ExecutionSource.MANUAL: "手工录入",
                     ExecutionSource.EXCHANGE: "数据交换", ExecutionSource.DEMO: "演示数据"}
DRAFT_STATUSES: dict[str, str] = {DraftStatus.DRAFT: "草稿", DraftStatus.FINAL: "已定稿"}
REVIEW_GRADES: dict[str, str] = {ReviewGrade.EXCELLENT: "优", ReviewGrade.GOOD: "良", ReviewGrade.FAIR: "中",
                 ReviewGrade.POOR: "差"}
REVIEW_OUTCOMES: dict[str, str] = {ReviewOutcome.APPROVED: "审核通过", ReviewOutcome.RETURNED: "退回修改",
                   ReviewOutcome.REJECTED: "不予通过"}
EXANTE_KINDS: dict[str, str] = {ExAnteKind.SELF: "部门自评", ExAnteKind.KEY: "财政重点评估"}
EXANTE_CONCLUSIONS: dict[str, str] = {ExAnteConclusion.SUPPORT: "予以支持", ExAnteConclusion.PARTIAL: "部分支持",
                      ExAnteConclusion.REJECT: "不予支持"}
ROUND_STATUSES: dict[str, str] = {RoundStatus.OPEN: "进行中", RoundStatus.CLOSED: "已关闭"}
ENTRY_STATUSES: dict[str, str] = {EntryStatus.DRAFT: "草稿", EntryStatus.SUBMITTED: "已提交"}
ENTRY_SOURCES: dict[str, str] = {EntrySource.FORM: "本机填报", EntrySource.EXCHANGE: "交换包导入", EntrySource.DEMO: "演示数据"}
LIKELIHOODS: dict[str, str] = {Likelihood.CERTAIN: "确定能", Likelihood.POSSIBLE: "有可能", Likelihood.IMPOSSIBLE: "完全不可能"}
DEVIATION_CAUSES: dict[str, str] = {cause: cause.value for cause in DeviationCause}  # the form's own words are the codes
ACTION_KINDS: dict[str, str] = {ActionKind.CORRECTIVE: "纠偏", ActionKind.RECTIFICATION: "整改"}
ACTION_STATUSES: dict[str, str] = {ActionStatus.OPEN: "未完成", ActionStatus.DONE: "已完成"}
EVALUATION_KINDS: dict[str, str] = {EvaluationKind.SELF: "单位自评", EvaluationKind.KEY: "财政重点评价",
                    EvaluationKind.DEPARTMENT: "部门整体评价"}
TEMPLATE_KINDS: dict[str, str] = {kind: EVALUATION_KINDS[EvaluationKind(kind)] for kind in TemplateKind}
SUBJECT_KINDS: dict[str, str] = {SubjectKind.PROJECT: "项目", SubjectKind.POLICY: "政策", SubjectKind.DEPARTMENT: "部门"}
PANEL_ROLES: dict[str, str] = {PanelRole.LEAD: "组长", PanelRole.MEMBER: "成员"}
FINDING_SOURCES: dict[str, str] = {FindingSource.AUDIT: "审计", FindingSource.INSPECTION: "检查"}
RECTIFICATION_SOURCES: dict[str, str] = {
    RectificationSource.REVIEW: "目标审核",
    RectificationSource.MONITORING: "运行监控",
    RectificationSource.EVALUATION: "绩效评价",
    RectificationSource.AUDIT: "审计",
    RectificationSource.INSPECTION: "检查",
    RectificationSource.OTHER: "其他",
}
RECTIFICATION_STATUSES: dict[str, str] = {RectificationStatus.PENDING: "待整改", RectificationStatus.IN_PROGRESS: "整改中",
                          RectificationStatus.DONE: "已整改", RectificationStatus.FAILED: "整改不合格"}
# The escalation ladder of 两书一函, in order: each kind is the next step after the one before it.
NOTICE_KINDS: dict[str, str] = {NoticeKind.REMINDER: "提醒敦促函", NoticeKind.NOTICE: "整改通知书", NoticeKind.INTERVIEW: "约谈函"}
EXCHANGE_KINDS: dict[str, str] = {
    ExchangeKind.GOALS: "绩效目标表",
    ExchangeKind.MONITORING: "监控表",
    ExchangeKind.SELF_EVALUATION: "自评表",
    ExchangeKind.RESULTS: "结果反馈",
    ExchangeKind.RECTIFICATION_FEEDBACK: "整改反馈",
    ExchangeKind.ENROLMENT: "登记包",
}
PACKAGE_DIRECTIONS: dict[str, str] = {PackageDirection.OUT: "导出", PackageDirection.IN: "导入"}
PACKAGE_STATES: dict[str, str] = {PackageState.EXPORTED: "已导出", PackageState.APPLIED: "已导入", PackageState.UNSIGNED: "未签名导入",
                  PackageState.REFUSED: "已拒绝"}
INSTALLATION_ROLES: dict[str, str] = {InstallationRole.HUB: "财政局", InstallationRole.SPOKE: "单位"}

INDICATOR_KINDS: dict[str, str] = {IndicatorKind.CUMULATIVE: "累计型", IndicatorKind.RATE: "比率型",
                                   IndicatorKind.MILESTONE: "时点型", IndicatorKind.QUALITATIVE: "定性"}
KIND_UNDECIDED = "待定"  # shown where an indicator's kind could not be inferred and nobody has chosen one

PROJECT_STATUSES: dict[str, str] = {
    "applied": "新项目申请",
    "declined": "不予受理",
    "reserve": "储备",
    "library": "入库",
    "arranged": "已安排",
    "executing": "执行中",
    "completed": "已完成",
    "terminated": "已终止",
}
LINK_BASES: dict[str, str] = {
    "code": "同编码自动关联",
    "name": "名称相近自动关联",
    "confirmed": "人工确认",
    "proposed": "待确认",
    "rejected": "已否决",
}

# Every code set and its labels; `label` looks a member up here (and the tests check that none is missing).
LABELS: dict[type[StrEnum], Mapping[str, str]] = {
    YearStatus: YEAR_STATUSES, UnitKind: UNIT_KINDS, Role: ROLES, ProjectAttribute: PROJECT_ATTRIBUTES,
    ProjectNature: PROJECT_NATURES, FundType: FUND_TYPES, GoalStatus: GOAL_STATUSES, Comparator: COMPARATORS,
    ExecutionSource: EXECUTION_SOURCES, DraftStatus: DRAFT_STATUSES, ReviewGrade: REVIEW_GRADES,
    ReviewOutcome: REVIEW_OUTCOMES, ExAnteKind: EXANTE_KINDS, ExAnteConclusion: EXANTE_CONCLUSIONS,
    RoundStatus: ROUND_STATUSES, EntryStatus: ENTRY_STATUSES, EntrySource: ENTRY_SOURCES,
    Likelihood: LIKELIHOODS,
    DeviationCause: DEVIATION_CAUSES, ActionKind: ACTION_KINDS, ActionStatus: ACTION_STATUSES,
    EvaluationKind: EVALUATION_KINDS, TemplateKind: TEMPLATE_KINDS, SubjectKind: SUBJECT_KINDS,
    PanelRole: PANEL_ROLES, FindingSource: FINDING_SOURCES, RectificationSource: RECTIFICATION_SOURCES,
    RectificationStatus: RECTIFICATION_STATUSES, NoticeKind: NOTICE_KINDS, ExchangeKind: EXCHANGE_KINDS,
    PackageDirection: PACKAGE_DIRECTIONS, PackageState: PACKAGE_STATES, InstallationRole: INSTALLATION_ROLES,
    IndicatorKind: INDICATOR_KINDS, ProjectStatus: PROJECT_STATUSES, LinkBasis: LINK_BASES,
}


def label(code: StrEnum) -> str:
    """The Chinese label of a code member."""
    return LABELS[type(code)][code]


INDICATOR_TREE = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
