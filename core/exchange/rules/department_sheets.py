"""The sheets of department goal tables (部门整体绩效目标) in the "goals" package as `SheetSpec`s: one row per
department on 部门整体绩效目标 (contacts, budget by source, texts), one row per key task on 部门重点工作任务 and one
row per indicator on 部门绩效指标 (the same indicator columns as a project's 绩效指标).

Row ids: a department table's row id is the unit code; a key task's "{unit code}:任务{n}" and an indicator's
"{unit code}:{n}" (their positions when exported). Tasks and indicators are taken in sheet order."""

from __future__ import annotations

from core.exchange.rules.goal_sheets import INDICATOR_SHEET
from core.exchange.rules.spec import ColumnSpec, SheetSpec

DEPARTMENT_TABLES = "department_goals"
DEPARTMENT_TASKS = "department_tasks"
DEPARTMENT_INDICATORS = "department_indicators"
TEXT_KEYS = ("annual_goal", "long_term_goal", "overview")
AMOUNT_KEYS = ("total_amount", "fiscal_amount", "carryover_amount", "other_amount")

UNIT_CODE = ColumnSpec("unit_code", "部门编码", "text", True, width=12, max_length=32,
                       note="部门（镇街）在本系统中的单位编码，请勿修改")

DEPARTMENT_TABLE_SHEET = SheetSpec(DEPARTMENT_TABLES, "部门整体绩效目标", (
    UNIT_CODE,
    ColumnSpec("unit_name", "部门名称", "text", False, width=20, note="仅供核对，修改不会导入"),
    ColumnSpec("status", "状态", "text", False, width=8, note="仅供核对：只有草稿、已退回的目标表可以修改"),
    ColumnSpec("updated_at", "更新时间", "text", False, width=20, note="仅供核对：发送方最后修改该表的时间"),
    ColumnSpec("manager", "负责人", "text", False, width=10, max_length=32),
    ColumnSpec("phone", "联系电话", "text", False, width=14, max_length=32),
    ColumnSpec("total_amount", "部门预算合计（万元）", "money", True, width=14),
    ColumnSpec("fiscal_amount", "财政拨款（万元）", "money", True, width=12),
    ColumnSpec("carryover_amount", "上年结转（万元）", "money", True, width=12),
    ColumnSpec("other_amount", "其他资金（万元）", "money", True, width=12),
    ColumnSpec("annual_goal", "年度总体目标", "text", False, width=40),
    ColumnSpec("long_term_goal", "中长期目标", "text", False, width=40),
    ColumnSpec("overview", "部门职能概况", "text", False, width=40),
), "每个部门（镇街）一行：部门整体绩效目标表的表头、预算（万元）和文字内容。")

DEPARTMENT_TASK_SHEET = SheetSpec(DEPARTMENT_TASKS, "部门重点工作任务", (
    UNIT_CODE,
    ColumnSpec("task", "重点工作任务", "text", True, width=30, max_length=200),
    ColumnSpec("amount", "资金（万元）", "money", False, width=12),
    ColumnSpec("project_codes", "对应项目编码", "text", False, width=24, note="本部门本年度项目的编码，多个以顿号分隔"),
), "每项重点工作任务一行，同一部门的任务按行的先后排列。")

DEPARTMENT_INDICATOR_SHEET = SheetSpec(DEPARTMENT_INDICATORS, "部门绩效指标", (
    UNIT_CODE, *INDICATOR_SHEET.columns[1:],
), "每条部门整体绩效指标一行，同一部门的指标按行的先后排列；新增指标时在末尾加行，行标识留空。",
   published=INDICATOR_SHEET.published)

DEPARTMENT_SHEETS = (DEPARTMENT_TABLE_SHEET, DEPARTMENT_TASK_SHEET, DEPARTMENT_INDICATOR_SHEET)


def task_row_id(unit_code: str, position: int) -> str:
    return f"{unit_code}:任务{position}"


def indicator_row_id(unit_code: str, position: int) -> str:
    return f"{unit_code}:{position}"
