"""The monitoring package (kind "monitoring", 监控表, unit → bureau): export a unit's monitoring tables of a round
as a signed workbook or a blank template, and the kind's analysis and writing for core.exchange.package.

Every project of the unit is one row with its budget part, every indicator of its approved goal table one row.
Rows are checked and written by `monitoring_rounds.save_entry` itself (in a rolled-back savepoint for the
preview, inside the package's one transaction when applying), so the monitoring rules live in one place.
Conflicting means the entry here changed after the last monitoring package from that unit was applied, or the
round is closed here: such rows are listed and left alone, a person decides. The bureau's package opens a round a
unit installation does not have yet (core.exchange.monitoring_rounds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.errors import DomainError, ValidationError
from core.exchange import monitoring_rounds as xmr
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import PackageApplied, PackageKind, PackagePreview, RowChange
from core.exchange.rules.monitoring_sheets import (
    ENTRIES,
    ENTRY_KEYS,
    ENTRY_SHEET,
    LIKELIHOOD_BY_LABEL,
    LINE_KEYS,
    LINE_SHEET,
    LINES,
    MONITORING_INSTRUCTIONS,
    MONITORING_KIND,
    MONITORING_SHEETS,
    entry_row_id,
    line_row_id,
)
from core.exchange.workbook import Problem, ReadPackage
from core.goals.rules.notation import IndicatorValue, format_indicator_value
from core.monitoring.dto import EntryInput, LineInput
from core.monitoring.rounds import save_entry
from core.monitoring.rules.lights import LIKELIHOODS
from core.org.rules.roles import Actor
from db.models import (
    ExecutionRecord,
    GoalTable,
    GoalTableVersion,
    Indicator,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
    Project,
)
from db.uow import UnitOfWork

LABEL = "监控表"
_LINE_COLUMNS = {"likelihood": "likelihood", "cause": "cause", "actual_text": "actual_text", "actual": "actual",
                 "analysis": "analysis"}
_ENTRY_COLUMNS = {"budget_adjustment": "budget_adjustment", "forecast_spent": "forecast_spent", "status": "round"}


# --- export ------------------------------------------------------------------------------------------------


def find_round(s: Session, year: int, round_name: str | None) -> MonitoringRound:
    """The named monitoring round of the year, or the newest one (latest month, then latest opened)."""
    stmt = select(MonitoringRound).where(MonitoringRound.year == year)
    if round_name:
        stmt = stmt.where(MonitoringRound.name == round_name.strip())
    found = s.scalar(stmt.order_by(MonitoringRound.as_of_month.desc(), MonitoringRound.id.desc()).limit(1))
    if found is None:
        raise ValidationError(f"{year} 年度没有监控轮次“{round_name}”。" if round_name else
                              f"{year} 年度还没有开启监控轮次，请先在“运行监控”中开启轮次。", "round")
    return found


def _stored(s: Session, round_id: int, where: Any) -> tuple[dict[int, MonitoringEntry],
                                                            dict[int, dict[int, MonitoringLine]]]:
    entries = {e.project_id: e for e in s.scalars(select(MonitoringEntry).join(
        Project, Project.id == MonitoringEntry.project_id).where(MonitoringEntry.round_id == round_id, where))}
    by_entry = {e.id: pid for pid, e in entries.items()}
    lines: dict[int, dict[int, MonitoringLine]] = defaultdict(dict)
    for line in s.scalars(select(MonitoringLine).join(MonitoringEntry).join(
            Project, Project.id == MonitoringEntry.project_id).where(MonitoringEntry.round_id == round_id, where)):
        lines[by_entry[line.entry_id]][line.position] = line
    return entries, lines


def _indicators(s: Session, where: Any) -> dict[int, list[Any]]:
    """The approved goal tables' indicators (plain rows) by project id, in position order."""
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    i = Indicator
    out: dict[int, list[Any]] = defaultdict(list)
    for row in s.execute(select(GoalTable.project_id, i.position, i.level1, i.level2, i.name, i.comparator, i.target,
                                i.target_text, i.unit_of_measure)
                         .join(GoalTableVersion, current).join(i, i.version_id == GoalTableVersion.id)
                         .join(Project, Project.id == GoalTable.project_id)
                         .where(where, GoalTable.status == "approved").order_by(i.position)):
        out[row.project_id].append(row)
    return out


