"""The sheets of the "goals" package (绩效目标表, unit → bureau, and the bureau's copy for a unit) as `SheetSpec`s:
one row per project on 项目信息 (its basic data, so that a unit installation learns its projects from the bureau)
and on 绩效目标表, one row per indicator on 绩效指标.

Row ids: a project's and a goal table's row id is the project code; an indicator's row id is "{project code}:{n}" (its position
when exported). Rows a clerk adds by hand have an empty row id. Indicators are taken in sheet order, so the
position of an indicator is its place among the rows of its project; a deleted indicator is marked 删除=是.
"""

from __future__ import annotations

from typing import Any

from core.common.labels import (
    FUND_TYPES,
    INDICATOR_KINDS,
    INDICATOR_TREE,
    PROJECT_ATTRIBUTES,
    PROJECT_NATURES,
)
from core.exchange.rules.spec import ColumnSpec, SheetSpec
from core.goals.rules.goal_table import TEXT_FIELDS
from core.goals.rules.notation import (
    NotationError,
    format_indicator_value,
    normalise_text,
    parse_indicator_value,
)
from core.goals.rules.published import (
    level_note,
    standard_level1,
    standard_levels,
    unit_in_name,
    with_unit_from_name,
)

GOALS_KIND = "goals"
PROJECTS = "projects"
TABLES = "goal_tables"
INDICATORS = "goal_indicators"

PROJECT_CODE = ColumnSpec("project_code", "项目编码", "text", True, width=18, max_length=40,
                          note="本系统中的项目编码，请勿修改")

PROJECT_SHEET = SheetSpec(PROJECTS, "项目信息", (
    PROJECT_CODE,
    ColumnSpec("name", "项目名称", "text", True, width=30, max_length=200),
    ColumnSpec("unit_code", "单位编码", "text", True, width=12, max_length=32, note="本单位或所属预算单位的编码"),
    ColumnSpec("attribute", "项目属性", "choice", True, tuple(PROJECT_ATTRIBUTES.values()), width=8),
    ColumnSpec("nature", "项目性质", "choice", True, tuple(PROJECT_NATURES.values()), width=8),
    ColumnSpec("fund_type", "资金性质", "choice", True, tuple(FUND_TYPES.values()), width=16),
    ColumnSpec("total_amount", "总金额（万元）", "money", True, width=12),
    ColumnSpec("fiscal_amount", "财政资金（万元）", "money", True, width=12),
    ColumnSpec("carryover_amount", "上年结转（万元）", "money", True, width=12),
    ColumnSpec("other_amount", "其他资金（万元）", "money", True, width=12),
    ColumnSpec("start_date", "开始日期", "date", False, width=11),
    ColumnSpec("end_date", "结束日期", "date", False, width=11),
    ColumnSpec("manager", "项目负责人", "text", False, width=10, max_length=32),
    ColumnSpec("phone", "联系电话", "text", False, width=14, max_length=32),
    ColumnSpec("implementing_unit", "实施单位", "text", False, width=24, max_length=100),
    ColumnSpec("sector", "所属行业", "text", False, width=12, max_length=32),
), "每个项目一行：财政局项目库中的项目基本信息（金额单位：万元）。单位端导入时新增或更新本单位的项目；"
   "交回财政局时仅供核对，项目信息以财政局项目库为准。")

