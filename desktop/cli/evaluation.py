"""`perfbudget evaluation list`: the year's evaluations of every kind (or of one) with subject, kind, score and
grade, as JSON or a Chinese list."""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.common.labels import EVALUATION_KINDS
from core.common.runner import call
from core.evaluation import overview
from core.evaluation.dto import EvaluationRow
from desktop.cli import options


def as_json(row: EvaluationRow) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "kind_label": row.kind_label, "subject_kind": row.subject_kind_label,
            "subject": row.subject, "project_code": row.project_code, "unit": row.unit_name,
            "department": row.department, "score": formatting.plain(row.score, formatting.SCORE_PLACES),
            "grade": row.grade, "status": row.status}


def cmd_list(args: argparse.Namespace) -> int:
    try:
        with options.open_database(args) as db:
            rows = call(db, overview.list_evaluations, options.ACTOR, args.year, args.kind)
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
        score = formatting.MISSING if r.score is None else f"{formatting.score(r.score)} 分"
        grade = f" {r.grade}" if r.grade else ""
        code = f"{r.project_code} " if r.project_code else ""
        print(f"[{r.kind_label}] {code}{r.subject}（{r.department}） {score}{grade}（{r.status_label}）")
    return 0


def register(subparsers: Any) -> None:
    """Add `evaluation list --db PATH --year Y [--kind K] [--json]`."""
    evaluation = subparsers.add_parser("evaluation", help="绩效评价")
    inner = evaluation.add_subparsers(dest="evaluation_command", required=True)
    p = inner.add_parser("list", help="列出某年度的绩效评价（评价对象、类型、得分、等级）")
    options.add_db(p)
    options.add_year(p)
    p.add_argument("--kind", choices=list(EVALUATION_KINDS), default=None,
                   help="只列一类：self 单位自评，key 财政重点评价，department 部门整体评价")
    options.add_json(p)
    options.command(p, cmd_list, writes=False)
