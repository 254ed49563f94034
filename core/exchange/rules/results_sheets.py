"""The sheets of the results package (结果反馈包, kind "results", bureau → one unit): 审核结论 (the goal tables'
review decisions, 财预〔2015〕88号), 批复目标 (the approved tables' indicators, the goal package's columns),
监控预警 (the newest monitoring round's warnings), 评价结果 (final evaluations), 整改事项 and 整改文书 (the
rectification register and the 两书一函 issued), and the reference-data updates 系统设置 and 指标库 (the
enrolment package's sheets). Also the 时间 notation every exchange sheet uses for a moment.

Row ids: a decision's is its project code, an approved indicator's "{project code}:{n}", a warning's the project
code, an evaluation's "{kind}:{subject}" (see `evaluation_row_id`), a rectification item's its uid (a closed
item travels as a deletion marker), a notice's its 文号. The bureau owns every value here: the unit reads them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.common.labels import GOAL_STATUSES
from core.exchange.rules.enrolment_sheets import LIBRARY_SHEET, SETTINGS_SHEET
from core.exchange.rules.goal_sheets import INDICATOR_SHEET, PROJECT_CODE, indicator_row_id
from core.exchange.rules.spec import ColumnSpec, SheetSpec
from core.monitoring.rules.lights import LIGHTS
from core.results.rules.rectification import NOTICE_KINDS, SOURCES, STATUSES
from core.review.rules.outcome import GRADES

RESULTS_KIND = "results"
REVIEWS = "reviews"
APPROVED = "approved_indicators"
WARNINGS = "warnings"
EVALUATIONS = "evaluations"
ITEMS = "rectification_items"
NOTICES = "rectification_notices"
CHECK_ONLY = "仅供核对"
GRADE_LABELS = tuple(g.label for g in GRADES.values())  # 优 良 中 差, also the evaluation grades
GRADE_BY_LABEL = {g.label: g.code for g in GRADES.values()}
STATUS_BY_LABEL = {label: code for code, label in GOAL_STATUSES.items()}
LIGHT_BY_LABEL = {label: code for code, label in LIGHTS.items()}
SOURCE_BY_LABEL = {label: code for code, label in SOURCES.items()}
ITEM_STATUS_BY_LABEL = {label: code for code, label in STATUSES.items()}
NOTICE_BY_LABEL = {label: code for code, label in NOTICE_KINDS.items()}
MOMENT_NOTE = "格式如 2024-03-31 14:05:09（本地时间）；只填日期时按当天 0 点"
ITEM_SEPARATOR = "、"

PROJECT_NAME = ColumnSpec("project_name", "项目名称", "text", False, width=30, note=CHECK_ONLY)
UNIT_CODE = ColumnSpec("unit_code", "单位编码", "text", True, width=14, max_length=32)


def moment(key: str, header: str, required: bool = False) -> ColumnSpec:
    """A column holding a moment in the 时间 notation (`format_moment`)."""
    return ColumnSpec(key, header, "text", required, width=20, max_length=40, note=MOMENT_NOTE)


REVIEW_SHEET = SheetSpec(REVIEWS, "审核结论", (
    PROJECT_CODE,
    PROJECT_NAME,
    ColumnSpec("grade", "审核结论", "choice", True, GRADE_LABELS, width=8,
               note="优：审核通过；良：修改后通过；中：退回修改；差：不予通过（财预〔2015〕88号）"),
    ColumnSpec("outcome", "处理结果", "text", False, width=12, note=CHECK_ONLY),
    ColumnSpec("status", "目标表状态", "choice", True, tuple(GOAL_STATUSES.values()), width=10),
    ColumnSpec("completeness", "完整性审核意见", "text", False, width=30),
    ColumnSpec("relevance", "相关性审核意见", "text", False, width=30),
    ColumnSpec("appropriateness", "适当性审核意见", "text", False, width=30),
    ColumnSpec("feasibility", "可行性审核意见", "text", False, width=30),
    ColumnSpec("opinion", "综合审核意见", "text", False, width=40),
    ColumnSpec("reviewer", "审核人", "text", False, width=10, max_length=64),
    moment("decided_at", "审核时间", required=True),
), "每个项目一行：财政局对本单位绩效目标表的最新审核结论和意见。")

APPROVED_SHEET = SheetSpec(APPROVED, "批复目标", (
    PROJECT_CODE,
    PROJECT_NAME,
    *INDICATOR_SHEET.columns[1:],
), "已通过审核（批复）的绩效目标表的指标，每条指标一行；“良”的目标表以财政局修改完善后的指标为准。")

WARNING_SHEET = SheetSpec(WARNINGS, "监控预警", (
    PROJECT_CODE,
    PROJECT_NAME,
    ColumnSpec("round", "监控轮次", "text", False, width=10, max_length=32),
    ColumnSpec("as_of_month", "截至月份", "int", True, width=8),
    ColumnSpec("light", "预警等级", "choice", True, tuple(LIGHTS.values()), width=8),
    ColumnSpec("budget_light", "预算执行预警", "choice", True, tuple(LIGHTS.values()), width=10),
    ColumnSpec("goal_light", "目标完成预警", "choice", True, tuple(LIGHTS.values()), width=10),
    ColumnSpec("adjusted_budget", "调整后预算数（万元）", "money", False, width=12),
    ColumnSpec("spent", "1-X月执行数（万元）", "money", False, width=12),
    ColumnSpec("execution_rate", "执行率（%）", "decimal", False, width=8),
    ColumnSpec("time_progress", "序时进度（%）", "decimal", False, width=8),
    ColumnSpec("reasons", "预警原因", "text", False, width=40),
    ColumnSpec("key_monitoring", "重点监控", "bool", False, choices=("是", "否"), width=8),
), "最新一轮运行监控中亮红灯、黄灯的项目及预警原因，请对照“整改事项”落实纠偏。")

EVALUATION_SHEET = SheetSpec(EVALUATIONS, "评价结果", (
    ColumnSpec("kind", "评价类型", "text", True, width=12, note="单位自评、财政重点评价或部门整体评价"),
    ColumnSpec("subject_kind", "评价对象", "text", True, width=8, note="项目、政策或部门"),
    ColumnSpec("project_code", "项目编码", "text", False, width=18, max_length=40, note="评价对象为项目时填写"),
    UNIT_CODE,
    ColumnSpec("title", "评价名称", "text", True, width=36, max_length=200),
    ColumnSpec("score", "得分", "decimal", False, width=8),
    ColumnSpec("grade", "等级", "choice", False, GRADE_LABELS, width=6),
    moment("finalised_at", "定稿时间", required=True),
), "本单位本年度已定稿的绩效评价结果。")

ITEM_SHEET = SheetSpec(ITEMS, "整改事项", (
    UNIT_CODE,
    ColumnSpec("project_code", "项目编码", "text", False, width=18, max_length=40),
    ColumnSpec("source", "问题来源", "choice", True, tuple(SOURCES.values()), width=10),
    ColumnSpec("requirement", "整改要求", "text", True, width=40),
    ColumnSpec("issued_on", "下达日期", "date", True, width=12),
    ColumnSpec("deadline", "整改期限", "date", True, width=12),
    ColumnSpec("status", "整改状态", "choice", True, tuple(STATUSES.values()), width=10),
    ColumnSpec("feedback", "单位反馈", "text", False, width=40),
    moment("feedback_at", "反馈时间"),
    ColumnSpec("recheck_opinion", "复核意见", "text", False, width=30),
    moment("rechecked_at", "复核时间"),
), "本单位的整改事项；“删除”为“是”的事项已整改完毕（财政局复核通过），导入后在本机关闭。")

NOTICE_SHEET = SheetSpec(NOTICES, "整改文书", (
    ColumnSpec("kind", "文书种类", "choice", True, tuple(NOTICE_KINDS.values()), width=12),
    ColumnSpec("number", "文号", "text", True, width=24, max_length=64),
    ColumnSpec("sequence", "序号", "int", True, width=6),
    UNIT_CODE,
    ColumnSpec("issued_on", "下达日期", "date", True, width=12),
    ColumnSpec("reply_by", "回复期限", "date", False, width=12),
    ColumnSpec("items", "涉及事项", "text", False, width=40, note="整改事项的行标识，以“、”分隔"),
    ColumnSpec("body", "正文", "text", False, width=60),
), "财政局向本单位下发的提醒敦促函、整改通知书和约谈函（两书一函）。")

RESULTS_SHEETS = (REVIEW_SHEET, APPROVED_SHEET, WARNING_SHEET, EVALUATION_SHEET, ITEM_SHEET, NOTICE_SHEET,
                  SETTINGS_SHEET, LIBRARY_SHEET)

RESULTS_INSTRUCTIONS = (
    "本工作簿是财政局发给单位的结果反馈包：目标审核结论、批复的绩效目标、监控预警、评价结果、整改事项和整改文书，"
    "以及指标库和系统设置的更新。",
    "请在本单位的工作台（单位端）中导入本文件，导入前会先预览每一行是新增、修改还是未变。请勿修改本工作簿；"
    "修改过的文件只能经审核人确认后作为“未签名”导入。",
    "整改情况请在工作台的整改台账中登记，再导出“整改反馈”交换包交回财政局。",
)


def approved_row_id(project_code: str, position: int) -> str:
    return indicator_row_id(project_code, position)


def evaluation_row_id(kind: str, subject_kind: str, subject: str, ordinal: int = 1) -> str:
    """"{kind}:{subject kind}:{project code, unit code or title}", with ":{n}" for the n-th (n > 1) evaluation
    of the same subject in a year."""
    base = f"{kind}:{subject_kind}:{subject}"
    return base if ordinal == 1 else f"{base}:{ordinal}"


def format_moment(value: datetime | None) -> str | None:
    """An aware moment as people read it: local time to the second, microseconds only when there are any."""
    if value is None:
        return None
    return value.astimezone().replace(tzinfo=None).isoformat(sep=" ")


def parse_moment(text: str) -> datetime:
    """The aware UTC moment of the 时间 notation (local time); a date alone is its midnight. Forgives / . 年月日
    as date separators and full-width digits. ValueError with a Chinese message when it is not a moment."""
    folded = text.strip().translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1B)})
    folded = (folded.replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-").replace("T", " ")
              .replace("：", ":"))
    head, _, clock = folded.strip().partition(" ")
    try:
        day = date(*(int(p) for p in head.replace(".", "-").split("-")))
        parsed = datetime.fromisoformat(f"{day.isoformat()} {clock.strip() or '00:00:00'}")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"应填时间，如 2024-03-31 14:05:09，收到“{text}”。") from exc
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # local time, as `format_moment` writes it
    return parsed.astimezone(UTC)
