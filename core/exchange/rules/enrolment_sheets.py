"""The sheets of the enrolment package (登记包, kind "enrolment", bureau → one unit) that sets up a unit
installation: 单位名录 (the unit, its superiors and its budget units), 本机登记 (one row: who this installation
is, the year, the bureau's name and the unit's signing key), 系统设置 (the bureau's settings a unit needs, every
key except auth.*, each value as JSON text) and 指标库 (the bureau's active own library entries).

The 本机登记 sheet carries the unit's signing key in clear text: the enrolment file must be handed over in
person (on a USB stick given to the unit's administrator), never sent by e-mail or left on a shared drive.
Row ids: a unit's is its code, a setting's its key, a library entry's its code, the registration row's the
unit code.
"""

from __future__ import annotations

from core.common.labels import INDICATOR_TREE, UNIT_KINDS
from core.exchange.rules.spec import ColumnSpec, SheetSpec

ENROLMENT_KIND = "enrolment"
UNITS = "units"
REGISTRATION = "registration"
SETTINGS = "settings"
LIBRARY = "library"
EXCLUDED_SETTING_PREFIX = "auth."  # password and lock rules stay each installation's own

KIND_BY_LABEL = {label: code for code, label in UNIT_KINDS.items()}

UNIT_SHEET = SheetSpec(UNITS, "单位名录", (
    ColumnSpec("code", "单位编码", "text", True, width=14, max_length=32),
    ColumnSpec("name", "单位名称", "text", True, width=30, max_length=100),
    ColumnSpec("kind", "单位类型", "choice", True, tuple(UNIT_KINDS.values()), width=10),
    ColumnSpec("parent_code", "上级单位编码", "text", False, width=14, max_length=32),
    ColumnSpec("sector", "所属行业", "text", False, width=14, max_length=32),
    ColumnSpec("active", "启用", "bool", False, choices=("是", "否"), width=6),
), "本单位、其上级单位和所属预算单位；导入时按单位编码新增或更新。")

REGISTRATION_SHEET = SheetSpec(REGISTRATION, "本机登记", (
    ColumnSpec("unit_code", "单位编码", "text", True, width=14, max_length=32),
    ColumnSpec("unit_name", "单位名称", "text", True, width=30, max_length=100),
    ColumnSpec("year", "年度", "int", True, width=8),
    ColumnSpec("hub_name", "财政局名称", "text", True, width=20, max_length=100),
    ColumnSpec("key_hex", "签名密钥", "text", True, width=70, max_length=64,
               note="本单位交换包的签名密钥：本文件须当面交接，不得通过邮件或共享目录传送"),
), "只有一行：本机登记为哪个单位、年度、财政局名称和本单位的签名密钥。")

SETTINGS_SHEET = SheetSpec(SETTINGS, "系统设置", (
    ColumnSpec("key", "设置项", "text", True, width=36, max_length=100),
    ColumnSpec("value", "设置值（JSON）", "text", True, width=24, note="JSON 文本，如 \"60\" 或 8"),
), "财政局的系统设置（登录安全设置除外），导入后本机与财政局一致。")

LEVEL2_CHOICES = tuple(level2 for values in INDICATOR_TREE.values() for level2 in values)

LIBRARY_SHEET = SheetSpec(LIBRARY, "指标库", (
    ColumnSpec("code", "指标编号", "text", True, width=12, max_length=24),
    ColumnSpec("sector", "所属行业", "text", True, width=12, max_length=32),
    ColumnSpec("level1", "一级指标", "choice", True, tuple(INDICATOR_TREE), width=12),
    ColumnSpec("level2", "二级指标", "choice", True, LEVEL2_CHOICES, width=16),
    ColumnSpec("name", "三级指标", "text", True, width=30, max_length=200),
    ColumnSpec("comparator", "指标性质", "text", True, width=8, note="≥、≤、=、定性等"),
    ColumnSpec("unit", "计量单位", "text", False, width=8, max_length=16),
    ColumnSpec("typical_min", "常见目标值下限", "decimal", False, width=10),
    ColumnSpec("typical_max", "常见目标值上限", "decimal", False, width=10),
    ColumnSpec("unit_cost_min_wan", "单位成本下限（万元）", "decimal", False, width=10),
    ColumnSpec("unit_cost_max_wan", "单位成本上限（万元）", "decimal", False, width=10),
    ColumnSpec("scoring", "评（扣）分标准", "text", False, width=40),
    ColumnSpec("note", "备注", "text", False, width=20),
), "财政局在内置指标库之外新增的指标（在用的）；导入时按指标编号新增或更新。")

ENROLMENT_SHEETS = (UNIT_SHEET, REGISTRATION_SHEET, SETTINGS_SHEET, LIBRARY_SHEET)

ENROLMENT_INSTRUCTIONS = (
    "本工作簿是财政局发给单位的登记包，用于在单位的电脑上建立本单位的工作台（单位端）。",
    "登记包含有本单位交换包的签名密钥：必须由财政局当面交给单位管理员，不得通过邮件、聊天软件或共享目录传送。",
    "请勿修改本工作簿的任何内容；修改过的登记包将被拒绝导入。导入后请妥善保管或销毁本文件。",
)
