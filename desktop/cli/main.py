"""The admin command line: every command goes through the same services as the GUI."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from core.common.errors import USER_ERRORS
from core.common.paths import default_database
from core.common.runner import call
from core.org import admin, auth, maintenance
from core.org.rules.roles import Actor, Role
from core.statistics import overview as stats
from core.statistics import yearly as year_statistics
from core.statistics.report import figure_text
from core.version import APP_NAME, __version__
from db.database import Database, open_database
from desktop.cli import evaluation as cli_evaluation
from desktop.cli import exchange as cli_exchange
from desktop.cli import monitor as cli_monitor
from desktop.cli import rectification as cli_rectification
from desktop.cli import results as cli_results
from desktop.cli import review as cli_review

CLI_ACTOR = Actor(f"cli:{getpass.getuser()}", "命令行", Role.ADMIN)


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help="数据库文件路径或数据库 URL（默认：用户数据目录中的 workbench.sqlite）")


def _open(args: argparse.Namespace, exclusive: bool = False) -> Database:
    return open_database(args.db or default_database(), exclusive=exclusive)


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise SystemExit("两次输入的密码不一致。")
    return first


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import generate as demo

    with _open(args, exclusive=True) as db:
        report = call(db, demo.generate_demo, CLI_ACTOR, year=args.year, scale=args.scale, seed=args.seed)
    if args.truth:
        demo.write_truth(report, Path(args.truth))
    print(f"已生成 {report.year} 年度演示县：部门 {report.departments} 个，镇街 {report.townships} 个，"
          f"项目 {report.projects} 个，绩效目标表 {report.goal_tables} 张，指标 {report.indicators} 条，"
          f"预置问题 {len(report.planted)} 处。")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError:
        raise SystemExit(f"--as-of 应写成 YYYY-MM-DD（如 2025-03-31），收到“{args.as_of}”。") from None
    with _open(args) as db:
        year = args.year or call(db, stats.current_year)
        if year is None:
            raise SystemExit("数据库中还没有任何年度数据。可先运行 perfbudget demo 生成演示县。")
        figures = call(db, stats.year_figures, CLI_ACTOR, year)
        comparison = call(db, year_statistics.year_statistics, CLI_ACTOR, year, as_of)
    data = stats.figures_as_json(figures)
    data["statistics"] = year_statistics.statistics_as_json(comparison)
    if args.json:
        _print_json(data)
    else:
        u = data["units"]
        print(f"{year} 年度：部门 {u['departments']}，镇街 {u['townships']}，预算单位 {u['budget_units']}；"
              f"项目 {data['projects']}，资金 {data['funds_wan']} 万元，指标 {data['indicators']}")
        for status, n in data["goal_tables_by_status"].items():
            print(f"  绩效目标表 {status}：{n}")
        print(f"年度统计（本年 / 上年 {year - 1}，整改逾期截至 {as_of.isoformat()}）：")
        for row in year_statistics.figure_rows(comparison):
            print(f"  {row.section} · {row.label}：{figure_text(row.kind, row.current)} / "
                  f"{figure_text(row.kind, row.previous)}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    with _open(args) as db:
        if args.action == "list":
            rows = call(db, admin.list_users, CLI_ACTOR)
            _print_json([{"username": r.username, "name": r.display_name, "role": r.role_label,
                          "unit": r.unit_name, "active": r.active, "locked": r.locked} for r in rows])
            return 0
        if args.action == "create-admin":
            password = _read_password(args)
            call(db, auth.create_first_admin, args.username, args.name or args.username, password, password)
            print(f"已创建系统管理员 {args.username}。")
            return 0
        if args.action == "add":
            password = _read_password(args)
            unit_id = _unit_id(db, args.unit) if args.unit else None
            data = admin.UserInput(args.username, args.name or args.username, args.role, unit_id)
            call(db, admin.create_user, CLI_ACTOR, data, password, password)
            print(f"已创建用户 {args.username}。")
            return 0
        user_id = _user_id(db, args.username)
        if args.action == "reset-password":
            password = _read_password(args)
            call(db, admin.reset_password, CLI_ACTOR, user_id, password, password)
            print(f"已重置 {args.username} 的密码。")
        else:
            call(db, admin.unlock_user, CLI_ACTOR, user_id)
            print(f"已解锁 {args.username}。")
    return 0


def _unit_id(db: Database, code: str) -> int:
    for row in call(db, admin.list_units, CLI_ACTOR):
        if row.code == code:
            return row.id
    raise SystemExit(f"找不到编码为 {code} 的单位。")


def _user_id(db: Database, username: str) -> int:
    for row in call(db, admin.list_users, CLI_ACTOR):
        if row.username == username:
            return row.id
    raise SystemExit(f"找不到用户 {username}。")


def cmd_backup(args: argparse.Namespace) -> int:
    with _open(args) as db:
        done = maintenance.backup_database(db, CLI_ACTOR, Path(args.to) if args.to else None).path
    print(f"已备份到 {done}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with _open(args, exclusive=True) as db:
        safety = maintenance.restore_database(db, CLI_ACTOR, Path(args.source)).safety
    print(f"已从 {args.source} 恢复。恢复前的数据已另存为 {safety}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    with _open(args, exclusive=True):
        pass  # opening upgrades (after a backup) and refuses a newer database
    print("数据库结构已是最新版本。")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with _open(args) as db:
        result = call(db, maintenance.verify_audit, CLI_ACTOR)
    print(result.message())
    return 0 if result.ok else 1


def cmd_selftest(args: argparse.Namespace) -> int:
    from desktop.shell.selftest import run_selftest

    return run_selftest(args.db or default_database())


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.shell.app import run_gui

    return run_gui(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfbudget", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("gui", help="启动图形界面（不带子命令时的默认动作）")
    _db_arg(p)
    p.add_argument("--user", help="自动登录的用户名（配合 --password）")
    p.add_argument("--password", help="自动登录的密码")
    p.add_argument("--page", help="登录后打开的页面，如 home、admin")
    p.add_argument("--screenshot", help="把窗口保存为 PNG 后退出（未登录时截取登录窗口）")
    p.add_argument("--no-demo", action="store_true", help="新数据库首次启动时不生成演示县")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("demo", help="生成确定性的演示县数据")
    _db_arg(p)
    p.add_argument("--year", type=int, default=2024)
    p.add_argument("--scale", type=float, default=1.0, help="规模倍数：10 约为 8000 个项目")
    p.add_argument("--seed", type=int, default=20240101)
    p.add_argument("--truth", help="把预置问题清单写入该 JSON 文件")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("stats", help="年度统计数字")
    _db_arg(p)
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-of", help="整改逾期的判断日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("users", help="用户与角色")
    _db_arg(p)
    p.add_argument("action", choices=["list", "create-admin", "add", "reset-password", "unlock"])
    p.add_argument("--username")
    p.add_argument("--name", help="显示名称")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.REVIEWER.value)
    p.add_argument("--unit", help="所属单位编码（填报员必填）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("backup", help="备份数据库")
    _db_arg(p)
    p.add_argument("--to", help="备份文件路径（默认：数据库旁的 backups 文件夹）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库（恢复前自动另存当前数据）")
    _db_arg(p)
    p.add_argument("--from", dest="source", required=True)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("db", help="数据库维护")
    p.add_argument("action", choices=["upgrade"])
    _db_arg(p)
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("audit", help="审计日志")
    p.add_argument("action", choices=["verify"])
    _db_arg(p)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("selftest", help="自检：字体、数据库、写入权限")
    _db_arg(p)
    p.set_defaults(func=cmd_selftest)

    cli_review.register(sub)
    cli_monitor.register(sub)
    cli_evaluation.register(sub)
    cli_exchange.register(sub)
    cli_rectification.register(sub)
    cli_results.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or [])])
    if args.command == "users" and args.action != "list" and not args.username:
        parser.error("请用 --username 指定用户名")
    try:
        return handler(args)
    except USER_ERRORS as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`perfbudget … | head`): stop quietly, as shell tools do
        sys.stderr.close()
        return 0
