"""系统管理 → 审核规则 driven through its widgets against a real temporary database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.review import rule_settings as review_rules
from core.review.dto import RuleChange, RuleChanges, RuleRow
from db.database import Database
from desktop.pages.org.area import AdminPage
from desktop.pages.org.rules import RulesTab
from desktop.shell.context import AppContext
from tests.ui.test_admin_pages import make_page


def rules_tab(qtbot: QtBot, ctx: AppContext) -> tuple[AdminPage, RulesTab]:
    """The admin page (kept by the caller: it owns the tab) and its 审核规则 tab, loaded."""
    page = make_page(qtbot, ctx)
    page.show()
    page.show_tab("rules")
    tab = page.pages["rules"]
    assert isinstance(tab, RulesTab)
    qtbot.waitUntil(lambda: tab.model.rowCount() > 30)
    return page, tab


def effective(db: Database, ctx: AppContext, rule_id: str) -> RuleRow:
    return next(r for r in call(db, review_rules.list_rules, ctx.actor).rules if r.id == rule_id)


def test_unticking_enabled_and_saving_disables_the_rule(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    _page, tab = rules_tab(qtbot, ctx)
    tab.select_rule("C06")
    assert tab.editor.heading.text().startswith("C06") and tab.editor.enabled.isChecked()
    assert '"min_count": 3' in tab.editor.params.toPlainText()
    tab.editor.enabled.setChecked(False)
    tab.select_rule("A04")  # the edit of C06 is kept while another rule is shown
    tab.editor.params.setPlainText('{"expected_total": "100"}')
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已保存审核规则" in tab.status.text())
    assert not effective(db, ctx, "C06").enabled
    assert effective(db, ctx, "A04").params["expected_total"] == "100"  # A04 has more parameters since issue 14
    qtbot.waitUntil(lambda: tab.rules["C06"].overridden)
    tab.select_rule("C06")
    assert not tab.editor.enabled.isChecked()
    qtbot.waitUntil(ctx.runner.idle)  # the 系统设置 tab reloads too; let it finish before the page goes


def test_malformed_json_is_shown_inline_and_nothing_is_saved(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    _page, tab = rules_tab(qtbot, ctx)
    tab.select_rule("A04")
    tab.editor.params.setPlainText('{"expected_total": "100",}')
    tab.select_rule("A01")
    tab.save()
    qtbot.waitUntil(ctx.runner.idle)
    assert "规则 A04 的参数不是有效的 JSON" in tab.status.text()
    assert "b22222" in tab.status.styleSheet()
    assert tab.current_id == "A04" and tab.editor.params.toPlainText() == '{"expected_total": "100",}'
    assert effective(db, ctx, "A04").params["expected_total"] == "90"


def test_refusal_by_the_service_is_shown_inline(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    _page, tab = rules_tab(qtbot, ctx)
    tab.select_rule("A06")
    tab.editor.params.setPlainText('{"min": "高", "max": "100"}')
    tab.save()
    qtbot.waitUntil(lambda: tab.status.text().startswith("未保存："))
    assert "规则 A06 的参数 min" in tab.status.text()
    assert not effective(db, ctx, "A06").overridden


def test_deductions_are_saved_and_reset_restores_the_defaults(qtbot: QtBot, ctx: AppContext, db: Database) -> None:
    call(db, review_rules.save_rules, ctx.actor, RuleChanges({"A01": RuleChange(False, "error", {})}))
    _page, tab = rules_tab(qtbot, ctx)
    tab.deduction_edits["info"].setText("0")
    tab.save()
    qtbot.waitUntil(lambda: "已保存" in tab.status.text())
    assert call(db, review_rules.list_rules, ctx.actor).deductions["info"] == 0
    qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已恢复" in tab.status.text())
    qtbot.waitUntil(lambda: tab.deduction_edits["info"].text() == "1")
    assert effective(db, ctx, "A01").enabled and not tab.rules["A01"].overridden
    qtbot.waitUntil(ctx.runner.idle)
