"""The 绩效目标 area driven with pytest-qt: list, filter, edit with the paper notation, submit, adjust, compare."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.goals.dto import GoalTableDetail
from core.org.rules.roles import Actor, Role
from db.database import Database
from desktop.pages.goals.area import GoalsPage
from desktop.pages.goals.editor import GoalEditorDialog
from desktop.pages.goals.indicators import VALUE, WEIGHT, IndicatorModel
from desktop.pages.goals.versions import VersionsDialog
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _detail(db: Database, actor: Actor, status: str) -> GoalTableDetail:
    row = next(r for r in call(db, goals.list_tables, actor, 2024, status))
    return call(db, goals.get_table, actor, row.project_id)


def test_page_lists_and_filters(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = GoalsPage(county_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 80)
    page.status.setCurrentIndex(page.status.findData("approved"))
    qtbot.waitUntil(lambda: 0 < page.model.rowCount() < 80)
    assert {page.model.row_at(i).status_label for i in range(page.model.rowCount())} == {"已通过"}
    assert page.count.text() == f"共 {page.model.rowCount()} 张"


def test_indicator_model_passes_qtmodeltester(qtmodeltester, db: Database, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    detail = _detail(db, county_ctx.actor, "draft")
    qtmodeltester.check(IndicatorModel(detail.content.indicators))


def test_editing_with_notation_then_submitting(qtbot, db: Database, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    detail = _detail(db, county_ctx.actor, "draft")
    editor = GoalEditorDialog(county_ctx, detail)
    qtbot.addWidget(editor)
    model = editor.indicators.model
    assert model.setData(model.index(0, VALUE), "≥ 60 公里") is True
    row = model.rows[0]
    assert (row.comparator, row.target, row.unit_of_measure) == (">=", Decimal(60), "公里")
    assert model.setData(model.index(0, VALUE), "≥个") is False
    assert "第 1 行“指标值”" in editor.message.text()
    assert model.setData(model.index(0, WEIGHT), "abc") is False
    editor.save()
    qtbot.waitUntil(lambda: editor.message.text().startswith("已保存"))
    assert call(db, goals.get_table, county_ctx.actor, detail.project_id).content.indicators[0].target == 60
    editor.submit()
    qtbot.waitUntil(lambda: editor.detail.status == "submitted")
    assert not editor.buttons["save"].isEnabled() and not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_bad_rows_show_the_service_message(qtbot, county_ctx: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    detail = _detail(db, county_ctx.actor, "draft")
    editor = GoalEditorDialog(county_ctx, detail)
    qtbot.addWidget(editor)
    editor.indicators.add_row()
    editor.save()  # the new row has no name
    qtbot.waitUntil(lambda: "没有填写三级指标名称" in editor.message.text())
    assert call(db, goals.get_table, county_ctx.actor, detail.project_id) == detail


def test_adjusting_an_approved_table_and_comparing(qtbot, db: Database, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    detail = _detail(db, county_ctx.actor, "approved")
    clerk = Actor("clerk", "填报员", Role.CLERK, next(r.unit_id for r in call(db, goals.list_tables, county_ctx.actor,
                                                                             2024, "approved")), "本单位")
    ctx = AppContext(county_ctx.runner, county_ctx.hub, clerk, 2024)
    editor = GoalEditorDialog(ctx, detail)
    qtbot.addWidget(editor)
    assert editor.buttons["adjust"].isVisibleTo(editor) and not editor.buttons["save"].isEnabled()
    editor.indicators.model.setData(editor.indicators.model.index(0, VALUE), "≥999个")
    editor.adjust_with("年中追加预算，产出数量相应调整")
    qtbot.waitUntil(lambda: editor.detail.current_version == 2)
    dialog = VersionsDialog(ctx, editor.detail)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.changes.rowCount() >= 1)
    assert "处不同" in dialog.summary.text()
