"""Read side of the exchange for the 数据交换 area: who this installation is (hub or spoke, with a label for the
user) and the ledger of packages exported and imported, as plain rows."""

from __future__ import annotations

from sqlalchemy import or_, select

from core.common.labels import PACKAGE_DIRECTIONS, PACKAGE_STATES
from core.exchange import profile as xp
from core.exchange.dto import LedgerRow, Profile
from core.exchange.kinds import KIND_LABELS
from core.exchange.rules.manifest import HUB
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import ExchangeLedgerEntry, Unit
from db.uow import UnitOfWork


def _party(name: str) -> str:
    return "财政局" if name == HUB else name


def _require_viewer(actor: Actor) -> None:
    if not (actor.can(Permission.VIEW_ALL_UNITS) or actor.can(Permission.MANAGE_UNITS)):
        require(actor, Permission.EDIT_OWN_UNIT_DATA)


def current_profile(uow: UnitOfWork, actor: Actor) -> Profile:
    """This installation's role in the exchange (the GUI cannot read the installation row itself)."""
    _require_viewer(actor)
    return xp.profile(uow.session)


def installation_label(uow: UnitOfWork, actor: Actor) -> str:
    """财政局（汇总端） or 单位（填报端：单位名）, for the page header."""
    me = current_profile(uow, actor)
    if me.role == "hub":
        return "财政局（汇总端）"
    name = uow.session.scalar(select(Unit.name).where(Unit.code == me.unit_code))
    return f"单位（填报端：{name or me.unit_code}）"


def list_ledger(uow: UnitOfWork, actor: Actor, year: int | None = None) -> list[LedgerRow]:
    """The packages sent and received, newest first; a clerk on the hub sees only its own unit's packages."""
    _require_viewer(actor)
    s = uow.session
    stmt = select(ExchangeLedgerEntry).order_by(ExchangeLedgerEntry.recorded_at.desc(), ExchangeLedgerEntry.id.desc())
    if year is not None:
        stmt = stmt.where(ExchangeLedgerEntry.year == year)
    if not actor.can(Permission.VIEW_ALL_UNITS) and xp.profile(s).role == "hub":
        own = s.scalar(select(Unit.code).where(Unit.id == actor.unit_id)) if actor.unit_id else None
        stmt = stmt.where(or_(ExchangeLedgerEntry.sender == own, ExchangeLedgerEntry.receiver == own))
    return [LedgerRow(e.package_id, KIND_LABELS.get(e.kind, e.kind),
                      PACKAGE_DIRECTIONS.get(e.direction, e.direction), _party(e.sender), _party(e.receiver),
                      e.year, e.sequence, e.signed, PACKAGE_STATES.get(e.state, e.state),
                      e.note or "", e.recorded_at) for e in s.scalars(stmt)]
