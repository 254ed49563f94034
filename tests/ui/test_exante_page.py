"""The 事前评估 area driven with pytest-qt: open the form for a project, grade it, save, see the score in the
list, finalise, and open the report preview."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.common.runner import call
from core.exante import service as exante
from core.org.rules.roles import Actor, Role
from db.database import Database
from desktop.pages.exante.area import ExAntePage
from desktop.pages.exante.form import ExAnteFormDialog, parse_amount
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from desktop.widgets.report_preview import ReportPreview
from tests.conftest import demo_without_exante


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    demo_without_exante(db, admin_actor)
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _page(qtbot, ctx: AppContext) -> ExAntePage:  # type: ignore[no-untyped-def]
    page = ExAntePage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and "评估核减" in page.totals_label.text())
    page.table.view.selectRow(0)
    return page


def test_page_model_passes_qtmodeltester(qtbot, qtmodeltester, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, county_ctx)
    qtmodeltester.check(page.model)
    assert {page.model.row_at(i).status_label for i in range(page.model.rowCount())} == {"未评估"}


def test_grade_save_and_see_the_score(qtbot, db: Database, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, county_ctx)
    row = page.table.selected_row()
    page.open_selected()
    qtbot.waitUntil(lambda: isinstance(getattr(page, "dialog", None), ExAnteFormDialog))
    form: ExAnteFormDialog = page.dialog
    qtbot.addWidget(form)
    combos = list(form.combos.values())
    combos[0].setCurrentText("优")
    assert "已评 1/17 项，当前得分 6.00 分" in form.summary.text()
    form.save()
    assert "还没有评定等级" in form.message.text()  # nothing sent while items are ungraded
    for combo in combos:
        combo.setCurrentText("良")
    form.amount.setText("abc")
    assert "不是有效的数值" in form.summary.text()
    form.save()
    assert "建议金额“abc”不是有效的数值" in form.message.text()
    form.amount.setText("1")
    assert "得分 80.00 分　结论：部分支持" in form.summary.text()
    form.opinion.setPlainText("测算偏高，建议压减。")
    form.save()
    qtbot.waitUntil(lambda: form.message.text() == "已保存草稿。")
    assert form.detail.status == "draft"
    qtbot.waitUntil(lambda: page.model.row_at(0).status_label == "草稿")
    listed = page.model.row_at(0)
    assert (listed.project_id, listed.score, listed.recommended) == (row.project_id, Decimal("80.00"), Decimal(1))

    form.save(then_finalise=True)
    qtbot.waitUntil(lambda: form.message.text() == "已定稿。")
    assert not form.buttons["save"].isEnabled() and not combos[0].isEnabled()
    qtbot.waitUntil(lambda: "已定稿 1 个" in page.totals_label.text())
    assert f"评估核减 {listed.requested - 1:,.2f} 万元" in page.totals_label.text()


def test_open_report_preview(qtbot, db: Database, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, county_ctx)
    row = page.table.selected_row()
    grades = {item.id: "中" for item in exante.scoring_sheet().items}
    call(db, exante.save_assessment, county_ctx.actor, row.project_id, grades, row.requested, "可行。")
    page.open_report()
    qtbot.waitUntil(lambda: isinstance(getattr(page, "preview", None), ReportPreview))
    assert page.preview.page_count() >= 1
    page.preview.close()


def test_clerk_sees_no_assess_button(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    clerk = Actor("clerk", "填报员", Role.CLERK, None, None)
    page = ExAntePage(AppContext(county_ctx.runner, county_ctx.hub, clerk, 2024))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: "评估核减" in page.totals_label.text())
    assert page.model.rowCount() == 0 and not page.assess_button.isVisibleTo(page)


@pytest.mark.parametrize(("text", "expected"), [("2000", "2000"), ("1,234.56", "1234.56"), (" 12万元", "12")])
def test_parse_amount(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


def test_parse_amount_refuses_text() -> None:
    with pytest.raises(ValueError, match="不是有效的数值"):
        parse_amount("两千")
