"""`perfbudget exchange export|import`: the goal-table exchange package (绩效目标表, unit → bureau) from the
command line, and `exchange enrol-export|enrol`: the enrolment package (登记包) that sets up a unit installation; `import --dry-run --json` prints the preview with every problem located and exits non-zero when
the package is refused or has problems. A real import backs the database up first."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.errors import USER_ERRORS
from core.paths import default_database
from core.services import exchange_enrolment, exchange_goals, maintenance
from core.services.runner import call
from db.database import open_database
from desktop.cli_review import cli_actor

STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变", "conflicting": "冲突"}
DECISION_LABELS = {"new": "新交换包", "duplicate": "已导入过（不会重复导入）", "edited": "签名后被修改过（须确认）",
                   "unsigned": "未签名（须确认）", "refused": "已拒绝"}


def preview_json(preview: exchange_goals.GoalsPreview) -> dict[str, Any]:
    m = preview.manifest
    return {
        "decision": preview.decision, "refusal": preview.refusal, "blocked": preview.blocked,
        "manifest": None if m is None else {"package_id": m.package_id, "kind": m.kind, "sender": m.sender,
                                            "receiver": m.receiver, "year": m.year, "sequence": m.sequence},
        "projects": {s: [p.code for p in preview.by_status(s)] for s in exchange_goals.STATUSES},
        "conflicts": [{"project_code": p.code, "project_name": p.name, "sheet": "绩效目标表", "row": p.line,
                       "reason": p.reason} for p in preview.by_status("conflicting")],
        "problems": [{"sheet": p.sheet, "row": p.row, "column": p.column, "header": p.header,
                      "message": p.message, "text": str(p)} for p in preview.problems],
    }


def _print_preview(preview: exchange_goals.GoalsPreview) -> None:
    print(f"交换包判定：{DECISION_LABELS.get(preview.decision, preview.decision)}"
          + (f"。{preview.refusal}" if preview.refusal else ""))
    for status in exchange_goals.STATUSES:
        print(f"  {STATUS_LABELS[status]}：{len(preview.by_status(status))} 张")
    for p in preview.by_status("conflicting"):
        print(f"  冲突 {p.code} {p.name}：{p.reason}")
    for problem in preview.problems:
        print(f"  问题：{problem}")


def cmd_export(args: argparse.Namespace) -> int:
    with open_database(args.db or default_database()) as db:
        path = call(db, exchange_goals.export_goals, cli_actor(), args.year, Path(args.out), args.unit)
    print(f"已导出绩效目标表交换包：{path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    actor = cli_actor()
    with open_database(args.db or default_database()) as db:
        preview = call(db, exchange_goals.preview_goals, actor, Path(args.file))
        if args.json:
            print(json.dumps(preview_json(preview), ensure_ascii=False, indent=1))
        else:
            _print_preview(preview)
        if preview.blocked:
            return 1
        if args.dry_run or preview.decision == "duplicate":
            return 0
        if preview.decision in ("edited", "unsigned") and not args.confirm_unsigned:
            print("该交换包未签名或签名后被修改过：核对无误后请加 --confirm-unsigned 再导入。")
            return 1
        if db.path is not None:
            backup = maintenance.backup_database(db, actor)
            print(f"导入前已备份数据库：{backup}")
        done = call(db, exchange_goals.apply_goals, actor, Path(args.file), args.confirm_unsigned)
    print(f"已导入：写入 {len(done.written)} 张绩效目标表，冲突未导入 {len(done.preview.by_status('conflicting'))} 张。")
    return 0


def cmd_enrol_export(args: argparse.Namespace) -> int:
    with open_database(args.db or default_database()) as db:
        path = call(db, exchange_enrolment.export_enrolment, cli_actor(), args.unit, Path(args.out))
    print(f"已导出单位“{args.unit}”的登记包：{path}")
    print("登记包含有该单位的签名密钥，请当面交给单位管理员，不要通过邮件或共享目录传送。")
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    with open_database(args.db or default_database()) as db:
        done = call(db, exchange_enrolment.enrol_from_package, cli_actor(), Path(args.file))
    if done.duplicate:
        print(f"该登记包已导入过，本机已是单位“{done.unit_code}”的工作台，未做任何修改。")
    else:
        print(f"本机已登记为单位“{done.unit_code} {done.unit_name}”（{done.year} 年度）：单位 {done.units} 个，"
              f"设置 {done.settings} 项，指标库新增指标 {done.library} 条。")
    return 0


def _guarded(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(handler(args))
        except USER_ERRORS as exc:
            print(f"错误：{exc}")
            return 2
    return run


def register(subparsers: Any) -> None:
    """Add `exchange export --db PATH --year Y --out FILE [--unit CODE]` and
    `exchange import --db PATH FILE [--dry-run] [--json] [--confirm-unsigned]`,
    `exchange enrol-export --db PATH --unit CODE --out FILE` and `exchange enrol --db PATH FILE`."""
    exchange = subparsers.add_parser("exchange", help="数据交换（Excel 交换包）")
    inner = exchange.add_subparsers(dest="exchange_command", required=True)
    db_help = "数据库文件路径或数据库 URL（默认：用户数据目录中的 workbench.sqlite）"
    p = inner.add_parser("export", help="导出绩效目标表交换包")
    p.add_argument("--db", default=None, help=db_help)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True, help="交换包文件（.xlsx）")
    p.add_argument("--unit", default=None, help="单位编码（财政局导出时必填）")
    p.set_defaults(func=_guarded(cmd_export))
    p = inner.add_parser("import", help="导入绩效目标表交换包（先预览，再导入）")
    p.add_argument("--db", default=None, help=db_help)
    p.add_argument("file", help="交换包文件（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--json", action="store_true", help="以 JSON 输出预览")
    p.add_argument("--confirm-unsigned", action="store_true", help="审核人确认后导入未签名或被修改过的交换包")
    p.set_defaults(func=_guarded(cmd_import))
    p = inner.add_parser("enrol-export", help="财政局为单位导出登记包（含签名密钥，须当面交接）")
    p.add_argument("--db", default=None, help=db_help)
    p.add_argument("--unit", required=True, help="单位编码")
    p.add_argument("--out", required=True, help="登记包文件（.xlsx）")
    p.set_defaults(func=_guarded(cmd_enrol_export))
    p = inner.add_parser("enrol", help="在新安装的单位工作台上导入登记包")
    p.add_argument("--db", default=None, help=db_help)
    p.add_argument("file", help="登记包文件（.xlsx）")
    p.set_defaults(func=_guarded(cmd_enrol))

