"""The command line's shared options (--db, --json, --year, passwords), who it acts as, and how every command
opens the database, under one rule for running beside an open GUI.

The rule. A command that only reads (figures, lists, previews, checks) runs beside an open GUI or another command:
it takes no instance lock, and its units of work refuse to commit, so a command declared as reading cannot write
by mistake. A command that writes takes the instance lock (db/instance_lock.py) for its whole run, as the GUI does,
so while the GUI (or another writing command) has the database open it is refused with a message saying so. A
schema upgrade is a write: a reading command that finds one due takes the lock for it (db.database).
Why writes do not run beside the GUI, although SQLite would keep the file consistent (every write transaction
starts with BEGIN IMMEDIATE): the GUI keeps what it shows (a package preview about to be applied, a form being
edited) and hears of no change made by another process, and a long write (an import, the demo county, collecting
rectification items) would hold SQLite's write lock past the GUI's busy timeout.

Each command declares which it is when it is registered, `command(parser, handler, writes=...)`: a bool, or a
function of the arguments where one command does both (`users list` reads, `exchange import --dry-run` reads).

Passwords never come from the command line, where every user of the machine sees them (`ps`). `--password-stdin`
reads the first line of standard input. To log in (`gui --user U`) the environment variable PERFBUDGET_PASSWORD
works too, for a screenshot script. Otherwise the terminal asks. A new password (users create-admin, add,
reset-password) comes from standard input or is asked twice, never from the environment: a variable left set
for logging in must not become another account's password.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

from core.common.paths import default_database
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.database import open_database as _open_database

ACTOR = Actor(f"cli:{getpass.getuser()}", "命令行", Role.ADMIN)  # an administrator named after the system user
PASSWORD_ENV = "PERFBUDGET_PASSWORD"
DB_HELP = "数据库文件路径或数据库 URL（默认：用户数据目录中的 workbench.sqlite）"

Handler = Callable[[argparse.Namespace], int]
Writes = bool | Callable[[argparse.Namespace], bool]


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help=DB_HELP)


def add_json(p: argparse.ArgumentParser, help: str = "输出 JSON") -> None:
    p.add_argument("--json", action="store_true", help=help)


def add_year(p: argparse.ArgumentParser, required: bool = True, default: int | None = None,
             help: str | None = None) -> None:
    p.add_argument("--year", type=int, required=required, default=default, help=help)


def add_password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")


class _NoPasswordArgument(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        parser.error(f"--password 已取消：命令行中的密码会被本机其他用户看到。请改用 --password-stdin，"
                     f"或设置环境变量 {PASSWORD_ENV}。")


def refuse_password_argument(p: argparse.ArgumentParser) -> None:
    """`--password X` (and `--password=X`) stop with a message saying what to use instead."""
    p.add_argument("--password", nargs="?", action=_NoPasswordArgument, help=argparse.SUPPRESS)


def command(p: argparse.ArgumentParser, handler: Handler, writes: Writes) -> None:
    """Register `handler` for the (sub)command `p`, declaring whether it writes (see the module docstring)."""
    p.set_defaults(func=handler, writes=writes)


def writes(args: argparse.Namespace) -> bool:
    """Whether the command being run writes; a command that declared nothing counts as writing."""
    declared: Writes = getattr(args, "writes", True)
    return declared(args) if callable(declared) else declared


def open_database(args: argparse.Namespace) -> Database:
    """The database of `--db` (or the default one), opened under the rule for the command being run."""
    writing = writes(args)
    return _open_database(args.db or default_database(), exclusive=writing, read_only=not writing)


def _stdin_line() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def new_password(args: argparse.Namespace) -> str:
    """A password being set: the first line of stdin with --password-stdin, otherwise asked twice."""
    if args.password_stdin:
        return _stdin_line()
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise SystemExit("两次输入的密码不一致。")
    return first


def login_password(args: argparse.Namespace) -> str:
    """The password to log in with: stdin with --password-stdin, else PERFBUDGET_PASSWORD, else asked."""
    if args.password_stdin:
        return _stdin_line()
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise SystemExit(f"请用 --password-stdin 从标准输入提供密码，或设置环境变量 {PASSWORD_ENV}。")
    return getpass.getpass("密码：")
