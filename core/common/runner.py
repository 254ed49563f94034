"""Run one service call in its own unit of work: the one way the GUI helper and the CLI call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from db.database import Database

T = TypeVar("T")


def call(database: Database, service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`service(uow, *args)` in a fresh unit of work, rolled back unless the service commits."""
    with database.unit_of_work() as uow:
        return service(uow, *args, **kwargs)


