"""The enrolment package (登记包, kind "enrolment", bureau → one unit): the hub exports it for a unit (the unit's
part of the unit list, its signing key, the year, the settings and the bureau's library entries); a fresh
installation enrols from it and becomes that unit's spoke, in one transaction after checking everything.

The package is signed with the unit's own key, and the key travels inside the package: a valid signature proves
the file was not changed after the bureau wrote it (integrity), not that the bureau wrote it (origin). Origin
comes from the handover: the enrolment file is given to the unit's administrator in person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import ValidationError
from core.common.labels import UNIT_KINDS
from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange.dto import Enrolled
from core.exchange.exported import Exported
from core.exchange.projects import ensure_year
from core.exchange.reference import (
    library_rows,
    read_entry,
    read_setting,
    setting_rows,
    setting_text,
    store_entry,
)
from core.exchange.rules.enrolment_sheets import (
    ENROLMENT_INSTRUCTIONS,
    ENROLMENT_KIND,
    ENROLMENT_SHEETS,
    KIND_BY_LABEL,
    LIBRARY,
    LIBRARY_SHEET,
    REGISTRATION,
    REGISTRATION_SHEET,
    SETTINGS,
    SETTINGS_SHEET,
    UNIT_SHEET,
    UNITS,
)
from core.exchange.rules.manifest import HUB, Manifest, signature_ok
from core.exchange.workbook import MANIFEST_TITLE, ReadPackage, read_package
from core.library.dto import CleanEntry
from core.org import settings as st
from core.org.access import require
from core.org.lookups import current_year
from core.org.rules.roles import Actor, Permission
from db.models import ExchangeLedgerEntry, Project, Setting, Unit, utcnow
from db.uow import UnitOfWork

LABEL = "登记包"
ENROLLED = Changes.of(Area.EXCHANGE, Area.UNITS, Area.SETTINGS, Area.LIBRARY, Area.AUDIT)
MAX_SHOWN = 10


# --- export ------------------------------------------------------------------------------------------------


def _unit_family(s: Session, unit: Unit) -> list[Unit]:
    """The unit's superiors (top first), the unit, and every unit below it."""
    chain: list[Unit] = []
    up = unit.parent
    while up is not None:
        chain.insert(0, up)
        up = up.parent
    below, level = [], [unit.id]
    while level:
        found = list(s.scalars(select(Unit).where(Unit.parent_id.in_(level)).order_by(Unit.code)))
        below += found
        level = [u.id for u in found]
    return [*chain, unit, *below]


def _unit_rows(units: list[Unit]) -> list[dict[str, Any]]:
    return [{"row_id": u.code, "version": 1, "deleted": False, "code": u.code, "name": u.name,
             "kind": UNIT_KINDS[u.kind], "parent_code": u.parent.code if u.parent else None, "sector": u.sector,
             "active": u.active} for u in units]


def export_enrolment(uow: UnitOfWork, actor: Actor, unit_code: str, target: str | Path) -> Exported:
    """Write the unit's enrolment package, signed with the unit's key (issued now if it has none), and record it
    in the ledger as exported. The file carries the key: hand it over in person."""
    uow.write()
    require(actor, Permission.MANAGE_UNITS)
    key_hex = xp.issue_key(uow, actor, unit_code).key_hex  # refuses on a spoke and for an unknown unit
    s = uow.session
    unit = s.scalar(select(Unit).where(Unit.code == unit_code))
    assert unit is not None  # issue_key checked the code
    year = current_year(uow) or date.today().year
    hub_name = str(st.get(s, "org.name"))
    units = _unit_family(s, unit)
    registration = [{"row_id": unit.code, "version": 1, "deleted": False, "unit_code": unit.code,
                     "unit_name": unit.name, "year": year, "hub_name": hub_name, "key_hex": key_hex}]
    sheets = [(UNIT_SHEET, _unit_rows(units)), (REGISTRATION_SHEET, registration),
              (SETTINGS_SHEET, setting_rows(s)), (LIBRARY_SHEET, library_rows(s, retired=False))]
    return Exported((xpk.send(uow, actor, ENROLMENT_KIND, unit.code, year, sheets, ENROLMENT_INSTRUCTIONS, target,
                              {"unit": unit.code, "units": len(units), "library": len(sheets[3][1])}),))


# --- checks ------------------------------------------------------------------------------------------------


def _refuse(problems: list[str]) -> ValidationError:
    shown = "\n".join(problems[:MAX_SHOWN])
    more = f"\n……共 {len(problems)} 处" if len(problems) > MAX_SHOWN else ""
    return ValidationError(f"登记包已拒绝，未写入任何数据：\n{shown}{more}", "package")


