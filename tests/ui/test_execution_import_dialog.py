"""The 执行数据导入 dialog driven with pytest-qt on a real .xlsx: the mapping is pre-filled (guessed, then
remembered), the preview lists each refused row with its row and column, 确认导入 writes and announces the
change, and importing the same file again is refused before anything is sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import execution_import as ei
from core.monitoring.rules.payment_columns import ColumnMapping
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import ExecutionRecord, Project
from desktop.pages.monitoring.execution_import import NOT_IMPORTED, ExecutionImportDialog
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests.services.test_execution_import import export, pay

TODAY = date(2024, 9, 15)


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _codes(db: Database) -> list[str]:
    with db.unit_of_work() as uow:
        return list(uow.session.scalars(select(Project.code).where(Project.year == 2024).order_by(Project.code)))


def _treasury(db: Database) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(ExecutionRecord)
                                  .where(ExecutionRecord.source == "treasury")) or 0


def _dialog(qtbot, ctx: AppContext, path: Path) -> ExecutionImportDialog:  # type: ignore[no-untyped-def]
    dialog = ExecutionImportDialog(ctx, None, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.load_file(str(path))
    qtbot.waitUntil(lambda: dialog.info is not None and "表头在第" in dialog.summary.text())
    return dialog


def _file(db: Database, tmp_path: Path) -> Path:
    a, b = _codes(db)[:2]
    return export(tmp_path / "支付.xlsx", [
        pay(a, "2024-03-05", 1_000, "GK1"),  # row 3
        pay("NO-SUCH", "2024-03-05", 1_000, "GK2"),  # row 4: unknown project
        pay(a, "2024-03-05", "待定", "GK3"),  # row 5: text in the amount
        pay(b, "2024-12-01", 1_000, "GK4"),  # row 6: the future
        pay(b, "2024-04-01", 2_500, "GK1"),  # row 7: repeated voucher
        pay(b, "2024-04-02", 2_500.5, "GK5"),  # row 8
    ])


def test_preview_shows_each_problem_then_apply_writes(qtbot, qtmodeltester, db: Database,  # type: ignore[no-untyped-def]
                                                      county_ctx: AppContext, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, county_ctx, _file(db, tmp_path))
    form = dialog.form
    assert {k: c.currentText() for k, c in form.combos.items()} == {
        "project_code": "项目编码", "period": "支付日期", "amount": "支付金额", "voucher": "支付凭证号",
        "payee": "收款人"}
    assert form.unit.currentText() == "元" and "自动识别" in dialog.summary.text()
    assert dialog.sheet.currentText() == "支付明细" and not dialog.buttons["apply"].isEnabled()

    dialog.buttons["preview"].click()
    qtbot.waitUntil(lambda: dialog.preview is not None)
    qtmodeltester.check(dialog.problem_model)
    shown = [(p.row, p.column, p.kind) for p in dialog.problem_model.rows() if p.blocking]
    assert shown == [(4, "B", "unknown_project"), (5, "F", "not_a_number"), (6, "D", "future_period"),
                     (7, "G", "duplicate_voucher")]
    first = dialog.problem_model.index(0, 1)
    assert dialog.problem_model.data(first) == "B（项目编码）"
    assert "共 6 行：可导入 2 行" in dialog.summary.text() and "拒绝 4 行" in dialog.summary.text()
    assert dialog.total_model.rowCount() == 2 and dialog.buttons["apply"].isEnabled()
    assert dialog.message.text() == ""

    announced: list[tuple[Changes, object]] = []
    county_ctx.hub.changes_applied.connect(lambda changes, initiator: announced.append((changes, initiator)))
    with qtbot.waitSignal(dialog.imported, timeout=10_000) as blocker:
        dialog.buttons["apply"].click()
    assert blocker.args[0].applied == 2
    assert announced == [(Changes.of(Area.EXECUTION), dialog)]  # announced by the runner, with the dialog that acted
    assert "已导入 2 行，合计 0.35 万元" in dialog.summary.text() and _treasury(db) == 2
    assert not dialog.buttons["apply"].isEnabled()

    dialog.buttons["preview"].click()  # the same file again
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert "再次导入不会作任何改动" in dialog.message.text() and not dialog.buttons["apply"].isEnabled()
    assert _treasury(db) == 2


def test_the_saved_mapping_is_prefilled(qtbot, db: Database, county_ctx: AppContext,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    path = _file(db, tmp_path)
    mine = ColumnMapping("项目编码", "支付日期", "支付金额", "支付凭证号", None, "万元")
    earlier = call(db, ei.preview, county_ctx.actor, export(tmp_path / "上次.xlsx", [pay(_codes(db)[0], "2024-01-05",
                                                                                     Decimal("0.5"), "S1")]),
                   ei.DEFAULT_SOURCE, mine, today=TODAY)
    call(db, ei.apply, county_ctx.actor, earlier, confirm=True)
    dialog = _dialog(qtbot, county_ctx, path)
    assert dialog.form.combos["payee"].currentText() == NOT_IMPORTED and dialog.form.unit.currentText() == "万元"
    assert "上次保存的对应关系" in dialog.summary.text()
    assert dialog.form.mapping() == mine


def test_a_changed_mapping_needs_a_new_preview_and_a_missing_column_is_said_inline(  # type: ignore[no-untyped-def]
        qtbot, db: Database, county_ctx: AppContext, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, county_ctx, _file(db, tmp_path))
    dialog.run_preview()
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.buttons["apply"].isEnabled()
    dialog.form.unit.setCurrentText("万元")
    assert dialog.preview is None and not dialog.buttons["apply"].isEnabled()
    dialog.form.combos["amount"].setCurrentIndex(-1)
    dialog.run_preview()
    qtbot.waitUntil(lambda: "请为“支付金额”选择" in dialog.message.text())
    assert "支付明细" in dialog.message.text() and dialog.buttons["preview"].isEnabled()


def test_a_clerk_cannot_import(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    clerk = Actor("clerk", "填报员", Role.CLERK, 1, "县教育局")
    dialog = ExecutionImportDialog(AppContext(county_ctx.runner, county_ctx.hub, clerk, 2024))
    qtbot.addWidget(dialog)
    assert "当前角色不能导入" in dialog.message.text()
    assert not dialog.browse.isEnabled() and not dialog.buttons["preview"].isEnabled()
    assert dialog.buttons["close"].isEnabled()
