"""The package kinds this installation knows, and the use cases the GUI and the command line call for any of them:
preview and apply a package whatever its kind (detected from the workbook, the manifest decides), export one
unit's package or one per unit into a folder, and a blank template for a unit; which kinds a hub or a spoke
offers, and the Chinese name of every kind the ledger records (the enrolment package too).

A new kind is one entry in `ENTRIES` (see core.exchange.package for what a kind supplies).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from defusedxml import ElementTree
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from core.common.errors import ValidationError
from core.common.progress import NoProgress, ProgressReporter
from core.common.workbook_guard import check_workbook_file, refusal
from core.exchange import enrolment as exchange_enrolment
from core.exchange import feedback as exchange_feedback
from core.exchange import goals as exchange_goals
from core.exchange import monitoring as exchange_monitoring
from core.exchange import package as xpk
from core.exchange import results as exchange_results
from core.exchange import self_evaluation as exchange_self_evaluation
from core.exchange.exported import EXPORTED, Exported
from core.exchange.package import PackageApplied, PackageKind, PackagePreview
from core.exchange.rules.enrolment_sheets import ENROLMENT_KIND
from core.exchange.rules.manifest import content_hash
from core.exchange.workbook import MANIFEST_TITLE, ReadPackage, read_package
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import Project, Unit
from db.uow import UnitOfWork

Exporter = Callable[..., Path]  # (uow, actor, year, target, unit_code[, round_name=...]) -> the file written
Units = Callable[[UnitOfWork, Actor, int], list[tuple[str, str]]]  # (uow, actor, year) -> [(code, name)]
BOTH = frozenset({"hub", "spoke"})


def units_with_projects(uow: UnitOfWork, actor: Actor, year: int) -> list[tuple[str, str]]:
    """(code, name) of the active departments and townships with projects of `year` (their own or their budget
    units'): the units "全部单位" exports a package for."""
    require(actor, Permission.MANAGE_UNITS)
    child = aliased(Unit)
    own = exists().where(Project.unit_id == Unit.id, Project.year == year)
    below = exists().where(child.parent_id == Unit.id, Project.unit_id == child.id, Project.year == year)
    rows = uow.session.execute(select(Unit.code, Unit.name).where(
        Unit.active.is_(True), Unit.kind.in_(xpk.ALL_UNIT_KINDS), or_(own, below)).order_by(Unit.code))
    return [(code, name) for code, name in rows]


@dataclass(frozen=True)
class Entry:
    """A kind with its use cases: `export` (on the installations named in `exporters`: "hub" exports a unit's
    package for it, "spoke" its own for the bureau), `template` (a blank one the hub hands out; None where the kind
    has none), `by_round` when they take the monitoring round's name as `round_name`, and `units` for "全部单位"."""

    kind: PackageKind
    export: Exporter
    template: Exporter | None = None
    by_round: bool = False
    exporters: frozenset[str] = BOTH
    units: Units = units_with_projects


ENTRIES: dict[str, Entry] = {e.kind.kind: e for e in (
    Entry(exchange_goals.KIND, exchange_goals.export_goals, exchange_goals.template_goals),
    Entry(exchange_monitoring.KIND, exchange_monitoring.export_monitoring, exchange_monitoring.template_monitoring,
          by_round=True),
    Entry(exchange_self_evaluation.KIND, exchange_self_evaluation.export_self_evaluation,
          exchange_self_evaluation.template_self_evaluation),
    Entry(exchange_results.KIND, exchange_results.export_results, exporters=frozenset({"hub"}),
          units=exchange_results.units_with_results),
    Entry(exchange_feedback.KIND, exchange_feedback.export_feedback, exchange_feedback.template_feedback,
          exporters=frozenset({"spoke"})),
)}
LABELS = {code: e.kind.label for code, e in ENTRIES.items()}  # the package kinds, in the order they are offered
KIND_LABELS = {**LABELS, ENROLMENT_KIND: exchange_enrolment.LABEL}  # every kind the ledger records
_SHEET_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"


def counting_word(kind: str) -> str:
    """How the rows a package of `kind` writes are counted in messages (张, 条, 份, 项)."""
    found = ENTRIES.get(kind)
    return found.kind.unit if found is not None else "项"


def offered(role: str) -> list[str]:
    """The kinds an installation of `role` can export or hand out as a template (only the hub hands out templates),
    in `ENTRIES` order."""
    return [code for code, e in ENTRIES.items() if role in e.exporters or (role == "hub" and e.template is not None)]


def entry(kind: str) -> Entry:
    found = ENTRIES.get(kind)
    if found is None:
        raise ValidationError(f"未知的交换包类型“{kind}”，可选：{'、'.join(f'{k}（{v}）' for k, v in LABELS.items())}。",
                              "kind")
    return found


# --- intake of any kind ------------------------------------------------------------------------------------


def _sheet_names(path: Path) -> set[str]:
    """The workbook's sheet names from its workbook part (cheap: no cell is read), after the hostile-file guard."""
    check_workbook_file(path)
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise refusal(path, f"不是有效的 Excel 工作簿（{exc}）。") from exc
    return {str(s.get("name")) for s in root.iter(_SHEET_TAG)}


def _restrict(read: ReadPackage, kind: PackageKind) -> ReadPackage:
    """The read limited to the sheets of `kind` (the hash over those sheets only, as the sender computed it)."""
    sheets = {s.kind: read.sheets[s.kind] for s in kind.sheets}
    titles = {s.title for s in kind.sheets} | {MANIFEST_TITLE}
    problems = [p for p in read.problems if p.sheet in titles]
    return replace(read, sheets=sheets, problems=problems, notes=[n for n in read.notes if n.sheet in titles],
                   content_hash=content_hash({k: s.rows for k, s in sheets.items()}))


def read_any(path: str | Path) -> tuple[PackageKind | None, ReadPackage]:
    """Read a package of whatever kind: the sheet names suggest the kinds, the manifest decides; a package of an
    unknown kind or without a manifest and matching no kind comes back with None."""
    source = Path(path)
    names = _sheet_names(source)
    candidates = [e.kind for e in ENTRIES.values() if {s.title for s in e.kind.sheets} <= names]
    specs = {s.kind: s for k in candidates for s in k.sheets}
    read = read_package(source, tuple(specs.values()))
    if read.manifest is not None:
        chosen = ENTRIES.get(read.manifest.kind)
        kind = chosen.kind if chosen is not None else None
    else:  # without a manifest the package is refused anyway; its sheets still show their problems
        kind = candidates[0] if len(candidates) == 1 else None
    if kind is None:
        return None, read
    if kind not in candidates:  # the manifest names a kind whose sheets are missing: read them as problems
        return kind, read_package(source, kind.sheets)
    return kind, _restrict(read, kind)


def _unknown(read: ReadPackage) -> PackagePreview:
    manifest = read.manifest
    if manifest is None:
        refusal = "文件中没有交换包清单，也不是本系统的任何一种交换包或模板。"
    else:
        refusal = f"未知的交换包类型“{manifest.kind}”：本程序不能导入，请升级程序或向发送方核实。"
    return PackagePreview(manifest.kind if manifest else "", "", "refused", refusal, manifest, (),
                          tuple(read.problems))


def preview_any(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the package would do, whatever its kind, writing nothing."""
    xpk.require_importer(actor)
    kind, read = read_any(path)
    if kind is None:
        return _unknown(read)
    return xpk.analyse(uow, actor, kind, read, LABELS)[0]


def apply_any(uow: UnitOfWork, actor: Actor, path: str | Path, confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the package, whatever its kind, in one transaction (see `exchange_package.apply_package`)."""
    uow.write()
    xpk.require_importer(actor)
    kind, read = read_any(path)
    if kind is None:
        raise ValidationError(f"交换包已拒绝：{_unknown(read).refusal}", "package")
    return xpk.apply_read(uow, actor, kind, read, confirm_unsigned)


# --- export ------------------------------------------------------------------------------------------------


def _call(found: Entry, exporter: Exporter, uow: UnitOfWork, actor: Actor, year: int, target: Path,
          unit_code: str | None, round_name: str | None) -> Path:
    if found.by_round:
        return exporter(uow, actor, year, target, unit_code, round_name=round_name)
    return exporter(uow, actor, year, target, unit_code)


def export_kind(uow: UnitOfWork, actor: Actor, kind: str, year: int, target: str | Path,
                unit_code: str | None = None, round_name: str | None = None) -> Exported:
    """One unit's signed package of `kind` (on a spoke its own; `round_name` for monitoring, default the newest)."""
    found = entry(kind)
    return Exported((_call(found, found.export, uow, actor, year, Path(target), unit_code, round_name),))


def template_kind(uow: UnitOfWork, actor: Actor, kind: str, year: int, target: str | Path, unit_code: str,
                  round_name: str | None = None) -> Exported:
    """A blank template of `kind` for a unit (hub only), pre-filled with the unit's projects."""
    found = entry(kind)
    if found.template is None:
        raise ValidationError(f"“{LABELS[kind]}”没有空白模板。", "kind")
    return Exported((_call(found, found.template, uow, actor, year, Path(target), unit_code, round_name),))


def file_name(kind: str, year: int, unit_code: str, unit_name: str = "") -> str:
    """The file name of a unit's package: 2024年监控表-D001某局.xlsx (characters a file system refuses dropped)."""
    safe = "".join(c for c in f"{unit_code}{unit_name}" if c not in '\\/:*?"<>|').strip()
    return f"{year}年{LABELS.get(kind, kind)}-{safe}.xlsx"


def export_all_units(uow: UnitOfWork, actor: Actor, kind: str, year: int, folder: str | Path,
                     round_name: str | None = None, progress: ProgressReporter | None = None) -> Exported:
    """One signed package per unit (the kind's `units`, e.g. `units_with_projects`) into `folder`, each recorded in
    the ledger as it is written; a cancel from `progress` stops after the current file (the files written so far
    stay valid)."""
    uow.write()
    steps = progress or NoProgress()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    units = entry(kind).units(uow, actor, year)
    written: list[Path] = []
    try:
        for n, (code, name) in enumerate(units):
            steps.report(n, len(units), f"正在导出 {code} {name}（{n + 1}/{len(units)}）")
            written.extend(export_kind(uow, actor, kind, year, target / file_name(kind, year, code, name), code,
                                       round_name).paths)
    except Exception as exc:
        if written:  # a failure or cancel after some files: those are committed to the ledger, pages must hear it
            exc.changes = EXPORTED  # type: ignore[attr-defined]
        raise
    steps.report(len(units), len(units), f"已导出 {len(units)} 个单位")
    return Exported(tuple(written))
