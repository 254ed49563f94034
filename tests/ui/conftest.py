"""Fixtures for page tests: the background runner over the temporary database (tests/conftest.py) and a context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from core.org.rules.roles import Actor
from db.database import Database
from desktop.shell.context import AppContext
from desktop.shell.hub import EventHub
from desktop.shell.tasks import TaskRunner


@pytest.fixture
def unhandled() -> list[BaseException]:
    """Errors that reached the runner's default handler; the runner fixture fails the test if there are any."""
    return []


@pytest.fixture
def runner(qtbot: QtBot, db: Database, unhandled: list[BaseException]) -> Iterator[TaskRunner]:
    task_runner = TaskRunner(db, EventHub(), on_unhandled=unhandled.append)
    yield task_runner
    qtbot.waitUntil(task_runner.idle, timeout=10_000)
    task_runner.shutdown()
    assert not unhandled, unhandled


@pytest.fixture
def ctx(runner: TaskRunner, admin_actor: Actor) -> AppContext:
    """The administrator's context; no year chosen (the admin pages do not need one)."""
    return AppContext(runner, runner.hub, admin_actor, None)
