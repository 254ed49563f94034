"""The sheets of the self-evaluation package (自评表, kind "self_evaluation", unit → bureau) laid out like the
项目支出绩效自评表 (DOMAIN.md §4): 自评表 has one row per project with an approved goal table (budget figures,
年度总体目标 and its completion, whether it is finalised), 自评指标 one row per indicator of the sheet (actual value,
qualitative level and score, not applicable, a manual score with its reason, 偏差原因分析及改进措施).

Row ids: a project's row id is its project code, an indicator's "{project code}:{position}" where position is
the indicator's place in the approved goal table. Columns marked 仅供核对 (targets, points, the computed score and
grade) are written for the reader and never imported: the scores are computed by the self-evaluation rules.
"""

from __future__ import annotations

from core.evaluation.rules.scoring import QUAL_BANDS
from core.exchange.rules.spec import ColumnSpec, SheetSpec

SELF_EVALUATION_KIND = "self_evaluation"
SHEETS_KEY = "self_evaluations"
LINES = "self_evaluation_lines"
CHECK_ONLY = "仅供核对，修改不会导入"

PROJECT_CODE = ColumnSpec("project_code", "项目编码", "text", True, width=18, max_length=40,
                          note="本系统中的项目编码，请勿修改")

EVALUATION_SHEET = SheetSpec(SHEETS_KEY, "自评表", (
    PROJECT_CODE,
    ColumnSpec("project_name", "项目名称", "text", False, width=30, note=CHECK_ONLY),
    ColumnSpec("status", "状态", "text", False, width=8, note="仅供核对：已定稿的自评不能再修改"),
    ColumnSpec("initial_budget", "年初预算数（万元）", "money", False, width=12, note=CHECK_ONLY),
    ColumnSpec("budget", "全年预算数（万元）", "money", False, width=12),
    ColumnSpec("executed", "全年执行数（万元）", "money", False, width=12),
    ColumnSpec("goal_expected", "年度总体目标：预期目标", "text", False, width=40),
    ColumnSpec("goal_actual", "年度总体目标：实际完成情况", "text", False, width=40),
    ColumnSpec("score", "总分", "decimal", False, width=8, note=CHECK_ONLY),
    ColumnSpec("grade", "等级", "text", False, width=6, note=CHECK_ONLY),
    ColumnSpec("finalise", "定稿", "bool", False, choices=("是", "否"), width=6,
               note="填“是”表示自评已填完并定稿（每条指标都须填写，失分的须写明原因）；填“否”为草稿"),
), "每个项目一行：自评表的预算执行和年度总体目标部分。")

LINE_SHEET = SheetSpec(LINES, "自评指标", (
    PROJECT_CODE,
    ColumnSpec("position", "指标序号", "int", True, width=8, note="已批复绩效目标表中的指标序号，请勿修改"),
    ColumnSpec("level1", "一级指标", "text", False, width=12, note=CHECK_ONLY),
    ColumnSpec("level2", "二级指标", "text", False, width=16, note=CHECK_ONLY),
    ColumnSpec("name", "三级指标", "text", False, width=30, note=CHECK_ONLY),
    ColumnSpec("target", "年度指标值", "text", False, width=14, note=CHECK_ONLY),
    ColumnSpec("points", "分值", "decimal", False, width=8, note=CHECK_ONLY),
    ColumnSpec("actual", "实际完成值", "text", False, width=16,
               note="定量指标填数字（可带单位）；定性指标填完成情况描述"),
    ColumnSpec("level", "定性达成程度", "choice", False, tuple(QUAL_BANDS), width=20),
    ColumnSpec("qual_score", "定性得分", "decimal", False, width=8, note="定性指标在所选达成程度的分数区间内打分"),
    ColumnSpec("not_applicable", "不适用", "bool", False, choices=("是", "否"), width=8,
               note="该指标不适用时填“是”并在分析中说明，其分值按比例分配给其他指标"),
    ColumnSpec("override", "调整得分", "decimal", False, width=8, note="需要人工调整得分时填写，并写明调整理由"),
    ColumnSpec("override_reason", "调整理由", "text", False, width=24),
    ColumnSpec("analysis", "偏差原因分析及改进措施", "text", False, width=40),
    ColumnSpec("earned", "得分", "decimal", False, width=8, note=CHECK_ONLY),
), "每条指标一行，对应已批复绩效目标表中的指标。")

SELF_EVALUATION_SHEETS = (EVALUATION_SHEET, LINE_SHEET)

SELF_EVALUATION_INSTRUCTIONS = (
    "本工作簿是单位自评（项目支出绩效自评表）交换包，可用 Excel 或 WPS 打开填写，填好后交回财政局导入。",
    "“自评表”每个项目一行，填写全年预算数、全年执行数和年度总体目标完成情况；“自评指标”每条指标一行，填写实际完成值。",
    "得分由系统按评分规则计算；定性指标请选择达成程度并在其区间内打分；失分或不适用的指标须写明偏差原因分析及改进措施。",
    "灰色表头和“行标识”“版本”列请勿修改；标明“仅供核对”的列修改后不会导入；已定稿的自评不能再修改。",
)


def evaluation_row_id(project_code: str) -> str:
    return project_code


def line_row_id(project_code: str, position: int) -> str:
    return f"{project_code}:{position}"