# The 申报表's header as the unit writes it: written to the project while its table is not yet approved (see
# core.exchange.goal_header); 项目名称 and 主管部门 are for checking, they are the bureau's.
HEADER_COLUMNS = (
    ColumnSpec("implementing_unit", "实施单位", "text", False, width=24, max_length=100),
    ColumnSpec("attribute", "项目属性", "choice", False, tuple(PROJECT_ATTRIBUTES.values()), width=8),
    ColumnSpec("start_date", "开始日期", "date", False, width=11, note="起止时间的开始，如 2025-03-01"),
    ColumnSpec("end_date", "结束日期", "date", False, width=11, note="起止时间的结束，如 2025-11-30"),
    ColumnSpec("manager", "项目负责人", "text", False, width=10, max_length=32),
    ColumnSpec("phone", "联系电话", "text", False, width=14, max_length=32),
    ColumnSpec("total_amount", "资金总额（万元）", "money", False, width=12),
    ColumnSpec("fiscal_amount", "其中：财政拨款（万元）", "money", False, width=12),
    ColumnSpec("carryover_amount", "其中：上年结转（万元）", "money", False, width=12),
    ColumnSpec("other_amount", "其中：其他资金（万元）", "money", False, width=12),
)
HEADER_KEYS = tuple(c.key for c in HEADER_COLUMNS)

GOAL_TABLE_SHEET = SheetSpec(TABLES, "绩效目标表", (
    PROJECT_CODE,
    ColumnSpec("project_name", "项目名称", "text", False, width=30, note="仅供核对，修改不会导入"),
    ColumnSpec("department", "主管部门", "text", False, width=20, note="仅供核对，修改不会导入"),
    *HEADER_COLUMNS,
    ColumnSpec("status", "状态", "text", False, width=8, note="仅供核对：只有草稿、已退回的目标表可以修改"),
    ColumnSpec("updated_at", "更新时间", "text", False, width=20,
               note="仅供核对：发送方最后修改该表的时间；单位端导入财政局的交换包时据此记录该表的版本时间"),
    *(ColumnSpec(key, label, "text", False, width=40) for key, label in
      (("annual_goal", TEXT_FIELDS["annual_goal"]), ("long_term_goal", TEXT_FIELDS["long_term_goal"]),
       ("overview", TEXT_FIELDS["overview"]), ("basis", TEXT_FIELDS["basis"]),
       ("schedule", TEXT_FIELDS["schedule"]))),
), "每个项目一行：绩效目标表（申报表）的表头、资金来源和各项文字内容（金额单位：万元）。"
   "目标表未审核通过前，单位修改的表头和金额随目标表一并导入。")

# What the 指标值 column takes, as the instructions show it; every example imports (tests/unit/test_goal_sheets.py).
NUMBER_EXAMPLES = ("≥50个", "≤90万元", "=100%", "≥90%", "+5%", "不低于95%", "15天以内")
DEADLINE_EXAMPLES = ("2025年11月30日前", "11月底前完成", "第三季度", "2023年底", "2023.07-2024.01")
TEXT_EXAMPLES = ("明显改善", "定性: 100%完成")
VALUE_NOTE = (f"文本格式的单元格，照纸质表填写即可：{'、'.join(f'“{e}”' for e in NUMBER_EXAMPLES)}；时效指标写完成时限："
              f"{'、'.join(f'“{e}”' for e in DEADLINE_EXAMPLES)}；文字目标直接写（“{TEXT_EXAMPLES[0]}”），以数字开头的"
              f"文字目标加“定性: ”（“{TEXT_EXAMPLES[1]}”）")

LEVEL2_CHOICES = tuple(level2 for values in INDICATOR_TREE.values() for level2 in values)


def _label(raw: Any) -> str:
    return "".join(normalise_text("" if raw is None else str(raw)).split())


