"""镇街财政运行数据 use cases: the townships' fiscal figures of a year (a clerk of a township sees its own row),
entering or correcting one township's figures (bureau roles only, checked field by field, audited), and the
shipped health-index method. The index, ranking and history are in `fiscal_health_index`, the workbook import
and template in `fiscal_health_workbook`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.fiscal.dto import FiscalInput, FiscalRow
from core.fiscal.rules.figures import (
    FIELD_LABELS,
    FIELDS,
    FigureError,
    FiscalFigures,
    check_figures,
    parse_amount,
)
from core.fiscal.rules.index import Method, MethodError, parse_method
from core.org.access import require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from db.models import FiscalYear, TownshipFiscal, Unit, utcnow
from db.uow import UnitOfWork
from resources import path as resource_path

FISCAL = Changes.of(Area.FISCAL)
EDITORS = (Permission.MANAGE_SETTINGS, Permission.REVIEW_GOALS, Permission.EVALUATE)  # the bureau's own roles
FIRST_YEAR, LAST_YEAR = 2001, 2099


@cache
def method() -> Method:
    """The shipped method (resources/reference/fiscal_health.json); a broken file is refused, never guessed."""
    raw: dict[str, Any] = json.loads(resource_path("reference", "fiscal_health.json").read_text(encoding="utf-8"))
    try:
        return parse_method(raw)
    except MethodError as exc:
        raise ValidationError(f"{exc}（请检查 resources/reference/fiscal_health.json）", "method") from exc


def can_edit(actor: Actor) -> bool:
    return any(actor.can(p) for p in EDITORS)


def require_editor(actor: Actor) -> None:
    if not can_edit(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）不能录入或导入镇街财政数据，"
                               "只有财政局用户（系统管理员、审核员、评价员）可以。")


def check_year(year: object, field: str = "year") -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"年度应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的整数，收到“{year}”。", field)
    return year


def figures_of(row: TownshipFiscal) -> FiscalFigures:
    return FiscalFigures(row.year, *(getattr(row, key) for key, _ in FIELDS))


def townships(session: Session, actor: Actor | None) -> list[Unit]:
    """The active townships this actor may see (all of them for None, e.g. to rank), by code."""
    stmt = select(Unit).where(Unit.kind == "township", Unit.active.is_(True)).order_by(Unit.code)
    allowed = None if actor is None else visible_unit_ids(session, actor)
    if allowed is not None:
        stmt = stmt.where(Unit.id.in_(allowed))
    return list(session.scalars(stmt))


def township(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在。")
    if unit.kind != "township":
        raise ValidationError(f"“{unit.name}”不是镇街，财政运行健康指数只针对镇街。", "unit_id")
    require_unit(session, actor, unit_id)
    return unit


def fiscal_years(uow: UnitOfWork, actor: Actor) -> list[int]:
    """Years with fiscal figures or a budget year, latest first."""
    years = set(uow.session.scalars(select(TownshipFiscal.year).distinct()))
    years |= set(uow.session.scalars(select(FiscalYear.year)))
    return sorted(years, reverse=True)


def list_figures(uow: UnitOfWork, actor: Actor, year: int) -> list[FiscalRow]:
    """Every visible active township with its figures of `year` (None where not entered)."""
    units = townships(uow.session, actor)
    stored = {r.unit_id: r for r in uow.session.scalars(
        select(TownshipFiscal).where(TownshipFiscal.year == year, TownshipFiscal.unit_id.in_([u.id for u in units])))}
    rows = []
    for u in units:
        r = stored.get(u.id)
        rows.append(FiscalRow(u.id, u.code, u.name, year, figures_of(r) if r else None,
                              r.entered_by if r else None, r.entered_at if r else None))
    return rows


def figures_history(session: Session, unit_ids: list[int]) -> dict[int, list[FiscalFigures]]:
    """Every stored year of the given townships, oldest first."""
    found: dict[int, list[FiscalFigures]] = {uid: [] for uid in unit_ids}
    for r in session.scalars(select(TownshipFiscal).where(TownshipFiscal.unit_id.in_(unit_ids))
                             .order_by(TownshipFiscal.year)):
        found[r.unit_id].append(figures_of(r))
    return found


def clean_amounts(raw: Mapping[str, object]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Every field read and checked: the amounts that read, and (field, message) for each problem."""
    unknown = sorted(set(raw) - set(FIELD_LABELS))
    problems = [(key, f"未知的财政数据项“{key}”。") for key in unknown]
    amounts = {}
    for key, label in FIELDS:
        try:
            amounts[key] = parse_amount(raw.get(key), label)
        except FigureError as exc:
            problems.append((key, str(exc)))
    return amounts, problems + check_figures(amounts)


def snapshot(row: TownshipFiscal | None) -> dict[str, Any] | None:
    if row is None:
        return None
    # 万元 to the 分, as stored, whether the row was just read or just assigned
    return {"unit_id": row.unit_id, "year": row.year, **{key: f"{getattr(row, key):.6f}" for key, _ in FIELDS}}


def store(uow: UnitOfWork, actor: Actor, unit: Unit, year: int, amounts: Mapping[str, Any], action: str) -> str:
    """Create or update the row and audit it: "created", "updated", or "unchanged" (nothing written)."""
    row = uow.session.scalar(select(TownshipFiscal).where(TownshipFiscal.unit_id == unit.id,
                                                          TownshipFiscal.year == year))
    if row is not None and all(getattr(row, key) == amounts[key] for key, _ in FIELDS):
        return "unchanged"
    before = snapshot(row)
    if row is None:
        row = TownshipFiscal(unit_id=unit.id, year=year)
        uow.session.add(row)
    for key, _ in FIELDS:
        setattr(row, key, amounts[key])
    row.entered_by, row.entered_at = actor.username, utcnow()
    uow.session.flush()
    uow.audit(actor.username, action, "township_fiscal", row.id, before, snapshot(row))
    return "created" if before is None else "updated"


def save_figures(uow: UnitOfWork, actor: Actor, data: FiscalInput) -> Changes:
    """Enter or correct one township's figures of a year; the first wrong field is refused by name."""
    uow.write()
    require_editor(actor)
    year = check_year(data.year)
    unit = township(uow.session, actor, data.unit_id)
    amounts, problems = clean_amounts(data.amounts)
    if problems:
        field, message = problems[0]
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise ValidationError(f"{unit.name}{year} 年：{message}{more}", field)
    if store(uow, actor, unit, year, amounts, "fiscal.save") != "unchanged":
        uow.commit()
    return FISCAL
