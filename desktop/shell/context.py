"""What every page gets: the background runner, the event hub, the logged-in actor and the chosen year."""

from __future__ import annotations

from dataclasses import dataclass

from core.org.rules.roles import Actor
from desktop.shell.hub import EventHub
from desktop.shell.tasks import TaskRunner


@dataclass
class AppContext:
    runner: TaskRunner
    hub: EventHub
    actor: Actor
    year: int | None

    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.hub.year_changed.emit(year)
