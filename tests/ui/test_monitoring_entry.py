"""The monitoring table form driven with pytest-qt: type completion values, refuse text in number cells in place,
get the mandatory-field rule for 有可能 from the service, then save and submit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import grid as monitoring
from core.monitoring import rounds as monitoring_rounds
from core.monitoring.dto import EntryView
from core.org.rules.roles import Actor
from db.database import Database
from desktop.pages.monitoring.entry import (
    ACTUAL,
    ANALYSIS,
    CAUSE,
    FORECAST,
    LIKELIHOOD,
    RECTIFY,
    MonitoringEntryDialog,
)
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner

TODAY = date(2024, 12, 31)


@pytest.fixture
def setup(db: Database, runner: TaskRunner, admin_actor: Actor) -> tuple[AppContext, EntryView]:
    call(db, demo.generate_demo, admin_actor, scale=0.3)
    first = call(db, monitoring_rounds.list_rounds, admin_actor, 2024)[0].id
    call(db, monitoring_rounds.open_round, admin_actor, 2024, 9, "1-9月（第二轮）", first, TODAY)
    rid = next(r.id for r in call(db, monitoring_rounds.list_rounds, admin_actor, 2024) if r.follows_round_id)
    row = next(r for r in call(db, monitoring.grid, admin_actor, 2024, rid, None, TODAY).rows
               if r.goal_basis == "approved")
    view = call(db, monitoring_rounds.get_entry, admin_actor, rid, row.project_id)
    return AppContext(runner, runner.hub, admin_actor, 2024), view


def test_fill_and_submit_a_monitoring_table(qtbot, db: Database, setup) -> None:  # type: ignore[no-untyped-def]
    ctx, view = setup
    dialog = MonitoringEntryDialog(ctx, view)
    qtbot.addWidget(dialog)
    model = dialog.model
    row = next(i for i, ind in enumerate(model.indicators) if ind.comparator == ">=" and ind.target)
    assert model.setData(model.index(row, ACTUAL), "abc") is False
    assert "不是数值" in dialog.message.text()
    assert model.setData(model.index(row, ACTUAL), "12.5") is True and dialog.message.text() == ""
    assert model.setData(model.index(row, LIKELIHOOD), "有可能") is True
    dialog.save(submit=False)
    qtbot.waitUntil(lambda: "必须填写全年预计完成值、偏差原因、原因分析" in dialog.message.text())
    model.setData(model.index(row, FORECAST), "20")
    model.setData(model.index(row, CAUSE), "人员")
    model.setData(model.index(row, ANALYSIS), "技术人员不足，进度滞后。")
    model.setData(model.index(row, RECTIFY), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    dialog.adjustment.setText("-1.5")
    dialog.save(submit=True)
    qtbot.waitUntil(lambda: dialog.message.text() == "已提交。")
    saved = call(db, monitoring_rounds.get_entry, ctx.actor, view.round_id, view.detail.row.project_id)
    line = saved.form.lines[row]
    assert saved.status == "submitted" and saved.form.budget_adjustment == Decimal("-1.5")
    assert (str(line.actual), line.likelihood, line.cause, line.needs_rectification) == ("12.5", "possible", "人员", True)
    assert not dialog.submit_button.isEnabled()


def test_qualitative_completion_and_bad_adjustment(qtbot, setup) -> None:  # type: ignore[no-untyped-def]
    ctx, view = setup
    dialog = MonitoringEntryDialog(ctx, view)
    qtbot.addWidget(dialog)
    model = dialog.model
    qual = [i for i, ind in enumerate(model.indicators) if ind.comparator == "qual"]
    if qual:
        assert model.setData(model.index(qual[0], ACTUAL), "差不多") is False
        assert "定性指标" in dialog.message.text()
        assert model.setData(model.index(qual[0], ACTUAL), "部分达成") is True
    dialog.adjustment.setText("十万")
    dialog.save(submit=False)
    assert "年度预算调整“十万”不是数值" in dialog.message.text()
