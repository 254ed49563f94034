"""The 结果应用 area with pytest-qt on the demo county plus the planted department (tests/results_county.py): tabs
from the table, the policy tables refusing overlaps and out-of-range percentages inline, the what-if moving the
totals live without writing a byte until 保存政策, an override through its dialog, the composite scores, and a
findings import refused whole. Table models pass qtmodeltester."""

from __future__ import annotations

import hashlib
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from core.org.rules.roles import Role
from db.database import Database
from db.models import AuditEntry, BudgetOverride, ResultPolicy
from desktop.pages.results import area as results_page
from desktop.pages.results import findings as results_findings
from desktop.pages.results.area import ResultsPage
from desktop.pages.results.findings import FindingsTab
from desktop.pages.results.policy import ResultPolicyTab
from desktop.pages.results.scores import ScoresTab
from desktop.pages.results.suggestions import SuggestionsTab
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from tests import results_county as county
from tests.conftest import actor_of

EDIT = Qt.ItemDataRole.EditRole


county_file, db = county.county_file, county.db  # the planted county's fixtures, registered in this module


@pytest.fixture
def ctx(runner: TaskRunner) -> AppContext:
    return AppContext(runner, runner.hub, actor_of(Role.ADMIN), county.YEAR)


def _page(qtbot, ctx: AppContext) -> ResultsPage:  # type: ignore[no-untyped-def]
    page = ResultsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 760)
    page.show()
    return page


def _audits(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _fingerprint(tmp_path: Path) -> tuple[str, ...]:
    path = tmp_path / "county.sqlite"
    return tuple(hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else "-"
                 for f in (path, path.with_name(path.name + "-wal")))


def test_tabs_come_from_the_table(qtbot, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ctx)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles == [title for _key, title, _factory in results_page.TABS]
    assert titles[:4] == ["政策设置", "审计检查", "部门综合评分", "预算安排建议"]
    assert page.open_tab("suggestions") and page.tabs.currentWidget() is page.pages.slots["suggestions"]
    assert not page.open_tab("nothing")
    qtbot.waitUntil(ctx.runner.idle, timeout=20_000)


def test_policy_problems_inline_then_saved(qtbot, qtmodeltester, ctx: AppContext,  # type: ignore[no-untyped-def]
                                           db: Database) -> None:
    tab = ResultPolicyTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.view is not None, timeout=10_000)
    editor = tab.editor
    qtmodeltester.check(editor.grades)
    qtmodeltester.check(editor.bands)
    assert "尚未保存政策" in tab.status.text()
    editor.grades.setData(editor.grades.index(2, 2), "-150", EDIT)
    assert "等级处理表第 3 行（中）：增减比例 -150% 超出" in editor.problems.text()
    assert not tab.save_button.isEnabled()
    editor.grades.setData(editor.grades.index(2, 2), "-20", EDIT)
    editor.bands.setData(editor.bands.index(1, 0), "55", EDIT)
    assert "第 1 行（0–60 分）与第 2 行（55–80 分）重叠" in editor.problems.text()
    editor.bands.setData(editor.bands.index(1, 0), "60", EDIT)
    editor.bands.setData(editor.bands.index(3, 2), "0.5", EDIT)
    assert "系数表不单调" in editor.problems.text()
    editor.bands.setData(editor.bands.index(3, 2), "1.05", EDIT)
    editor.weights.setData(editor.weights.index(3, 1), "abc", EDIT)
    assert "权重表第 4 行“权重”：“abc”不是数值" in editor.problems.text()
    editor.weights.setData(editor.weights.index(3, 1), "40", EDIT)
    assert editor.problems.text() == "" and tab.save_button.isEnabled()
    audits = _audits(db)
    tab.save()
    qtbot.waitUntil(lambda: "保存" in tab.status.text() and "尚未" not in tab.status.text(), timeout=10_000)
    assert _audits(db) == audits + 1
    with db.unit_of_work() as uow:
        assert uow.session.get(ResultPolicy, county.YEAR) is not None
    assert tab.view is not None and tab.view.policy.action("中").percent == D(-20)


def _loaded(qtbot, ctx: AppContext) -> SuggestionsTab:  # type: ignore[no-untyped-def]
    tab = SuggestionsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1180, 720)
    tab.show()
    qtbot.waitUntil(lambda: tab.space is not None and tab.projects.rowCount() > 0, timeout=20_000)
    return tab


def _line(tab: SuggestionsTab, code: str) -> int:
    return next(i for i, r in enumerate(tab.projects.rows()) if r.code == code)