def read_published(cells: dict[str, Any]) -> list[tuple[str, str]]:
    """An indicator row written as published tables write it, read into the standard form in place, with a note
    (column key, message) for each cell read otherwise: level labels outside the tree placed by the shipped
    mapping (产出值/数量值 → 产出指标/数量指标, a merged 一级 cell left blank → its 二级's 一级), a number without a
    unit given the unit in the indicator's name ("实施营造林总面积(亩)" = 80000 → 80000亩). A label in neither the
    tree nor the mapping stays as written: the level column refuses it, naming the accepted labels."""
    notes: list[tuple[str, str]] = []
    written = (_label(cells.get("level1")), _label(cells.get("level2")))
    levels = standard_levels(*written)
    if levels is not None and levels != written:
        cells["level1"], cells["level2"] = levels
        notes.append(("level1" if levels[0] != written[0] else "level2", level_note(*written, levels)))
    elif levels is None and (level1 := standard_level1(written[0])) not in (None, written[0]):
        cells["level1"] = level1  # so that only the 二级 that cannot be placed is the problem
        notes.append(("level1", f"一级指标“{written[0]}”按“{level1}”归类"))
    raw, name = cells.get("value"), cells.get("name")
    if raw is not None and not isinstance(raw, bool) and name is not None and unit_in_name(str(name)):
        try:  # parsed here only when the name holds a unit (most rows are not parsed twice)
            value = parse_indicator_value(normalise_text(str(raw)))
        except NotationError:
            return notes  # the value column refuses it with its reason
        value, note = with_unit_from_name(value, str(name))
        if note:
            cells["value"] = format_indicator_value(value)
            notes.append(("value", note))
    return notes


INDICATOR_SHEET = SheetSpec(INDICATORS, "绩效指标", (
    PROJECT_CODE,
    ColumnSpec("level1", "一级指标", "choice", True, tuple(INDICATOR_TREE), width=12),
    ColumnSpec("level2", "二级指标", "choice", True, LEVEL2_CHOICES, width=16),
    ColumnSpec("name", "三级指标", "text", True, width=30, max_length=200),
    ColumnSpec("value", "指标值", "notation", True, width=16, note=VALUE_NOTE),
    ColumnSpec("kind", "指标类型", "choice", False, tuple(INDICATOR_KINDS.values()), width=10,
               note="留空则按度量单位和指标名称推断（推断不出的为“待定”）；所填类型与推断不同时按所填保留"),
    ColumnSpec("weight", "权重", "decimal", False, width=8),
    ColumnSpec("scoring_standard", "评（扣）分标准", "text", False, width=40),
    ColumnSpec("note", "备注", "text", False, width=20),
), "每条指标一行，同一项目的指标按行的先后排列；新增指标时在末尾加行，行标识留空。", published=read_published)

GOAL_SHEETS = (PROJECT_SHEET, GOAL_TABLE_SHEET, INDICATOR_SHEET)
TEXT_KEYS = tuple(TEXT_FIELDS)

GOAL_INSTRUCTIONS = (
    "本工作簿是绩效目标表交换包，可用 Excel 或 WPS 打开填写，填好后交回财政局导入。",
    "只有状态为“草稿”或“已退回”的目标表会被导入；已提交、已通过的目标表请勿修改（导入时将列为冲突）。",
    "灰色表头和“行标识”“版本”列请勿修改；删除指标请在“删除”列填“是”，不要直接删行。",
    "“项目信息”工作表由财政局项目库生成：单位端导入时据此新增或更新本单位的项目；交回财政局时修改不会导入。",
    "申报表的表头（实施单位、项目属性、起止时间、项目负责人、联系电话）和资金来源填在“绩效目标表”工作表中。",
    "“指标值”列是文本格式：照纸质表写“=100%”“≥90%”“+5%”即可，不会变成公式；若表格程序仍把“=100%”变成了公式，"
    "或把 100% 存成了显示为百分比的数字，导入时按所写的意思读取，并在预览中逐条说明。",
    "一级、二级指标请从下拉列表选择；照已公开目标表写的“产出值/数量值”“实施效果指标/社会效益”等常见写法也能导入，"
    "按标准指标体系归类；指标值只填数字时，按指标名称括号中的单位读取（如“营造林面积（亩）”填 80000 读作 80000亩）。"
    "两种情况都在预览中逐条说明。",
    "每张目标表单独判定：有问题的表连同问题清单退回单位，其余的表照常导入。",
)


def table_row_id(project_code: str) -> str:
    return project_code


def indicator_row_id(project_code: str, position: int) -> str:
    return f"{project_code}:{position}"