def _registration(read: ReadPackage) -> dict[str, Any]:
    """The one 本机登记 row, the manifest's kind, sender, receiver, signature and content checked against it."""
    m = read.manifest
    if m is None:
        broken = [str(p) for p in read.problems if p.sheet == MANIFEST_TITLE]
        raise _refuse(broken) if broken else ValidationError(
            "该文件不是登记包：没有交换包清单。请使用财政局导出的登记包。", "package")
    if m.kind != ENROLMENT_KIND:
        raise ValidationError(f"该文件不是登记包，而是“{m.kind}”类交换包。", "package")
    if read.problems:
        raise _refuse([str(p) for p in read.problems])
    rows = [r for r in read.rows(REGISTRATION) if not r["deleted"]]
    if len(rows) != 1:
        raise ValidationError(f"登记包的“{REGISTRATION_SHEET.title}”工作表应只有一行，实有 {len(rows)} 行。", "package")
    reg = rows[0]
    if m.sender != HUB or m.receiver != reg["unit_code"]:
        raise ValidationError(f"登记包清单的发送方“{m.sender}”或接收方“{m.receiver}”与登记的单位“{reg['unit_code']}”"
                              "不一致，已拒绝。", "package")
    try:
        key = bytes.fromhex(reg["key_hex"])
    except ValueError as exc:
        raise ValidationError("登记包中的签名密钥格式不正确，请向财政局重新索取登记包。", "key") from exc
    if not signature_ok(m, key):
        raise ValidationError("登记包签名无效：清单被修改过，或不是财政局为本单位签发的，已拒绝。", "package")
    if m.content_hash != read.content_hash or dict(m.row_counts) != read.row_counts:
        raise ValidationError("登记包在财政局签发后被修改过（内容与签名不符），已拒绝。请向财政局重新索取登记包。", "package")
    return reg


def _check_installation(s: Session, unit_code: str, family: set[str]) -> None:
    me = xp.profile(s)
    if me.role == "spoke" and me.unit_code != unit_code:
        raise ValidationError(f"本机已登记为单位“{me.unit_code}”，不能再用单位“{unit_code}”的登记包登记。", "unit_code")
    others = s.scalars(select(Unit.code).join(Project, Project.unit_id == Unit.id)
                       .where(Unit.code.not_in(family)).distinct().limit(3)).all()
    if others:
        raise ValidationError(f"本机已有其他单位（{'、'.join(others)}）的项目数据，不能登记为单位“{unit_code}”。"
                              "请在新安装的工作台上导入登记包。", "unit_code")


def _units(s: Session, rows: list[dict[str, Any]], unit_code: str, problems: list[str]) -> list[dict[str, Any]]:
    """The unit rows with parents before children; a parent must be in the package or already here."""
    by_code: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["code"] in by_code:
            problems.append(f"单位名录：单位编码“{r['code']}”重复出现。")
        by_code[r["code"]] = r
    if unit_code not in by_code:
        problems.append(f"单位名录中没有登记的单位“{unit_code}”。")
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    pending = list(by_code.values())
    while pending:
        ready = [r for r in pending if not r["parent_code"] or r["parent_code"] in placed
                 or (r["parent_code"] not in by_code and s.scalar(select(Unit.id).where(Unit.code == r["parent_code"])))]
        if not ready:
            problems += [f"单位名录：单位“{r['code']}”的上级单位“{r['parent_code']}”不存在或互为上级。" for r in pending]
            break
        ordered += ready
        placed |= {r["code"] for r in ready}
        pending = [r for r in pending if r["code"] not in placed]
    return ordered


def _settings(s: Session, rows: list[dict[str, Any]], problems: list[str]) -> dict[str, Any]:
    known, values = st.definitions(), {}
    for r in rows:
        try:
            values[r["key"]] = read_setting(r["key"], r["value"])
        except ValidationError as exc:
            problems.append(f"系统设置：{exc}")
    if not problems:
        try:
            st.check_orders({k: values[k] if k in values else st.get(s, k) for k in known})
        except ValidationError as exc:
            problems.append(f"系统设置：{exc}")
    return values


def _library(rows: list[dict[str, Any]], problems: list[str]) -> dict[str, CleanEntry]:
    clean = {}
    for r in rows:
        try:
            clean[r["code"]] = read_entry(r)
        except ValidationError as exc:
            problems.append(f"指标库：指标“{r['code']}”：{exc}")
    return clean


# --- enrol -------------------------------------------------------------------------------------------------


def _write_units(s: Session, ordered: list[dict[str, Any]]) -> None:
    for r in ordered:
        parent_id = s.scalar(select(Unit.id).where(Unit.code == r["parent_code"])) if r["parent_code"] else None
        values = {"name": r["name"], "kind": KIND_BY_LABEL[r["kind"]], "parent_id": parent_id,
                  "sector": r["sector"], "active": r["active"]}
        unit = s.scalar(select(Unit).where(Unit.code == r["code"]))
        if unit is None:
            s.add(Unit(code=r["code"], **values))
        else:
            for k, v in values.items():
                setattr(unit, k, v)
        s.flush()


