"""The projects a package names: looked up with their units for the owner check of every kind, and the goals
package's 项目信息 sheet, the basic data of a unit's projects as the bureau's project library holds them.

On a unit's spoke, the bureau's goals package creates the missing projects of the unit's family (the unit and its
budget units) and updates changed basics, so that the goal tables, results and monitoring that follow find their
projects. On the hub the project library is the bureau's own: a row naming a project the library does not have,
for a unit of the package's family, is the unit's application for a new project (新项目申请): it is written with
status "applied" together with its goal table, and the bureau accepts it into 储备 or declines it in the project
library (core/projects); a project declined earlier is a located problem wherever a package names it. Basics that
differ from the library are listed as conflicting and left alone; rows that match it are not listed there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.common.labels import FUND_TYPES, PROJECT_ATTRIBUTES, PROJECT_NATURES
from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange.package import RowChange
from core.exchange.rules.goal_sheets import PROJECT_SHEET
from core.exchange.rules.manifest import HUB, Manifest
from core.exchange.rules.spec import SheetSpec
from core.exchange.workbook import Problem, ReadPackage
from core.org.access import require_unit
from core.org.rules.roles import Actor
from core.projects.rules import ProjectStatus
from core.projects.service import ensure_year
from db.models import Project, Unit
from db.uow import UnitOfWork

BASICS = ("name", "attribute", "nature", "fund_type", "total_amount", "fiscal_amount", "carryover_amount",
          "other_amount", "start_date", "end_date", "manager", "phone", "implementing_unit", "sector")
_LABELS = {"attribute": PROJECT_ATTRIBUTES, "nature": PROJECT_NATURES, "fund_type": FUND_TYPES}
APPLICATION = "新项目申请"
_CODES = {key: {label: code for code, label in labels.items()} for key, labels in _LABELS.items()}


# --- the projects a package names --------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnedProject:
    """A project a package row names, with the units it belongs to (for the owner check)."""

    id: int  # 0 for a project the package itself creates on a spoke
    code: str
    name: str
    unit_code: str
    parent_code: str | None  # the unit's superior: a department's package carries its budget units' projects
    status: str = "arranged"  # the project library's status (core.projects.rules.ProjectStatus)


def projects_by_code(s: Session, year: int, codes: Collection[str]) -> dict[str, OwnedProject]:
    """The year's projects with these codes, in one query."""
    parent = aliased(Unit)
    rows = s.execute(select(Project.id, Project.code, Project.name, Unit.code, parent.code, Project.status)
                     .join(Unit, Unit.id == Project.unit_id).outerjoin(parent, parent.id == Unit.parent_id)
                     .where(Project.year == year, Project.code.in_(sorted(codes))))
    return {row[1]: OwnedProject(*row) for row in rows}


def rows_by_project(read: ReadPackage, spec: SheetSpec, problems: list[Problem], noun: str,
                    row_id: Callable[[str], str] = str) -> tuple[dict[str, tuple[int, dict[str, Any]]], set[str]]:
    """The rows of a sheet with one row per project (项目信息, 绩效目标表, 自评表 ...) by project code, with their line.
    A deleted row (`noun` names what cannot be deleted), a code twice and a code that does not match its row id
    are located problems; a row with a problem from reading is left out and its code returned as skipped."""
    bad = {p.row for p in problems if p.sheet == spec.title}
    sheet = read.sheets[spec.kind]
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    skipped: set[str] = set()
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        code = values["project_code"]  # every column's key is there, None when the cell is empty or bad
        if line in bad:
            skipped.add(code)  # already reported; rows of other sheets naming it are not reported again
        elif values["deleted"]:
            problems.append(xpk.located(spec, line, "deleted", f"{noun}不能通过交换包删除，请把“删除”改为“否”。"))
        elif code in rows:
            problems.append(xpk.located(spec, line, "project_code", f"项目编码“{code}”重复出现。"))
        elif values["row_id"] and values["row_id"] != row_id(code):
            problems.append(xpk.located(spec, line, "project_code",
                                        f"项目编码“{code}”与行标识“{values['row_id']}”不一致：请勿修改项目编码。"))
        else:
            rows[code] = (line, values)
    return rows, skipped


