"""指标库 use cases: the merged library (shipped reference data + the bureau's own entries), browsing it,
adding and retiring bureau entries, and the values approved goal tables have used for an indicator.

`entries(session)` is the one way to get the merged library: this page, the goal editor's picker and the
review rules all read it, so an indicator the bureau adds (or retires) counts everywhere at once.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.goals.rules.notation import norm
from core.library.dto import BUREAU, SHIPPED, EntryAdded, HistoryRow, LibraryEntryInput, LibraryRow
from core.library.input import validated
from core.library.rules import LibraryIndicator, canonical_unit, load_default_library, search
from core.org.access import PERMISSION_LABELS
from core.org.rules.roles import Actor, Permission
from db.models import GoalTable, GoalTableVersion, Indicator, LibraryEntry, Project, utcnow
from db.uow import UnitOfWork

__all__ = ["LIBRARY", "add_entry", "browse", "can_manage", "deactivate_entry", "entries", "history",
           "sectors"]

LIBRARY = Changes.of(Area.LIBRARY)
BUREAU_PREFIX = "BUR-"
NO_SECTOR = "（未填行业）"
MANAGERS = (Permission.MANAGE_SETTINGS, Permission.REVIEW_GOALS)


def can_manage(actor: Actor) -> bool:
    """Bureau staff (settings managers and goal reviewers) may add and retire entries."""
    return any(actor.can(p) for p in MANAGERS)


def _require_manager(actor: Actor) -> None:
    if not can_manage(actor):
        wanted = "或".join(f"“{PERMISSION_LABELS[p]}”" for p in MANAGERS)
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）不能修改指标库："
                               f"需要{wanted}的权限。")


def _indicator(row: LibraryEntry) -> LibraryIndicator:
    return LibraryIndicator(
        id=row.code, sector=row.sector, level1=row.level1, level2=row.level2, name=row.name,
        comparator=row.comparator, unit=row.unit_of_measure, typical_min=row.typical_min,
        typical_max=row.typical_max, unit_cost_min_wan=row.unit_cost_min_wan,
        unit_cost_max_wan=row.unit_cost_max_wan, scoring=row.scoring, note=row.note)


def _bureau_entries(session: Session) -> list[LibraryIndicator]:
    rows = session.scalars(select(LibraryEntry).where(LibraryEntry.active.is_(True)).order_by(LibraryEntry.code))
    return [_indicator(r) for r in rows]


def entries(session: Session) -> tuple[LibraryIndicator, ...]:
    """The merged library: shipped entries in file order, then the bureau's active entries by code."""
    return (*load_default_library(), *_bureau_entries(session))


def _row(entry: LibraryIndicator) -> LibraryRow:
    return LibraryRow(entry.id, entry.sector, entry.level1, entry.level2, entry.name, entry.comparator, entry.unit,
                      entry.typical_min, entry.typical_max, entry.unit_cost_min_wan, entry.unit_cost_max_wan,
                      entry.scoring, entry.note, BUREAU if entry.id.startswith(BUREAU_PREFIX) else SHIPPED)


def browse(uow: UnitOfWork, actor: Actor, sector: str | None = None, text: str = "") -> list[LibraryRow]:
    """Entries of one sector (None: all) whose name, note or code contains `text`; everyone logged in may browse."""
    return [_row(e) for e in search(entries(uow.session), text, sector or None)]


