"""`perfbudget evaluation list`: the year's evaluations of every kind (or of one) with subject, kind, score and
grade, as JSON or a Chinese list."""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.common.errors import USER_ERRORS
from core.common.labels import EVALUATION_KINDS
from core.common.paths import default_database
from core.common.runner import call
from core.evaluation import overview
from db.database import open_database
from desktop.cli.review import cli_actor


def as_json(row: overview.EvaluationRow) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "kind_label": row.kind_label, "subject_kind": row.subject_kind_label,
            "subject": row.subject, "project_code": row.project_code, "unit": row.unit_name,
            "department": row.department, "score": None if row.score is None else str(row.score),
            "grade": row.grade, "status": row.status}


def cmd_list(args: argparse.Namespace) -> int:
    try:
        with open_database(args.db or default_database()) as db:
            rows = call(db, overview.list_evaluations, cli_actor(), args.year, args.kind)
    except USER_ERRORS as exc:
        print(f"错误：{exc}")
        return 2
    counts = overview.grade_counts(rows)
    if args.json:
        print(json.dumps({"year": args.year, "kind": args.kind, "count": len(rows), "by_grade": counts,
                          "evaluations": [as_json(r) for r in rows]}, ensure_ascii=False, indent=1))
        return 0
    what = EVALUATION_KINDS[args.kind] if args.kind else "绩效评价"
    print(f"{args.year} 年度{what} {len(rows)} 项：" + "，".join(f"{g} {n} 项" for g, n in counts.items()) + "。")
    for r in rows:
        score = "—" if r.score is None else f"{r.score} 分"
        grade = f" {r.grade}" if r.grade else ""
        code = f"{r.project_code} " if r.project_code else ""
        print(f"[{r.kind_label}] {code}{r.subject}（{r.department}） {score}{grade}（{r.status_label}）")
    return 0


def register(subparsers: Any) -> None:
    """Add `evaluation list --db PATH --year Y [--kind K] [--json]`."""
    evaluation = subparsers.add_parser("evaluation", help="绩效评价")
    inner = evaluation.add_subparsers(dest="evaluation_command", required=True)
    p = inner.add_parser("list", help="列出某年度的绩效评价（评价对象、类型、得分、等级）")
    p.add_argument("--db", default=None, help="数据库文件路径或数据库 URL（默认：用户数据目录中的 workbench.sqlite）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=list(EVALUATION_KINDS), default=None,
                   help="只列一类：self 单位自评，key 财政重点评价，department 部门整体评价")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_list)
