"""Pages follow the change records the runner announces: a batch approval updates every page showing those goal
tables, a hidden page stays stale (no query) until it is shown, and the page that acted loads once."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.common.runner import call
from core.demo import generate as demo
from core.org import admin
from core.org.rules.roles import Actor
from db.database import Database
from desktop.pages.goals.area import GoalsPage
from desktop.pages.org.units import UnitsTab
from desktop.pages.review.area import ReviewPage
from desktop.shell.context import AppContext
from desktop.shell.main_window import MainWindow
from desktop.shell.tasks import TaskRunner


@pytest.fixture
def county_ctx(db: Database, runner: TaskRunner, admin_actor: Actor) -> AppContext:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return AppContext(runner, runner.hub, admin_actor, 2024)


class CountingGoalsPage(GoalsPage):
    """The real goals page, counting its loads."""

    loads = 0

    def load(self) -> None:
        self.loads += 1
        super().load()


class CountingUnitsTab(UnitsTab):
    loads = 0

    def load(self) -> None:
        self.loads += 1
        super().load()


def _status(page: GoalsPage, project_id: int) -> str:
    return next(r.status_label for r in page.model.rows() if r.project_id == project_id)


def test_a_batch_approval_updates_every_page_showing_those_tables(qtbot: QtBot, county_ctx: AppContext) -> None:
    runner = county_ctx.runner
    window = MainWindow(county_ctx, "test.sqlite")
    qtbot.addWidget(window)
    window.show()
    home = window.pages["home"]
    qtbot.waitUntil(lambda: home.figures is not None, timeout=10_000)  # type: ignore[attr-defined]
    approved_before = home.figures.goal_tables_by_status.get("已通过", 0)  # type: ignore[attr-defined]
    window.open_area("goals")
    goals_page = window.pages["goals"]
    assert isinstance(goals_page, GoalsPage)
    qtbot.waitUntil(lambda: goals_page.model.rowCount() == 80, timeout=10_000)
    window.open_area("review")
    review_page = window.pages["review"]
    assert isinstance(review_page, ReviewPage)
    qtbot.waitUntil(lambda: review_page.model.rowCount() > 0, timeout=20_000)
    waiting = [r for r in review_page.model.rows() if r.stage == "待审" and r.severity in ("info", "none")]
    review_page.department.setCurrentIndex(review_page.department.findData(waiting[0].department_id))
    clean = review_page.clean_rows()
    assert clean and all(_status(goals_page, r.project_id) != "已通过" for r in clean)
    review_page.batch_approve(clean)
    qtbot.waitUntil(lambda: review_page.notice.text().startswith("已批量通过"), timeout=10_000)
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert goals_page.stale and home.stale  # type: ignore[attr-defined]  # hidden: marked, not queried
    window.open_area("goals")  # no refresh button pressed: showing the page is enough
    qtbot.waitUntil(lambda: all(_status(goals_page, r.project_id) == "已通过" for r in clean), timeout=10_000)
    window.open_area("home")
    qtbot.waitUntil(lambda: home.figures.goal_tables_by_status.get("已通过", 0)  # type: ignore[attr-defined]
                    == approved_before + len(clean), timeout=10_000)
    qtbot.waitUntil(runner.idle, timeout=10_000)


def test_a_hidden_page_does_not_query_until_it_is_shown(qtbot: QtBot, county_ctx: AppContext) -> None:
    runner = county_ctx.runner
    page = CountingGoalsPage(county_ctx)
    qtbot.addWidget(page)
    runner.write(admin.save_unit, county_ctx.actor, admin.UnitInput("X001", "县新设局", "department"))
    county_ctx.set_year(2023)
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert page.loads == 0 and page.stale and page.model.rowCount() == 0
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert page.loads == 1 and not page.stale
    page.hide()
    county_ctx.set_year(2024)
    qtbot.waitUntil(runner.idle, timeout=10_000)
    assert page.loads == 1 and page.stale


def test_the_page_that_acted_loads_once(qtbot: QtBot, ctx: AppContext) -> None:
    tab = CountingUnitsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: tab.loads == 1 and ctx.runner.idle(), timeout=10_000)
    tab.write(admin.save_unit, ctx.actor, admin.UnitInput("D201", "县审计局", "department"))
    qtbot.waitUntil(lambda: any(r.code == "D201" for r in tab.model.rows()), timeout=10_000)
    qtbot.waitUntil(ctx.runner.idle, timeout=10_000)
    assert tab.loads == 2  # once, through the runner's announcement, not again in its own callback
