"""`perfbudget review auto`: automatic pre-review of a year's goal tables, as JSON or a Chinese summary."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from core.common.runner import call
from core.review import auto as review_auto
from core.review.dto import TableReview
from desktop.cli import options

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def as_json(reviews: list[TableReview]) -> dict[str, Any]:
    return {"summary": review_auto.summary(reviews),
            "tables": [{"project_id": r.project_id, "project_code": r.project_code, "project_name": r.project_name,
                        "unit_name": r.unit_name, "status": r.status, "total_amount": str(r.total_amount),
                        "score": str(r.score), "findings": [asdict(f) for f in r.findings]} for r in reviews]}


def cmd_review_auto(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        reviews = call(db, review_auto.auto_review, options.ACTOR, args.year)
    if args.json:
        print(json.dumps(as_json(reviews), ensure_ascii=False, indent=1))
        return 0
    s = review_auto.summary(reviews)
    sev = "，".join(f"{SEVERITY_LABELS[k]} {v}" for k, v in s["by_severity"].items())
    print(f"{args.year} 年度绩效目标自动预审：{s['tables']} 张表，{s['tables_flagged']} 张存在错误或警告；"
          f"发现问题 {s['findings']} 条（{sev}）。")
    print("按审核维度：" + "，".join(f"{k} {v}" for k, v in s["by_dimension"].items()))
    for r in reviews[: args.top]:
        serious = [f for f in r.findings if f.severity != "info"]
        if not serious:
            break
        print(f"\n[{r.score} 分] {r.project_code} {r.project_name}（{r.unit_name}）")
        for f in serious:
            print(f"  - {f.rule_id} {SEVERITY_LABELS[f.severity]}：{f.message}")
    return 0


def register(subparsers: Any) -> None:
    """Add `review auto --db PATH --year Y [--json]` to the perfbudget command line."""
    review = subparsers.add_parser("review", help="绩效目标审核")
    inner = review.add_subparsers(dest="review_command", required=True)
    p = inner.add_parser("auto", help="自动预审：按完整性、相关性、适当性、可行性检查全部目标表")
    options.add_db(p)
    options.add_year(p)
    options.add_json(p, help="输出全部问题（JSON）")
    p.add_argument("--top", type=int, default=20, help="文字摘要中列出得分最低的几张表")
    options.command(p, cmd_review_auto, writes=False)
