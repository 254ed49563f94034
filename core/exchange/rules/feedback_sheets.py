"""The sheet of the rectification feedback package (整改反馈, kind "rectification_feedback", unit → bureau): one
row per open rectification item of the unit, its row id the item's uid; the unit writes 整改情况 and its time,
every other column is the bureau's and only shown for reference (never imported).
"""

from __future__ import annotations

from core.exchange.rules.results_sheets import CHECK_ONLY, moment
from core.exchange.rules.spec import ColumnSpec, SheetSpec
from core.results.rules.rectification import SOURCES, STATUSES

FEEDBACK_KIND = "rectification_feedback"
FEEDBACK = "rectification_feedback"
READ_ONLY = f"{CHECK_ONLY}，修改不会导入"

FEEDBACK_SHEET = SheetSpec(FEEDBACK, "整改反馈", (
    ColumnSpec("unit_code", "单位编码", "text", False, width=14, note=READ_ONLY),
    ColumnSpec("project_code", "项目编码", "text", False, width=18, note=READ_ONLY),
    ColumnSpec("source", "问题来源", "text", False, width=10, note=READ_ONLY),
    ColumnSpec("requirement", "整改要求", "text", False, width=40, note=READ_ONLY),
    ColumnSpec("deadline", "整改期限", "date", False, width=12, note=READ_ONLY),
    ColumnSpec("status", "当前状态", "text", False, width=10, note=READ_ONLY),
    ColumnSpec("recheck_opinion", "复核意见", "text", False, width=30, note=READ_ONLY),
    ColumnSpec("feedback", "整改情况", "text", False, width=50,
               note="写明采取的整改措施和完成情况（至少 4 个字）；尚未整改的事项留空"),
    moment("feedback_at", "反馈时间"),
), "本单位尚未整改完毕的事项，每项一行；在“整改情况”中填写整改落实情况。")

FEEDBACK_INSTRUCTIONS = (
    "本工作簿是单位报送财政局的整改反馈包：每行一项整改事项，请在“整改情况”列填写整改措施和完成情况，"
    "“反馈时间”可留空（按导入时间记）。",
    "除“整改情况”“反馈时间”外的各列仅供核对，修改不会导入；请勿删除行或修改“行标识”，不能在本表中新增整改事项。",
    f"可选的问题来源：{'、'.join(SOURCES.values())}；状态：{'、'.join(STATUSES.values())}。",
)
