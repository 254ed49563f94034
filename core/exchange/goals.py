"""The goal-table exchange package (kind "goals", unit → bureau, or the bureau's copy for a unit): export a unit's
项目信息 and 绩效目标表 as a signed workbook, a blank template for a clerk without the app, and the kind's analysis
(each project new / changed / unchanged / conflicting, every problem located) and writing (through the goal-table
rules) for the generic pipeline of core.exchange.package. The projects themselves travel bureau → unit
(core.exchange.projects): a unit installation gets its projects from the bureau's goals package.

Conflicting means "changed here since the last goals package from that unit was applied" (or not editable here,
e.g. approved): such tables are listed and left alone, a person decides. The 申报表's header travels on the same
row (core.exchange.goal_header).

Each table is accepted or refused on its own (`KIND.partial`): a problem on any row of a table (its 绩效目标表 row,
its indicators, its 项目信息 row) refuses that table only; it is listed with its located problems for the problem
workbook, nothing of it is written, and the other tables apply. A table of another unit, a deleted table row, an
unregistered project and a table the review rejected (差) are such problems.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.common.labels import INDICATOR_KINDS
from core.exchange import department_goals as xdg
from core.exchange import goal_header as xh
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import PackageApplied, PackageKind, PackagePreview, RowChange
from core.exchange.rules.goal_conflict import local_conflict
from core.exchange.rules.goal_sheets import (
    GOAL_INSTRUCTIONS,
    GOAL_SHEETS,
    GOAL_TABLE_SHEET,
    GOALS_KIND,
    INDICATOR_SHEET,
    INDICATORS,
    PROJECT_SHEET,
    PROJECTS,
    TABLES,
    TEXT_KEYS,
    indicator_row_id,
    table_row_id,
)
from core.exchange.rules.manifest import HUB
from core.exchange.rules.results_sheets import format_moment, parse_moment
from core.exchange.rules.spec import SheetSpec
from core.exchange.workbook import Problem, ReadPackage
from core.goals.rules.goal_table import (
    ContentError,
    GoalContent,
    IndicatorRow,
    status_label,
    validate_content,
)
from core.goals.rules.indicator_kind import read_kind
from core.goals.rules.notation import IndicatorValue

# The goal-table service's own helpers write versions exactly as saving a draft does.
from core.goals.service import new_version, version_content, version_of, write_indicators
from core.org.access import require_unit
from core.org.rules.roles import Actor
from db.models import GoalTable, GoalTableVersion, Project, Unit, utcnow
from db.uow import UnitOfWork

LABEL = "绩效目标表"
_FIELD_COLUMN = {"name": "name", "level1": "level1", "level2": "level2", "comparator": "value", "target": "value",
                 "weight": "weight"}


# --- export ------------------------------------------------------------------------------------------------


def goal_rows(s: Session, year: int, unit_ids: list[int] | None = None,
              blank: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The package rows (绩效目标表, 绩效指标) of the year's goal tables of `unit_ids` (every unit when None); with
    `blank`, also a row for each project that has no goal table yet (a template to fill by hand)."""
    tables, indicators = [], []
    where = Project.year == year if unit_ids is None else and_(Project.year == year, Project.unit_id.in_(unit_ids))
    stmt = (select(Project, Unit, GoalTable).join(Unit, Unit.id == Project.unit_id)
            .join(GoalTable, GoalTable.project_id == Project.id, isouter=blank).where(where).order_by(Project.code))
    for project, unit, table in s.execute(stmt):
        header = xh.header_row(project, unit)
        if table is None:
            tables.append({"row_id": table_row_id(project.code), "version": 0, "deleted": False,
                           "project_code": project.code, "project_name": project.name, "status": "未填报", **header})
            continue
        content = version_content(version_of(table, table.current_version))
        base = {"row_id": table_row_id(project.code), "version": table.current_version, "deleted": False, **header}
        tables.append({**base, "project_code": project.code, "project_name": project.name,
                       "status": status_label(table.status), "updated_at": format_moment(table.updated_at),
                       **{k: getattr(content, k) for k in TEXT_KEYS}})
        for n, row in enumerate(content.indicators, 1):
            value = IndicatorValue(row.comparator, row.target, row.target_text, row.unit_of_measure)
            indicators.append({"row_id": indicator_row_id(project.code, n), "version": table.current_version,
                               "deleted": False, "project_code": project.code, "level1": row.level1,
                               "level2": row.level2, "name": row.name, "value": value,
                               "kind": INDICATOR_KINDS.get(row.kind or ""), "weight": row.weight,
                               "scoring_standard": row.scoring_standard, "note": row.note})
    return tables, indicators


