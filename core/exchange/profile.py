"""Who this installation is in the exchange (the bureau's hub, or one unit's spoke), the units' signing keys the
bureau issues, and the ledger as the manifest rules see it (packages applied, last sequence per sender, keys).

A hub creates a unit's key on first use; a spoke holds only its own unit's key (from its enrolment package).
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.changes import NONE, Area, Changes
from core.common.errors import NotFound, ValidationError
from core.exchange.dto import Profile
from core.exchange.exported import IssuedKey
from core.exchange.rules.manifest import LedgerView
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import ExchangeLedgerEntry, Installation, Unit, UnitKey, utcnow
from db.uow import UnitOfWork

KEY_BYTES = 32


def profile(session: Session) -> Profile:
    """The installation's profile; a database that was never enrolled is the bureau's hub."""
    row = session.scalar(select(Installation).order_by(Installation.id.desc()).limit(1))
    return Profile("hub", None) if row is None else Profile(row.role, row.unit_code)


def become_spoke(uow: UnitOfWork, actor: Actor, unit_code: str, key_hex: str, hub_name: str) -> Changes:
    """Enrol this installation as the given unit's (from the bureau's enrolment package)."""
    uow.write()
    require(actor, Permission.MANAGE_SETTINGS)
    install_spoke(uow.session, unit_code, key_hex, hub_name)
    uow.audit(actor.username, "exchange.enrol", "installation", unit_code, None, {"role": "spoke"})
    uow.commit()
    return Changes.of(Area.EXCHANGE)


def install_spoke(s: Session, unit_code: str, key_hex: str, hub_name: str) -> None:
    """`become_spoke`'s checks and rows inside the caller's transaction (no permission check, audit or commit):
    the enrolment package's import uses it in its one transaction."""
    if s.scalar(select(Unit.id).where(Unit.code == unit_code)) is None:
        raise NotFound(f"登记包中的单位编码“{unit_code}”在本机单位名录中不存在，请先导入参考数据。")
    if len(key_hex) != KEY_BYTES * 2 or any(c not in "0123456789abcdef" for c in key_hex.lower()):
        raise ValidationError("登记包中的签名密钥格式不正确，请向财政局重新索取登记包。", "key")
    current = profile(s)
    if current.role == "spoke" and current.unit_code != unit_code:
        raise ValidationError(f"本机已登记为单位“{current.unit_code}”，不能再登记为“{unit_code}”。", "unit_code")
    s.add(Installation(role="spoke", unit_code=unit_code, hub_name=hub_name))
    _store_key(s, unit_code, key_hex.lower())


def _store_key(s: Session, unit_code: str, key_hex: str) -> None:
    existing = s.get(UnitKey, unit_code)
    if existing is None:
        s.add(UnitKey(unit_code=unit_code, key_hex=key_hex))
    elif existing.key_hex != key_hex:
        existing.key_hex, existing.replaced_at = key_hex, utcnow()
    s.flush()


def issue_key(uow: UnitOfWork, actor: Actor, unit_code: str) -> IssuedKey:
    """The unit's signing key (hex), created on the bureau's hub the first time it is asked for."""
    uow.write()
    require(actor, Permission.MANAGE_UNITS)
    s = uow.session
    if profile(s).role != "hub":
        raise ValidationError("只有财政局（汇总端）可以为单位签发密钥。", "role")
    if s.scalar(select(Unit.id).where(Unit.code == unit_code)) is None:
        raise NotFound(f"单位编码“{unit_code}”不存在。")
    found = s.get(UnitKey, unit_code)
    if found is not None:
        return IssuedKey(found.key_hex, NONE)
    key_hex = secrets.token_hex(KEY_BYTES)
    _store_key(s, unit_code, key_hex)
    uow.audit(actor.username, "exchange.issue_key", "unit_key", unit_code, None, {"unit_code": unit_code})
    uow.commit()
    return IssuedKey(key_hex)


def ledger_view(session: Session) -> LedgerView:
    """What the manifest rules need to admit an incoming package."""
    applied = frozenset(session.scalars(select(ExchangeLedgerEntry.package_id).where(
        ExchangeLedgerEntry.direction == "in", ExchangeLedgerEntry.state.in_(("applied", "unsigned")))))
    last = dict(session.execute(select(ExchangeLedgerEntry.sender, func.max(ExchangeLedgerEntry.sequence)).where(
        ExchangeLedgerEntry.direction == "in", ExchangeLedgerEntry.state == "applied",
        ExchangeLedgerEntry.signed.is_(True)).group_by(ExchangeLedgerEntry.sender)).all())
    keys = {k.unit_code: bytes.fromhex(k.key_hex) for k in session.scalars(select(UnitKey))}
    return LedgerView(profile(session).me, applied, last, keys)


def next_sequence(session: Session, receiver: str) -> int:
    """The sequence number of the next package this installation sends to `receiver`."""
    last = session.scalar(select(func.max(ExchangeLedgerEntry.sequence)).where(
        ExchangeLedgerEntry.direction == "out", ExchangeLedgerEntry.receiver == receiver))
    return (last or 0) + 1
