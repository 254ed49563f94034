"""The demo county's township fiscal figures (镇街财政运行数据) for the five years up to the demo year, so the
health index has growth, stability and a trend to show: most townships grow steadily, one carries a heavy debt,
one cannot cover its “三保” spending while its revenue falls, and one has a volatile revenue."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import TownshipFiscal, Unit, utcnow

YEARS = 5
CENT = Decimal("0.01")  # figures to the 百元, as township reports give them


def _wan(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


def _profiles(rng: random.Random, unit_ids: list[int]) -> dict[int, str]:
    stressed = rng.sample(unit_ids, min(3, len(unit_ids)))
    return {uid: ("debt", "basic", "volatile")[stressed.index(uid)] if uid in stressed else "normal"
            for uid in unit_ids}




def _near(rng: random.Random, centre: float, spread: float) -> float:
    return centre + rng.uniform(-spread, spread)


def _year_row(rng: random.Random, profile: str, k: float, revenue: float, year: int, unit_id: int) -> dict[str, Any]:
    """One year's figures; `k` (0 weak … 1 strong) is the township's standing, the profile its trouble."""
    capacity = revenue * rng.uniform(1.6, 2.4)  # own revenue plus transfers from the county
    expenditure = capacity * rng.uniform(0.86, 0.98)
    needs = expenditure * rng.uniform(0.35, 0.48)
    coverage = {"basic": _near(rng, 0.88, 0.04), "debt": _near(rng, 0.925, 0.015)}.get(
        profile, _near(rng, 0.955 + 0.08 * k, 0.012))
    debt = _near(rng, 1.3, 0.12) if profile == "debt" else _near(rng, 0.95 - 0.65 * k, 0.08)
    budget = expenditure * rng.uniform(1.03, 1.12)
    executed = _near(rng, 0.76, 0.04) if profile in ("basic", "debt") else _near(rng, 0.82 + 0.15 * k, 0.02)
    carryover = _near(rng, 0.2, 0.03) if profile == "debt" else _near(rng, 0.15 - 0.12 * k, 0.015)
    tax_share = _near(rng, 0.52, 0.05) if profile in ("basic", "debt") else _near(rng, 0.55 + 0.3 * k, 0.03)
    return {"unit_id": unit_id, "year": year, "general_revenue": _wan(revenue),
            "tax_revenue": _wan(revenue * min(tax_share, 1)), "total_expenditure": _wan(expenditure),
            "fiscal_capacity": _wan(capacity), "basic_needs": _wan(needs),
            "basic_spent": _wan(min(needs * coverage, expenditure)), "debt_balance": _wan(capacity * debt),
            "budget_total": _wan(budget), "executed": _wan(budget * min(executed, 1)),
            "carryover": _wan(budget * carryover), "entered_by": "demo", "entered_at": utcnow()}


def _growth(rng: random.Random, profile: str, k: float) -> float:
    if profile in ("basic", "debt"):
        return rng.uniform(-0.09, -0.01)
    if profile == "volatile":
        return rng.choice((-1, 1)) * rng.uniform(0.08, 0.2)
    return _near(rng, -0.01 + 0.08 * k, 0.02)


def add_fiscal(s: Session, year: int, rng: random.Random) -> int:
    """Figures of every active township for year − 4 … year where none are stored; returns the rows added."""
    unit_ids = list(s.scalars(select(Unit.id).where(Unit.kind == "township", Unit.active.is_(True))
                              .order_by(Unit.code)))
    stored = {(uid, y) for uid, y in s.execute(select(TownshipFiscal.unit_id, TownshipFiscal.year))}
    profiles = _profiles(rng, unit_ids)
    rows = []
    for uid in unit_ids:
        revenue = rng.uniform(2500, 16000) * (2.5 if uid == unit_ids[0] else 1)  # the county seat earns most
        k = rng.random()
        for y in range(year - YEARS + 1, year + 1):
            if (uid, y) not in stored:
                rows.append(_year_row(rng, profiles[uid], k, revenue, y, uid))
            revenue *= 1 + _growth(rng, profiles[uid], k)
    if rows:
        s.execute(insert(TownshipFiscal), rows)
    return len(rows)
