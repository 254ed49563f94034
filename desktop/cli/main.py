"""The admin command line: every command goes through the same services as the GUI, and opens the database under
desktop.cli.options' rule (reading commands run beside the GUI, writing ones take the instance lock)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.common.paths import default_database
from core.common.runner import call
from core.org import admin, auth, lookups, maintenance
from core.org.dto import UserInput
from core.org.rules.roles import Role
from core.statistics import overview as stats
from core.statistics import yearly as year_statistics
from core.statistics.presentation import figure_text
from core.version import APP_NAME, __version__
from db.database import Database
from desktop.cli import evaluation as cli_evaluation
from desktop.cli import exchange as cli_exchange
from desktop.cli import monitor as cli_monitor
from desktop.cli import options
from desktop.cli import projects as cli_projects
from desktop.cli import rectification as cli_rectification
from desktop.cli import results as cli_results
from desktop.cli import review as cli_review


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import generate as demo

    with options.open_database(args) as db:
        report = call(db, demo.generate_demo, options.ACTOR, year=args.year, scale=args.scale, seed=args.seed)
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
    with options.open_database(args) as db:
        year = args.year or call(db, lookups.current_year)
        if year is None:
            raise SystemExit("数据库中还没有任何年度数据。可先运行 perfbudget demo 生成演示县。")
        figures = call(db, stats.year_figures, options.ACTOR, year)
        comparison = call(db, year_statistics.year_statistics, options.ACTOR, year, as_of)
    data = stats.figures_as_json(figures)
    data["statistics"] = year_statistics.statistics_as_json(comparison)
    if args.json:
        _print_json(data)
    else:
        u = data["units"]
        print(f"{year} 年度：部门 {u['departments']}，镇街 {u['townships']}，预算单位 {u['budget_units']}；"
              f"项目 {data['projects']}，资金 {formatting.amount(figures.funds_total)} 万元，指标 {data['indicators']}")
        for status, n in data["goal_tables_by_status"].items():
            print(f"  绩效目标表 {status}：{n}")
        for status, n in data["department_goal_tables_by_status"].items():
            print(f"  部门整体绩效目标表 {status}：{n}")
        print(f"年度统计（本年 / 上年 {year - 1}，整改逾期截至 {formatting.screen_date(as_of)}）：")
        for row in year_statistics.figure_rows(comparison):
            print(figure_line(row))
    return 0


def figure_line(row: year_statistics.FigureRow) -> str:
    """One line of `stats`: the figure of both years as the screen and the reports print it."""
    return f"  {row.section} · {row.label}：{figure_text(row.kind, row.current)} / {figure_text(row.kind, row.previous)}"


def cmd_users(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        if args.action == "list":
            rows = call(db, admin.list_users, options.ACTOR)
            _print_json([{"username": r.username, "name": r.display_name, "role": r.role_label,
                          "unit": r.unit_name, "active": r.active, "locked": r.locked} for r in rows])
            return 0
        if args.action == "create-admin":
            password = options.new_password(args)
            call(db, auth.create_first_admin, args.username, args.name or args.username, password, password)
            print(f"已创建系统管理员 {args.username}。")
            return 0
        if args.action == "add":
            password = options.new_password(args)
            unit_id = _unit_id(db, args.unit) if args.unit else None
            data = UserInput(args.username, args.name or args.username, args.role, unit_id)
            call(db, admin.create_user, options.ACTOR, data, password, password)
            print(f"已创建用户 {args.username}。")
            return 0
        user_id = _user_id(db, args.username)
        if args.action == "reset-password":
            password = options.new_password(args)
            call(db, admin.reset_password, options.ACTOR, user_id, password, password)
            print(f"已重置 {args.username} 的密码。")
        else:
            call(db, admin.unlock_user, options.ACTOR, user_id)
            print(f"已解锁 {args.username}。")
    return 0


def _unit_id(db: Database, code: str) -> int:
    for row in call(db, admin.list_units, options.ACTOR):
        if row.code == code:
            return row.id
    raise SystemExit(f"找不到编码为 {code} 的单位。")


def _user_id(db: Database, username: str) -> int:
    for row in call(db, admin.list_users, options.ACTOR):
        if row.username == username:
            return row.id
    raise SystemExit(f"找不到用户 {username}。")


def cmd_backup(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        done = maintenance.backup_database(db, options.ACTOR, Path(args.to) if args.to else None).path
    print(f"已备份到 {done}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        safety = maintenance.restore_database(db, options.ACTOR, Path(args.source)).safety
    print(f"已从 {args.source} 恢复。恢复前的数据已另存为 {safety}")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    with options.open_database(args):
        pass  # opening upgrades (after a backup) and refuses a newer database
    print("数据库结构已是最新版本。")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with options.open_database(args) as db:
        result = call(db, maintenance.verify_audit, options.ACTOR)
    print(result.message())
    return 0 if result.ok else 1


def cmd_selftest(args: argparse.Namespace) -> int:
    from desktop.shell.selftest import run_selftest

    return run_selftest(args.db or default_database())


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.shell.app import run_gui

    args.login_password = options.login_password(args) if args.user else None
    return run_gui(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfbudget", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("gui", help="启动图形界面（不带子命令时的默认动作）")
    options.add_db(p)
    p.add_argument("--user", help=f"自动登录的用户名（密码用 --password-stdin 或环境变量 {options.PASSWORD_ENV} 提供，"
                                  "否则在终端询问）")
    options.add_password_stdin(p)
    options.refuse_password_argument(p)
    p.add_argument("--page", help="登录后打开的页面，如 home、admin")
    p.add_argument("--screenshot", help="把窗口保存为 PNG 后退出（未登录时截取登录窗口）")
    p.add_argument("--no-demo", action="store_true", help="新数据库首次启动时不生成演示县")
    options.command(p, cmd_gui, writes=True)  # the GUI takes the instance lock itself

    p = sub.add_parser("demo", help="生成确定性的演示县数据")
    options.add_db(p)
    options.add_year(p, required=False, default=2024)
    p.add_argument("--scale", type=float, default=1.0, help="规模倍数：10 约为 8000 个项目")
    p.add_argument("--seed", type=int, default=20240101)
    p.add_argument("--truth", help="把预置问题清单写入该 JSON 文件")
    options.command(p, cmd_demo, writes=True)

    p = sub.add_parser("stats", help="年度统计数字")
    options.add_db(p)
    options.add_year(p, required=False, help="年度（默认最新年度）")
    options.add_json(p)
    p.add_argument("--as-of", help="整改逾期的判断日期 YYYY-MM-DD（默认今天）")
    options.command(p, cmd_stats, writes=False)

    p = sub.add_parser("users", help="用户与角色")
    options.add_db(p)
    p.add_argument("action", choices=["list", "create-admin", "add", "reset-password", "unlock"])
    p.add_argument("--username")
    p.add_argument("--name", help="显示名称")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.REVIEWER.value)
    p.add_argument("--unit", help="所属单位编码（填报员必填）")
    options.add_password_stdin(p)
    options.command(p, cmd_users, writes=lambda a: a.action != "list")

    p = sub.add_parser("backup", help="备份数据库")
    options.add_db(p)
    p.add_argument("--to", help="备份文件路径（默认：数据库旁的 backups 文件夹）")
    options.command(p, cmd_backup, writes=True)  # it records the backup in the audit log

    p = sub.add_parser("restore", help="从备份恢复数据库（恢复前自动另存当前数据）")
    options.add_db(p)
    p.add_argument("--from", dest="source", required=True)
    options.command(p, cmd_restore, writes=True)

    p = sub.add_parser("db", help="数据库维护")
    p.add_argument("action", choices=["upgrade"])
    options.add_db(p)
    options.command(p, cmd_db, writes=True)

    p = sub.add_parser("audit", help="审计日志")
    p.add_argument("action", choices=["verify"])
    options.add_db(p)
    options.command(p, cmd_audit, writes=False)

    p = sub.add_parser("selftest", help="自检：字体、数据库、写入权限")
    options.add_db(p)
    options.command(p, cmd_selftest, writes=False)

    cli_review.register(sub)
    cli_monitor.register(sub)
    cli_evaluation.register(sub)
    cli_exchange.register(sub)
    cli_rectification.register(sub)
    cli_results.register(sub)
    cli_projects.register(sub)
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
