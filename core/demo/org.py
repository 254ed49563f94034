"""The demo county's organisation: its units (bureau, departments, townships, budget units) created where
absent, its fiscal years, and the owners of projects (departments and townships) with their budget units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from db.models import FiscalYear, Unit


@dataclass(frozen=True)
class Owner:
    code: str
    name: str
    kind: str
    sector: str
    weight: int
    budget_units: tuple[str, ...]


def next_id(s: Session, model: Any) -> int:
    """The first free primary key of a table, for rows inserted in bulk with their ids."""
    return int(s.scalar(select(func.max(model.id))) or 0) + 1


def county_units(county: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit of the demo county with its code, parents before children."""
    b = county["bureau"]
    units = [{"code": b["code"], "name": b["name"], "kind": "bureau", "parent": None, "sector": b["sector"]}]
    units += [{"code": f"D{k:03d}", "name": d["name"], "kind": "department", "parent": None,
               "sector": d["sector"]} for k, d in enumerate(county["departments"], 1)]
    units += [{"code": f"T{k:02d}", "name": t, "kind": "township", "parent": None,
               "sector": county["township_sector"]} for k, t in enumerate(county["townships"], 1)]
    n = 0
    for k, d in enumerate(county["departments"], 1):
        for name in d["budget_units"]:
            n += 1
            units.append({"code": f"B{n:03d}", "name": name, "kind": "budget_unit", "parent": f"D{k:03d}",
                          "sector": d["sector"]})
    return units


def ensure_units(s: Session, county: dict[str, Any]) -> tuple[dict[str, tuple[int, str]], int]:
    """Create the units whose codes are absent (the bureau only if there is none); code → (id, name)."""
    existing = {code: (uid, name) for code, uid, name in s.execute(select(Unit.code, Unit.id, Unit.name))}
    has_bureau = bool(s.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "bureau")))
    new_id = next_id(s, Unit)
    rows = []
    for u in county_units(county):
        if u["code"] in existing or (u["kind"] == "bureau" and has_bureau):
            continue
        parent = existing[u["parent"]][0] if u["parent"] else None
        rows.append({"id": new_id, "code": u["code"], "name": u["name"], "kind": u["kind"],
                     "parent_id": parent, "sector": u["sector"], "active": True})
        existing[u["code"]] = (new_id, u["name"])
        new_id += 1
    if rows:
        s.execute(insert(Unit), rows)
    return existing, len(rows)


def ensure_years(s: Session, year: int) -> None:
    known = set(s.scalars(select(FiscalYear.year)))
    if year - 1 not in known:
        s.execute(insert(FiscalYear), [{"year": year - 1, "status": "closed", "is_current": False}])
    s.execute(update(FiscalYear).where(FiscalYear.year != year).values(is_current=False))
    if year in known:
        s.execute(update(FiscalYear).where(FiscalYear.year == year).values(status="open", is_current=True))
    else:
        s.execute(insert(FiscalYear), [{"year": year, "status": "open", "is_current": True}])


def project_owners(county: dict[str, Any], units: dict[str, tuple[int, str]]) -> list[Owner]:
    """Departments and townships, the units that own projects, with their budget units' current names."""
    children: dict[str, list[str]] = {}
    for u in county_units(county):
        if u["parent"]:
            children.setdefault(u["parent"], []).append(units[u["code"]][1])
    owners = []
    for k, d in enumerate(county["departments"], 1):
        code = f"D{k:03d}"
        owners.append(Owner(code, units[code][1], "department", d["sector"], d["weight"],
                             tuple(children.get(code, ()))))
    for k, _ in enumerate(county["townships"], 1):
        code = f"T{k:02d}"
        owners.append(Owner(code, units[code][1], "township", county["township_sector"],
                             county["township_weight"], ()))
    return owners