def sectors(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Every sector of the merged library, shipped ones in file order first."""
    return list(dict.fromkeys(e.sector for e in entries(uow.session)))


def _next_code(session: Session) -> str:
    codes = session.scalars(select(LibraryEntry.code).where(LibraryEntry.code.like(f"{BUREAU_PREFIX}%")))
    numbers = [int(m.group(1)) for c in codes if (m := re.fullmatch(rf"{BUREAU_PREFIX}(\d+)", c))]
    return f"{BUREAU_PREFIX}{max(numbers, default=0) + 1:04d}"


def _state(row: LibraryEntry) -> dict[str, object]:
    return {"code": row.code, "sector": row.sector, "level1": row.level1, "level2": row.level2, "name": row.name,
            "comparator": row.comparator, "unit": row.unit_of_measure, "typical_min": row.typical_min,
            "typical_max": row.typical_max, "unit_cost_min_wan": row.unit_cost_min_wan,
            "unit_cost_max_wan": row.unit_cost_max_wan, "scoring": row.scoring, "note": row.note,
            "active": row.active}


def add_entry(uow: UnitOfWork, actor: Actor, form: LibraryEntryInput) -> EntryAdded:
    """Add the bureau's own indicator (code BUR-0001, BUR-0002 …); refused when the same sector already has an
    indicator of the same name and unit."""
    uow.write()
    _require_manager(actor)
    clean = validated(form)
    wanted = (clean.sector, norm(clean.name), canonical_unit(clean.unit))
    for entry in entries(uow.session):
        if (entry.sector, norm(entry.name), canonical_unit(entry.unit)) == wanted:
            raise ValidationError(
                f"行业“{clean.sector}”已有同名同单位的指标“{entry.name}”（{entry.unit or '定性'}，编号 {entry.id}），"
                "不必重复新增。", "name")
    row = LibraryEntry(code=_next_code(uow.session), sector=clean.sector, level1=clean.level1, level2=clean.level2,
                       name=clean.name, comparator=clean.comparator, unit_of_measure=clean.unit,
                       typical_min=clean.typical_min, typical_max=clean.typical_max,
                       unit_cost_min_wan=clean.unit_cost_min_wan, unit_cost_max_wan=clean.unit_cost_max_wan,
                       scoring=clean.scoring, note=clean.note, active=True, created_by=actor.username,
                       created_at=utcnow())
    uow.session.add(row)
    uow.session.flush()
    uow.audit(actor.username, "library.add", "library_entry", row.id, None, _state(row))
    uow.commit()
    return EntryAdded(LIBRARY.areas, _row(_indicator(row)))


def deactivate_entry(uow: UnitOfWork, actor: Actor, code: str) -> Changes:
    """Retire a bureau entry: it leaves the library (and the review rules) but stays on record."""
    uow.write()
    _require_manager(actor)
    row = uow.session.scalar(select(LibraryEntry).where(LibraryEntry.code == code))
    if row is None:
        if any(e.id == code for e in load_default_library()):
            raise ValidationError(f"“{code}”是随软件提供的内置指标，不能停用；只能停用本局新增的指标。", "code")
        raise NotFound(f"指标库中没有编号为“{code}”的指标。")
    if not row.active:
        raise ValidationError(f"指标“{row.name}”（{code}）已经停用。", "code")
    before = _state(row)
    row.active = False
    uow.audit(actor.username, "library.deactivate", "library_entry", row.id, before, _state(row))
    uow.commit()
    return LIBRARY


def _name_filter(name: str) -> list[ColumnElement[bool]]:
    """Necessary conditions in SQL: normalisation leaves CJK characters alone, so each must be in the raw name."""
    return [Indicator.name.contains(ch) for ch in dict.fromkeys(name) if "\u4e00" <= ch <= "\u9fff"]


def history(uow: UnitOfWork, actor: Actor, name: str, unit: str | None, sector: str | None = None) -> list[HistoryRow]:
    """Targets that current versions of approved goal tables set for the indicator `name` in `unit`, by sector
    and year (newest year first). Names match after folding width, spaces and case; units after synonyms.
    Only counts and ranges are given, never projects, so every logged-in user may see them."""
    wanted_name, wanted_unit = norm(name), canonical_unit(unit)
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id,
                   GoalTableVersion.version == GoalTable.current_version)
    stmt = (select(Project.sector, Project.year, Indicator.name, Indicator.unit_of_measure, Indicator.target)
            .join(GoalTable, GoalTable.project_id == Project.id).join(GoalTableVersion, current)
            .join(Indicator, Indicator.version_id == GoalTableVersion.id)
            .where(GoalTable.status == "approved", *_name_filter(name)))
    if sector is not None:
        stmt = stmt.where(Project.sector == sector) if sector != NO_SECTOR else stmt.where(Project.sector.is_(None))
    counts: dict[tuple[str, int], int] = defaultdict(int)
    values: dict[tuple[str, int], list[Decimal]] = defaultdict(list)
    for row_sector, year, row_name, row_unit, target in uow.session.execute(stmt):
        if norm(row_name) != wanted_name or canonical_unit(row_unit) != wanted_unit:
            continue
        key = (row_sector or NO_SECTOR, year)
        counts[key] += 1
        if target is not None:
            values[key].append(target)
    out = []
    for key in sorted(counts, key=lambda k: (k[0], -k[1])):
        seen = sorted(values[key])
        out.append(HistoryRow(key[0], key[1], counts[key], seen[0] if seen else None,
                              statistics.median(seen) if seen else None, seen[-1] if seen else None))
    return out

