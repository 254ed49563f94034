"""`perfbudget monitor warnings`: the monitoring warnings of a year as of a month (or of a round), as JSON or a
Chinese list: red and yellow projects with their execution, lights and reasons."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from core.common.errors import USER_ERRORS
from core.common.formatting import PERCENT_PLACES, percent, plain
from core.common.runner import call
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import GridRow
from core.monitoring.rules.lights import LIGHTS
from desktop.cli import options

AS_OF = re.compile(r"^(\d{4})-(\d{1,2})$")


def _as_of(text: str) -> tuple[int, int]:
    match = AS_OF.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"--as-of 应写成 YYYY-MM（如 2024-08），收到“{text}”。")
    return int(match.group(1)), int(match.group(2))


def as_json(row: GridRow) -> dict[str, Any]:
    return {"project_id": row.project_id, "project_code": row.project_code, "project_name": row.project_name,
            "department": row.department_name, "unit": row.unit_name, "adjusted_budget": plain(row.adjusted_budget),
            "spent": plain(row.spent), "execution_rate": plain(row.execution_rate, PERCENT_PLACES),
            "time_progress": plain(row.time_progress, PERCENT_PLACES), "budget_light": row.budget_light, "goal_light": row.goal_light,
            "project_light": row.project_light, "goal_basis": row.goal_basis, "likelihood": row.likelihood,
            "forecast": plain(row.forecast), "at_risk": row.at_risk, "key_monitoring": row.key_monitoring,
            "reasons": row.reasons}


def cmd_warnings(args: argparse.Namespace) -> int:
    year, month = args.as_of
    if year != args.year:
        print(f"错误：--as-of {year}-{month:02d} 不在 --year {args.year} 年度内。")
        return 2
    try:
        with options.open_database(args) as db:
            rows = call(db, monitoring_rounds.warnings, options.ACTOR, args.year, None, month)
    except USER_ERRORS as exc:
        print(f"错误：{exc}")
        return 2
    if args.json:
        print(json.dumps({"year": year, "as_of_month": month, "count": len(rows),
                          "warnings": [as_json(r) for r in rows]}, ensure_ascii=False, indent=1))
        return 0
    red = sum(1 for r in rows if r.project_light == "red")
    print(f"{year} 年 1-{month} 月运行监控预警：{len(rows)} 个项目（红灯 {red} 个，黄灯 {len(rows) - red} 个）。")
    for r in rows[: args.top]:
        print(f"[{LIGHTS[r.project_light]}] {r.project_code} {r.project_name}（{r.department_name}）"
              f"执行率 {percent(r.execution_rate)}，序时进度 {percent(r.time_progress)}"
              + (f"；{r.reasons}" if r.reasons else ""))
    return 0


def register(subparsers: Any) -> None:
    """Add `monitor warnings --db PATH --year Y --as-of YYYY-MM [--json]`."""
    monitor = subparsers.add_parser("monitor", help="绩效运行监控")
    inner = monitor.add_subparsers(dest="monitor_command", required=True)
    p = inner.add_parser("warnings", help="列出截至某月的红灯、黄灯预警项目")
    options.add_db(p)
    options.add_year(p)
    p.add_argument("--as-of", type=_as_of, required=True, help="截止月份，如 2024-08")
    options.add_json(p)
    p.add_argument("--top", type=int, default=30, help="文字输出时列出前几个项目")
    options.command(p, cmd_warnings, writes=False)
