"""The 单位自评 wizard and tab driven with pytest-qt: through the five steps with the keyboard, each refusal shown
on the step where it happens, a draft saved and resumed, a cancel that leaves nothing, finalising, and the tab
listing the result and opening the 自评表 preview."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.common.runner import call
from core.evaluation import self_evaluation as se
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import Evaluation
from desktop.pages.evaluation.area import TABS
from desktop.pages.evaluation.self_evaluation_tab import SelfEvaluationTab
from desktop.pages.evaluation.self_evaluation_wizard import SelfEvaluationWizard
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from desktop.widgets.lazy import imported
from desktop.widgets.report_preview import ReportPreview
from tests.self_evaluation_county import County, build_county


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    return build_county(db, admin_actor)


@pytest.fixture
def county_ctx(county: County, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _tab(qtbot: QtBot, ctx: AppContext) -> SelfEvaluationTab:
    tab = SelfEvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    return tab


def _wizard(qtbot: QtBot, tab: SelfEvaluationTab) -> SelfEvaluationWizard:
    tab.open_wizard()
    wizard = tab.wizard
    assert wizard is not None
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.project_page.model.rowCount() > 0)
    return wizard


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def _enter(qtbot: QtBot, wizard: SelfEvaluationWizard) -> None:
    """Return in a line edit presses the wizard's default button (下一步 / 完成)."""
    focus = wizard.focusWidget()
    qtbot.keyClick(focus if isinstance(focus, QLineEdit) else wizard, Qt.Key.Key_Return)


def _self_evaluations(db: Database, project_id: int) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Evaluation).where(
            Evaluation.kind == "self", Evaluation.project_id == project_id)) or 0)


def _to_budget_step(qtbot: QtBot, wizard: SelfEvaluationWizard, county: County) -> None:
    search = wizard.project_page.table.search
    qtbot.keyClicks(search, call_code(wizard, county))
    wizard.project_page.select(county.project_id)
    _enter(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == 1)


def call_code(wizard: SelfEvaluationWizard, county: County) -> str:
    return next(r.project_code for r in wizard.project_page.model.rows() if r.project_id == county.project_id)


def test_through_the_wizard_with_refusals_on_each_step(qtbot: QtBot, qtmodeltester, db: Database,  # type: ignore[no-untyped-def]
                                                       county: County, county_ctx: AppContext) -> None:
    assert imported(next(factory for key, _title, factory in TABS if key == "self")) is SelfEvaluationTab
    tab = _tab(qtbot, county_ctx)
    qtmodeltester.check(tab.model)
    wizard = _wizard(qtbot, tab)
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isEnabled()  # nothing to save before a project
    _to_budget_step(qtbot, wizard, county)

    budget = wizard.budget_page
    _type(qtbot, budget.budget, "100")
    _type(qtbot, budget.executed, "9O")  # a letter O for a zero
    _enter(qtbot, wizard)
    assert wizard.currentId() == 1 and "全年执行数“9O”不是有效的数值" in budget.message.text()
    assert budget.executed.hasFocus()
    _type(qtbot, budget.executed, "90")
    assert "执行率 90.00%，得分 9.00 / 10.00 分" in budget.live.text()
    _enter(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == 2)

    page, rows = wizard.lines_page, wizard.lines_page.rows
    _type(qtbot, rows["I1"].actual, "100")
    _type(qtbot, rows["I2"].actual, "10")
    _enter(qtbot, wizard)  # I3 still empty
    assert wizard.currentId() == 2 and "“安全责任事故”还没有填写实际完成值" in page.message.text()
    assert rows["I3"].actual.hasFocus()
    rows["I3"].not_applicable.setFocus()
    qtbot.keyClick(rows["I3"].not_applicable, Qt.Key.Key_Space)
    assert not rows["I3"].actual.isEnabled() and rows["I1"].points.text() == "25.00"  # re-scaled
    rows["I4"].level.setFocus()
    qtbot.keyClick(rows["I4"].level, Qt.Key.Key_Down)
    assert rows["I4"].level.currentText() == "达成年度指标"
    assert rows["I4"].score.placeholderText() == "24.00–30.00"
    _type(qtbot, rows["I4"].score, "31")
    _type(qtbot, rows["I5"].actual, "95")
    assert rows["I4"].earned.text() == "有误"
    _enter(qtbot, wizard)
    assert wizard.currentId() == 2 and "得分应在 24.00 至 30.00 分之间" in page.message.text()
    _type(qtbot, rows["I4"].score, "27")
    assert page.totals.text() == "当前得分：产出 50.00 / 50.00　效益 27.00 / 30.00　满意度 10.00 / 10.00"
    _enter(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == 3)

    analysis = wizard.analysis_page
    visible = [key for key, (_label, edit) in analysis.editors.items() if edit.isVisibleTo(analysis)]
    assert visible == ["I3", "I4"]  # not applicable, and lost points
    wizard.next()
    assert wizard.currentId() == 3 and "实际完成情况" in analysis.message.text()
    analysis.actual.insertPlainText("全年改造危房 100 户。")  # Chinese text arrives through the input method
    wizard.next()
    assert "“安全责任事故”标为不适用，请填写偏差原因分析及改进措施" in analysis.message.text()
    analysis.editors["I3"][1].insertPlainText("本年度无施工作业。")
    analysis.editors["I4"][1].insertPlainText("部分农户入住较晚，下一年度跟踪回访。")
    wizard.button(QWizard.WizardButton.CustomButton1).click()  # 保存草稿
    qtbot.waitUntil(lambda: "已保存草稿" in analysis.note.text())
    assert call(db, se.get, county_ctx.actor, None, county.project_id).status == "draft"
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == 4)

    summary = wizard.summary_page
    assert summary.values["total"].text() == "96.00 分"  # 50 + 27 + 10 + 9
    assert summary.values["grade"].text().startswith("优")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.finalised and not wizard.isVisible())
    detail = call(db, se.get, county_ctx.actor, None, county.project_id)
    assert (detail.status, detail.score, detail.grade) == ("final", Decimal("96.00"), "优")
    qtbot.waitUntil(lambda: any(r.project_id == county.project_id and r.status_label == "已定稿"
                                for r in tab.model.rows()))


