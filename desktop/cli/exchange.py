"""`perfbudget exchange template|export|import`: the exchange packages of every kind in the registry
(core.exchange.kinds: 绩效目标表 with 项目信息, 监控表, 自评表, 结果反馈, 整改反馈) from the command line, and `exchange enrol-export|enrol`: the enrolment package (登记包) that sets up a unit
installation. `import` detects the kind from the package; `--dry-run --json` prints the preview with every
problem located and exits non-zero when the package is refused or has problems; `--problems-out F` writes the
problem list as a workbook for the unit. A real import is core.exchange.intake's use case (backup included), the
one the GUI calls too."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from core.common.errors import USER_ERRORS, ValidationError
from core.common.runner import call
from core.exchange import enrolment as exchange_enrolment
from core.exchange import intake
from core.exchange import kinds as exchange_kinds
from core.exchange import problems as exchange_problems
from core.exchange.package import STATUSES, PackagePreview
from desktop.cli import options

STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变", "conflicting": "冲突"}
DECISION_LABELS = {"new": "新交换包", "duplicate": "已导入过（不会重复导入）", "edited": "签名后被修改过（须确认）",
                   "unsigned": "未签名（须确认）", "refused": "已拒绝"}


def preview_json(preview: PackagePreview) -> dict[str, Any]:
    """The generic preview as JSON: decision, manifest, the rows by status, conflicts and every problem."""
    m = preview.manifest
    return {
        "kind": preview.kind, "label": preview.label,
        "decision": preview.decision, "refusal": preview.refusal, "blocked": preview.blocked,
        "manifest": None if m is None else {"package_id": m.package_id, "kind": m.kind, "sender": m.sender,
                                            "receiver": m.receiver, "year": m.year, "sequence": m.sequence,
                                            "signed": bool(m.signature)},
        "projects": {s: [c.code for c in preview.by_status(s)] for s in STATUSES},
        "conflicts": [{"project_code": c.code, "project_name": c.name, "sheet": c.sheet, "row": c.line,
                       "reason": c.reason} for c in preview.by_status("conflicting")],
        "problems": [{"sheet": p.sheet, "row": p.row, "column": p.column, "header": p.header,
                      "message": p.message, "text": str(p), "project_code": p.code} for p in preview.problems],
        "refused": preview.refused_codes,
        "notes": [{"sheet": n.sheet, "row": n.row, "column": n.column, "header": n.header,
                   "message": n.message, "text": str(n)} for n in preview.notes],
    }


def _print_preview(preview: PackagePreview) -> None:
    kind = f"（{preview.label}）" if preview.label else ""
    print(f"交换包判定{kind}：{DECISION_LABELS.get(preview.decision, preview.decision)}"
          + (f"。{preview.refusal}" if preview.refusal else ""))
    for status in STATUSES:
        print(f"  {STATUS_LABELS[status]}：{len(preview.by_status(status))} 项")
    for c in preview.by_status("conflicting"):
        print(f"  冲突 {c.code} {c.name}：{c.reason}")
    if preview.refused_codes and not preview.blocked:
        print(f"  退回（有问题，不导入，其余照常导入）：{'、'.join(preview.refused_codes)}")
    for problem in preview.problems:
        print(f"  问题：{problem}")
    for note in preview.notes:
        print(f"  提示：{note}")


def cmd_export(args: argparse.Namespace) -> int:
    actor = options.ACTOR
    label = exchange_kinds.entry(args.kind).kind.label
    with options.open_database(args) as db:
        if args.all_units:
            if not args.out_dir:
                print("错误：--all-units 需要 --out-dir 目录。")
                return 2
            paths = call(db, exchange_kinds.export_all_units, actor, args.kind, args.year, Path(args.out_dir),
                         args.round).paths
            print(f"已为 {len(paths)} 个单位导出{label}交换包到：{args.out_dir}")
            return 0
        if not args.out:
            print("错误：请用 --out 指定交换包文件（或用 --all-units --out-dir 为全部单位导出）。")
            return 2
        path = call(db, exchange_kinds.export_kind, actor, args.kind, args.year, Path(args.out), args.unit,
                    args.round).path
    print(f"已导出{label}交换包：{path}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    label = exchange_kinds.entry(args.kind).kind.label
    with options.open_database(args) as db:
        path = call(db, exchange_kinds.template_kind, options.ACTOR, args.kind, args.year, Path(args.out), args.unit,
                    args.round).path
    print(f"已导出单位“{args.unit}”的{label}空白模板：{path}")
    print("单位填好后交回，导入时须经审核人确认（--confirm-unsigned），并标记为“未签名”。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    actor = options.ACTOR
    with options.open_database(args) as db:
        preview = call(db, intake.preview, actor, Path(args.file))
        if args.json:
            print(json.dumps(preview_json(preview), ensure_ascii=False, indent=1))
        else:
            _print_preview(preview)
        if args.problems_out:
            written = exchange_problems.write_problems(preview, Path(args.problems_out), Path(args.file).name)
            if not args.json:
                print(f"问题清单已写入：{written}")
        if preview.blocked:
            return 1
        if args.dry_run:
            return 0
        try:
            done = intake.import_package(db, actor, Path(args.file), preview, args.confirm_unsigned)
        except ValidationError as exc:
            if exc.field != "confirm_unsigned":
                raise
            print("该交换包未签名或签名后被修改过：核对无误后请加 --confirm-unsigned 再导入。")
            return 1
    if done.duplicate:
        return 0
    if done.backup is not None:
        print(f"导入前已备份数据库：{done.backup}")
    unit = exchange_kinds.counting_word(done.preview.kind)
    print(f"已导入{done.preview.label}：写入 {len(done.written)} {unit}，"
          f"冲突未导入 {len(done.preview.by_status('conflicting'))} {unit}。")
    return 0


def cmd_enrol_export(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        path = call(db, exchange_enrolment.export_enrolment, options.ACTOR, args.unit, Path(args.out)).path
    print(f"已导出单位“{args.unit}”的登记包：{path}")
    print("登记包含有该单位的签名密钥，请当面交给单位管理员，不要通过邮件或共享目录传送。")
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        done = call(db, exchange_enrolment.enrol_from_package, options.ACTOR, Path(args.file))
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
    """Add `exchange template --kind K --unit CODE --year Y --out FILE [--round R]`,
    `exchange export --kind K --year Y (--out FILE [--unit CODE] | --all-units --out-dir DIR) [--round R]`,
    `exchange import FILE [--dry-run] [--json] [--confirm-unsigned] [--problems-out FILE]`,
    `exchange enrol-export --unit CODE --out FILE` and `exchange enrol FILE`, each with `--db PATH`."""
    exchange = subparsers.add_parser("exchange", help="数据交换（Excel 交换包）")
    inner = exchange.add_subparsers(dest="exchange_command", required=True)
    kinds = "、".join(f"{k}（{v}）" for k, v in exchange_kinds.LABELS.items())
    templates = [k for k, e in exchange_kinds.ENTRIES.items() if e.template is not None]
    p = inner.add_parser("template", help="财政局为单位导出空白模板（单位不用本程序也能填写）")
    options.add_db(p)
    p.add_argument("--kind", required=True, choices=templates,
                   help=f"模板类型：{'、'.join(f'{k}（{exchange_kinds.LABELS[k]}）' for k in templates)}")
    p.add_argument("--unit", required=True, help="单位编码")
    options.add_year(p)
    p.add_argument("--out", required=True, help="模板文件（.xlsx）")
    p.add_argument("--round", default=None, help="监控轮次名称，如 1-8月（监控表；默认最新一轮）")
    options.command(p, _guarded(cmd_template), writes=True)
    p = inner.add_parser("export", help="导出交换包（单位端导出本单位的；财政局为指定单位或全部单位导出）")
    options.add_db(p)
    p.add_argument("--kind", default="goals", choices=list(exchange_kinds.LABELS),
                   help=f"交换包类型（默认 goals）：{kinds}；results 只由财政局导出，rectification_feedback 只由单位端导出")
    options.add_year(p)
    p.add_argument("--out", default=None, help="交换包文件（.xlsx）")
    p.add_argument("--unit", default=None, help="单位编码（财政局导出时必填）")
    p.add_argument("--all-units", action="store_true", help="财政局为全部部门和镇街各导出一个文件")
    p.add_argument("--out-dir", default=None, help="--all-units 时存放交换包的目录")
    p.add_argument("--round", default=None, help="监控轮次名称，如 1-8月（监控表；默认最新一轮）")
    options.command(p, _guarded(cmd_export), writes=True)
    p = inner.add_parser("import", help="导入交换包（自动识别类型；先预览，再导入）")
    options.add_db(p)
    p.add_argument("file", help="交换包文件（.xlsx）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    options.add_json(p, help="以 JSON 输出预览")
    p.add_argument("--confirm-unsigned", action="store_true", help="审核人确认后导入未签名或被修改过的交换包")
    p.add_argument("--problems-out", default=None, help="把问题清单写成工作簿（.xlsx），交单位修改")
    options.command(p, _guarded(cmd_import), writes=lambda a: not a.dry_run)
    p = inner.add_parser("enrol-export", help="财政局为单位导出登记包（含签名密钥，须当面交接）")
    options.add_db(p)
    p.add_argument("--unit", required=True, help="单位编码")
    p.add_argument("--out", required=True, help="登记包文件（.xlsx）")
    options.command(p, _guarded(cmd_enrol_export), writes=True)
    p = inner.add_parser("enrol", help="在新安装的单位工作台上导入登记包")
    options.add_db(p)
    p.add_argument("file", help="登记包文件（.xlsx）")
    options.command(p, _guarded(cmd_enrol), writes=True)

