"""The application shell driven with pytest-qt: login, first start, navigation by role, home page, helper, hook."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.runner import call
from core.org import admin
from core.org.dto import UnitInput
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import FiscalYear, Project, Unit
from db.uow import UnitOfWork
from desktop.shell.context import AppContext
from desktop.shell.errors import install_excepthook
from desktop.shell.hub import EventHub
from desktop.shell.login import FirstAdminDialog, LoginDialog
from desktop.shell.main_window import AREAS, MainWindow
from desktop.shell.tasks import Cancelled, Progress, TaskRunner
from desktop.widgets.table_model import Column, RowTableModel

PASSWORD = "Passw0rd!"


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[tuple[Database, TaskRunner, EventHub, list[BaseException]]]:
    database = open_database(tmp_path / "shell.sqlite")
    hub = EventHub()
    unhandled: list[BaseException] = []
    runner = TaskRunner(database, hub, on_unhandled=unhandled.append)
    yield database, runner, hub, unhandled
    runner.shutdown()
    database.close()


def _seed_year(uow: UnitOfWork) -> None:
    uow.write()
    uow.session.add(FiscalYear(year=2024, is_current=True))
    unit = Unit(code="D001", name="县交通运输局", kind="department", sector="交通运输")
    uow.session.add(unit)
    uow.session.flush()
    uow.session.add(Project(year=2024, code="2024-D001-0001", name="农村公路提档升级", unit_id=unit.id,
                            attribute="new", nature="one_off", fund_type="general",
                            total_amount=Decimal("1250.50"), fiscal_amount=Decimal("1250.50"),
                            carryover_amount=Decimal(0), other_amount=Decimal(0)))
    uow.commit()


def test_first_admin_dialog_then_login(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    _db, runner, _hub, _ = shell
    first = FirstAdminDialog(runner)
    qtbot.addWidget(first)
    first.show()
    first.password.setText("short")
    first.confirm.setText("short")
    first.submit()
    qtbot.waitUntil(lambda: bool(first.error.text()))
    assert "至少需要 8 位" in first.error.text() and first.actor is None
    first.password.setText(PASSWORD)
    first.confirm.setText(PASSWORD)
    with qtbot.waitSignal(first.accepted):
        qtbot.keyClick(first.confirm, Qt.Key.Key_Return)
    assert first.actor is not None and first.actor.role is Role.ADMIN

    login = LoginDialog(runner, "shell.sqlite")
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.username, "admin")
    qtbot.keyClicks(login.password, "wrong-pass1")
    login.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "用户名或密码错误" in login.error.text())
    assert login.password.text() == "" and login.result() == 0
    qtbot.keyClicks(login.password, PASSWORD)
    with qtbot.waitSignal(login.accepted):
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.actor is not None and login.actor.username == "admin"


@pytest.mark.parametrize(("role", "areas"), [
    (Role.ADMIN, ["工作台", "绩效目标", "项目库", "目标审核", "运行监控", "绩效评价", "结果应用", "事前评估", "指标库", "报表中心", "数据交换", "系统管理"]),
    (Role.LEADER, ["工作台", "绩效目标", "项目库", "目标审核", "运行监控", "绩效评价", "结果应用", "事前评估", "指标库", "报表中心", "数据交换"]),
])
def test_navigation_shows_only_permitted_areas(qtbot, shell, role: Role, areas: list[str]) -> None:  # type: ignore[no-untyped-def]
    database, runner, hub, unhandled = shell
    call(database, _seed_year)
    ctx = AppContext(runner, hub, Actor("u", "测试", role), 2024)
    window = MainWindow(ctx, "shell.sqlite")
    qtbot.addWidget(window)
    window.show()  # pages load when shown
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == areas
    assert window.pages.built() == ["home"]  # the other areas are built when first opened
    home = window.pages["home"]
    qtbot.waitUntil(lambda: home.figures is not None)
    assert home.cards["projects"].value_text() == "1"
    assert home.cards["funds"].value_text() == "1,250.50"
    qtbot.waitUntil(lambda: window.year_box.count() == 1)
    assert window.year_box.currentText() == "2024 年" and not unhandled


def test_home_reloads_when_units_change(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    database, runner, hub, _ = shell
    call(database, _seed_year)
    ctx = AppContext(runner, hub, Actor("admin", "管理员", Role.ADMIN), 2024)
    window = MainWindow(ctx, "shell.sqlite")
    qtbot.addWidget(window)
    window.show()  # pages load when shown
    home = window.pages["home"]
    qtbot.waitUntil(lambda: home.cards["departments"].value_text() == "1")
    runner.write(admin.save_unit, ctx.actor, UnitInput("D002", "县水利局", "department"))
    qtbot.waitUntil(lambda: home.cards["departments"].value_text() == "2")


def test_row_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model: RowTableModel[tuple[str, Decimal]] = RowTableModel(
        [Column("名称", lambda r: r[0]), Column("金额", lambda r: r[1], align_right=True)])
    model.set_rows([("甲", Decimal("1.50")), ("乙", Decimal("20")), ("丙", Decimal("-3"))])
    qtmodeltester.check(model)
    assert model.index(1, 1).data() == "20.00"


def _slow_writer(uow: UnitOfWork, progress: Progress) -> int:
    uow.write()
    for i in range(50):
        uow.session.add(Unit(code=f"C{i:03d}", name=f"单位{i}", kind="department"))
        uow.session.flush()
        progress.report(i, 50, "写入中")
    uow.commit()
    return 50


def test_cancel_rolls_the_job_back(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    database, runner, _hub, _ = shell
    progress = runner.new_progress()
    errors: list[BaseException] = []
    progress.cancel()  # the user pressed cancel; the job notices at its first report, rows already flushed
    runner.write(_slow_writer, progress, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], Cancelled) and "数据未作改动" in str(errors[0])
    with database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Unit)) == 0


def test_exception_hook_shows_and_logs_instead_of_aborting(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "logs" / "perfbudget.log"
    previous = sys.excepthook
    install_excepthook(log)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(50, close_box)

    try:
        QTimer.singleShot(50, close_box)
        try:
            raise ZeroDivisionError("division by zero in a slot")
        except ZeroDivisionError:
            sys.excepthook(*sys.exc_info())  # what Qt does with an exception escaping a slot
    finally:
        sys.excepthook = previous
    assert seen and "ZeroDivisionError" in seen[0] and "数据未作改动" in seen[0]
    assert "division by zero in a slot" in log.read_text(encoding="utf-8")


def test_home_report_button_opens_the_summary_preview(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    database, runner, hub, unhandled = shell
    call(database, _seed_year)
    ctx = AppContext(runner, hub, Actor("admin", "管理员", Role.ADMIN), 2024)
    window = MainWindow(ctx, "shell.sqlite")
    qtbot.addWidget(window)
    window.show()  # pages load when shown
    home = window.pages["home"]
    home.report_button.click()
    assert not home.report_button.isEnabled()
    qtbot.waitUntil(lambda: home.reports.preview is not None, timeout=20_000)
    assert home.reports.preview.page_count() >= 1 and home.report_button.isEnabled() and not unhandled
    assert "年度预算绩效管理工作情况汇总" in home.reports.preview.windowTitle()
    home.reports.preview.done(0)


def test_year_selector_follows_a_year_that_arrives_by_package(qtbot, shell) -> None:  # type: ignore[no-untyped-def]
    _db, runner, hub, unhandled = shell
    window = MainWindow(AppContext(runner, hub, Actor("admin", "管理员", Role.ADMIN), None), "shell.sqlite")
    qtbot.addWidget(window)
    window.show()  # pages load when shown
    qtbot.waitUntil(runner.idle)
    assert window.year_box.count() == 0  # a fresh installation, before it enrols
    call(_db, _seed_year)
    hub.announce(Changes.of(Area.EXCHANGE))
    qtbot.waitUntil(lambda: window.year_box.count() == 1)
    window.ctx.set_year(2024)
    qtbot.waitUntil(lambda: window.year_box.currentData() == 2024)
    qtbot.waitUntil(runner.idle)
    assert not unhandled


def test_the_start_path_does_not_import_openpyxl_reportlab_or_alembic(tmp_path: Path) -> None:
    """What a process imports up to the filled main window (the shell, the home page, opening a database that needs
    no upgrade): the workbook and PDF libraries load only when a workbook or PDF is made, alembic only when the
    schema is upgraded."""
    target = tmp_path / "current.sqlite"
    open_database(target).close()  # created and upgraded to head here, in the test's process
    code = ("import sys; import desktop.shell.app, desktop.pages.statistics.home; "
            "from db.database import open_database; "
            f"open_database({str(target)!r}).close(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'reportlab', 'alembic'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "[]", done.stdout


def test_opening_these_areas_does_not_import_openpyxl_or_reportlab() -> None:
    """Their pages and tabs offer workbooks and PDFs, and load the libraries when one is made: first opens stay
    short."""
    areas = [a.page.split(":")[0] for a in AREAS if a.key in ("goals", "review", "evaluation", "exante", "library",
                                                               "reports", "admin")]
    code = ("import importlib, sys; import desktop.shell.app, desktop.pages.statistics.home\n"
            f"for module in {areas!r}:\n"
            "    tabs = [e[2].split(':')[0] for e in getattr(importlib.import_module(module), 'TABS', ())\n"
            "            if isinstance(e[2], str)]\n"
            "    for tab in tabs:\n"
            "        importlib.import_module(tab)\n"
            "    print(module, sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'reportlab'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.split("\n")[:len(areas)] == [f"{module} []" for module in areas], done.stdout
