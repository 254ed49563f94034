"""Reference-data updates in the results package (bureau → unit): the bureau's settings (every key except auth.*)
and its own indicator-library entries on the enrolment package's sheets 系统设置 and 指标库. On the hub, the rows;
on the unit, each setting and entry new / changed / unchanged with located problems, and the writing.

Settings are checked and written by `settings.update_settings` itself (its rules and audit entries, inside the
package's transaction); a setting changed by a user who may not manage settings is conflicting (left for the
administrator). A library entry the bureau retired travels as a deletion marker and is retired here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import ValidationError
from core.exchange import package as xpk
from core.exchange.package import RowChange
from core.exchange.reference import entry_state, read_entry, read_setting, store_entry
from core.exchange.rules.enrolment_sheets import LIBRARY, LIBRARY_SHEET, SETTINGS, SETTINGS_SHEET
from core.exchange.workbook import Problem, ReadPackage
from core.library.dto import CleanEntry
from core.org import settings as st
from core.org.rules.roles import Actor, Permission
from db.models import LibraryEntry
from db.uow import UnitOfWork


@dataclass
class ReferencePlan:
    """What applying writes: settings by key, library entries by code (None: retire it)."""

    settings: dict[str, Any] = field(default_factory=dict)
    library: dict[str, CleanEntry | None] = field(default_factory=dict)


def _settings(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem],
              plan: ReferencePlan) -> list[RowChange]:
    s, sheet, changes = uow.session, read.sheets[SETTINGS], []
    bad = {p.row for p in problems if p.sheet == SETTINGS_SHEET.title}
    known = st.definitions()
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        key = values["key"]
        if line in bad or values["deleted"]:
            continue
        try:
            value = read_setting(key, values["value"])
        except ValidationError as exc:
            problems.append(xpk.located(SETTINGS_SHEET, line, exc.field or "value", str(exc)))
            continue
        label = str(known[key]["label"])
        if value == st.get(s, key):
            changes.append(RowChange(key, label, "unchanged", SETTINGS_SHEET.title, line))
        elif not actor.can(Permission.MANAGE_SETTINGS):
            changes.append(RowChange(key, label, "conflicting", SETTINGS_SHEET.title, line,
                                     "系统设置须由本机管理员导入，本次未修改。"))
        else:
            plan.settings[key] = value
            changes.append(RowChange(key, label, "changed", SETTINGS_SHEET.title, line))
    if plan.settings:
        def run(trying: UnitOfWork) -> object:
            return st.update_settings(trying, actor, plan.settings)
        error = xpk.dry_run(uow, run)
        if error is not None:
            lines = {c.code: c.line for c in changes if c.status == "changed"}
            line = lines.get(getattr(error, "field", None) or "", next(iter(lines.values())))
            problems.append(xpk.located(SETTINGS_SHEET, line, "value", str(error)))
    return changes


def _library(s: Session, read: ReadPackage, problems: list[Problem], plan: ReferencePlan) -> list[RowChange]:
    sheet, changes = read.sheets[LIBRARY], []
    bad = {p.row for p in problems if p.sheet == LIBRARY_SHEET.title}
    stored = {e.code: e for e in s.scalars(select(LibraryEntry))}
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        code = values["code"]
        if line in bad:
            continue
        if code in plan.library:
            problems.append(xpk.located(LIBRARY_SHEET, line, "code", f"指标编号“{code}”重复出现。"))
            continue
        mine = stored.get(code)
        if values["deleted"]:
            if mine is not None and mine.active:
                plan.library[code] = None
                changes.append(RowChange(code, mine.name, "changed", LIBRARY_SHEET.title, line, ""))
            continue
        try:
            clean = read_entry(values)
        except ValidationError as exc:
            column = exc.field if exc.field in {c.key for c in LIBRARY_SHEET.columns} else "name"
            problems.append(xpk.located(LIBRARY_SHEET, line, column, f"指标“{code}”：{exc}"))
            continue
        if mine is not None and mine.active and entry_state(mine) == clean:
            changes.append(RowChange(code, clean.name, "unchanged", LIBRARY_SHEET.title, line))
            continue
        plan.library[code] = clean
        changes.append(RowChange(code, clean.name, "new" if mine is None else "changed", LIBRARY_SHEET.title, line))
    return changes


def analyse_reference(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem],
                      plan: ReferencePlan) -> list[RowChange]:
    """The settings and library entries of the package compared with this installation's; fills `plan`."""
    return [*_settings(uow, actor, read, problems, plan), *_library(uow.session, read, problems, plan)]


def write_reference(uow: UnitOfWork, actor: Actor, plan: ReferencePlan) -> list[str]:
    """Write the planned settings (through `update_settings`) and library entries; the codes written."""
    if plan.settings:
        st.update_settings(uow, actor, plan.settings)
    s = uow.session
    for code, clean in plan.library.items():
        row = s.scalar(select(LibraryEntry).where(LibraryEntry.code == code))
        before = None if row is None else {"active": row.active, "name": row.name}
        if clean is None:
            assert row is not None  # only an entry here is retired (see `_library`)
            row.active = False
        else:
            row = store_entry(s, actor, code, clean)
        uow.audit(actor.username, "library.exchange_import", "library_entry", row.id, before,
                  {"code": code, "active": clean is not None})
    return [*(f"设置:{k}" for k in plan.settings), *(f"指标库:{c}" for c in plan.library)]
