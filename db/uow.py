"""Unit of work: one session per service call, rolled back unless the service commits.

A service that writes calls `uow.write()` first; on SQLite its transaction then starts with
BEGIN IMMEDIATE.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import audit
from db.engine import BEGIN_OPTION
from db.models import AuditEntry


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.session: Session
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self._conn = self._engine.connect()
        self.session = Session(bind=self._conn, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()
            self._conn.close()

    def write(self) -> None:
        """Declare that this unit of work writes; must come before its first query.

        Idempotent, so one writing service may call another inside the same unit of work."""
        if self._conn.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE":
            return
        if self._conn.in_transaction():
            raise RuntimeError("uow.write() must be called before the first query")
        self._conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})

    def audit(self, actor: str, action: str, entity: str, entity_id: object = None,
              before: Any = None, after: Any = None) -> AuditEntry:
        return audit.append(self.session, actor, action, entity, entity_id, before, after)

    def commit(self) -> None:
        self.session.commit()
        self._committed = True
