"""The 运行监控 grid's columns: title, display text, sort key and first width of each, the light colours and
symbols (● 红灯, ▲ 黄灯, ◆ 蓝灯, ○ 绿灯: a black-and-white printout still tells them apart), and the amount bands
of the filter. Shared by the model, the views, the filter bar and the drill-down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.common import formatting
from core.monitoring.dto import GridRow
from core.monitoring.grid import LIKELIHOOD_RANK
from core.monitoring.rules.lights import LIGHT_RANK, LIGHT_SYMBOLS, LIGHTS, LIKELIHOODS

LIGHT_BACKGROUNDS = {"red": "#f4c7c3", "yellow": "#fce8b2", "blue": "#c6dafc", "green": "#d4ecd9"}
ROW_TINTS = {"red": "#fdf0ef", "yellow": "#fffaeb", "blue": "#f1f6fe"}
LIGHT_TEXT = {"red": "#a50e0e", "yellow": "#7a5200", "blue": "#174ea6", "green": "#0d652d", "none": "#5f6368"}
# (label, lowest included, highest excluded) on the adjusted budget, 万元.
AMOUNT_BANDS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("50 万元以下", None, Decimal(50)), ("50-200 万元", Decimal(50), Decimal(200)),
    ("200-1000 万元", Decimal(200), Decimal(1000)), ("1000 万元及以上", Decimal(1000), None))
NO_VALUE = float("-inf")


def light_text(light: str) -> str:
    return f"{LIGHT_SYMBOLS[light]} {LIGHTS[light]}" if light != "none" else LIGHT_SYMBOLS["none"]


def band_of(amount: Decimal) -> int:
    return next(i for i, (_l, lo, hi) in enumerate(AMOUNT_BANDS)
                if (lo is None or amount >= lo) and (hi is None or amount < hi))


def money(v: Decimal) -> str:
    return formatting.amount(v)


def rate(v: Decimal | None) -> str:
    """A percentage in a grid cell; a cell with no figure stays blank."""
    return formatting.percent(v, missing="")


def _number(v: Decimal | None) -> float:
    return NO_VALUE if v is None else float(v)  # a sort key only, never money math


@dataclass(frozen=True)
class GridColumn:
    title: str
    text: Callable[[GridRow], str]
    key: Callable[[GridRow], Any]
    width: int  # in average characters, for the first layout
    align_right: bool = False
    light: Callable[[GridRow], str] | None = None


COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("部门/镇街", lambda r: r.department_name, lambda r: r.department_name, 9),
    GridColumn("项目名称", lambda r: r.project_name, lambda r: r.project_name, 22),
    GridColumn("项目编码", lambda r: r.project_code, lambda r: r.project_code, 12),
    GridColumn("预算单位", lambda r: r.unit_name, lambda r: r.unit_name, 10),
    GridColumn("资金性质", lambda r: r.fund_type_label, lambda r: r.fund_type_label, 9),
    GridColumn("年初预算", lambda r: money(r.budget), lambda r: _number(r.budget), 8, True),
    GridColumn("调整后预算", lambda r: money(r.adjusted_budget), lambda r: _number(r.adjusted_budget), 8, True),
    GridColumn("执行数", lambda r: money(r.spent), lambda r: _number(r.spent), 8, True),
    GridColumn("执行率", lambda r: rate(r.execution_rate), lambda r: _number(r.execution_rate), 5, True),
    GridColumn("序时进度", lambda r: rate(r.time_progress), lambda r: _number(r.time_progress), 5, True),
    GridColumn("预算灯", lambda r: light_text(r.budget_light), lambda r: LIGHT_RANK[r.budget_light], 5,
               light=lambda r: r.budget_light),
    GridColumn("目标灯", lambda r: light_text(r.goal_light) if r.goal_basis == "approved" else "仅预算",
               lambda r: LIGHT_RANK[r.goal_light], 5, light=lambda r: r.goal_light),
    GridColumn("综合", lambda r: light_text(r.project_light), lambda r: LIGHT_RANK[r.project_light], 5,
               light=lambda r: r.project_light),
    GridColumn("完成可能性", lambda r: LIKELIHOODS.get(r.likelihood or "", ""),
               lambda r: LIKELIHOOD_RANK.get(r.likelihood or "", 3), 6),
    GridColumn("预计全年执行率", lambda r: rate(r.forecast_rate), lambda r: _number(r.forecast_rate), 7, True),
    GridColumn("重点监控", lambda r: "★ 重点" if r.key_monitoring else "", lambda r: not r.key_monitoring, 5),
    GridColumn("偏差原因", lambda r: r.reasons, lambda r: r.reasons, 30),
)
FROZEN_COLUMNS = 2
TITLES = [c.title for c in COLUMNS]
MONEY_COLUMNS = tuple(TITLES.index(t) for t in ("年初预算", "调整后预算", "执行数"))
SPENT_COLUMN = TITLES.index("执行数")
BUDGET_LIGHT_COLUMN, GOAL_LIGHT_COLUMN = TITLES.index("预算灯"), TITLES.index("目标灯")
LIGHT_KINDS = {"project": "综合", "budget": "预算灯", "goal": "目标灯"}
LIGHT_FIELDS = {"project": "project_light", "budget": "budget_light", "goal": "goal_light"}