def test_cancel_leaves_nothing_and_a_saved_draft_resumes(qtbot: QtBot, db: Database, county: County,
                                                          county_ctx: AppContext) -> None:
    tab = _tab(qtbot, county_ctx)
    wizard = _wizard(qtbot, tab)
    _to_budget_step(qtbot, wizard, county)
    _type(qtbot, wizard.budget_page.executed, "12")
    wizard.reject()
    assert _self_evaluations(db, county.project_id) == 0

    wizard = _wizard(qtbot, tab)
    _to_budget_step(qtbot, wizard, county)
    _type(qtbot, wizard.budget_page.budget, "100")
    _type(qtbot, wizard.budget_page.executed, "80")
    _enter(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == 2)
    _type(qtbot, wizard.lines_page.rows["I1"].actual, "60")
    qtbot.keyClick(wizard, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已保存草稿" in wizard.lines_page.totals.text())
    wizard.reject()

    wizard = _wizard(qtbot, tab)
    assert {r.status_label for r in wizard.project_page.model.rows() if r.project_id == county.project_id} == {"草稿"}
    _to_budget_step(qtbot, wizard, county)
    assert wizard.budget_page.executed.text() == "80"
    assert wizard.lines_page.rows["I1"].actual.text() == "60"
    assert wizard.lines_page.rows["I1"].earned.text() == "10.00"  # 16.67 × 60 %


def test_finalised_project_is_refused_on_the_first_step(qtbot: QtBot, county_ctx: AppContext) -> None:
    tab = _tab(qtbot, county_ctx)
    wizard = _wizard(qtbot, tab)
    final = next(r for r in wizard.project_page.model.rows() if r.status == "final")
    wizard.project_page.select(final.project_id)
    _enter(qtbot, wizard)
    assert wizard.currentId() == 0 and "已定稿，不能再修改" in wizard.project_page.message.text()


def test_report_preview_and_view_only_roles(qtbot: QtBot, county_ctx: AppContext) -> None:
    tab = _tab(qtbot, county_ctx)
    tab.table.view.selectRow(0)
    tab.open_report()
    qtbot.waitUntil(lambda: isinstance(tab.preview, ReportPreview))
    assert tab.preview is not None and tab.preview.page_count() >= 1
    tab.preview.close()
    leader = Actor("lead", "领导", Role.LEADER)
    viewer = SelfEvaluationTab(AppContext(county_ctx.runner, county_ctx.hub, leader, 2024))
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0)
    assert not viewer.start_button.isVisibleTo(viewer) and viewer.report_button.isVisibleTo(viewer)
