"""The 绩效评价 area driven with pytest-qt on the demo county: the overview lists the demo's evaluations with the
count per grade and filters them, the department sheet computes each rule item's percent and points as figures
are typed and saves and finalises, and the cross-check tab shows the inflated self-scores."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from core.common.runner import call
from core.demo import generate as demo
from core.evaluation.dto import DepartmentRow
from core.org.rules.roles import Actor
from db.database import Database
from desktop.pages.evaluation import area as evaluation
from desktop.pages.evaluation.area import EvaluationPage
from desktop.pages.evaluation.crosscheck import CrossCheckTab
from desktop.pages.evaluation.department import DepartmentEvaluationTab
from desktop.pages.evaluation.overview import EvaluationOverviewTab
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, 2024)


def _page(qtbot, ctx: AppContext) -> EvaluationPage:  # type: ignore[no-untyped-def]
    page = EvaluationPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 820)
    page.show()
    return page


def test_tabs_come_from_the_table(qtbot, county_ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def factory(_ctx: AppContext) -> QWidget:
        return QWidget()

    extra: list[tuple[str, str, Callable[[AppContext], QWidget]]] = [("extra", "附加", factory)]
    monkeypatch.setattr(evaluation, "TABS", [*evaluation.TABS, *extra])
    page = _page(qtbot, county_ctx)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == [title for _key, title, _factory in evaluation.TABS] and titles[-1] == "附加"
    assert {"评价总览", "部门整体评价", "自评核查"} <= set(titles) and list(page.pages) == [k for k, *_ in evaluation.TABS]
    assert page.open_tab("crosscheck") and page.tabs.currentWidget() is page.pages.slots["crosscheck"]
    assert not page.open_tab("nothing")
    qtbot.waitUntil(county_ctx.runner.idle, timeout=10_000)  # no answer may reach a closed page


def test_overview_lists_the_demo_evaluations_with_counts_per_grade(qtbot, qtmodeltester,  # type: ignore[no-untyped-def]
                                                                   county_ctx: AppContext) -> None:
    page = _page(qtbot, county_ctx)
    tab: EvaluationOverviewTab = page.pages["overview"]
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(tab.model)
    counts = tab.counts()
    assert all(counts[g] > 0 for g in ("优", "良", "中", "差")), counts
    assert f"差 {counts['差']} 项" in tab.counts_label.text()
    kinds = {tab.model.row_at(i).kind_label for i in range(tab.model.rowCount())}
    assert kinds == {"单位自评", "财政重点评价", "部门整体评价"}
    tab.kind_box.setCurrentIndex(tab.kind_box.findData("department"))
    assert tab.model.rowCount() == 10 and sum(tab.counts().values()) == 10
    tab.grade_box.setCurrentIndex(tab.grade_box.findData("差"))
    rows = [tab.model.row_at(i) for i in range(tab.model.rowCount())]
    assert rows and {(r.kind, r.grade) for r in rows} == {("department", "差")}
    assert tab.model.index(0, 7).data(Qt.ItemDataRole.ForegroundRole) is not None  # 差 in red
    qtbot.waitUntil(county_ctx.runner.idle, timeout=10_000)  # no answer may reach a closed page


def _department_tab(qtbot, ctx: AppContext) -> tuple[EvaluationPage, DepartmentEvaluationTab]:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ctx)  # returned too: the tab lives only as long as its page
    page.open_tab("department")
    tab: DepartmentEvaluationTab = page.pages["department"]
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    return page, tab


def test_department_sheet_computes_points_as_figures_are_typed(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    _page_kept, tab = _department_tab(qtbot, county_ctx)
    row = next(r for r in tab.model.rows() if r.status == "none")
    assert tab.select_unit(row.unit_id)
    editor = tab.editor
    qtbot.waitUntil(lambda: editor.sheet is not None and editor.sheet.unit_id == row.unit_id, timeout=10_000)
    assert editor.save_button.isEnabled() and row.unit_name in editor.heading.text()
    editor.fill_suggested()  # budget figures from the department's projects and payments
    assert editor.figure_edits["budget"].text() and "库中" in editor.hints["budget"].text()
    qtbot.keyClicks(editor.figure_edits["staff"], "104")
    assert editor.figure_labels["C1"].text() == "—"  # 编制数 still missing
    qtbot.keyClicks(editor.figure_edits["posts"], "100")
    assert (editor.figure_labels["C1"].text(), editor.rule_labels["C1"].text()) == ("104%", "3")
    assert editor.score_edits["C1"].placeholderText() == "3"
    qtbot.keyClicks(editor.score_edits["C1"], "4")
    assert "手工调整得分（3.00 → 4）必须写明理由" in editor.message.text()
    assert editor.figure_labels["C1"].text() == "104%"
    editor.note_edits["C1"].setText("编制已批复待核定")  # QTest types ASCII only
    assert editor.message.text() == ""
    qtbot.keyClicks(editor.score_edits["C6"], "12")
    assert "“管理制度健全性”的得分 12 应在 0 至 10 分之间" in editor.message.text()
    editor.score_edits["C6"].setText("8")
    assert "已评 5/11 项" in editor.summary.text()  # C1, C3, C4, C5 from the figures so far, C6 judged
    def listed() -> DepartmentRow:
        return next(r for r in tab.model.rows() if r.unit_id == row.unit_id)

    editor.save_button.click()
    qtbot.waitUntil(lambda: listed().status == "draft" and editor.message.text() == "已保存草稿。", timeout=10_000)

    for key, value in {"sangong": "9", "sangong_prev": "10", "tasks_done": "10", "tasks_planned": "10",
                       "satisfaction": "95"}.items():
        editor.figure_edits[key].setText(value)
    for key, value in {"C7": "5", "C9": "9", "C10": "9"}.items():
        editor.score_edits[key].setText(value)
    assert "等级：" in editor.summary.text()
    editor.save(then_finalise=True)  # what 定稿 does after its confirmation
    qtbot.waitUntil(lambda: editor.message.text() == "已定稿。" and listed().status == "final", timeout=10_000)
    saved = listed()
    assert saved.grade in ("优", "良", "中", "差") and saved.score == editor.sheet.score
    assert not editor.save_button.isEnabled() and editor.score_edits["C6"].isReadOnly()
    qtbot.waitUntil(county_ctx.runner.idle, timeout=10_000)  # no answer may reach a closed page


def test_cross_check_tab_shows_inflated_projects(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, county_ctx)
    page.open_tab("crosscheck")
    tab: CrossCheckTab = page.pages["crosscheck"]
    qtbot.waitUntil(lambda: tab.result is not None, timeout=10_000)
    assert tab.result is not None and tab.result.inflated_count > 0
    assert f"虚高）{tab.result.inflated_count} 个" in tab.summary.text()
    assert tab.model.rowCount() == len(tab.result.rows) > tab.result.inflated_count
    tab.only_inflated.setChecked(True)
    rows = [tab.model.row_at(i) for i in range(tab.model.rowCount())]
    assert len(rows) == tab.result.inflated_count and all(r.inflated and r.gap > 10 for r in rows)
    assert tab.model.index(0, 6).data() == "虚高"
    assert tab.departments.rowCount() == len(tab.result.departments)
    qtbot.waitUntil(county_ctx.runner.idle, timeout=10_000)  # no answer may reach a closed page


def test_department_score_sheet_pdf_opens_in_the_preview(qtbot, county_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    _page_kept, tab = _department_tab(qtbot, county_ctx)
    final = next(r for r in tab.model.rows() if r.status == "final")
    assert tab.select_unit(final.unit_id)
    tab.report_button.click()
    qtbot.waitUntil(lambda: tab.reports.preview is not None, timeout=20_000)
    preview = tab.reports.preview
    assert preview.page_count() >= 1
    text = subprocess.run(["pdftotext", str(preview.path), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")
    assert final.unit_name in text and "部门整体绩效评价评分表" in text and f"评价等级为“{final.grade}”" in text
    preview.close()
    qtbot.waitUntil(county_ctx.runner.idle)