def _write_settings(s: Session, values: dict[str, Any]) -> None:
    for key, value in values.items():
        text = setting_text(value)
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value_json=text))
        elif row.value_json != text:
            row.value_json, row.updated_at = text, utcnow()


@dataclass(frozen=True)
class _Checked:
    """A package that passed every check, ready to be written."""

    manifest: Manifest
    registration: dict[str, Any]
    units: list[dict[str, Any]]  # parents before children
    settings: dict[str, Any]
    library: dict[str, CleanEntry]


def _check(s: Session, path: str | Path) -> tuple[Enrolled, _Checked | None]:
    """Every check of `enrol_from_package`, nothing written: what the package sets up, and what to write (None
    for a package imported already)."""
    read = read_package(path, ENROLMENT_SHEETS)
    reg = _registration(read)
    manifest = read.manifest
    assert manifest is not None  # _registration refuses a package without one
    unit_code = reg["unit_code"]
    live = {kind: [r for r in read.rows(kind) if not r["deleted"]] for kind in (UNITS, SETTINGS, LIBRARY)}
    _check_installation(s, unit_code, {r["code"] for r in live[UNITS]})
    counts = Enrolled(unit_code, reg["unit_name"], reg["year"], len(live[UNITS]), len(live[SETTINGS]),
                      len(live[LIBRARY]))
    if s.scalar(select(ExchangeLedgerEntry.id).where(ExchangeLedgerEntry.package_id == manifest.package_id,
                                                     ExchangeLedgerEntry.direction == "in")) is not None:
        return replace(counts, duplicate=True), None
    problems: list[str] = []
    ordered = _units(s, live[UNITS], unit_code, problems)
    settings = _settings(s, live[SETTINGS], problems)
    library = _library(live[LIBRARY], problems)
    if problems:
        raise _refuse(problems)
    return counts, _Checked(manifest, reg, ordered, settings, library)


def preview_enrolment(uow: UnitOfWork, actor: Actor, path: str | Path) -> Enrolled:
    """What `enrol_from_package` would set up from the file (unit, year, counts, or that it was imported already),
    after the same checks, with nothing written: the 数据交换 page names the unit from it before enrolling."""
    require(actor, Permission.MANAGE_SETTINGS)
    return _check(uow.session, path)[0]


def accepts_enrolment(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether the actor may enrol this installation from a 登记包 and it is still fresh: never enrolled, no
    projects and no package exchanged (the bureau at work is never offered to become a unit's installation)."""
    if not actor.can(Permission.MANAGE_SETTINGS):
        return False
    s = uow.session
    return (xp.profile(s).role == "hub" and s.scalar(select(Project.id).limit(1)) is None
            and s.scalar(select(ExchangeLedgerEntry.id).limit(1)) is None)


def enrol_from_package(uow: UnitOfWork, actor: Actor, path: str | Path) -> Enrolled:
    """Make this installation the spoke of the unit the enrolment package is for. Everything is checked first
    (every problem of the workbook, the manifest's kind, that its receiver is the registered unit, the signature
    with the key the package carries, the installation, the units, settings and library entries); then the
    units, the profile and key, the year, the settings and the library entries are written, the ledger records
    the package and the audit log the enrolment, all in one transaction. The same package again is a no-op.

    The signature proves integrity (nothing changed since the bureau wrote the file), not origin: anyone holding
    a key can sign. Origin is what the in-person handover of the file provides.
    """
    uow.write()
    require(actor, Permission.MANAGE_SETTINGS)
    s = uow.session
    counts, plan = _check(s, path)
    if plan is None:
        return counts
    reg, manifest, unit_code = plan.registration, plan.manifest, counts.unit_code
    _write_units(s, plan.units)
    xp.install_spoke(s, unit_code, reg["key_hex"], reg["hub_name"])
    ensure_year(s, reg["year"])
    _write_settings(s, plan.settings)
    for code, entry in plan.library.items():
        store_entry(s, actor, code, entry)
    s.add(ExchangeLedgerEntry(package_id=manifest.package_id, kind=ENROLMENT_KIND, direction="in",
                              sender=manifest.sender, receiver=manifest.receiver, year=manifest.year,
                              sequence=manifest.sequence, content_hash=manifest.content_hash, signed=True,
                              state="applied", note=f"登记为单位 {unit_code}", recorded_at=utcnow()))
    uow.audit(actor.username, "exchange.enrol", "installation", unit_code, None,
              {"role": "spoke", "package_id": manifest.package_id, "hub_name": reg["hub_name"], "year": reg["year"],
               "units": counts.units, "settings": counts.settings, "library": counts.library})
    uow.commit()
    return replace(counts, changes=ENROLLED)