def goal_sheets(s: Session, year: int, unit_ids: list[int] | None = None,
                blank: bool = False) -> list[tuple[SheetSpec, list[dict[str, Any]]]]:
    """The package's sheets with their rows: the projects' basic data and the goal tables (see `goal_rows`)."""
    tables, indicators = goal_rows(s, year, unit_ids, blank)
    return [(PROJECT_SHEET, xpj.project_rows(s, year, unit_ids)), (GOAL_TABLE_SHEET, tables),
            (INDICATOR_SHEET, indicators), *xdg.department_rows(s, year, unit_ids)]


def export_goals(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None = None) -> Path:
    """Write the unit's projects and goal tables of `year` as a signed package; on a spoke its own unit, on the hub
    the given unit's (its projects and current tables, for the unit). Records the package in the ledger."""
    uow.write()
    unit, receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    sheets = goal_sheets(uow.session, year, xpk.unit_ids(uow.session, unit))
    return xpk.send(uow, actor, GOALS_KIND, receiver, year, sheets, GOAL_INSTRUCTIONS, target,
                    {"unit": unit.code, **{spec.kind: len(rows) for spec, rows in sheets}})


def template_goals(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str) -> Path:
    """A blank 绩效目标表 template on the hub: every project of the unit, with its current table if it has one."""
    uow.write()
    unit, _receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    sheets = goal_sheets(uow.session, year, xpk.unit_ids(uow.session, unit), blank=True)
    return xpk.send_template(uow, actor, GOALS_KIND, unit.code, year, sheets, GOAL_INSTRUCTIONS, target,
                             {spec.kind: len(rows) for spec, rows in sheets})


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    texts: dict[str, str | None]
    indicators: list[tuple[int, IndicatorRow]]
    updated_at: str | None = None  # the sender's last change, as written (see `_moment`)
    moment: datetime | None = None  # ... read, for a table the bureau sends a unit installation
    header: dict[str, Any] | None = None  # the header fields the row fills in (see core.exchange.goal_header)


def parse_tables(read: ReadPackage, problems: list[Problem]) -> dict[str, _Parsed]:
    """Each project's goal content from the two sheets (rows with located problems are skipped), by code."""
    tables, skipped = xpj.rows_by_project(read, GOAL_TABLE_SHEET, problems, "绩效目标表", table_row_id)
    parsed = {code: _Parsed(line, {k: values[k] for k in TEXT_KEYS}, [], values["updated_at"],
                            header=xh.header_values(values)) for code, (line, values) in tables.items()}
    bad = {(p.sheet, p.row) for p in problems}
    deleted = {values["project_code"] for values in read.sheets[TABLES].rows if values["deleted"]}
    skipped |= deleted  # the deleted table row is the problem; its indicator rows are not reported again
    for values, line in zip(read.sheets[INDICATORS].rows, read.sheets[INDICATORS].lines, strict=True):
        if (INDICATOR_SHEET.title, line) in bad or values["deleted"]:
            continue
        code = values["project_code"]
        if code in skipped:
            continue
        if code not in parsed:
            problems.append(xpk.located(INDICATOR_SHEET, line, "project_code",
                                        f"项目编码“{code}”不在“{GOAL_TABLE_SHEET.title}”工作表中。"))
            continue
        v = values["value"]
        parsed[code].indicators.append((line, read_kind(IndicatorRow(
            values["level1"], values["level2"], values["name"], v.comparator, v.target, v.target_text,
            v.unit_of_measure, values["weight"], values["scoring_standard"], values["note"]), values["kind"])))
    return parsed


_EMPTY = GoalContent(**dict.fromkeys(TEXT_KEYS), indicators=())


def _content(item: _Parsed) -> GoalContent:
    return GoalContent(**{k: item.texts[k] for k in TEXT_KEYS}, indicators=tuple(r for _, r in item.indicators))


