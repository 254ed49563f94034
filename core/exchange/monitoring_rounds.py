"""The monitoring rounds a monitoring package names (监控轮次 and 截至月份 on every 监控表 row), for
core.exchange.monitoring: on a unit's spoke the bureau's package opens a round the unit does not have yet
(opening a round is the bureau's decision, the package carries it), on the hub an unknown round is a located problem.

A round this installation has under the same name but with another 截至月份 is a located problem on either side.
The rounds are opened inside the package's one transaction, each audited; the preview opens them in a savepoint
that is always rolled back, so that the rows of a new round are checked by `save_entry` like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange import projects as xpj
from core.exchange.package import RowChange
from core.exchange.rules.manifest import HUB, Manifest
from core.exchange.rules.monitoring_sheets import ENTRY_SHEET
from core.exchange.workbook import Problem
from core.org.rules.roles import Actor
from db.models import MonitoringRound
from db.uow import UnitOfWork

ROUND_AUDIT = "monitoring_round.exchange_import"


@dataclass(frozen=True)
class NamedRound:
    """A round as the package names it, at the first 监控表 row naming it."""

    name: str
    as_of_month: int
    line: int


@dataclass
class RoundPlan:
    """The package's rounds: those this installation has (name → id and status), those applying opens here, and
    those with a problem (their rows are not reported again)."""

    known: dict[str, tuple[int, str]] = field(default_factory=dict)
    create: dict[str, NamedRound] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)


def named_rounds(rows: Iterable[tuple[str, int, int]], problems: list[Problem]) -> tuple[dict[str, NamedRound],
                                                                                        set[str]]:
    """The rounds the 监控表 rows (round, 截至月份, line) name, each at its first row; a month outside 1–12, or a
    round named with two different months, is a located problem and the round is returned as refused."""
    named: dict[str, NamedRound] = {}
    refused: set[str] = set()
    for name, month, line in rows:
        first = named.get(name)
        if not 1 <= month <= 12:
            problems.append(xpk.located(ENTRY_SHEET, line, "as_of_month", f"截至月份应在 1 至 12 月之间，收到 {month}。"))
            refused.add(name)
        elif first is None:
            named[name] = NamedRound(name, month, line)
        elif first.as_of_month != month:
            problems.append(xpk.located(ENTRY_SHEET, line, "as_of_month", f"监控轮次“{name}”在第 {first.line} 行截至 "
                                        f"{first.as_of_month} 月，本行截至 {month} 月：同一轮次的截至月份应一致。"))
            refused.add(name)
    return named, refused


def _opens_here(s: Session, manifest: Manifest) -> bool:
    """Only a unit's spoke opens rounds, and only from the bureau's package."""
    return xp.profile(s).role == "spoke" and manifest.sender == HUB


def analyse_rounds(s: Session, manifest: Manifest, rows: Iterable[tuple[str, int, int]],
                   problems: list[Problem]) -> tuple[list[RowChange], RoundPlan]:
    """The rounds of the package compared with this installation's (see the module's docstring): a "new" change
    for every round a spoke opens, and the plan."""
    named, refused = named_rounds(rows, problems)
    plan = RoundPlan(refused=refused)
    here = {r.name: r for r in s.scalars(select(MonitoringRound).where(
        MonitoringRound.year == manifest.year, MonitoringRound.name.in_(sorted(named))))}
    opens = _opens_here(s, manifest)
    changes = []
    for name, ref in named.items():
        if name in refused:
            continue
        found = here.get(name)
        if found is None and not opens:
            problems.append(xpk.located(ENTRY_SHEET, ref.line, "round", f"{manifest.year} 年度没有监控轮次“{name}”："
                                        "监控轮次由财政局开启，请核对轮次名称。"))
            plan.refused.add(name)
        elif found is not None and found.as_of_month != ref.as_of_month:
            problems.append(xpk.located(ENTRY_SHEET, ref.line, "as_of_month", f"本机监控轮次“{name}”截至 "
                                        f"{found.as_of_month} 月，交换包中截至 {ref.as_of_month} 月：同名轮次的截至月份"
                                        f"不一致，请与{'财政局' if opens else '该单位'}核对。"))
            plan.refused.add(name)
        elif found is None:
            plan.create[name] = ref
            changes.append(RowChange(name, f"监控轮次（截至 {ref.as_of_month} 月）", "new", ENTRY_SHEET.title,
                                     ref.line, "财政局已开启的监控轮次，本机尚无，导入时一并开启。"))
        else:
            plan.known[name] = (found.id, found.status)
    return changes, plan


def open_rounds(uow: UnitOfWork, actor: Actor, year: int, plan: RoundPlan) -> dict[str, int]:
    """Open the planned rounds inside the caller's transaction, each audited; the ids of all the package's
    usable rounds by name."""
    s = uow.session
    ids = {name: round_id for name, (round_id, _status) in plan.known.items()}
    if plan.create:
        xpj.ensure_year(s, year)
    for name, ref in plan.create.items():
        new = MonitoringRound(year=year, name=name, as_of_month=ref.as_of_month, status="open",
                              opened_by=actor.username)
        s.add(new)
        s.flush()
        uow.audit(actor.username, ROUND_AUDIT, "monitoring_round", new.id, None,
                  {"year": year, "name": name, "as_of_month": ref.as_of_month})
        ids[name] = new.id
    return ids


@contextmanager
def trial(uow: UnitOfWork, actor: Actor, year: int, plan: RoundPlan) -> Iterator[dict[str, int]]:
    """The rounds' ids while the rows are analysed, the planned rounds opened in a savepoint that is rolled back
    afterwards (nothing lasts: `write` opens them again in the package's transaction)."""
    if not plan.create:
        yield open_rounds(uow, actor, year, plan)
        return
    with uow.savepoint(keep=False):
        yield open_rounds(uow, actor, year, plan)


def status(plan: RoundPlan, name: str) -> str:
    """open | closed: a round the package opens here is open."""
    return plan.known[name][1] if name in plan.known else "open"


def written(plan: RoundPlan) -> list[str]:
    """The opened rounds as the applied package lists what it wrote."""
    return [f"监控轮次:{name}" for name in plan.create]
