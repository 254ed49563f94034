"""Long jobs show their steps in a progress dialog; 取消 unwinds the job and leaves the database untouched."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from sqlalchemy import func, select

from core.demo import generate as demo
from core.org.rules.roles import Actor
from db.database import Database
from db.models import Project, Unit
from desktop.shell.progress import run_with_progress
from desktop.shell.tasks import Cancelled, TaskRunner


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_progress_dialog_follows_the_job(qtbot, db: Database, runner: TaskRunner, admin_actor: Actor) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int]] = []
    runner.progressed.connect(lambda done, total, text: seen.append((done, total)))
    report = run_with_progress(None, runner, "生成演示数据", demo.generate_demo, admin_actor, scale=0.05)
    assert report.projects == 40 and _count(db, Project) > 40
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4)]


def test_cancel_leaves_the_database_untouched(qtbot, db: Database, runner: TaskRunner, admin_actor: Actor) -> None:  # type: ignore[no-untyped-def]
    def press_cancel(done: int, total: int, text: str) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                button = next(b for b in widget.findChildren(QPushButton) if b.text() == "取消")
                button.click()

    runner.progressed.connect(press_cancel)
    with pytest.raises(Cancelled, match="数据未作改动"):
        run_with_progress(None, runner, "生成演示数据", demo.generate_demo, admin_actor, scale=3)
    assert _count(db, Project) == 0 and _count(db, Unit) == 0