def _compare(s: Session, read: ReadPackage, parsed: dict[str, _Parsed], problems: list[Problem],
             coming: dict[str, xpj.OwnedProject]) -> tuple[list[RowChange], dict[str, dict[str, Any]]]:
    """Each table's status; `coming` are the projects the package's 项目信息 creates here. Also the header
    changes to write, by project code (a unit's package on the hub only)."""
    manifest = read.manifest
    if manifest is None:
        return [], {}
    baseline = xpk.baseline(s, manifest.sender, GOALS_KIND)
    owned = {**coming, **xpj.projects_by_code(s, manifest.year, parsed)}
    tables = {t.project_id: t for t in s.scalars(select(GoalTable).where(
        GoalTable.project_id.in_([p.id for p in owned.values()])))}
    from_unit = manifest.sender != HUB
    stored = {p.code: p for p in s.scalars(select(Project).where(Project.year == manifest.year,
                                                                 Project.code.in_(sorted(parsed))))}
    touched = xh.touched_since(s, [p.id for p in stored.values()], baseline) if from_unit else {}
    spec, changes, headers = GOAL_TABLE_SHEET, [], {}
    for code, item in parsed.items():
        content = _content(item)
        try:
            validate_content(content)
        except ContentError as exc:
            index = int(exc.field.split("[")[1].split("]")[0]) if exc.field.startswith("indicators[") else 0
            column = _FIELD_COLUMN.get(exc.field.rsplit(".", 1)[-1], "name")
            line = item.indicators[index - 1][0] if index else item.line
            problems.append(xpk.located(INDICATOR_SHEET if index else spec, line,
                                        column if index else "project_code", f"项目“{code}”：{exc}"))
            continue
        found = owned.get(code)
        problem = xpj.project_problem(spec, item.line, "project_code", code, found, manifest)
        if problem is not None:
            problems.append(problem)
            continue
        assert found is not None  # project_problem reports an unknown code
        if manifest.sender == HUB and not _moment(item, problems):
            continue
        table = tables.get(found.id)
        if table is not None and table.status == "rejected":
            problems.append(xpk.located(spec, item.line, "project_code",
                                        f"项目“{code}”的绩效目标表已审核为“{status_label(table.status)}”（不予安排预算），"
                                        "不能再通过交换包导入；如需重新申报，请与财政局联系。"))
            continue
        header = xh.changed_fields(stored[code], item.header or {}) if from_unit and code in stored else {}
        if table is None and content == _EMPTY and not header:
            continue  # a template's row left blank: nothing to create
        change = _status(code, found.name, table, content, item.line, baseline, bool(header))
        clash = set(header) & touched.get(found.id, set())
        if change.status in ("new", "changed") and clash:
            change = replace(change, status="conflicting", reason=xh.clash_reason(clash))
        if change.status in ("new", "changed") and header:
            headers[code] = header
        changes.append(change)
    return changes, headers


def _status(code: str, name: str, table: GoalTable | None, content: GoalContent, line: int,
            baseline: datetime | None, header_changed: bool = False) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(code, name, status, GOAL_TABLE_SHEET.title, line, reason)

    if table is None:
        return change("new" if content != _EMPTY else "changed")
    if version_content(version_of(table, table.current_version)) == content and not header_changed:
        return change("unchanged")
    reason = local_conflict("目标表", table.status, table.updated_at, baseline)
    return change("conflicting", reason) if reason else change("changed")


def _moment(item: _Parsed, problems: list[Problem]) -> bool:
    """Read the bureau's 更新时间 of a table it sends: written here, the table keeps the bureau's time, so that the
    bureau's decisions of that time (results package) do not look older than the unit's last change. False with a
    located problem when it is not a moment."""
    if item.updated_at:
        try:
            item.moment = parse_moment(item.updated_at)
        except ValueError as exc:
            problems.append(xpk.located(GOAL_TABLE_SHEET, item.line, "updated_at", f"“更新时间”{exc}"))
            return False
    return True


@dataclass(frozen=True)
class _Plan:
    projects: xpj.ProjectPlan
    tables: dict[str, _Parsed]
    headers: dict[str, dict[str, Any]]  # project code → the header fields a unit changed


def _row_codes(read: ReadPackage) -> dict[tuple[str, int], str]:
    """(sheet title, line) → the project code the row belongs to, for the sheets of the package."""
    out: dict[tuple[str, int], str] = {}
    for kind in (PROJECTS, TABLES, INDICATORS):
        sheet = read.sheets[kind]
        for values, line in zip(sheet.rows, sheet.lines, strict=True):
            if values.get("project_code"):
                out[(sheet.spec.title, line)] = values["project_code"]
    return out


