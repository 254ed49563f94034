"""指标类型 on screen: the goal editor shows each indicator's kind, lets the clerk choose one from the drop-down, asks
about the ones it cannot infer, and saves the choice; the reviewer's table shows the kinds too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.org.rules.roles import Actor
from core.review import workspace as review
from db.codes import IndicatorKind
from db.database import Database
from desktop.pages.goals.editor import GoalEditorDialog
from desktop.pages.goals.indicators import KIND, KIND_AUTO, NAME, VALUE, IndicatorModel
from desktop.pages.review.table_panel import TablePanel
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner


def _county(db: Database, runner: TaskRunner, actor: Actor) -> AppContext:
    call(db, demo.generate_demo, actor, scale=0.1)
    return AppContext(runner, runner.hub, actor, 2024)


def _choose(editor: GoalEditorDialog, row: int, text: str) -> None:
    """Pick `text` in the 指标类型 drop-down of `row`, as a click in the cell would."""
    index = editor.indicators.model.index(row, KIND)
    delegate = editor.indicators.grid.itemDelegateForColumn(KIND)
    combo = delegate.createEditor(editor.indicators.grid.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(combo, QComboBox)
    delegate.setEditorData(combo, index)
    assert combo.currentText() == KIND_AUTO  # a kind nobody chose follows the content
    combo.setCurrentText(text)
    delegate.setModelData(combo, editor.indicators.model, index)
    combo.deleteLater()


def test_editor_shows_asks_and_saves_a_changed_kind(qtbot, qtmodeltester, db: Database,  # type: ignore[no-untyped-def]
                                                     runner: TaskRunner, admin_actor: Actor) -> None:
    ctx = _county(db, runner, admin_actor)
    row = next(r for r in call(db, goals.list_tables, admin_actor, 2024, "draft"))
    detail = call(db, goals.get_table, admin_actor, row.project_id)
    editor = GoalEditorDialog(ctx, detail)
    qtbot.addWidget(editor)
    model = editor.indicators.model
    qtmodeltester.check(IndicatorModel(detail.content.indicators))
    assert model.headerData(KIND, Qt.Orientation.Horizontal) == "指标类型"
    assert model.setData(model.index(0, VALUE), "≥60公里")
    assert model.index(0, KIND).data() == "累计型"
    assert model.setData(model.index(0, VALUE), "≥95%")  # the value changed: the inferred kind follows it
    assert model.index(0, KIND).data() == "比率型"
    _choose(editor, 0, "时点型")
    assert model.setData(model.index(0, VALUE), "≥3个")  # a chosen kind stays when the value changes
    assert model.index(0, KIND).data() == "时点型"
    editor.indicators.add_row()
    last = len(model.rows) - 1
    assert model.setData(model.index(last, NAME), "带动效应") and model.setData(model.index(last, VALUE), "≥3")
    assert model.index(last, KIND).data() == "待定"
    assert model.index(last, KIND).data(Qt.ItemDataRole.BackgroundRole) is not None
    editor.save()
    qtbot.waitUntil(lambda: editor.message.text().startswith("已保存"))
    assert f"第 {last + 1} 条指标的指标类型待定" in editor.message.text()  # asked about, not guessed
    saved = call(db, goals.get_table, admin_actor, detail.project_id).content.indicators
    assert (saved[0].kind, saved[0].kind_chosen, saved[last].kind) == (IndicatorKind.MILESTONE, True, None)
    _choose(editor, last, "累计型")
    editor.save()
    qtbot.waitUntil(lambda: editor.message.text().startswith("已保存") and "待定" not in editor.message.text())
    assert call(db, goals.get_table, admin_actor, detail.project_id).content.indicators[last].kind == "cumulative"


def test_reviewers_table_shows_the_kinds(qtbot, db: Database, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                         admin_actor: Actor) -> None:
    _county(db, runner, admin_actor)
    row = next(r for r in call(db, goals.list_tables, admin_actor, 2024, "submitted"))
    view = call(db, review.open_review, admin_actor, row.project_id)
    panel = TablePanel()
    qtbot.addWidget(panel)
    panel.show_table(view.table, view.findings)
    column = next(c for c in range(panel.model.columnCount())
                  if panel.model.headerData(c, Qt.Orientation.Horizontal) == "指标类型")
    shown = [panel.model.index(r, column).data() for r in range(panel.model.rowCount())]
    labels = {"cumulative": "累计型", "rate": "比率型", "milestone": "时点型", "qualitative": "定性", None: "待定"}
    stored = call(db, goals.get_table, admin_actor, row.project_id).content.indicators
    assert shown == [labels[i.kind] for i in stored] and set(shown) - {"待定"}
