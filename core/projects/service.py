"""The project library's use cases at the bureau: register a project (by hand, or row by row for the registry
workbook, which shares `prepare`), list a year's projects, and move a project through its lifecycle; every write
audited. Units are named by code or by name, as the budget system's export names them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from core.common.changes import Area, Changed, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import LINK_BASES, PROJECT_ATTRIBUTES, PROJECT_NATURES, PROJECT_STATUSES
from core.org.access import require, scoped, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from core.projects.dto import ProjectInput, RegistryRow
from core.projects.rules import Amounts, ProjectStatus, TransitionError, check_transition, entry_problems
from db.models import FiscalYear, Project, Unit
from db.uow import UnitOfWork

PROJECTS = Changes.of(Area.PROJECTS, Area.GOALS)
# The basics an import compares and writes (status and links are the library's own).
FIELDS = ("name", "unit_id", "implementing_unit", "attribute", "nature", "fund_type", "fiscal_amount",
          "carryover_amount", "other_amount", "total_amount", "start_year", "end_year", "span_total_amount")
UNIT_KINDS = ("department", "township", "budget_unit")


@dataclass(frozen=True)
class Units:
    """The units an entry may name, looked up once per import: by code and by name."""

    by_key: dict[str, Unit]

    @classmethod
    def load(cls, s: Session) -> Units:
        units = list(s.scalars(select(Unit).where(Unit.kind.in_(UNIT_KINDS), Unit.active.is_(True))))
        return cls({**{u.name: u for u in units}, **{u.code: u for u in units}})

    def department(self, key: str) -> Unit | None:
        unit = self.by_key.get(key.strip())
        return unit if unit is not None and unit.kind in ("department", "township") else None

    def implementing(self, key: str | None, department: Unit) -> Unit | None:
        """The department's budget unit an entry names as 实施单位 (None: the department itself or free text)."""
        unit = self.by_key.get((key or "").strip())
        return unit if unit is not None and unit.parent_id == department.id else None


def prepare(units: Units, entry: ProjectInput) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The project's stored fields for an entry and its problems as (field, message): an unknown 主管部门 and the
    rules' checks (amounts, years)."""
    problems = entry_problems(entry.year, Amounts(entry.fiscal_amount, entry.carryover_amount, entry.other_amount,
                                                  entry.total_amount, entry.span_total_amount),
                              entry.start_year, entry.end_year)
    if not entry.code.strip():
        problems.append(("code", "项目编码不能为空。"))
    if not entry.name.strip():
        problems.append(("name", "项目名称不能为空。"))
    department = units.department(entry.department)
    if department is None:
        problems.append(("department", f"主管部门“{entry.department}”不是已登记的部门或镇街（按编码或名称查找）。"))
        return {}, problems
    unit = units.implementing(entry.implementing_unit, department) or department
    fields = {"name": entry.name.strip(), "unit_id": unit.id,
              "implementing_unit": (entry.implementing_unit or "").strip() or None,
              "attribute": entry.attribute, "nature": entry.nature, "fund_type": entry.fund_type,
              "fiscal_amount": entry.fiscal_amount, "carryover_amount": entry.carryover_amount,
              "other_amount": entry.other_amount, "total_amount": entry.total_amount,
              "start_year": entry.start_year, "end_year": entry.end_year,
              "span_total_amount": entry.span_total_amount}
    return fields, problems


def ensure_year(s: Session, year: int) -> None:
    """The fiscal year exists (open; the current one if it is the first)."""
    if s.get(FiscalYear, year) is None:
        s.add(FiscalYear(year=year, status="open", is_current=s.scalar(select(FiscalYear.year).limit(1)) is None))
        s.flush()


def create(uow: UnitOfWork, actor: Actor, year: int, code: str, fields: dict[str, Any], status: ProjectStatus,
           action: str) -> Project:
    """Add one prepared project in `status`, audited as `action`."""
    project = Project(year=year, code=code, status=status.value, **fields)
    uow.session.add(project)
    uow.session.flush()
    uow.audit(actor.username, action, "project", project.id, None, {"code": code, "status": status.value, **fields})
    return project


