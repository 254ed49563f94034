"""The 项目库 area driven with pytest-qt on a real database: a project registered from the keyboard, a refused one
keeping the form open at the field named, a lifecycle move, a registry list previewed (models pass qtmodeltester,
nothing to apply when every row is refused) and applied, and an uncertain link to last year confirmed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt

from core.common.runner import call
from core.exchange import registry as xr
from core.org import admin
from core.org.rules.roles import Actor
from core.projects import service
from core.projects.dto import ProjectInput
from db.database import Database
from desktop.pages.projects.area import ProjectsPage
from desktop.pages.projects.form import RegisterDialog
from desktop.pages.projects.preview import RegistryPreviewDialog
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner


@pytest.fixture
def year_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, admin.save_unit, admin_actor, admin.UnitInput("D001", "县教育局", "department"))
    return AppContext(runner, runner.hub, admin_actor, 2025)


def _rows(page: ProjectsPage) -> dict[str, str]:
    return {page.model.row_at(i).code: page.model.row_at(i).status_label for i in range(page.model.rowCount())}


def _select(page: ProjectsPage, code: str) -> None:
    row = next(i for i in range(page.model.rowCount()) if page.model.row_at(i).code == code)
    page.table.view.setCurrentIndex(page.table.view.model().index(row, 0))


def test_register_from_the_keyboard_then_move(qtbot, year_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = ProjectsPage(year_ctx)
    qtbot.addWidget(page)
    page.show()  # pages load when shown
    dialog = RegisterDialog(year_ctx, 2025, page)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("校舍维修")  # QTest types ASCII only: the Chinese fields are filled directly
    for widget, text in ((dialog.code, "P1"), (dialog.department, "D001"), (dialog.amounts["fiscal_amount"], "8"),
                         (dialog.amounts["carryover_amount"], "3"), (dialog.amounts["total_amount"], "10")):
        qtbot.keyClicks(widget, text)
    qtbot.keyClick(dialog.amounts["total_amount"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "不符" in dialog.error.text())  # 8 + 3 ≠ 10: the form stays open at 合计
    assert dialog.registered is None
    dialog.amounts["total_amount"].setText("11")
    qtbot.keyClick(dialog.amounts["total_amount"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.registered is not None)
    qtbot.waitUntil(lambda: _rows(page) == {"P1": "储备"})
    _select(page, "P1")
    page.target.setCurrentIndex(page.target.findData("library"))
    page.move()
    qtbot.waitUntil(lambda: _rows(page) == {"P1": "入库"})


def test_a_list_previewed_then_applied(qtbot, qtmodeltester, db: Database, year_ctx: AppContext,  # type: ignore[no-untyped-def]
                                       tmp_path: Path) -> None:
    path = xr.write_template(tmp_path / "list.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["项目库"].append(["L1", "乡村学校饮水工程", "D001", None, "新增", "一次性", None, 5, 0, 0, 5, None, 2025, 2025, 2025])
    wb["项目库"].append(["L2", "来源不符", "D001", None, "新增", "一次性", None, 5, 1, 0, 5, None, 2025, 2025, 2025])
    wb.save(path)
    preview = call(db, xr.preview_registry, year_ctx.actor, path)
    dialog = RegistryPreviewDialog(preview)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert [dialog.model.row_at(i).status_label for i in range(2)] == ["新增", "不予导入"]
    page = ProjectsPage(year_ctx)
    qtbot.addWidget(page)
    page.show()  # pages load when shown
    page._write(xr.apply_registry, path)
    qtbot.waitUntil(lambda: _rows(page) == {"L1": "储备"})
    bad = tmp_path / "bad.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["项目库"].delete_rows(2)
    wb.save(bad)
    refused = RegistryPreviewDialog(call(db, xr.preview_registry, year_ctx.actor, bad))
    qtbot.addWidget(refused)
    assert refused.model.row_at(0).status_label == "不予导入" and not _ok_enabled(refused)


def _ok_enabled(dialog: RegistryPreviewDialog) -> bool:
    from PySide6.QtWidgets import QDialogButtonBox

    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_an_uncertain_link_is_confirmed(qtbot, qtmodeltester, db: Database, year_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    def entry(year: int, code: str, name: str, attribute: str) -> ProjectInput:
        return ProjectInput(year, code, name, "D001", None, attribute, "recurring", Decimal(5), Decimal(0),
                            Decimal(0), Decimal(5))
    call(db, service.register_project, year_ctx.actor, entry(2024, "A1", "校园安全设施改造", "new"))
    call(db, service.register_project, year_ctx.actor, entry(2025, "B1", "校园安全监控设施改造提升", "continuing"))
    page = ProjectsPage(year_ctx)
    qtbot.addWidget(page)
    page.show()  # pages load when shown
    qtbot.waitUntil(lambda: page.links.rowCount() == 1)
    qtmodeltester.check(page.links)
    page.link_table.view.setCurrentIndex(page.link_table.view.model().index(0, 0))
    page.decide(True)
    qtbot.waitUntil(lambda: page.links.rowCount() == 0 and page.model.rowCount() == 1
                    and page.model.row_at(0).previous_code == "A1")
    assert page.model.row_at(0).link_label == "人工确认"
