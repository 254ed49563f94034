"""The sheets of each exchange package kind as `SheetSpec`s; the "goals" package (绩效目标表, unit → bureau)
carries one row per project on 绩效目标表 and one row per indicator on 绩效指标.

Row ids: a goal table's row id is its project code; an indicator's row id is "{project code}:{n}" (its position
when exported). Rows a clerk adds by hand have an empty row id. Indicators are taken in sheet order, so the
position of an indicator is its place among the rows of its project; a deleted indicator is marked 删除=是.
"""

from __future__ import annotations

from core.labels import INDICATOR_TREE
from core.rules.exchange_spec import ColumnSpec, SheetSpec
from core.rules.goal_table import TEXT_FIELDS

GOALS_KIND = "goals"
TABLES = "goal_tables"
INDICATORS = "goal_indicators"

PROJECT_CODE = ColumnSpec("project_code", "项目编码", "text", True, width=18, max_length=40,
                          note="本系统中的项目编码，请勿修改")

GOAL_TABLE_SHEET = SheetSpec(TABLES, "绩效目标表", (
    PROJECT_CODE,
    ColumnSpec("project_name", "项目名称", "text", False, width=30, note="仅供核对，修改不会导入"),
    ColumnSpec("status", "状态", "text", False, width=8, note="仅供核对：只有草稿、已退回的目标表可以修改"),
    *(ColumnSpec(key, label, "text", False, width=40) for key, label in
      (("annual_goal", TEXT_FIELDS["annual_goal"]), ("long_term_goal", TEXT_FIELDS["long_term_goal"]),
       ("overview", TEXT_FIELDS["overview"]), ("basis", TEXT_FIELDS["basis"]),
       ("schedule", TEXT_FIELDS["schedule"]))),
), "每个项目一行：绩效目标表的各项文字内容。")

LEVEL2_CHOICES = tuple(level2 for values in INDICATOR_TREE.values() for level2 in values)

INDICATOR_SHEET = SheetSpec(INDICATORS, "绩效指标", (
    PROJECT_CODE,
    ColumnSpec("level1", "一级指标", "choice", True, tuple(INDICATOR_TREE), width=12),
    ColumnSpec("level2", "二级指标", "choice", True, LEVEL2_CHOICES, width=16),
    ColumnSpec("name", "三级指标", "text", True, width=30, max_length=200),
    ColumnSpec("value", "指标值", "notation", True, width=16, note="如“≥50个”“≤90万元”“=100%”或“定性: 明显改善”"),
    ColumnSpec("weight", "权重", "decimal", False, width=8),
    ColumnSpec("scoring_standard", "评（扣）分标准", "text", False, width=40),
    ColumnSpec("note", "备注", "text", False, width=20),
), "每条指标一行，同一项目的指标按行的先后排列；新增指标时在末尾加行，行标识留空。")

GOAL_SHEETS = (GOAL_TABLE_SHEET, INDICATOR_SHEET)
TEXT_KEYS = tuple(TEXT_FIELDS)

GOAL_INSTRUCTIONS = (
    "本工作簿是绩效目标表交换包，可用 Excel 或 WPS 打开填写，填好后交回财政局导入。",
    "只有状态为“草稿”或“已退回”的目标表会被导入；已提交、已通过的目标表请勿修改（导入时将列为冲突）。",
    "灰色表头和“行标识”“版本”列请勿修改；删除指标请在“删除”列填“是”，不要直接删行。",
)


def table_row_id(project_code: str) -> str:
    return project_code


def indicator_row_id(project_code: str, position: int) -> str:
    return f"{project_code}:{position}"
