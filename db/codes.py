"""The closed code sets the database stores: every status and kind column, as StrEnums.

The models build their CHECK constraints from these (the schema defined once) and services, rules and pages
compare and assign the members instead of string literals. A member equals its string, so rows read back as
plain text still compare equal. This module imports only the standard library: the pure rules of every stage
may use it; the Chinese labels live in `core.common.labels`, keyed by these members.
"""

from __future__ import annotations

from enum import StrEnum


class YearStatus(StrEnum):
    """fiscal_year.status"""

    OPEN = "open"
    CLOSED = "closed"


class UnitKind(StrEnum):
    """unit.kind"""

    BUREAU = "bureau"
    DEPARTMENT = "department"
    TOWNSHIP = "township"
    BUDGET_UNIT = "budget_unit"


class Role(StrEnum):
    """app_user.role; what each may do is `core.org.rules.roles.PERMISSIONS`."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    EVALUATOR = "evaluator"
    CLERK = "clerk"
    LEADER = "leader"


class ProjectAttribute(StrEnum):
    """project.attribute (项目属性)"""

    NEW = "new"
    CONTINUING = "continuing"


class ProjectNature(StrEnum):
    """project.nature (项目性质)"""

    ONE_OFF = "one_off"
    RECURRING = "recurring"


class FundType(StrEnum):
    """project.fund_type: which of the four budgets (四本预算) funds the project."""

    GENERAL = "general"
    GOV_FUND = "gov_fund"
    SOE_CAPITAL = "soe_capital"
    SOCIAL_INSURANCE = "social_insurance"


class GoalStatus(StrEnum):
    """goal_table.status"""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"


class Comparator(StrEnum):
    """指标性质 of an indicator (indicator, library_entry, evaluation_line .comparator)."""

    GE = ">="
    LE = "<="
    EQ = "="
    GT = ">"
    LT = "<"
    QUAL = "qual"


class ExecutionSource(StrEnum):
    """execution_record.source"""

    TREASURY = "treasury"
    MANUAL = "manual"
    EXCHANGE = "exchange"
    DEMO = "demo"


class DraftStatus(StrEnum):
    """The status of a record that is worked on and then finalised, never edited again:
    goal_review, exante_assessment and evaluation .status."""

    DRAFT = "draft"
    FINAL = "final"


class ReviewGrade(StrEnum):
    """goal_review.grade: the 财预〔2015〕88号 grade 优 / 良 / 中 / 差."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


class ReviewOutcome(StrEnum):
    """goal_review.outcome: what the grade does to the goal table (the table takes the same status)."""

    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"


class ExAnteKind(StrEnum):
    """exante_assessment.kind: 部门自评 or 财政重点评估."""

    SELF = "self"
    KEY = "key"


class ExAnteConclusion(StrEnum):
    """exante_assessment.conclusion"""

    SUPPORT = "support"
    PARTIAL = "partial"
    REJECT = "reject"


class RoundStatus(StrEnum):
    """monitoring_round.status"""

    OPEN = "open"
    CLOSED = "closed"


class EntryStatus(StrEnum):
    """monitoring_entry.status: a project's monitoring table in a round."""

    DRAFT = "draft"
    SUBMITTED = "submitted"


class EntrySource(StrEnum):
    """monitoring_entry.source: where the table's figures came from."""

    FORM = "form"
    EXCHANGE = "exchange"
    DEMO = "demo"


class Likelihood(StrEnum):
    """monitoring_line.likelihood (完成目标可能性)"""

    CERTAIN = "certain"
    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"


class DeviationCause(StrEnum):
    """monitoring_entry.budget_cause and monitoring_line.cause (偏差原因): stored in Chinese, as the national
    monitoring form spells them."""

    FUNDS = "经费"
    RULES = "制度"
    STAFF = "人员"
    HARDWARE = "硬件"
    OTHER = "其他"


class ActionKind(StrEnum):
    """corrective_action.kind"""

    CORRECTIVE = "corrective"
    RECTIFICATION = "rectification"


class ActionStatus(StrEnum):
    """corrective_action.status"""

    OPEN = "open"
    DONE = "done"


class EvaluationKind(StrEnum):
    """evaluation.kind: 单位自评, 财政重点评价, 部门整体评价."""

    SELF = "self"
    KEY = "key"
    DEPARTMENT = "department"


class TemplateKind(StrEnum):
    """evaluation_template.kind: the framework templates exist for key and department evaluations only."""

    KEY = "key"
    DEPARTMENT = "department"


class SubjectKind(StrEnum):
    """evaluation.subject_kind: what is evaluated."""

    PROJECT = "project"
    POLICY = "policy"
    DEPARTMENT = "department"


class PanelRole(StrEnum):
    """panel_member.role"""

    LEAD = "lead"
    MEMBER = "member"


class FindingSource(StrEnum):
    """audit_finding.source"""

    AUDIT = "audit"
    INSPECTION = "inspection"


class RectificationSource(StrEnum):
    """rectification_item.source: which stage found the problem."""

    REVIEW = "review"
    MONITORING = "monitoring"
    EVALUATION = "evaluation"
    AUDIT = "audit"
    INSPECTION = "inspection"
    OTHER = "other"


class RectificationStatus(StrEnum):
    """rectification_item.status; 逾期 is not stored (an open item past its deadline is overdue)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


class NoticeKind(StrEnum):
    """rectification_notice.kind: 两书一函, in escalating order."""

    REMINDER = "reminder"
    NOTICE = "notice"
    INTERVIEW = "interview"


class ExchangeKind(StrEnum):
    """exchange_ledger.kind: the kinds of exchange package."""

    GOALS = "goals"
    MONITORING = "monitoring"
    SELF_EVALUATION = "self_evaluation"
    RESULTS = "results"
    RECTIFICATION_FEEDBACK = "rectification_feedback"
    ENROLMENT = "enrolment"


class PackageDirection(StrEnum):
    """exchange_ledger.direction"""

    IN = "in"
    OUT = "out"


class PackageState(StrEnum):
    """exchange_ledger.state"""

    EXPORTED = "exported"
    APPLIED = "applied"
    REFUSED = "refused"
    UNSIGNED = "unsigned"


class InstallationRole(StrEnum):
    """installation.role: the bureau's hub or a unit's spoke."""

    HUB = "hub"
    SPOKE = "spoke"


class IndicatorKind(StrEnum):
    """indicator.kind (指标类型, DOMAIN.md §3): how monitoring and evaluation read an indicator's progress.
    NULL in the column means 待定: the kind could not be inferred and a person has to decide it."""

    CUMULATIVE = "cumulative"  # 累计型: a quantity that grows over the year (公里, 人次, 万元 of output)
    RATE = "rate"  # 比率型: a rate or share (%, 合格率, 满意度), never pro-rated
    MILESTONE = "milestone"  # 时点型: a deadline or milestone (2025年11月30日前, 建成1座)
    QUALITATIVE = "qualitative"  # 定性: judged by level (达成 / 部分达成 / 未达成)


class ProjectStatus(StrEnum):
    """project.status: the project library's lifecycle (项目库)."""

    APPLIED = "applied"  # proposed by a unit in its goals workbook, not yet accepted
    DECLINED = "declined"
    RESERVE = "reserve"
    LIBRARY = "library"
    ARRANGED = "arranged"  # in the year's budget
    EXECUTING = "executing"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class LinkBasis(StrEnum):
    """project.link_basis: how the link to last year's project was made (NULL: not linked)."""

    CODE = "code"
    NAME = "name"
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"
    REJECTED = "rejected"
