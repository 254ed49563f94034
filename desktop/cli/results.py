"""`perfbudget results suggestions|policy`: the 预算安排建议表 of a year's results (per project and per department,
as JSON, a Chinese summary, or a workbook/PDF file) and the year's result-application policy."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.common.runner import call
from core.results import application as results
from core.results.dto import SuggestionTable
from core.results.rules import policy as rules
from desktop.cli import options


def _wan(amount: Decimal) -> str | None:
    """An amount for JSON: 万元 to the whole 元, as the text and the screen show it."""
    return formatting.plain(amount, formatting.YUAN_PLACES)


def table_json(table: SuggestionTable) -> dict[str, Any]:
    t = table.totals
    return {
        "year": table.year, "applies_to": table.year + 1, "unit": "万元",
        "totals": {"this_year": _wan(t.this_year), "suggested": _wan(t.suggested), "change": _wan(t.change),
                   "cut": _wan(t.cut), "increased": _wan(t.increased),
                   "cancelled_projects": t.cancelled_projects, "projects_cut": t.projects_cut},
        "departments": [{"code": d.code, "name": d.name, "projects": d.projects, "this_year": _wan(d.this_year),
                         "suggested_sum": _wan(d.suggested_sum),
                         "composite": formatting.plain(d.score.composite, formatting.SCORE_PLACES),
                         "coefficient": str(d.score.coefficient), "suggested_total": _wan(d.suggested_total),
                         "final": _wan(d.final), "override_reason": d.override.reason if d.override else None,
                         "explanation": d.score.explanation} for d in table.departments],
        "projects": [{"code": p.code, "name": p.name, "department": p.department_name, "this_year": _wan(p.amount),
                      "results": p.results, "suggested": _wan(p.suggested), "final": _wan(p.final),
                      "change": _wan(p.change), "rule": p.rule,
                      "override_reason": p.override.reason if p.override else None} for p in table.projects],
    }


def cmd_suggestions(args: argparse.Namespace) -> int:
    try:
        with options.open_database(args) as db:
            if args.out:
                out = Path(args.out)
                if out.suffix.lower() not in (".xlsx", ".pdf"):
                    print("错误：--out 须以 .xlsx（工作簿）或 .pdf 结尾。")
                    return 2
                build = results.suggestion_pdf if out.suffix.lower() == ".pdf" else results.suggestion_workbook
                call(db, build, options.ACTOR, args.year, out)
            table = call(db, results.suggestions, options.ACTOR, args.year)
    except USER_ERRORS as exc:
        print(f"错误：{exc}")
        return 2
    if args.json:
        print(json.dumps(table_json(table), ensure_ascii=False, indent=1))
        return 0
    t = table.totals
    print(f"{table.year} 年度绩效结果应用于 {table.year + 1} 年度预算：本年 {rules.wan(t.this_year)} 万元，"
          f"建议 {rules.wan(t.suggested)} 万元（增减 {rules.wan(t.change)} 万元）；延续项目核减 {rules.wan(t.cut)} 万元"
          f"（{t.projects_cut} 个项目），增加 {rules.wan(t.increased)} 万元，不再安排 {t.cancelled_projects} 个。")
    for d in table.departments:
        if d.projects:
            score = formatting.score(d.score.composite)
            print(f"{d.code} {d.name}：{d.projects} 个项目，本年 {rules.wan(d.this_year)} → 建议 {rules.wan(d.final)} 万元"
                  f"（综合得分 {score}，系数 {d.score.coefficient}）")
    if args.out:
        print(f"已写出 {args.out}")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    try:
        with options.open_database(args) as db:
            view = call(db, results.policy_view, options.ACTOR, args.year)
    except USER_ERRORS as exc:
        print(f"错误：{exc}")
        return 2
    p = view.policy
    if args.json:
        print(json.dumps({"year": view.year, "stored": view.stored, **rules.policy_json(p)}, ensure_ascii=False,
                         indent=1))
        return 0
    print(f"{view.year} 年度结果应用政策（{'已保存' if view.stored else '默认值，尚未保存'}）")
    print("等级处理：" + "；".join(f"{a.grade} {a.label} {a.percent:+g}%" for a in p.grade_actions))
    print("综合得分权重：" + "；".join(f"{rules.COMPONENT_LABELS[k]} {w:g}" for k, w in p.weights))
    print(f"扣分：审计检查上限 {p.finding_cap:g} 分；整改每项逾期 {p.overdue_points:g} 分、不合格 {p.failed_points:g} 分，"
          f"上限 {p.rectification_cap:g} 分")
    last = max(b.high for b in p.bands)
    print("调整系数：" + "；".join(f"[{b.low:g}, {b.high:g}{']' if b.high == last else ')'} → {b.coefficient}"
                                  for b in sorted(p.bands, key=lambda b: b.low)))
    return 0


def register(subparsers: Any) -> None:
    """Add `results suggestions --year Y [--json] [--out F.xlsx|F.pdf]` and `results policy --year Y [--json]`."""
    group = subparsers.add_parser("results", help="结果应用：预算安排建议表和结果应用政策")
    inner = group.add_subparsers(dest="results_command", required=True)
    p = inner.add_parser("suggestions", help="某年度绩效结果对下一年度预算的安排建议（项目和部门）")
    options.add_db(p)
    options.add_year(p, help="结果所属年度（建议用于下一年度预算）")
    options.add_json(p, help="输出 JSON（金额为万元，精确到元）")
    p.add_argument("--out", default=None, help="另存为预算安排建议表：.xlsx 工作簿或 .pdf")
    options.command(p, cmd_suggestions, writes=False)  # --out writes a file, not the database
    q = inner.add_parser("policy", help="某年度的结果应用政策")
    options.add_db(q)
    options.add_year(q)
    options.add_json(q)
    options.command(q, cmd_policy, writes=False)
