"""Unit of work: one session per service call, rolled back unless the service commits.

A service that writes calls `uow.write()` first; on SQLite its transaction then starts with
BEGIN IMMEDIATE.

Nesting. A use case that calls other writing services (each written to commit on its own) and must commit once,
after all of them, opens `uow.deferred_commit()`: inside that scope `commit()` only flushes, and `write()` leaves
the transaction as the scope's opener began it (declared for writing, or deliberately not: a preview that tries
services out). The opener commits after the scope (or does not, and everything is rolled back). A service may ask
`uow.commit_is_deferred` whether its commit is the final one. `uow.savepoint()` runs a step in a SAVEPOINT: when
the step raises, only its own work is undone; `keep=False` undoes it also when it succeeds (a trial run).
Both are properties of this unit of work only: nothing outside the object passed to a service changes.

A read-only unit of work (a command that runs beside the GUI, see desktop.cli.options) refuses to commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db import audit
from db.engine import BEGIN_OPTION
from db.models import AuditEntry


class UnitOfWork:
    def __init__(self, engine: Engine, read_only: bool = False) -> None:
        self._engine = engine
        self.session: Session
        self._committed = False
        self._read_only = read_only
        self._deferred = 0  # depth of open deferred_commit() scopes

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

        Idempotent, so one writing service may call another inside the same unit of work. Inside
        `deferred_commit()` the scope's opener has decided already, and this does nothing."""
        if self._deferred:
            return
        if self._conn.get_execution_options().get(BEGIN_OPTION) == "IMMEDIATE":
            return
        if self._conn.in_transaction():
            raise RuntimeError("uow.write() must be called before the first query")
        self._conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})

    def audit(self, actor: str, action: str, entity: str, entity_id: object = None,
              before: Any = None, after: Any = None) -> AuditEntry:
        return audit.append(self.session, actor, action, entity, entity_id, before, after)

    def commit(self) -> None:
        """Commit the transaction; inside `deferred_commit()` only flush (the opener commits once, later)."""
        if self._deferred:
            self.session.flush()
            return
        if self._read_only:
            raise RuntimeError("this unit of work was opened read-only (a command declared as reading) "
                               "and may not commit")
        self.session.commit()
        self._committed = True

    @contextmanager
    def deferred_commit(self) -> Iterator[None]:
        """A scope in which the services called commit nothing on their own (see the module docstring)."""
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1

    @property
    def commit_is_deferred(self) -> bool:
        """True inside `deferred_commit()`: this transaction is committed by the scope's opener, once."""
        return self._deferred > 0

    @contextmanager
    def savepoint(self, keep: bool = True) -> Iterator[None]:
        """Run a step in a SAVEPOINT: undone alone when it raises (the exception propagates); with `keep` released
        into the outer transaction when it succeeds, without it undone as well (a trial)."""
        point = self.session.begin_nested()
        try:
            yield
        except BaseException:
            if point.is_active:
                point.rollback()
            raise
        if keep:
            point.commit()
        else:
            point.rollback()