def _spent(s: Session, where: Any, year: int, month: int) -> dict[int, Decimal]:
    return {pid: amount or Decimal(0) for pid, amount in s.execute(
        select(ExecutionRecord.project_id, func.sum(ExecutionRecord.amount))
        .join(Project, Project.id == ExecutionRecord.project_id)
        .where(where, ExecutionRecord.year == year, ExecutionRecord.month <= month)
        .group_by(ExecutionRecord.project_id))}


def monitoring_rows(s: Session, found: MonitoringRound, unit_ids: list[int] | None = None
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The package rows (监控表, 监控指标) of the round for the projects of `unit_ids` (every unit when None):
    every project of the year, with what is saved in the round so far."""
    where: Any = Project.year == found.year
    if unit_ids is not None:
        where = and_(where, Project.unit_id.in_(unit_ids))
    entries, lines = _stored(s, found.id, where)
    indicators = _indicators(s, where)
    spent = _spent(s, where, found.year, found.as_of_month)
    entry_rows, line_rows = [], []
    for p in s.execute(select(Project.id, Project.code, Project.name, Project.total_amount).where(where)
                       .order_by(Project.code)):
        entry = entries.get(p.id)
        version = 1 if entry is not None else 0
        saved = {k: getattr(entry, k) for k in ENTRY_KEYS} if entry is not None else {}
        entry_rows.append({"row_id": entry_row_id(found.name, p.code), "version": version, "deleted": False,
                           "project_code": p.code, "project_name": p.name, "round": found.name,
                           "budget": p.total_amount, "spent": spent.get(p.id, Decimal(0)), **saved,
                           "submitted": entry is not None and entry.status == "submitted",
                           "as_of_month": found.as_of_month})
        for ind in indicators.get(p.id, []):
            line = lines.get(p.id, {}).get(ind.position)
            values = {k: getattr(line, k) for k in LINE_KEYS} if line is not None else {}
            if values.get("likelihood"):
                values["likelihood"] = LIKELIHOODS.get(values["likelihood"], values["likelihood"])
            target = IndicatorValue(ind.comparator, ind.target, ind.target_text, ind.unit_of_measure)
            line_rows.append({"row_id": line_row_id(found.name, p.code, ind.position), "version": version,
                              "deleted": False, "project_code": p.code, "position": ind.position,
                              "round": found.name, "level1": ind.level1, "level2": ind.level2, "name": ind.name,
                              "target": format_indicator_value(target), **values})
    return entry_rows, line_rows


def _export(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None,
            round_name: str | None, template: bool) -> Path:
    uow.write()
    unit, receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    found = find_round(uow.session, year, round_name)
    entries, lines = monitoring_rows(uow.session, found, xpk.unit_ids(uow.session, unit))
    sheets = [(ENTRY_SHEET, entries), (LINE_SHEET, lines)]
    details = {"unit": unit.code, "round": found.name, "projects": len(entries), "indicators": len(lines)}
    if template:
        return xpk.send_template(uow, actor, MONITORING_KIND, unit.code, year, sheets, MONITORING_INSTRUCTIONS,
                                 target, details)
    return xpk.send(uow, actor, MONITORING_KIND, receiver, year, sheets, MONITORING_INSTRUCTIONS, target, details)


def export_monitoring(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None = None,
                      round_name: str | None = None) -> Path:
    """The unit's monitoring tables of a round (default the newest) as a signed package; on a spoke its own unit,
    on the hub the given unit's (what the bureau holds, for the unit)."""
    return _export(uow, actor, year, target, unit_code, round_name, template=False)


def template_monitoring(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str,
                        round_name: str | None = None) -> Path:
    """A blank monitoring template on the hub for a unit to fill by hand: its projects and indicators of the
    round, with what the bureau holds so far."""
    return _export(uow, actor, year, target, unit_code, round_name, template=True)


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    round: str
    values: dict[str, Any]
    submitted: bool
    month: int  # 截至月份 of the round
    lines: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # position → (sheet line, values)

    def form(self) -> EntryInput:
        rows = tuple(LineInput(position, **{k: v for k, v in values.items()})
                     for position, (_, values) in sorted(self.lines.items()))
        adjustment = self.values["budget_adjustment"]
        return EntryInput(**{k: self.values[k] for k in ENTRY_KEYS[1:]},
                          budget_adjustment=Decimal(0) if adjustment is None else adjustment, lines=rows)


@dataclass(frozen=True)
class _Target:
    project_id: int
    round: str
    parsed: _Parsed
    saved: bool = False  # already written while the package was analysed for applying


def _line_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values[k] for k in LINE_KEYS}
    if out["likelihood"] is not None:
        out["likelihood"] = LIKELIHOOD_BY_LABEL[out["likelihood"]]
    out["needs_rectification"] = bool(out["needs_rectification"])
    return out


