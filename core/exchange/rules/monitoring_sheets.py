"""The sheets of the monitoring package (监控表, kind "monitoring", unit → bureau) laid out like the 绩效运行监控表
(DOMAIN.md §3): 监控表 has one row per project of the unit in a monitoring round (the budget part), 监控指标 one row
per 三级 indicator of the project's approved goal table (1-X月 completion, forecast, likelihood, deviation).

Every 监控表 row names its round by 监控轮次 and 截至月份, so that a unit installation can open the bureau's round
when the bureau's package arrives (core.exchange.monitoring_rounds).

Row ids: a project's row id is "{round}:{project code}", an indicator's "{round}:{project code}:{position}" where
position is the indicator's place in the approved goal table. Columns marked 仅供核对 are written for the reader
and never imported (the 执行数 comes from the treasury payment system, the targets from the approved table).
"""

from __future__ import annotations

from core.exchange.rules.spec import ColumnSpec, SheetSpec
from core.monitoring.rules.lights import CAUSES, LIKELIHOODS, QUALITATIVE

MONITORING_KIND = "monitoring"
ENTRIES = "monitoring_entries"
LINES = "monitoring_lines"
LIKELIHOOD_BY_LABEL = {label: code for code, label in LIKELIHOODS.items()}
CHECK_ONLY = "仅供核对，修改不会导入"

PROJECT_CODE = ColumnSpec("project_code", "项目编码", "text", True, width=18, max_length=40,
                          note="本系统中的项目编码，请勿修改")
ROUND = ColumnSpec("round", "监控轮次", "text", True, width=10, max_length=32,
                   note="财政局开启的监控轮次名称，如“1-7月”，请勿修改")

ENTRY_SHEET = SheetSpec(ENTRIES, "监控表", (
    PROJECT_CODE,
    ColumnSpec("project_name", "项目名称", "text", False, width=30, note=CHECK_ONLY),
    ROUND,
    ColumnSpec("budget", "年初预算数（万元）", "money", False, width=12, note=CHECK_ONLY),
    ColumnSpec("budget_adjustment", "年度预算调整（万元）", "money", False, width=12, note="调减填负数；不调整留空"),
    ColumnSpec("spent", "1-X月执行数（万元）", "money", False, width=12,
               note="仅供核对：来自国库集中支付系统，修改不会导入"),
    ColumnSpec("forecast_spent", "全年预计执行数（万元）", "money", False, width=12),
    ColumnSpec("budget_cause", "预算执行偏差原因", "choice", False, CAUSES, width=10),
    ColumnSpec("budget_analysis", "预算执行偏差原因分析", "text", False, width=36),
    ColumnSpec("corrective_measures", "纠偏措施", "text", False, width=36),
    ColumnSpec("submitted", "已提交", "bool", False, choices=("是", "否"), width=8,
               note="填“是”表示本项目监控表已填完并提交；填“否”为草稿"),
    ColumnSpec("as_of_month", "截至月份", "int", True, width=8,
               note="财政局开启本轮监控时确定的截至月份，如 8 表示监控 1-8 月，请勿修改"),
), "每个项目一行：监控表的预算执行部分。")

LINE_SHEET = SheetSpec(LINES, "监控指标", (
    PROJECT_CODE,
    ColumnSpec("position", "指标序号", "int", True, width=8, note="已批复绩效目标表中的指标序号，请勿修改"),
    ROUND,
    ColumnSpec("level1", "一级指标", "text", False, width=12, note=CHECK_ONLY),
    ColumnSpec("level2", "二级指标", "text", False, width=16, note=CHECK_ONLY),
    ColumnSpec("name", "三级指标", "text", False, width=30, note=CHECK_ONLY),
    ColumnSpec("target", "年度指标值", "text", False, width=14, note=CHECK_ONLY),
    ColumnSpec("actual", "1-X月实际完成值", "decimal", False, width=12, note="定量指标填数字（不带单位）"),
    ColumnSpec("actual_text", "定性指标完成情况", "choice", False, tuple(QUALITATIVE), width=12,
               note="定性指标选择达成、部分达成或未达成"),
    ColumnSpec("forecast", "全年预计完成值", "decimal", False, width=12),
    ColumnSpec("likelihood", "完成目标可能性", "choice", False, tuple(LIKELIHOODS.values()), width=12,
               note="选“有可能”或“完全不可能”时，须填全年预计完成值、偏差原因和原因分析"),
    ColumnSpec("cause", "偏差原因", "choice", False, CAUSES, width=10),
    ColumnSpec("analysis", "原因分析", "text", False, width=36),
    ColumnSpec("measures", "纠偏措施", "text", False, width=36),
    ColumnSpec("needs_rectification", "是否需要整改", "bool", False, choices=("是", "否"), width=10),
), "每条三级指标一行，对应已批复绩效目标表中的指标；目标表尚未批复的项目只监控预算执行，没有指标行。")

MONITORING_SHEETS = (ENTRY_SHEET, LINE_SHEET)
ENTRY_KEYS = ("budget_adjustment", "forecast_spent", "budget_cause", "budget_analysis", "corrective_measures")
LINE_KEYS = ("actual", "actual_text", "forecast", "likelihood", "cause", "analysis", "measures",
             "needs_rectification")

MONITORING_INSTRUCTIONS = (
    "本工作簿是绩效运行监控表交换包，可用 Excel 或 WPS 打开填写，填好后交回财政局导入。",
    "“监控表”每个项目一行，填写预算调整、全年预计执行数和偏差原因；“监控指标”每条指标一行，填写截至本轮的实际完成值。",
    "“监控轮次”和“截至月份”由财政局开启轮次时确定，请勿修改；单位端导入财政局发来的监控表时，本机没有的轮次自动开启。",
    "完成目标可能性为“有可能”或“完全不可能”时，必须填写全年预计完成值、偏差原因和原因分析。",
    "灰色表头和“行标识”“版本”列请勿修改；标明“仅供核对”的列修改后不会导入。",
)


def entry_row_id(round_name: str, project_code: str) -> str:
    return f"{round_name}:{project_code}"


def line_row_id(round_name: str, project_code: str, position: int) -> str:
    return f"{round_name}:{project_code}:{position}"
