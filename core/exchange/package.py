"""The pipeline every exchange package kind shares (交换包): sending (manifest with the next sequence number, stamp,
signature with the right key, the workbook, the ledger entry and the audit entry), blank templates, and the
intake (read, ledger decision, the kind's analysis into one generic preview, the checks before applying, one
transaction, the incoming ledger entry and audit entry). A kind supplies only its sheets and two functions.

How to add a kind (e.g. bureau → unit "review_results"):

1. describe its sheets as `SheetSpec`s in `core/rules/exchange_<kind>_sheets.py`;
2. write `export_<kind>(uow, actor, year, target, unit_code)` that builds the rows and calls `send`
   (`export_party` resolves the unit and the receiver for the hub or a spoke, `unit_ids` whose projects it
   carries); a unit → bureau kind may offer a blank template through `send_template`;
3. write `analyse(uow, actor, read, problems) -> (changes, payload)`: parse `read` (a `ReadPackage`), append
   located problems (`located`), compare with this installation and return one `RowChange` per business row
   (new / changed / unchanged / conflicting + reason) and whatever `write` needs;
4. write `write(uow, actor, preview, payload) -> written codes`: apply the new and changed rows inside the
   caller's transaction; call the area's own service with `uow` so that its validation applies (`apply_read`
   runs `write` inside `uow.deferred_commit()`, where the service's commit is a flush); `dry_run(uow, fn)` runs
   the same service in a savepoint for the preview;
5. declare `KIND = PackageKind(...)` and add an `Entry(KIND, export_<kind>[, template])` to
   `core.exchange.kinds.ENTRIES` (with `exporters` when only the hub or only a spoke exports it, and
   `units` when "全部单位" means other units than those with projects). The GUI and the command line then offer,
   detect, preview (the generic `PackagePreview`), apply, export (one unit or every unit) and list it without code
   of their own; core.exchange.projects looks up the projects rows name (`projects_by_code`,
   `project_problem`, `rows_by_project`).

A kind may accept its rows one by one (`PackageKind.partial`, the goals package: one row per goal table): its
analysis tags each problem with the row it belongs to (`Problem.code`), such a problem refuses that row only, and
the rest of the package applies; a problem of the whole package (a missing sheet, a bad header) still blocks it.

The preview writes nothing that lasts: `dry_run` savepoints are always rolled back. Applying is one transaction:
`apply_read` commits once, after `write` and the ledger entry; the backup before it is the caller's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.changes import NONE, Area, Changes
from core.common.errors import DomainError, ValidationError
from core.exchange import profile as xp
from core.exchange.rules.manifest import HUB, LedgerView, Manifest, ManifestError, admit, sign
from core.exchange.rules.spec import SheetSpec
from core.exchange.workbook import Problem, ReadPackage, read_package, stamp, write_package
from core.org.access import require, require_unit
from core.org.rules.roles import Actor, Permission
from db.models import ExchangeLedgerEntry, Unit, utcnow
from db.uow import UnitOfWork

STATUSES = ("new", "changed", "unchanged", "conflicting")
DECISIONS = ("new", "duplicate", "edited", "unsigned", "refused")
MAX_SHOWN = 10
Sheets = Sequence[tuple[SheetSpec, Sequence[Mapping[str, Any]]]]


@dataclass(frozen=True)
class RowChange:
    """What importing would do to one business row (a project's goal table, monitoring table, self-evaluation)."""

    code: str  # the row's business key, usually the project code
    name: str  # for people: the project's name
    status: str  # new | changed | unchanged | conflicting
    sheet: str  # the sheet title the row is on
    line: int  # its row number there
    reason: str = ""  # why a row is conflicting (left alone, a person decides)


@dataclass(frozen=True)
class PackagePreview:
    """What importing a package would do, for every kind: the ledger decision, the changes and every problem."""

    kind: str  # the manifest's kind ("" when unknown)
    label: str  # the kind's Chinese name, e.g. 绩效目标表
    decision: str  # new | duplicate | edited | unsigned | refused
    refusal: str  # why refused
    manifest: Manifest | None
    changes: tuple[RowChange, ...]
    problems: tuple[Problem, ...]  # each blocks applying, or, for a partial kind, refuses its row (`Problem.code`)
    notes: tuple[Problem, ...] = ()  # values read otherwise than typed (a percentage format, a formula): shown only
    partial: bool = False  # the kind accepts its rows one by one

    @property
    def blocking(self) -> tuple[Problem, ...]:
        """The problems that block the whole package (all of them, unless the kind accepts rows one by one)."""
        return tuple(p for p in self.problems if not (self.partial and p.code))

    @property
    def refused_codes(self) -> list[str]:
        """The rows refused on their own (partial kinds), in the order of their first problem."""
        return list(dict.fromkeys(p.code for p in self.problems if self.partial and p.code))

    @property
    def blocked(self) -> bool:
        """Nothing can be applied: refused, a problem of the whole package, or every row refused."""
        if self.decision == "refused" or self.blocking:
            return True
        return bool(self.problems) and not (self.by_status("new") or self.by_status("changed"))

    def by_status(self, status: str) -> list[RowChange]:
        return [c for c in self.changes if c.status == status]


@dataclass(frozen=True)
class PackageApplied:
    preview: PackagePreview
    written: tuple[str, ...]  # the codes of the rows written
    changes: Changes = NONE  # the kind's areas, the ledger and the audit log once applied


Analyse = Callable[[UnitOfWork, Actor, ReadPackage, list[Problem]], tuple[list[RowChange], Any]]
Write = Callable[[UnitOfWork, Actor, PackagePreview, Any], tuple[str, ...]]


@dataclass(frozen=True)
class PackageKind:
    """One kind of package: its manifest name, its sheets and how its rows are analysed and written."""

    kind: str  # the manifest's kind, e.g. "monitoring"
    label: str  # 监控表
    sheets: tuple[SheetSpec, ...]
    instructions: tuple[str, ...]
    analyse: Analyse
    write: Write
    areas: frozenset[str]  # what the GUI reloads after applying (besides exchange and audit)
    unit: str = "张"  # counting word for the rows in messages
    partial: bool = False  # rows are accepted one by one (see the module's docstring)


# --- sending -----------------------------------------------------------------------------------------------


def export_party(uow: UnitOfWork, actor: Actor, unit_code: str | None, label: str) -> tuple[Unit, str]:
    """The unit whose data is exported and the package's receiver: on a spoke its own unit and the bureau (another
    unit is refused); on the hub the given unit, which is also the receiver."""
    s = uow.session
    me = xp.profile(s)
    if me.role == "spoke":
        if unit_code not in (None, me.unit_code):
            raise ValidationError(f"本机登记为单位“{me.unit_code}”，只能导出本单位的数据。", "unit_code")
        unit_code, receiver = str(me.unit_code), HUB
    else:
        if not unit_code:
            raise ValidationError(f"请指定要导出哪个单位的{label}（--unit 单位编码）。", "unit_code")
        receiver = unit_code
    unit = s.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise ValidationError(f"单位编码“{unit_code}”不存在。", "unit_code")
    require_unit(s, actor, unit.id)
    return unit, receiver


ALL_UNIT_KINDS = ("department", "township")  # "全部单位": one package each (their budget units ride along)


def unit_ids(s: Session, unit: Unit) -> list[int]:
    """The unit and the budget units directly under it: whose projects a unit's package carries."""
    return [unit.id, *s.scalars(select(Unit.id).where(Unit.parent_id == unit.id))]


def _signing_key(uow: UnitOfWork, actor: Actor, receiver: str) -> bytes:
    s = uow.session
    me = xp.profile(s)
    if me.role == "spoke":
        key = xp.ledger_view(s).keys.get(str(me.unit_code))
        if key is None:
            raise ValidationError("本机没有本单位的签名密钥，请重新导入财政局发放的登记包。", "key")
        return key
    return bytes.fromhex(xp.issue_key(uow, actor, receiver).key_hex)


def _record_out(uow: UnitOfWork, actor: Actor, manifest: Manifest, path: Path,
                audit_details: Mapping[str, Any]) -> None:
    uow.session.add(ExchangeLedgerEntry(
        package_id=manifest.package_id, kind=manifest.kind, direction="out", sender=manifest.sender,
        receiver=manifest.receiver, year=manifest.year, sequence=manifest.sequence,
        content_hash=manifest.content_hash, signed=True, state="exported", note=path.name))
    uow.audit(actor.username, "exchange.export", "exchange_ledger", manifest.package_id, None,
              {"kind": manifest.kind, "receiver": manifest.receiver, "sequence": manifest.sequence, **audit_details})


def send(uow: UnitOfWork, actor: Actor, kind: str, receiver: str, year: int, sheets: Sheets,
         instructions: Sequence[str], target: str | Path, audit_details: Mapping[str, Any]) -> Path:
    """Write a signed package of `kind` for `receiver` and commit its ledger entry ("exported") and audit entry.

    The sequence number is the next one to that receiver; the key is, on a spoke, its own unit's key (the
    receiver is then the bureau), on the hub the receiver unit's key (issued now if it has none). The caller
    has called `uow.write()` and checked permissions (`export_party`)."""
    uow.write()
    s = uow.session
    key = _signing_key(uow, actor, receiver)
    manifest = Manifest(uuid.uuid4().hex, kind, xp.profile(s).me, receiver, year, xp.next_sequence(s, receiver))
    manifest = sign(stamp(manifest, sheets), key)
    path = write_package(target, sheets, manifest, instructions)
    _record_out(uow, actor, manifest, path, audit_details)
    uow.commit()
    return path


def send_template(uow: UnitOfWork, actor: Actor, kind: str, unit_code: str, year: int, sheets: Sheets,
                  instructions: Sequence[str], target: str | Path, audit_details: Mapping[str, Any]) -> Path:
    """A blank template on the hub for a unit to fill by hand (Excel or WPS, without the app): addressed from
    the unit to the bureau, pre-filled with `sheets` (the unit's projects and their row ids), unsigned and with
    sequence 0, so that its return is imported as "unsigned" after a reviewer confirms. Audited; not in the
    ledger until it comes back."""
    uow.write()
    require(actor, Permission.MANAGE_UNITS)
    s = uow.session
    if xp.profile(s).role != "hub":
        raise ValidationError("只有财政局（汇总端）可以发放空白模板。", "role")
    manifest = stamp(Manifest(uuid.uuid4().hex, kind, unit_code, HUB, year, 0), sheets)
    path = write_package(target, sheets, manifest, instructions)
    # Audited, not in the ledger: the template comes back under its own package id as the unit's (unsigned)
    # package, and the ledger holds one entry per package id.
    uow.audit(actor.username, "exchange.template", "exchange_ledger", manifest.package_id, None,
              {"kind": kind, "unit": unit_code, "file": path.name, **audit_details})
    uow.commit()
    return path


# --- intake ------------------------------------------------------------------------------------------------


def intake_ledger(s: Session) -> LedgerView:
    """The ledger view for admitting a package, where a spoke also knows the bureau's packages to it by its own
    unit key (the bureau signs what it sends a unit with that unit's key)."""
    view = xp.ledger_view(s)
    me = xp.profile(s)
    if me.role == "spoke" and me.me in view.keys:
        view = replace(view, keys={**view.keys, HUB: view.keys[me.me]})
    return view


def decide(s: Session, manifest: Manifest | None, digest: str, counts: Mapping[str, int],
           expected: Collection[str], labels: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(decision, refusal): the ledger's decision (see `admit`) for a package of one of the `expected` kinds."""
    if manifest is None:
        return "refused", "文件中没有交换包清单：请使用本系统导出的交换包或模板。"
    if manifest.kind not in expected:
        names = "、".join((labels or {}).get(k, k) for k in expected)
        return "refused", f"这是“{(labels or {}).get(manifest.kind, manifest.kind)}”类交换包，不是{names}交换包。"
    try:
        decision = admit(manifest, digest, counts, intake_ledger(s))
    except ManifestError as exc:
        return "refused", str(exc)
    recorded = s.scalar(select(ExchangeLedgerEntry.state).where(
        ExchangeLedgerEntry.package_id == manifest.package_id, ExchangeLedgerEntry.direction == "in"))
    if recorded in ("applied", "unsigned"):
        return "duplicate", ""
    return decision, ""


def baseline(s: Session, sender: str, kind: str) -> datetime | None:
    """When the last package of `kind` from `sender` was applied: a row changed here after it is conflicting."""
    return s.scalar(select(ExchangeLedgerEntry.recorded_at).where(
        ExchangeLedgerEntry.direction == "in", ExchangeLedgerEntry.sender == sender, ExchangeLedgerEntry.kind == kind,
        ExchangeLedgerEntry.state.in_(("applied", "unsigned"))).order_by(ExchangeLedgerEntry.recorded_at.desc())
        .limit(1))


def owner(manifest: Manifest) -> str:
    """The unit whose data a package carries: the sender, or the receiver of a package from the bureau."""
    return manifest.receiver if manifest.sender == HUB else manifest.sender


def located(sheet: SheetSpec, line: int | None, key: str, message: str) -> Problem:
    """A problem at `line` of `sheet`, in the column of `key` (letter and header as the workbook shows them)."""
    index = [c.key for c in sheet.all_columns].index(key)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from openpyxl.utils import get_column_letter
    return Problem(sheet.title, line, get_column_letter(index + 1), sheet.column(key).header, message)


def require_importer(actor: Actor) -> None:
    """The administrator imports for the bureau, a clerk for its own unit."""
    if not actor.can(Permission.MANAGE_UNITS):
        require(actor, Permission.EDIT_OWN_UNIT_DATA)


def analyse(uow: UnitOfWork, actor: Actor, kind: PackageKind, read: ReadPackage,
            labels: Mapping[str, str] | None = None) -> tuple[PackagePreview, Any]:
    """The preview of an already read package of `kind`, and the kind's payload for `write`."""
    problems = list(read.problems)
    decision, refusal = decide(uow.session, read.manifest, read.content_hash, read.row_counts, (kind.kind,),
                               labels or {kind.kind: kind.label})
    changes, payload = kind.analyse(uow, actor, read, problems)
    preview = PackagePreview(kind.kind, kind.label, decision, refusal, read.manifest, tuple(changes),
                             tuple(problems), tuple(read.notes), kind.partial)
    return preview, payload


def preview_package(uow: UnitOfWork, actor: Actor, path: str | Path, kind: PackageKind) -> PackagePreview:
    """What importing the package would do, writing nothing."""
    require_importer(actor)
    return analyse(uow, actor, kind, read_package(path, kind.sheets))[0]


def check_applicable(preview: PackagePreview, confirm_unsigned: bool) -> bool:
    """Raise ValidationError when the package may not be applied (refused, any problem, unsigned or edited
    without the reviewer's confirmation); False for the same package again (nothing to do), True otherwise."""
    if preview.decision == "refused":
        raise ValidationError(f"交换包已拒绝：{preview.refusal}", "package")
    if preview.blocked and preview.problems:
        blocking = preview.blocking or preview.problems
        shown = "\n".join(str(p) for p in blocking[:MAX_SHOWN])
        raise ValidationError(f"交换包有 {len(blocking)} 处问题，未导入任何数据：\n{shown}", "package")
    if preview.decision == "duplicate":
        return False
    if preview.decision in ("edited", "unsigned") and not confirm_unsigned:
        raise ValidationError("该交换包未签名或签名后被修改过，须经审核人确认后才能作为“未签名”导入。", "confirm_unsigned")
    return True


def record_incoming(uow: UnitOfWork, actor: Actor, preview: PackagePreview, written: Sequence[str],
                    unit: str = "张") -> None:
    """The incoming ledger entry ("applied", or "unsigned" for an edited or unsigned package) and its audit."""
    manifest = preview.manifest
    assert manifest is not None  # a package without a manifest is refused
    state = "applied" if preview.decision == "new" else "unsigned"
    conflicting = [c.code for c in preview.by_status("conflicting")]
    refused = preview.refused_codes
    uow.session.add(ExchangeLedgerEntry(
        package_id=manifest.package_id, kind=manifest.kind, direction="in", sender=manifest.sender,
        receiver=manifest.receiver, year=manifest.year, sequence=manifest.sequence,
        content_hash=manifest.content_hash, signed=state == "applied", state=state,
        note=f"写入 {len(written)} {unit}，冲突 {len(conflicting)} {unit}"
             + (f"，退回 {len(refused)} {unit}" if refused else ""), recorded_at=utcnow()))
    uow.audit(actor.username, "exchange.import", "exchange_ledger", manifest.package_id, None,
              {"kind": manifest.kind, "sender": manifest.sender, "sequence": manifest.sequence, "state": state,
               "written": list(written), "conflicting": conflicting, **({"refused": refused} if refused else {})})


def apply_read(uow: UnitOfWork, actor: Actor, kind: PackageKind, read: ReadPackage,
               confirm_unsigned: bool = False) -> PackageApplied:
    """Apply an already read package in one transaction (see `apply_package`)."""
    uow.write()
    require_importer(actor)
    with uow.deferred_commit():  # the areas' services write row by row; this commits once, below
        preview, payload = analyse(uow, actor, kind, read)
        if not check_applicable(preview, confirm_unsigned):
            return PackageApplied(preview, ())
        written = kind.write(uow, actor, preview, payload)
    record_incoming(uow, actor, preview, written, kind.unit)
    uow.commit()
    return PackageApplied(preview, tuple(written), Changes.of(Area.EXCHANGE, Area.AUDIT, *kind.areas))


def apply_package(uow: UnitOfWork, actor: Actor, path: str | Path, kind: PackageKind,
                  confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the package in one transaction: nothing is written when it is refused or has any problem; the same
    package again changes nothing; an edited or unsigned one only with `confirm_unsigned`, and stays marked.
    The automatic backup before applying is the caller's (core.exchange.intake takes it)."""
    uow.write()
    return apply_read(uow, actor, kind, read_package(path, kind.sheets), confirm_unsigned)


# --- trying an area's own service inside the package's transaction ----------------------------------------


def dry_run(uow: UnitOfWork, run: Callable[[UnitOfWork], object], keep: bool = False) -> DomainError | None:
    """Run an area's writing service in a savepoint that is rolled back; the domain error it raises (its Chinese
    message and, for a ValidationError, the field), or None when it would succeed. The preview checks rows with the
    service's own rules this way, without a copy of them; the service's own commit is a flush.

    With `keep`, while the package is being applied (`uow.commit_is_deferred`: `apply_read` commits the transaction
    once, afterwards), a row that succeeds stays written, so the kind's `write` need not save it a second time; a
    problem anywhere still leaves the transaction uncommitted, so nothing is written. A preview opens no such scope:
    its trials are always undone."""
    kept = keep and uow.commit_is_deferred
    try:
        with uow.savepoint(keep=kept), uow.deferred_commit():
            run(uow)
    except DomainError as exc:
        return exc
    return None
