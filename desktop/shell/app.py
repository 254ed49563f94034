"""Starting the GUI: Qt set-up (Chinese translations, font, style), database, first start, login, main window.

`perfbudget gui --screenshot FILE` runs the same path and saves the window as a PNG instead of waiting.
"""

from __future__ import annotations

import argparse
import faulthandler
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from core.common.errors import USER_ERRORS
from core.common.paths import default_database
from core.org import auth, lookups
from core.org.rules.roles import SYSTEM
from core.version import APP_NAME
from db.database import Database, open_database
from desktop.shell.context import AppContext
from desktop.shell.errors import install_excepthook, show_error
from desktop.shell.hub import EventHub
from desktop.shell.login import FirstAdminDialog, LoginDialog
from desktop.shell.main_window import MainWindow
from desktop.shell.progress import run_with_progress
from desktop.shell.tasks import Cancelled, TaskRunner
from resources import path as resource_path

CJK_FAMILIES = ("Microsoft YaHei", "SimSun", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC")


def set_window_icon(app: QApplication) -> None:
    """Every window (and the task bar entry) shows the application icon."""
    app.setWindowIcon(QIcon(str(resource_path("icons", "perfbudget.png"))))


def make_application() -> QApplication:
    app = QApplication.instance() or QApplication([])
    app.setApplicationName(APP_NAME)
    set_window_icon(app)
    app.setOrganizationName("perfbudget")
    QLocale.setDefault(QLocale("zh_CN"))
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
    for font_file in resource_path("fonts").glob("*.tt[fc]"):
        QFontDatabase.addApplicationFont(str(font_file))
    families = set(QFontDatabase.families())
    family = next((f for f in CJK_FAMILIES if f in families), None)
    if family:
        app.setFont(QFont(family, 10))
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    return app


def wait_for(runner: TaskRunner, service: Callable[..., Any], *args: Any, writes: bool = False, **kwargs: Any) -> Any:
    """Run one service call on the helper and keep the GUI responsive until it is done."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    (runner.write if writes else runner.read)(service, *args, on_done=done, on_error=failed, **kwargs)
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


FIRST_START_QUESTION = (
    "这是一个新的数据库。\n\n是否生成演示县数据（73 个部门、12 个镇街、约 800 个项目）用于试用和培训？\n\n"
    "正式使用请选择“否”：财政局从空数据库开始；镇街、部门登录后在“数据交换”中导入财政局发放的登记包。")


def _fill_demo_on_first_start(runner: TaskRunner, ask: bool) -> None:
    """A new database gets the demo county, after asking (a unit installation must start empty to enrol); a
    screenshot run does not ask."""
    from core.demo import generate as demo

    if wait_for(runner, lookups.years):
        return
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    if ask and QMessageBox.question(None, "首次启动", FIRST_START_QUESTION, buttons,
                                    QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
        return
    try:
        run_with_progress(None, runner, "首次启动：正在生成演示县数据（73 个部门、12 个镇街、约 800 个项目）",
                          demo.generate_demo, SYSTEM)
    except Cancelled:
        return  # an empty database; the user can run `perfbudget demo` later


def _login(runner: TaskRunner, db: Database, args: argparse.Namespace) -> Any:
    if wait_for(runner, auth.needs_first_admin):
        first = FirstAdminDialog(runner)
        if args.screenshot:
            return first
        if first.exec() != QDialog.DialogCode.Accepted:
            return None
        return first.actor
    if args.user:
        return wait_for(runner, auth.login, args.user, args.login_password or "", writes=True)
    dialog = LoginDialog(runner, str(db.path or db.url))
    if args.screenshot:
        return dialog
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.actor


def _settle(app: QApplication, runner: TaskRunner, timeout_s: float = 60.0) -> None:
    """Let every page's first load finish (the background jobs and their results on the GUI thread)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if runner.idle():
            break
        time.sleep(0.02)
    app.processEvents()


def save_screenshot(app: QApplication, runner: TaskRunner, widget: QWidget, target: Path) -> None:
    widget.show()
    _settle(app, runner)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(target)):
        raise OSError(f"无法保存截图 {target}")


def run_gui(args: argparse.Namespace) -> int:
    app = make_application()
    db_path = Path(args.db) if args.db else default_database()
    log_file = (db_path.parent if "://" not in str(db_path) else Path.home()) / "logs" / "perfbudget.log"
    install_excepthook(log_file)
    # A crash inside Qt's C++ raises no Python exception: the Python stacks of every thread still reach the log.
    faulthandler.enable(log_file.open("a", encoding="utf-8"), all_threads=True)
    try:
        db = open_database(args.db or db_path, exclusive=True)
    except USER_ERRORS as exc:
        if args.screenshot:
            print(f"错误：{exc}")
        else:
            QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 2
    hub = EventHub()
    runner = TaskRunner(db, hub, on_unhandled=lambda exc: show_error(QApplication.activeWindow(), exc))
    try:
        if not args.no_demo:
            _fill_demo_on_first_start(runner, ask=not args.screenshot)
        actor = _login(runner, db, args)
        if isinstance(actor, LoginDialog | FirstAdminDialog):
            save_screenshot(app, runner, actor, Path(args.screenshot))
            return 0
        if actor is None:
            return 1
        ctx = AppContext(runner, hub, actor, wait_for(runner, lookups.current_year))
        window = MainWindow(ctx, str(db.path or db.url))
        if args.page and not window.open_area(args.page):
            print(f"错误：没有名为 {args.page} 的页面（或当前用户无权查看）。")
            return 2
        if args.screenshot:
            save_screenshot(app, runner, window, Path(args.screenshot))
            return 0
        window.show()
        return app.exec()
    except USER_ERRORS as exc:
        if args.screenshot:
            print(f"错误：{exc}")
        else:
            QMessageBox.critical(None, APP_NAME, str(exc))
        return 2
    finally:
        runner.shutdown()
        db.close()