def _refuse_by_table(read: ReadPackage, problems: list[Problem], changes: list[RowChange]) -> list[RowChange]:
    """Tag every problem on a row of a table with its project code (it refuses that table only) and drop the
    refused tables from the changes; a problem on no table's row (a sheet, a header, a row without a code)
    keeps blocking the whole package."""
    codes = _row_codes(read)
    for i, p in enumerate(problems):
        code = codes.get((p.sheet, p.row)) if p.row is not None else None
        if code and not p.code:
            problems[i] = replace(p, code=code)
    refused = {p.code for p in problems if p.code}
    return [c for c in changes if c.code not in refused]


def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                             _Plan]:
    """The kind's analysis for the pipeline: the projects' basics (see core.exchange.projects) and each
    goal table's status, each table refused on its own; the plan to write."""
    project_changes, projects = xpj.analyse_projects(uow, read, problems)
    parsed = parse_tables(read, problems)
    changes, headers = _compare(uow.session, read, parsed, problems, projects.coming)
    kept = _refuse_by_table(read, problems, [*project_changes, *changes])
    refused = {p.code for p in problems if p.code}
    for code in refused:  # nothing of a refused table is written, its project's basics neither
        projects.create.pop(code, None)
        projects.update.pop(code, None)
    return kept, _Plan(projects, parsed, {c: h for c, h in headers.items() if c not in refused})


# --- writing -----------------------------------------------------------------------------------------------


def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview, plan: _Plan) -> tuple[str, ...]:
    """Write the planned projects, then the new and changed tables as working versions, exactly as saving a draft
    does, with their header changes; the project codes of the tables written (and "项目信息:code" for each
    project). A refused table is in neither list."""
    s = uow.session
    assert preview.manifest is not None  # a package without a manifest is refused
    year = preview.manifest.year
    projects = xpj.write_projects(uow, actor, year, plan.projects)
    codes = tuple(c.code for c in preview.changes
                  if c.sheet == GOAL_TABLE_SHEET.title and c.status in ("new", "changed"))
    found = {p.code: p for p in s.scalars(select(Project).where(Project.year == year, Project.code.in_(codes)))}
    tables = {t.project_id: t for t in s.scalars(select(GoalTable).where(
        GoalTable.project_id.in_([p.id for p in found.values()])))}
    for code in codes:
        content = _content(plan.tables[code])
        project = found[code]  # the preview checked every code
        require_unit(s, actor, project.unit_id)
        xh.write_header(uow, actor, project, plan.headers.get(code, {}))
        table = tables.get(project.id)
        if table is None and content == _EMPTY:
            continue  # only the header was filled in
        if table is None:
            table = GoalTable(project_id=project.id, status="draft", current_version=1)
            s.add(table)
            s.flush()
            current = GoalTableVersion(goal_table_id=table.id, version=1, reason="交换包导入", created_by=actor.username)
            s.add(current)
            s.flush()
        else:
            current = version_of(table, table.current_version)
            if version_content(current) == content:
                table.updated_at = plan.tables[code].moment or utcnow()
                continue  # only the header changed
            if current.submitted_at is not None:
                current = new_version(uow, actor, table, "交换包导入")
        write_indicators(uow, current, content)
        table.updated_at = plan.tables[code].moment or utcnow()
        uow.audit(actor.username, "goal_table.exchange_import", "goal_table", table.id, None,
                  {"version": current.version, "indicators": len(content.indicators)})
    return (*codes, *projects)


# counted in rows ("条"): a package from the bureau writes projects as well as goal tables
KIND = xdg.with_departments(PackageKind(GOALS_KIND, LABEL, GOAL_SHEETS, GOAL_INSTRUCTIONS, analyse, write,
                                        frozenset({"goals", "projects"}), unit="条", partial=True))


def preview_goals(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the goals package would do, writing nothing."""
    return xpk.preview_package(uow, actor, path, KIND)


def apply_goals(uow: UnitOfWork, actor: Actor, path: str | Path, confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the goals package in one transaction (see `exchange_package.apply_package`)."""
    return xpk.apply_package(uow, actor, path, KIND, confirm_unsigned)
