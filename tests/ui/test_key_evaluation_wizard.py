"""The key evaluation driven from the keyboard with pytest-qt: 新建 in the 重点评价 tab, the subject found by its
code, a weight typo refused in place, a panel with an expert of the evaluated department refused, five experts'
scores typed into the grid (an out-of-range score refused in place), the aggregation with outliers marked,
findings typed, finalising refused until the findings are there, then the report preview. Chinese text is put in
with insertPlainText/insert: QTest cannot type it. Also the scoring workbook buttons and the expert library tab."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.evaluation import key as key_evaluation
from core.org.rules.roles import Actor
from db.database import Database
from desktop.pages.evaluation.experts_tab import ExpertDialog, ExpertsTab
from desktop.pages.evaluation.key_evaluation_results import OUTLIER
from desktop.pages.evaluation.key_evaluation_tab import KeyEvaluationTab
from desktop.pages.evaluation.key_evaluation_wizard import (
    AGGREGATION,
    FRAMEWORK,
    PANEL,
    SCORES,
    SUMMARY,
    TEXTS,
    KeyEvaluationWizard,
)
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from desktop.widgets.report_preview import ReportPreview
from tests.key_evaluation_county import INSIDER, YEAR, County, build, full_scores
from tests.key_evaluation_county import PANEL as PANEL_NAMES

ALT = Qt.KeyboardModifier.AltModifier
# Each expert's share of every item's points: 高远 (the fifth) scores far lower, so his scores are outliers.
SHARES = (Decimal("0.9"), Decimal("0.8"), Decimal("0.85"), Decimal("0.95"), Decimal("0.5"))


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    return build(db, admin_actor)


@pytest.fixture
def county_ctx(runner: TaskRunner, admin_actor: Actor, county: County) -> AppContext:
    return AppContext(runner, runner.hub, admin_actor, YEAR)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    for char in text:
        qtbot.keyClick(focused(), char)


def step(qtbot: QtBot, wizard: KeyEvaluationWizard, expected: int) -> None:
    """Alt+N (下一步) and wait for the wizard to arrive at `expected`."""
    press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == expected and not wizard.busy, timeout=10_000)


def type_cell(qtbot: QtBot, grid: QWidget, text: str) -> None:
    """Type into the grid cell under the cursor (the first key opens the editor) and confirm with Enter."""
    type_text(qtbot, text)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused() is grid)


def open_wizard(qtbot: QtBot, ctx: AppContext) -> tuple[KeyEvaluationTab, KeyEvaluationWizard]:
    tab = KeyEvaluationTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    tab.activateWindow()
    tab.table.view.setFocus()
    press(qtbot, Qt.Key.Key_N, ALT)  # 新建(&N)
    qtbot.waitUntil(lambda: tab.wizard is not None and tab.wizard.isVisible())
    wizard = tab.wizard
    assert wizard is not None
    wizard.activateWindow()
    qtbot.waitUntil(lambda: wizard.pages[0].model.rowCount() > 0 and QApplication.focusWidget() is not None)
    return tab, wizard


def test_a_full_key_evaluation_with_five_experts_by_keyboard(qtbot: QtBot, db: Database, county: County,
                                                             county_ctx: AppContext) -> None:
    tab, wizard = open_wizard(qtbot, county_ctx)
    code = next(o.code for o in wizard.pages[0].subjects.projects if o.id == county.project_id)
    assert focused() is wizard.pages[0].kind
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, code)
    assert wizard.pages[0].selected().id == county.project_id
    press(qtbot, Qt.Key.Key_Return)  # the default button: 下一步 creates the evaluation
    qtbot.waitUntil(lambda: wizard.currentId() == FRAMEWORK and not wizard.busy, timeout=10_000)

    framework = wizard.pages[FRAMEWORK]
    qtbot.waitUntil(lambda: framework.template.count() > 0)
    press(qtbot, Qt.Key.Key_W, ALT)  # 指标及分值(&W)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Right)
    type_cell(qtbot, framework.grid, "5")  # 立项依据充分性 4 → 5: 101 in all
    assert "应为 100 分" in framework.status.text()
    press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: "评价指标权重合计为 101 分，应为 100 分" in framework.message.text(), timeout=10_000)
    assert wizard.currentId() == FRAMEWORK
    press(qtbot, Qt.Key.Key_Up)
    type_cell(qtbot, framework.grid, "4")
    step(qtbot, wizard, PANEL)

    panel = wizard.pages[PANEL]
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and panel.agency.count() > 1)
    press(qtbot, Qt.Key.Key_E, ALT)  # 专家(&E)
    names = [panel.proxy.index(r, 1).data() for r in range(panel.proxy.rowCount())]

    def tick(name: str) -> None:
        target = names.index(name)
        while panel.view.currentIndex().row() != target:
            press(qtbot, Qt.Key.Key_Down if panel.view.currentIndex().row() < target else Qt.Key.Key_Up)
        press(qtbot, Qt.Key.Key_Space)

    for name in (*PANEL_NAMES, INSIDER):
        tick(name)
    assert panel.view.model().index(names.index(INSIDER), 6).data() == "应回避"
    press(qtbot, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: "按回避规定不能进入本次评价组" in panel.message.text(), timeout=10_000)
    tick(INSIDER)  # untick
    press(qtbot, Qt.Key.Key_G, ALT)  # 第三方机构(&G)
    press(qtbot, Qt.Key.Key_Down)
    assert panel.agency.currentText() == "华信会计师事务所" and panel.lead.currentText() == PANEL_NAMES[0]
    step(qtbot, wizard, SCORES)

    scores = wizard.pages[SCORES]
    assert focused() is scores.grid
    items = wizard.detail.items if wizard.detail else ()
    type_cell(qtbot, scores.grid, "9")  # 立项依据充分性 has 4 points
    assert "专家“林晓”对“立项依据充分性”的评分 9 超出 0 至 4 分" in scores.message.text()
    assert scores.grid.currentIndex().row() == 0  # the cursor stays on the refused cell
    for share in SHARES:
        for item in items:
            type_cell(qtbot, scores.grid, format((item.weight * share).quantize(Decimal("0.1")).normalize(), "f"))
    assert scores.progress.text().startswith("已评 100/100 格")
    step(qtbot, wizard, AGGREGATION)

    aggregation = wizard.pages[AGGREGATION]
    model = aggregation.model
    first = model.index(0, 2 + 4)  # 高远's 立项依据充分性: 2 of 4 points, median 3.4
    assert model.data(first) == "(2.00) ▲" and model.data(first, Qt.ItemDataRole.BackgroundRole).color() == OUTLIER
    assert model.data(model.index(0, 2 + 5)) == "3.40"  # (3.6 + 3.2 + 3.4) / 3: 3.8 and 2.0 dropped
    assert "综合得分" in aggregation.total.text() and "离群评分已标出" in aggregation.total.text()
    step(qtbot, wizard, TEXTS)

    texts = wizard.pages[TEXTS]
    assert focused() is texts.edits["overview"]
    texts.edits["overview"].insertPlainText("项目资助家庭经济困难学生。")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is texts.edits["experience"]
    step(qtbot, wizard, SUMMARY)

    summary = wizard.pages[SUMMARY]
    assert "还没有填写“存在的问题”" in summary.missing.text()
    press(qtbot, Qt.Key.Key_Q, ALT)  # 机构工作质量(&Q)
    press(qtbot, Qt.Key.Key_Down)
    assert summary.rating.currentData() == 5
    press(qtbot, Qt.Key.Key_F, ALT)  # 完成(&F)
    qtbot.waitUntil(lambda: "还不能定稿：还没有填写“存在的问题”" in summary.message.text(), timeout=10_000)
    assert wizard.isVisible()
    press(qtbot, Qt.Key.Key_B, ALT)  # 上一步(&B)
    qtbot.waitUntil(lambda: wizard.currentId() == TEXTS)
    press(qtbot, Qt.Key.Key_W, ALT)  # 存在的问题(&W)
    focused().insertPlainText("部分资金拨付滞后。")  # type: ignore[attr-defined]
    press(qtbot, Qt.Key.Key_R, ALT)  # 有关建议(&R)
    focused().insertPlainText("简化拨付流程。")  # type: ignore[attr-defined]
    step(qtbot, wizard, SUMMARY)
    assert "可以定稿" in summary.missing.text()
    press(qtbot, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    assert wizard.result() == 1

    assert wizard.evaluation_id is not None
    final = call(db, key_evaluation.get_evaluation, county_ctx.actor, wizard.evaluation_id)
    assert (final.status, len(final.panel), final.agency_rating) == ("final", 5, 5)
    assert final.score is not None and final.grade == "良" and final.rows[0].mean == Decimal("3.40")
    assert final.texts["findings"] == "部分资金拨付滞后。"
    qtbot.waitUntil(lambda: any(r.id == final.id and r.status == "final" for r in tab.model.rows()))
    row = next(n for n, r in enumerate(tab.model.rows()) if r.id == final.id)
    tab.table.view.selectRow(tab.table.proxy.mapFromSource(tab.model.index(row, 0)).row())
    tab.activateWindow()
    tab.table.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.table.view)
    press(qtbot, Qt.Key.Key_P, ALT)  # 评价报告(&P)
    qtbot.waitUntil(lambda: isinstance(tab.preview, ReportPreview), timeout=20_000)
    assert tab.preview is not None and tab.preview.page_count() >= 4
    tab.preview.close()


def test_scoring_workbooks_from_the_scores_step(qtbot: QtBot, db: Database, county: County, county_ctx: AppContext,
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actor = county_ctx.actor
    evaluation = call(db, key_evaluation.create, actor, YEAR, "project", county.project_id, None).evaluation_id
    call(db, key_evaluation.set_panel, actor, evaluation, [(e, "member") for e in county.experts[:3]], None)
    call(db, key_evaluation.enter_scores, actor, evaluation, county.experts[1], {"D1": Decimal(1)})
    wizard = KeyEvaluationWizard(county_ctx, call(db, key_evaluation.get_evaluation, actor, evaluation))
    qtbot.addWidget(wizard)
    wizard.setStartId(SCORES)
    wizard.show()
    scores = wizard.pages[SCORES]
    qtbot.waitUntil(lambda: scores.model.rowCount() == 20)
    scores.choose_save = lambda _parent, name: str(tmp_path / name)
    scores.expert.setCurrentIndex(1)
    scores.generate.click()
    path = tmp_path / "黄建军评分表.xlsx"
    qtbot.waitUntil(lambda: path.exists() and "已生成评分表" in scores.message.text(), timeout=10_000)
    book = openpyxl.load_workbook(path)
    for row in range(4, 24):
        book["专家评分表"].cell(row, 7).value = float(book["专家评分表"].cell(row, 5).value) * 0.75
    book.save(path)
    scores.choose_open = lambda _parent: str(path)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    scores.import_button.click()  # 黄建军 scored D1 already: the import asks, and replaces
    qtbot.waitUntil(lambda: "已导入专家“黄建军”的 20 项评分" in scores.message.text(), timeout=10_000)
    assert scores.model.data(scores.model.index(0, 3)) == "3.00"
    assert scores.progress.text().startswith("已评 20/60 格")


def test_expert_library_tab(qtbot: QtBot, db: Database, county: County, county_ctx: AppContext) -> None:
    actor = county_ctx.actor
    rated = call(db, key_evaluation.create, actor, YEAR, "department", county.other_department_id, None).evaluation_id
    call(db, key_evaluation.set_panel, actor, rated, [(county.experts[1], "lead")], county.agency_id)
    call(db, key_evaluation.rate_agency, actor, rated, 4)
    tab = ExpertsTab(county_ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.experts.rowCount() >= 6 and tab.agencies.rowCount() == 1)
    tab.buttons["add"].click()
    dialog = tab.dialog
    assert isinstance(dialog, ExpertDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.unit.count() > 1)
    dialog.name.insert("沈一")
    dialog.submit()
    qtbot.waitUntil(lambda: "请填写专家“沈一”的专业领域" in dialog.error.text())
    assert QApplication.focusWidget() in (dialog.fields_edit, None)
    dialog.fields_edit.insert("水利、工程造价")
    dialog.submit()
    qtbot.waitUntil(lambda: any(r.name == "沈一" for r in tab.experts.rows()))
    tab.field.insert("水利")
    qtbot.waitUntil(lambda: [r.name for r in tab.experts.rows()] == ["沈一"])
    tab.expert_table.view.selectRow(0)
    tab.buttons["toggle"].click()
    qtbot.waitUntil(lambda: tab.experts.rowCount() == 0)
    tab.inactive.setChecked(True)
    tab.field.clear()
    qtbot.waitUntil(lambda: any(r.name == "黄建军" and r.panels == 1 and r.leads == 1 for r in tab.experts.rows()))
    tab.agency_table.view.selectRow(0)
    qtbot.waitUntil(lambda: [r.rating_label for r in tab.ratings.rows()] == ["4 分（良好）"])
    assert tab.agencies.row_at(0).average_rating == Decimal("4.00")


def test_continue_a_draft_and_the_models(qtbot: QtBot, qtmodeltester, db: Database, county: County,  # type: ignore[no-untyped-def]
                                         county_ctx: AppContext) -> None:
    actor = county_ctx.actor
    evaluation = call(db, key_evaluation.create, actor, YEAR, "project", county.project_id, None).evaluation_id
    call(db, key_evaluation.set_panel, actor, evaluation, [(e, "member") for e in county.experts], None)
    weights = {i.key: i.weight for i in call(db, key_evaluation.get_evaluation, actor, evaluation).items}
    for n, expert in enumerate(county.experts):
        call(db, key_evaluation.enter_scores, actor, evaluation, expert, full_scores(weights, SHARES[n]))
    tab = KeyEvaluationTab(county_ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: any(r.id == evaluation for r in tab.model.rows()))
    assert tab.model.row_at(0).id == evaluation  # drafts first
    tab.table.view.selectRow(0)
    tab.activateWindow()
    tab.table.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.table.view)
    press(qtbot, Qt.Key.Key_C, ALT)  # 继续(&C)
    qtbot.waitUntil(lambda: tab.wizard is not None and tab.wizard.isVisible())
    wizard = tab.wizard
    assert wizard is not None and wizard.detail is not None
    subject = wizard.pages[0]
    assert not subject.view.isEnabled() and county.project_name in subject.fixed.text()
    wizard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    for expected in (FRAMEWORK, PANEL, SCORES, AGGREGATION):
        step(qtbot, wizard, expected)
        qtbot.waitUntil(lambda: not wizard.busy)
    qtbot.waitUntil(lambda: wizard.pages[PANEL].model.rowCount() > 0 and wizard.pages[FRAMEWORK].template.count() > 0)
    for model in (wizard.pages[FRAMEWORK].model, wizard.pages[PANEL].model, wizard.pages[SCORES].model,
                  wizard.pages[AGGREGATION].model):
        qtmodeltester.check(model)
    assert wizard.detail.score is not None and "综合得分" in wizard.pages[AGGREGATION].total.text()
    wizard.reject()  # 关闭: the draft stays, the list reloads
    qtbot.waitUntil(county_ctx.runner.idle)
    assert tab.model.row_at(0).status == "draft"
