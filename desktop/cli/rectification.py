"""`perfbudget rectification collect|list|notices`: collect the year's rectification items from their sources,
list the register (overdue only, as JSON), and issue 两书一函 notices to named or all lagging units as one PDF."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.common.runner import call
from core.results import rectification, rectification_collect, rectification_reports
from core.results.dto import ItemRow
from core.results.rules.rectification import NOTICE_KINDS, SOURCES
from desktop.cli import options


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD（如 2024-11-01），收到“{text}”。") from exc


def as_json(row: ItemRow) -> dict[str, Any]:
    return {"uid": row.uid, "unit_code": row.unit_code, "unit": row.unit_name, "project_code": row.project_code,
            "project": row.project_name, "source": row.source, "source_ref": row.source_ref,
            "requirement": row.requirement, "issued_on": formatting.iso_date(row.issued_on),
            "deadline": formatting.iso_date(row.deadline), "status": row.status, "status_label": row.status_label,
            "overdue": row.overdue, "feedback": row.feedback, "recheck_opinion": row.recheck_opinion}


def cmd_collect(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        result = call(db, rectification_collect.collect, options.ACTOR, args.year, args.issued_on or date.today())
    if args.json:
        print(json.dumps({"year": args.year, "added": result.added, "existing": result.existing},
                         ensure_ascii=False, indent=1))
        return 0
    parts = "、".join(f"{SOURCES[k]} {n} 项" for k, n in result.added.items()) or "无新增"
    print(f"{args.year} 年度整改事项归集完成：新增 {result.total_added} 项（{parts}），已在台账中 {result.existing} 项。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    as_of = args.as_of or date.today()
    with options.open_database(args) as db:
        actor = options.ACTOR
        unit_id = call(db, rectification.find_unit, actor, args.unit) if args.unit else None
        rows = call(db, rectification.list_items, actor, args.year, as_of, unit_id=unit_id,
                    status="overdue" if args.overdue else None)
    if args.json:
        print(json.dumps({"year": args.year, "as_of": formatting.iso_date(as_of), "count": len(rows),
                          "items": [as_json(r) for r in rows]}, ensure_ascii=False, indent=1))
        return 0
    overdue = sum(1 for r in rows if r.overdue)
    print(f"{args.year} 年度整改台账（截至 {formatting.screen_date(as_of)}）：{len(rows)} 项，其中逾期 {overdue} 项。")
    for r in rows:
        print(f"[{r.status_label}] {r.unit_name} {r.subject}（{r.source_label}，期限 {formatting.screen_date(r.deadline)}）："
              f"{r.requirement}")
    return 0


def cmd_notices(args: argparse.Namespace) -> int:
    issued_on = args.issued_on or date.today()
    with options.open_database(args) as db:
        actor = options.ACTOR
        unit_ids = None if args.lagging else [call(db, rectification.find_unit, actor, c) for c in args.unit]
        documents = call(db, rectification_reports.issue_and_print, actor, args.year, args.kind, unit_ids, issued_on,
                         Path(args.out))
    print(f"已生成{NOTICE_KINDS[args.kind]} {len(documents)} 份：{'、'.join(d.number for d in documents)}，"
          f"写入 {args.out}。")
    return 0


def _guarded(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            result: int = handler(args)
        except USER_ERRORS as exc:
            print(f"错误：{exc}")
            return 2
        return result
    return run


def register(subparsers: Any) -> None:
    """Add `rectification collect|list|notices`."""
    top = subparsers.add_parser("rectification", help="整改台账与两书一函")
    inner = top.add_subparsers(dest="rectification_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        options.add_db(p)
        options.add_year(p, help="预算年度")

    p = inner.add_parser("collect", help="从目标审核、运行监控、绩效评价和审计发现归集整改事项")
    common(p)
    p.add_argument("--issued-on", type=_date, default=None, help="下达日期（默认今天），整改期限由此推算")
    options.add_json(p)
    options.command(p, _guarded(cmd_collect), writes=True)

    p = inner.add_parser("list", help="列出整改台账")
    common(p)
    p.add_argument("--as-of", type=_date, default=None, help="判断逾期的日期（默认今天）")
    p.add_argument("--unit", default=None, help="只列出该单位编码的事项")
    p.add_argument("--overdue", action="store_true", help="只列出逾期事项")
    options.add_json(p)
    options.command(p, _guarded(cmd_list), writes=False)

    p = inner.add_parser("notices", help="生成提醒敦促函、整改通知书或约谈函（PDF）")
    common(p)
    p.add_argument("--kind", choices=sorted(NOTICE_KINDS), required=True,
                   help="reminder 提醒敦促函 | notice 整改通知书 | interview 约谈函")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", action="append", default=[], help="单位编码（可重复）")
    who.add_argument("--lagging", action="store_true", help="发给下一步应发该文书的全部整改滞后单位")
    p.add_argument("--issued-on", type=_date, default=None, help="发文日期（默认今天）")
    p.add_argument("--out", required=True, help="PDF 文件路径")
    options.command(p, _guarded(cmd_notices), writes=True)  # numbers and records each notice