def update(uow: UnitOfWork, actor: Actor, project: Project, changed: dict[str, Any], action: str) -> None:
    """Write the changed fields of a project, audited with their values before."""
    before = {k: getattr(project, k) for k in changed}
    for key, value in changed.items():
        setattr(project, key, value)
    uow.audit(actor.username, action, "project", project.id, before, {"code": project.code, **changed})


def register_project(uow: UnitOfWork, actor: Actor, entry: ProjectInput) -> Changed[int]:
    """Register one project into 储备; a continuing project is linked to last year's at once. Refuses a code the
    year has, an unknown department and amounts or years that do not fit, naming the field."""
    from core.projects.linking import link_one  # linking uses this module's records

    require(actor, Permission.MANAGE_UNITS)
    uow.write()
    s = uow.session
    fields, problems = prepare(Units.load(s), entry)
    code = entry.code.strip()
    if code and s.scalar(select(Project.id).where(Project.year == entry.year, Project.code == code)) is not None:
        problems.insert(0, ("code", f"{entry.year} 年度已有项目编码“{code}”。"))
    if problems:
        raise ValidationError("；".join(message for _, message in problems), problems[0][0])
    ensure_year(s, entry.year)
    project = create(uow, actor, entry.year, code, fields, ProjectStatus.RESERVE, "project.register")
    if project.attribute == "continuing":
        link_one(uow, actor, project)
    uow.commit()
    return Changed(project.id, PROJECTS)


def move_status(uow: UnitOfWork, actor: Actor, project_id: int, target: str, reason: str = "") -> Changes:
    """Move a project to `target` when the lifecycle allows it (a unit's application: accept into 储备 or
    decline), audited with the reason."""
    require(actor, Permission.MANAGE_UNITS)
    uow.write()
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    try:
        there = check_transition(project.status, target)
    except TransitionError as exc:
        raise ValidationError(f"项目“{project.code} {project.name}”：{exc}", "status") from exc
    before = project.status
    project.status = there.value
    uow.audit(actor.username, "project.status", "project", project.id, {"status": before},
              {"status": there.value, "code": project.code, "reason": reason.strip()})
    uow.commit()
    return PROJECTS


def list_projects(uow: UnitOfWork, actor: Actor, year: int, status: str | None = None,
                  search: str = "") -> list[RegistryRow]:
    """The year's projects by code, of one status when given, whose code or name contains `search`."""
    s = uow.session
    department = aliased(Unit)
    previous = aliased(Project)
    stmt = (select(Project, Unit, department, previous.code).join(Unit, Unit.id == Project.unit_id)
            .outerjoin(department, department.id == Unit.parent_id)
            .outerjoin(previous, previous.id == Project.previous_project_id).where(Project.year == year))
    if status:
        stmt = stmt.where(Project.status == status)
    if search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(or_(Project.code.like(like), Project.name.like(like)))
    stmt = scoped(stmt, Project.unit_id, visible_unit_ids(s, actor))
    rows = []
    for p, unit, parent, previous_code in s.execute(stmt.order_by(Project.code)):
        head = parent if unit.kind == "budget_unit" and parent is not None else unit
        rows.append(RegistryRow(
            p.id, p.year, p.code, p.name, head.code, head.name, p.implementing_unit,
            PROJECT_ATTRIBUTES.get(p.attribute, p.attribute), PROJECT_NATURES.get(p.nature, p.nature), p.status,
            PROJECT_STATUSES.get(p.status, p.status), p.total_amount, p.fiscal_amount, p.carryover_amount, p.other_amount,
            p.span_total_amount, p.start_year, p.end_year, previous_code,
            LINK_BASES.get(p.link_basis or "", "已关联" if previous_code else "")))
    return rows


def project_id(uow: UnitOfWork, actor: Actor, year: int, code: str) -> int:
    """The id of the year's project with this code (NotFound when there is none)."""
    require(actor, Permission.VIEW_ALL_UNITS)
    found = uow.session.scalar(select(Project.id).where(Project.year == year, Project.code == code.strip()))
    if found is None:
        raise NotFound(f"{year} 年度没有项目编码“{code}”。")
    return found
