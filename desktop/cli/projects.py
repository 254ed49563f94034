"""`perfbudget projects`: the bureau's project library (项目库) from the command line — list a year's projects,
write the blank registry workbook, import a filled one (a preview with --dry-run), register one project, move one
through its lifecycle (a unit's application accepted into 储备 or declined), link continuing projects to last
year's and decide the uncertain links."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.common.errors import USER_ERRORS
from core.common.formatting import plain
from core.common.labels import PROJECT_ATTRIBUTES, PROJECT_NATURES, PROJECT_STATUSES
from core.common.runner import call
from core.exchange import registry as xr
from core.projects import linking, service
from core.projects.dto import ProjectInput
from desktop.cli import options

_CODES = {**{v: k for k, v in PROJECT_ATTRIBUTES.items()}, **{v: k for k, v in PROJECT_NATURES.items()},
          **{v: k for k, v in PROJECT_STATUSES.items()}}


def _code(text: str) -> str:
    """A choice given in Chinese (新增, 储备 ...) or as its code name."""
    return _CODES.get(text.strip(), text.strip())


def _run(args: argparse.Namespace, work: Callable[[Any], int]) -> int:
    try:
        with options.open_database(args) as db:
            return work(db)
    except USER_ERRORS as exc:
        print(f"错误：{exc}")
        return 2


def cmd_list(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        rows = call(db, service.list_projects, options.ACTOR, args.year, _code(args.status) if args.status else None)
        if args.json:
            print(json.dumps([{"code": r.code, "name": r.name, "department": r.department_name,
                               "status": r.status, "attribute": r.attribute_label, "total": plain(r.total_amount),
                               "span_total": plain(r.span_total_amount), "start_year": r.start_year,
                               "end_year": r.end_year, "previous_code": r.previous_code, "link": r.link_label}
                              for r in rows], ensure_ascii=False, indent=1))
            return 0
        print(f"{args.year} 年度项目库：{len(rows)} 个项目。")
        for r in rows:
            print(f"{r.code} {r.name}（{r.department_name}）[{r.status_label}] 本年 {plain(r.total_amount)} 万元"
                  + (f"，上年项目 {r.previous_code}" if r.previous_code else ""))
        return 0
    return _run(args, work)


def cmd_template(args: argparse.Namespace) -> int:
    print(f"已生成项目库登记模板：{xr.write_template(args.out)}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        if args.dry_run:
            preview = call(db, xr.preview_registry, options.ACTOR, args.file)
        else:
            preview = call(db, xr.apply_registry, options.ACTOR, args.file)[0].preview
        counts = {s: preview.count(s) for s in xr.STATUS_LABELS}
        if args.json:
            print(json.dumps({"counts": counts, "applied": not args.dry_run, "problems": preview.located(),
                              "rows": [{"line": x.line, "code": x.code, "status": x.status, "changed": x.changed}
                                       for x in preview.lines]}, ensure_ascii=False, indent=1))
        else:
            print(("预览（未写入）" if args.dry_run else "已导入") + "："
                  + "，".join(f"{xr.STATUS_LABELS[s]} {n} 行" for s, n in counts.items()))
            for text in preview.located():
                print(text)
        return 1 if preview.problems else 0
    return _run(args, work)


def cmd_register(args: argparse.Namespace) -> int:
    entry = ProjectInput(args.year, args.code, args.name, args.department, args.implementing, _code(args.attribute),
                         _code(args.nature), args.fiscal, args.carryover, args.other, args.total, args.start_year,
                         args.end_year, args.span_total)

    def work(db: Any) -> int:
        pid, _ = call(db, service.register_project, options.ACTOR, entry)
        print(f"已登记项目 {args.code}（编号 {pid}），状态：储备。")
        return 0
    return _run(args, work)


def cmd_move(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        pid = call(db, service.project_id, options.ACTOR, args.year, args.code)
        call(db, service.move_status, options.ACTOR, pid, _code(args.to), args.reason)
        print(f"项目 {args.code} 已改为“{PROJECT_STATUSES[_code(args.to)]}”。")
        return 0
    return _run(args, work)


def cmd_link(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        summary, _ = call(db, linking.link_year, options.ACTOR, args.year)
        print(f"同编码关联 {summary.by_code} 个，名称相近关联 {summary.by_name} 个，待确认 {summary.proposed} 个，"
              f"未找到上年项目 {summary.unmatched} 个。")
        return 0
    return _run(args, work)


def cmd_links(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        rows = call(db, linking.proposals, options.ACTOR, args.year)
        if args.json:
            print(json.dumps([{"code": p.code, "name": p.name, "candidate_code": p.candidate_code,
                               "candidate_name": p.candidate_name, "similarity": plain(p.similarity, 2)}
                              for p in rows], ensure_ascii=False, indent=1))
            return 0
        print(f"{args.year} 年度待确认的上年项目关联：{len(rows)} 个。")
        for p in rows:
            print(f"{p.code} {p.name} ← {p.candidate_code} {p.candidate_name}（相似度 {p.similarity}）")
        return 0
    return _run(args, work)


def cmd_confirm(args: argparse.Namespace) -> int:
    def work(db: Any) -> int:
        pid = call(db, service.project_id, options.ACTOR, args.year, args.code)
        call(db, linking.decide, options.ACTOR, pid, args.accept)
        print(f"项目 {args.code} 的上年项目关联已" + ("确认。" if args.accept else "否决。"))
        return 0
    return _run(args, work)


def register(subparsers: Any) -> None:
    """Add `projects list|template|import|register|move|link|links|confirm`."""
    projects = subparsers.add_parser("projects", help="财政局项目库")
    inner = projects.add_subparsers(dest="projects_command", required=True)
    p = inner.add_parser("list", help="列出某年度项目库中的项目")
    options.add_db(p)
    options.add_year(p)
    p.add_argument("--status", help="只列出某状态（如 储备、新项目申请）")
    options.add_json(p)
    options.command(p, cmd_list, writes=False)
    p = inner.add_parser("template", help="生成空白的项目库登记工作簿")
    p.add_argument("--out", type=Path, required=True)
    options.command(p, cmd_template, writes=False)
    p = inner.add_parser("import", help="从登记工作簿批量登记项目（逐行核对，合格的行导入）")
    options.add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    options.add_json(p)
    options.command(p, cmd_import, writes=lambda a: not a.dry_run)
    p = inner.add_parser("register", help="登记一个项目（进入储备）")
    options.add_db(p)
    options.add_year(p)
    for flag in ("--code", "--name", "--department"):
        p.add_argument(flag, required=True)
    p.add_argument("--implementing", help="实施单位")
    p.add_argument("--attribute", default="新增", help="新增或延续")
    p.add_argument("--nature", default="一次性", help="一次性或经常性")
    for flag in ("--fiscal", "--carryover", "--other"):
        p.add_argument(flag, type=Decimal, default=Decimal(0), help="万元")
    p.add_argument("--total", type=Decimal, required=True, help="本年度合计，万元")
    p.add_argument("--start-year", type=int)
    p.add_argument("--end-year", type=int)
    p.add_argument("--span-total", type=Decimal, help="跨年度项目总额，万元")
    options.command(p, cmd_register, writes=True)
    p = inner.add_parser("move", help="改变项目状态（受理新项目申请：--to 储备；不予受理：--to 不予受理）")
    options.add_db(p)
    options.add_year(p)
    p.add_argument("--code", required=True)
    p.add_argument("--to", required=True, help="目标状态，如 储备、入库、已安排、执行中、已完成、已终止、不予受理")
    p.add_argument("--reason", default="")
    options.command(p, cmd_move, writes=True)
    p = inner.add_parser("link", help="把延续项目关联到上年项目（同编码，否则按名称相似度）")
    options.add_db(p)
    options.add_year(p)
    options.command(p, cmd_link, writes=True)
    p = inner.add_parser("links", help="列出待确认的上年项目关联")
    options.add_db(p)
    options.add_year(p)
    options.add_json(p)
    options.command(p, cmd_links, writes=False)
    p = inner.add_parser("confirm", help="确认或否决一个待确认的上年项目关联")
    options.add_db(p)
    options.add_year(p)
    p.add_argument("--code", required=True)
    decision = p.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true")
    decision.add_argument("--reject", dest="accept", action="store_false")
    options.command(p, cmd_confirm, writes=True)