def test_what_if_moves_totals_without_writing(qtbot, qtmodeltester, ctx: AppContext,  # type: ignore[no-untyped-def]
                                              db: Database, tmp_path: Path) -> None:
    tab = _loaded(qtbot, ctx)
    qtmodeltester.check(tab.projects)
    qtmodeltester.check(tab.departments)
    panel = tab.whatif
    before_text, before_totals = panel.suggested.text(), tab.table.totals if tab.table else None
    assert panel.this_year.text() == tab.summary.text().split(" ")[1]
    fingerprint, audits = _fingerprint(tmp_path), _audits(db)
    grades = panel.editor.grades
    grades.setData(grades.index(2, 2), "-20", EDIT)  # 中 −15 % → −20 %
    assert panel.suggested.text() != before_text and tab.table is not None and tab.table.totals != before_totals
    assert panel.this_year.text() == tab.summary.text().split(" ")[1]  # this year's total does not move
    row = tab.projects.row_at(_line(tab, "2024-D900-0001"))
    assert row.final == D("96.2765")  # 120.345678 × 0.80
    assert tab.projects.index(_line(tab, "2024-D900-0001"), 4).data() == "96.2765"
    assert "模拟" in tab.banner.text() and panel.save_button.isEnabled()
    panel.editor.bands.setData(panel.editor.bands.index(0, 1), "50", EDIT)  # a gap: nothing recomputed
    assert "50–60 分之间没有系数" in panel.editor.problems.text() and not panel.save_button.isEnabled()
    panel.editor.bands.setData(panel.editor.bands.index(0, 1), "60", EDIT)
    qtbot.wait(200)
    assert _fingerprint(tmp_path) == fingerprint and _audits(db) == audits
    with db.unit_of_work() as uow:
        assert uow.session.get(ResultPolicy, county.YEAR) is None
    panel.discard_button.click()
    assert panel.suggested.text() == before_text and tab.banner.text() == ""
    assert tab.projects.row_at(_line(tab, "2024-D900-0001")).final == D("102.2938")
    grades.setData(grades.index(2, 2), "-20", EDIT)
    panel.save_button.click()
    qtbot.waitUntil(lambda: tab.space is not None and tab.space.stored, timeout=20_000)
    assert _audits(db) == audits + 1 and tab.banner.text() == ""
    assert tab.projects.row_at(_line(tab, "2024-D900-0001")).final == D("96.2765")


def test_override_a_line_with_a_reason(qtbot, ctx: AppContext, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = _loaded(qtbot, ctx)
    row = _line(tab, "2024-D900-0005")
    tab.project_table.view.setCurrentIndex(tab.project_table.proxy.mapFromSource(tab.projects.index(row, 0)))
    tab.override_selected()
    dialog = tab.dialog
    assert dialog is not None and hasattr(dialog, "amount")
    dialog.amount.setText("12.5")
    dialog.submit()
    qtbot.waitUntil(lambda: "调整说明" in dialog.error.text(), timeout=10_000)
    dialog.reason.setPlainText("续建需要，按合同额安排")
    dialog.submit()
    qtbot.waitUntil(lambda: tab.projects.row_at(_line(tab, "2024-D900-0005")).override is not None, timeout=20_000)
    line = tab.projects.row_at(_line(tab, "2024-D900-0005"))
    assert line.final == D("12.5") and tab.projects.index(_line(tab, "2024-D900-0005"), 8).data().startswith("人工调整")
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BudgetOverride)) == 1


def test_scores_tab(qtbot, qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = ScoresTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=20_000)
    qtmodeltester.check(tab.model)
    row = next(i for i, r in enumerate(tab.model.rows()) if r.code == county.CODE)
    texts = [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]
    assert texts == ["D900", "县结果测试局", "92.00", "85.00", "50.00", "85.50", "2.5", "1", "76.10", "0.95"]
    tab.table.view.setCurrentIndex(tab.table.proxy.mapFromSource(tab.model.index(row, 0)))
    assert "综合得分 76.10，调整系数 0.95" in tab.explanation.text()


def test_findings_import_refused_whole(qtbot, qtmodeltester, ctx: AppContext, tmp_path: Path,  # type: ignore[no-untyped-def]
                                       monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(results_findings, "show_error", lambda _parent, exc, _title="": shown.append(str(exc)))
    tab = FindingsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=20_000)
    qtmodeltester.check(tab.model)
    count = tab.model.rowCount()
    wb = openpyxl.Workbook()
    wb.active.append(["单位编码", "来源", "文号", "问题描述", "扣分"])
    wb.active.append(["D001", "审计", "", "资金闲置", 1])
    wb.active.append(["X999", "审计", "", "单位不存在", 1])
    wb.save(tmp_path / "findings.xlsx")
    tab.import_file(tmp_path / "findings.xlsx")
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "第 3 行 A 列（单位编码）：找不到编码为“X999”的单位" in shown[0] and "未导入任何记录" in shown[0]
    wb.active.delete_rows(3)
    wb.save(tmp_path / "findings.xlsx")
    tab.import_file(tmp_path / "findings.xlsx")
    qtbot.waitUntil(lambda: tab.model.rowCount() == count + 1, timeout=10_000)
