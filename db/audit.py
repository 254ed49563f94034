"""The audit chain: each entry's SHA-256 covers its content and the previous entry's hash.

Editing, inserting or deleting a row in the middle breaks the chain, which `verify_chain` reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, utcnow

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} into the audit log")


def to_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def entry_hash(
    prev_hash: str, at: datetime, actor: str, action: str, entity: str,
    entity_id: str | None, before_json: str | None, after_json: str | None,
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(timespec="microseconds"), actor, action, entity, entity_id,
         before_json, after_json],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session, actor: str, action: str, entity: str, entity_id: object = None,
    before: Any = None, after: Any = None,
) -> AuditEntry:
    """Append one entry; call inside a write (BEGIN IMMEDIATE) transaction so the chain is serial."""
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    at = utcnow()
    eid = None if entity_id is None else str(entity_id)
    bj, aj = to_json(before), to_json(after)
    entry = AuditEntry(
        at=at, actor=actor, action=action, entity=entity, entity_id=eid,
        before_json=bj, after_json=aj, prev_hash=prev,
        hash=entry_hash(prev, at, actor, action, entity, eid, bj, aj),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None  # id of the first entry that does not verify
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(rows: Iterable[AuditEntry]) -> ChainReport:
    prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return ChainReport(count, row.id, "前一条记录的哈希不符（记录被删除、插入或改动）")
        expected = entry_hash(prev, row.at, row.actor, row.action, row.entity, row.entity_id,
                              row.before_json, row.after_json)
        if expected != row.hash:
            return ChainReport(count, row.id, "记录内容与其哈希不符（记录被改动）")
        prev = row.hash
    return ChainReport(count, None, None)