def project_problem(sheet: SheetSpec, line: int, key: str, code: str, found: OwnedProject | None,
                    manifest: Manifest) -> Problem | None:
    """A located problem when the row's project code is unknown in the package's year or belongs to another
    unit than the package's (see `xpk.owner`); None when the project is the package's to carry."""
    if found is None:
        hint = ("项目须先在财政局项目库登记。" if manifest.receiver == HUB
                else "请先导入财政局发来的绩效目标表交换包（其中“项目信息”工作表带来本单位的项目）。")
        return xpk.located(sheet, line, key, f"{manifest.year} 年度没有项目编码“{code}”：{hint}")
    mine = xpk.owner(manifest)
    if found.status == ProjectStatus.DECLINED:
        return xpk.located(sheet, line, key, f"项目“{code}”的新项目申请已被财政局不予受理，不能再导入其数据。")
    if mine not in (found.unit_code, found.parent_code):
        return xpk.located(sheet, line, key, f"项目“{code}”属于单位“{found.unit_code}”，不是本交换包单位“{mine}”的项目。")
    return None


# --- export ------------------------------------------------------------------------------------------------


def project_rows(s: Session, year: int, unit_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """The 项目信息 rows: every project of the year of `unit_ids` (every unit when None), by code."""
    stmt = select(Project, Unit.code).join(Unit, Unit.id == Project.unit_id).where(Project.year == year)
    if unit_ids is not None:
        stmt = stmt.where(Project.unit_id.in_(unit_ids))
    return [{"row_id": p.code, "version": 1, "deleted": False, "project_code": p.code, "unit_code": unit_code,
             **{k: _LABELS[k].get(v, v) if k in _LABELS else v for k, v in _basics_of(p).items()}}
            for p, unit_code in s.execute(stmt.order_by(Project.code))]


def _basics_of(p: Project) -> dict[str, Any]:
    return {k: getattr(p, k) for k in BASICS}


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class ProjectPlan:
    """What applying writes on a unit's spoke, by project code: the projects to create (unit id, basics) and the
    changed basics of existing ones (project id, changed fields); `coming` are the created projects as the
    package's other rows see them."""

    create: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    update: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    coming: dict[str, OwnedProject] = field(default_factory=dict)


def _rows(read: ReadPackage, problems: list[Problem]) -> dict[str, tuple[int, dict[str, Any]]]:
    """The sheet's rows by project code: (line, the basics with code names for the choices and the unit code)."""
    rows, _ = rows_by_project(read, PROJECT_SHEET, problems, "项目")
    return {code: (line, {**{k: _CODES[k][values[k]] if k in _CODES else values[k] for k in BASICS},
                          "unit_code": values["unit_code"]}) for code, (line, values) in rows.items()}


def _differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [PROJECT_SHEET.column(k).header for k in ("unit_code", *BASICS) if mine[k] != theirs[k]]


def _application(s: Session, manifest: Manifest, code: str, line: int, theirs: dict[str, Any],
                 plan: ProjectPlan) -> RowChange | None:
    """A row for a project the library does not have, of a unit of the package's family: the unit applies for a new
    project (planned with status "applied"); None when the unit is not the package's."""
    unit = s.scalar(select(Unit).where(Unit.code == theirs["unit_code"]))
    mine = xpk.owner(manifest)
    parent = unit.parent.code if unit is not None and unit.parent is not None else None
    if unit is None or mine not in (unit.code, parent):
        return None
    basics = {k: theirs[k] for k in BASICS}
    plan.create[code] = (unit.id, {**basics, "status": ProjectStatus.APPLIED.value})
    plan.coming[code] = OwnedProject(0, code, basics["name"], unit.code, parent, ProjectStatus.APPLIED.value)
    return RowChange(code, basics["name"], "new", PROJECT_SHEET.title, line,
                     f"{APPLICATION}：导入后由财政局在项目库中受理（入储备）或不予受理。")


def _on_hub(s: Session, manifest: Manifest, rows: dict[str, tuple[int, dict[str, Any]]],
            problems: list[Problem], plan: ProjectPlan) -> list[RowChange]:
    owned = projects_by_code(s, manifest.year, rows)
    stored = {p.code: p for p in s.scalars(select(Project).where(Project.year == manifest.year,
                                                                 Project.code.in_(sorted(rows))))}
    changes = []
    for code, (line, theirs) in rows.items():
        if code not in owned:
            application = _application(s, manifest, code, line, theirs, plan)
            if application is not None:
                changes.append(application)
                continue
        problem = project_problem(PROJECT_SHEET, line, "project_code", code, owned.get(code), manifest)
        if problem is not None:
            problems.append(problem)
            continue
        differ = _differences({**_basics_of(stored[code]), "unit_code": owned[code].unit_code}, theirs)
        if differ:
            changes.append(RowChange(code, stored[code].name, "conflicting", PROJECT_SHEET.title, line,
                                     f"{'、'.join(differ)}与财政局项目库不一致：项目信息以财政局为准，未导入。"))
    return changes


def _on_spoke(s: Session, manifest: Manifest, rows: dict[str, tuple[int, dict[str, Any]]], problems: list[Problem],
              plan: ProjectPlan) -> list[RowChange]:
    me = s.scalar(select(Unit).where(Unit.code == manifest.receiver))
    if me is None:
        return []  # the pipeline refuses a package this installation does not receive
    family = {u.code: u for u in s.scalars(select(Unit).where(Unit.id.in_(xpk.unit_ids(s, me))))}
    stored = {p.code: p for p in s.scalars(select(Project).where(Project.year == manifest.year,
                                                                 Project.code.in_(sorted(rows))))}
    changes = []
    for code, (line, theirs) in rows.items():
        unit, mine = family.get(theirs["unit_code"]), stored.get(code)
        if unit is None:
            problems.append(xpk.located(PROJECT_SHEET, line, "unit_code", f"单位“{theirs['unit_code']}”不是本单位"
                                        f"“{me.code}”或其所属预算单位，不能导入其项目“{code}”。"))
            continue
        basics = {k: theirs[k] for k in BASICS}

        def change(status: str, line: int = line, code: str = code, name: str = basics["name"]) -> RowChange:
            return RowChange(code, name, status, PROJECT_SHEET.title, line)

        if mine is None:
            plan.create[code] = (unit.id, basics)
            plan.coming[code] = OwnedProject(0, code, basics["name"], unit.code,
                                             unit.parent.code if unit.parent else None)
            changes.append(change("new"))
            continue
        if mine.unit_id not in {u.id for u in family.values()}:
            problems.append(xpk.located(PROJECT_SHEET, line, "project_code",
                                        f"本机项目“{code}”属于其他单位，不能由本单位的交换包修改。"))
            continue
        changed = {k: v for k, v in basics.items() if getattr(mine, k) != v}
        if mine.unit_id != unit.id:
            changed["unit_id"] = unit.id
        if changed:
            plan.update[code] = (mine.id, changed)
        changes.append(change("changed" if changed else "unchanged"))
    return changes


def analyse_projects(uow: UnitOfWork, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                         ProjectPlan]:
    """The 项目信息 rows compared with this installation's projects (see the module's docstring); the plan."""
    plan, manifest, s = ProjectPlan(), read.manifest, uow.session
    if manifest is None:
        return [], plan
    rows = _rows(read, problems)
    if xp.profile(s).role == "hub":
        return _on_hub(s, manifest, rows, problems, plan), plan
    if manifest.sender != HUB:
        return [], plan  # a unit's own package is not for this installation: the pipeline refuses it
    return _on_spoke(s, manifest, rows, problems, plan), plan


# --- writing -----------------------------------------------------------------------------------------------


def write_projects(uow: UnitOfWork, actor: Actor, year: int, plan: ProjectPlan) -> list[str]:
    """Create and update the planned projects, each audited; what was written, as "项目信息:code"."""
    s = uow.session
    if plan.create:
        ensure_year(s, year)
    for code, (unit_id, basics) in plan.create.items():
        require_unit(s, actor, unit_id)
        created = Project(year=year, code=code, unit_id=unit_id, **basics)
        s.add(created)
        s.flush()
        uow.audit(actor.username, "project.exchange_import", "project", created.id, None,
                  {"code": code, "unit_id": unit_id, **basics})
    for code, (project_id, changed) in plan.update.items():
        project = s.get(Project, project_id)
        assert project is not None  # the analysis found it
        require_unit(s, actor, changed.get("unit_id", project.unit_id))
        before = {k: getattr(project, k) for k in changed}
        for k, v in changed.items():
            setattr(project, k, v)
        uow.audit(actor.username, "project.exchange_import", "project", project.id, before, {"code": code, **changed})
    s.flush()
    return [f"{PROJECT_SHEET.title}:{c}" for c in (*plan.create, *plan.update)]
