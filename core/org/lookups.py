"""Look-ups of the organisation that every later stage shares: the department or township each unit reports
to, and the fiscal years (the one marked current, or else the newest)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import FiscalYear, Unit
from db.uow import UnitOfWork

# The units that head a family: departments and townships. Budget units report to one of them; department
# evaluations, composite scores and review letters are for them.
DEPARTMENT_KINDS = ("department", "township")


def departments(session: Session) -> dict[int, tuple[int, str]]:
    """Unit id → (id, name) of the department or township it reports to (itself for those)."""
    units = {u.id: u for u in session.scalars(select(Unit))}
    out: dict[int, tuple[int, str]] = {}
    for uid, unit in units.items():
        top, seen = unit, {uid}
        while top.kind == "budget_unit" and top.parent_id in units and top.parent_id not in seen:
            seen.add(top.parent_id)
            top = units[top.parent_id]
        out[uid] = (top.id, top.name)
    return out


def years(uow: UnitOfWork) -> list[int]:
    """The fiscal years on record, newest first."""
    return list(uow.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())))


def current_year(uow: UnitOfWork) -> int | None:
    """The fiscal year marked current, or else the newest one; None for an empty database."""
    marked = uow.session.scalar(select(FiscalYear.year).where(FiscalYear.is_current))
    return marked if marked is not None else uow.session.scalar(select(func.max(FiscalYear.year)))