def parse_entries(read: ReadPackage, problems: list[Problem]) -> dict[tuple[str, str], _Parsed]:
    """Each (round, project code)'s monitoring table from the two sheets; rows with problems are skipped."""
    bad = {(p.sheet, p.row) for p in problems}
    parsed: dict[tuple[str, str], _Parsed] = {}
    skipped = set()
    for values, line in zip(read.sheets[ENTRIES].rows, read.sheets[ENTRIES].lines, strict=True):
        key = (values.get("round") or "", values.get("project_code") or "")
        if (ENTRY_SHEET.title, line) in bad:
            skipped.add(key)
        elif values["deleted"]:
            problems.append(xpk.located(ENTRY_SHEET, line, "deleted", "监控表不能通过交换包删除，请把“删除”改为“否”。"))
        elif key in parsed:
            problems.append(xpk.located(ENTRY_SHEET, line, "project_code",
                                        f"项目编码“{key[1]}”在轮次“{key[0]}”中重复出现。"))
        elif values["row_id"] and values["row_id"] != entry_row_id(*key):
            problems.append(xpk.located(ENTRY_SHEET, line, "project_code", f"项目编码或轮次与行标识“{values['row_id']}”"
                                        "不一致：请勿修改项目编码和监控轮次。"))
        else:
            parsed[key] = _Parsed(line, key[0], {k: values[k] for k in ENTRY_KEYS}, bool(values["submitted"]),
                                  values["as_of_month"])
    for values, line in zip(read.sheets[LINES].rows, read.sheets[LINES].lines, strict=True):
        key = (values.get("round") or "", values.get("project_code") or "")
        if (LINE_SHEET.title, line) in bad or values["deleted"] or key in skipped:
            continue
        if key not in parsed:
            problems.append(xpk.located(LINE_SHEET, line, "project_code", f"项目编码“{key[1]}”（轮次“{key[0]}”）"
                                        f"不在“{ENTRY_SHEET.title}”工作表中。"))
        elif values["position"] in parsed[key].lines:
            problems.append(xpk.located(LINE_SHEET, line, "position", f"项目“{key[1]}”的指标序号"
                                        f"{values['position']} 重复出现。"))
        else:
            parsed[key].lines[values["position"]] = (line, _line_values(values))
    return parsed


def _stored_form(entry: MonitoringEntry | None, lines: dict[int, MonitoringLine],
                 positions: list[int]) -> tuple[EntryInput, bool]:
    saved = {k: getattr(entry, k) for k in ENTRY_KEYS} if entry is not None else {k: None for k in ENTRY_KEYS}
    rows = tuple(LineInput(p, **({k: getattr(lines[p], k) for k in LINE_KEYS} if p in lines else {}))
                 for p in positions)
    adjustment = saved["budget_adjustment"]
    form = EntryInput(**{k: saved[k] for k in ENTRY_KEYS[1:]},
                      budget_adjustment=Decimal(0) if adjustment is None else adjustment, lines=rows)
    return form, entry is not None and entry.status == "submitted"


def _locate_error(exc: DomainError, item: _Parsed, code: str) -> Problem:
    where = getattr(exc, "field", None) or ""
    if where.startswith("lines["):
        position = int(where.split("[")[1].split("]")[0])
        if position in item.lines:
            column = _LINE_COLUMNS.get(where.rsplit(".", 1)[-1], "position")
            return xpk.located(LINE_SHEET, item.lines[position][0], column, str(exc))
    return xpk.located(ENTRY_SHEET, item.line, _ENTRY_COLUMNS.get(where, "project_code"), f"项目“{code}”：{exc}")


def _status(code: str, name: str, item: _Parsed, entry: MonitoringEntry | None, same: bool, closed: bool,
            baseline: datetime | None) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(code, name, status, ENTRY_SHEET.title, item.line, reason)

    if same:
        return change("unchanged")
    if closed:
        return change("conflicting", f"本机监控轮次“{item.round}”已关闭，不能再填报，请与财政局核对。")
    if entry is None:
        return change("new")
    if baseline is not None and entry.updated_at > baseline:
        return change("conflicting", f"本机在上次导入之后修改过该监控表（{formatting.screen_time(entry.updated_at)}），"
                                     "请人工核对。")
    return change("changed")


def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]
            ) -> tuple[list[RowChange], tuple[xmr.RoundPlan, list[_Target]]]:
    """Each project's status, its rows checked by `save_entry` in a rolled-back savepoint (with the rounds this
    package opens on a spoke opened there too); the rounds' plan and the rows to write."""
    parsed = parse_entries(read, problems)
    manifest = read.manifest
    if manifest is None:
        return [], (xmr.RoundPlan(), [])
    s = uow.session
    changes, plan = xmr.analyse_rounds(s, manifest, ((i.round, i.month, i.line) for i in parsed.values()), problems)
    projects = xpj.projects_by_code(s, manifest.year, {code for _, code in parsed})
    baseline = xpk.baseline(s, manifest.sender, MONITORING_KIND)
    named = and_(Project.year == manifest.year, Project.code.in_(sorted(c for _, c in parsed)))
    stored: dict[int, tuple[dict[int, MonitoringEntry], dict[int, dict[int, MonitoringLine]]]] = {}
    indicators = _indicators(s, named)
    targets = []
    with xmr.trial(uow, actor, manifest.year, plan) as round_ids:
        for (round_name, code), item in parsed.items():
            if round_name in plan.refused:
                continue  # the round's problem is reported once, at its first row
            problem = xpj.project_problem(ENTRY_SHEET, item.line, "project_code", code, projects.get(code), manifest)
            if problem is not None:
                problems.append(problem)
                continue
            project_id, name, round_id = projects[code].id, projects[code].name, round_ids[round_name]
            if round_id not in stored:
                stored[round_id] = _stored(s, round_id, named)
            entries, lines = stored[round_id]
            entry = entries.get(project_id)
            positions = sorted({i.position for i in indicators.get(project_id, [])} | set(item.lines))
            mine, submitted = _stored_form(entry, lines.get(project_id, {}), positions)
            theirs = replace(item, lines={p: item.lines.get(p, (item.line, {})) for p in positions})
            same = mine == theirs.form() and submitted == item.submitted
            if entry is None and same:
                continue  # a template's row left blank: nothing here, nothing sent
            change = _status(code, name, item, entry, same, xmr.status(plan, round_name) != "open", baseline)
            if change.status in ("new", "changed"):
                def run(trying: UnitOfWork, r: int = round_id, p: int = project_id, t: _Parsed = theirs) -> object:
                    return save_entry(trying, actor, r, p, t.form(), submit=t.submitted)
                # Applying to the bureau's rounds, the checked row stays written (one save per row, not two); rows
                # of a round this package opens are checked inside that round's trial and written afterwards.
                keep = not plan.create
                error = xpk.dry_run(uow, run, keep=keep)
                if error is not None:
                    problems.append(_locate_error(error, item, code))
                    continue
                targets.append(_Target(project_id, round_name, theirs, saved=keep and uow.commit_is_deferred))
            changes.append(change)
    return changes, (plan, targets)


# --- writing -----------------------------------------------------------------------------------------------


def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview,
          payload: tuple[xmr.RoundPlan, list[_Target]]) -> tuple[str, ...]:
    """Open the rounds the package brings to a spoke, then save every new and changed monitoring table through
    `save_entry`, in the package's transaction."""
    plan, targets = payload
    assert preview.manifest is not None  # a package without a manifest is refused before writing
    round_ids = xmr.open_rounds(uow, actor, preview.manifest.year, plan)
    s = uow.session
    for t in targets:
        round_id = round_ids[t.round]
        if not t.saved:
            save_entry(uow, actor, round_id, t.project_id, t.parsed.form(), submit=t.parsed.submitted)
        entry = s.scalar(select(MonitoringEntry).where(MonitoringEntry.round_id == round_id,
                                                      MonitoringEntry.project_id == t.project_id))
        if entry is not None:
            entry.source = "exchange"
    codes = {c.code for c in preview.changes if c.status in ("new", "changed") and c.code not in plan.create}
    return (*xmr.written(plan), *sorted(codes))


KIND = PackageKind(MONITORING_KIND, LABEL, MONITORING_SHEETS, MONITORING_INSTRUCTIONS, analyse, write,
                   frozenset({"monitoring"}))


def preview_monitoring(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the monitoring package would do, writing nothing."""
    return xpk.preview_package(uow, actor, path, KIND)


def apply_monitoring(uow: UnitOfWork, actor: Actor, path: str | Path,
                     confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the monitoring package in one transaction (see `exchange_package.apply_package`)."""
    return xpk.apply_package(uow, actor, path, KIND, confirm_unsigned)
