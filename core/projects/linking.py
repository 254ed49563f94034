"""Links of continuing projects (延续) to last year's project: the same code links at once; otherwise the most
similar name in the same department links when it reaches the auto setting and is proposed for confirmation when
it reaches the proposal setting. A person accepts or rejects each proposal; a rejected one is not proposed again.
`Project.previous_project_id` is the link everything comparing with last year reads."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.common.changes import Changed, Changes
from core.common.errors import NotFound, ValidationError
from core.org import settings
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from core.projects.dto import LinkProposal, LinkSummary
from core.projects.rules import name_key, name_similarity
from core.projects.service import PROJECTS, update
from db.models import Project, Unit
from db.uow import UnitOfWork

AUTO_SETTING = "registry.link_auto_similarity"
PROPOSE_SETTING = "registry.link_propose_similarity"


class Linker:
    """Last year's projects of a year, loaded once, by code and by department; finds and sets each project's link,
    keeping what it set in `done` (project code -> fields) for the caller's audit: one entry per registration, one
    for a whole import or a whole year."""

    def __init__(self, uow: UnitOfWork, year: int) -> None:
        s = uow.session
        self.done: dict[str, dict[str, object]] = {}
        self.auto = Decimal(settings.get(s, AUTO_SETTING))
        self.propose = Decimal(settings.get(s, PROPOSE_SETTING))
        self.department = {uid: (parent if kind == "budget_unit" and parent else uid)
                           for uid, kind, parent in s.execute(select(Unit.id, Unit.kind, Unit.parent_id))}
        taken = set(s.scalars(select(Project.previous_project_id).where(
            Project.year == year, Project.previous_project_id.is_not(None))))
        self.by_code: dict[str, Project] = {}
        self.by_department: dict[int, list[tuple[str, Project]]] = defaultdict(list)
        for p in s.scalars(select(Project).where(Project.year == year - 1)):
            self.by_code[p.code] = p
            if p.id not in taken:
                self.by_department[self.department.get(p.unit_id, p.unit_id)].append((name_key(p.name), p))
        self.taken = taken

    def best(self, project: Project) -> tuple[Project, Decimal] | None:
        """The most similar free project of last year in the same department, with the similarity."""
        key = name_key(project.name)
        found: tuple[Project, Decimal] | None = None
        floor = float(self.propose)
        for other_key, other in self.by_department.get(self.department.get(project.unit_id, project.unit_id), []):
            if other.id in self.taken:
                continue
            matcher = SequenceMatcher(None, key, other_key)
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue  # upper bounds below the floor: cannot be a candidate
            score = name_similarity(project.name, other.name)
            if score >= self.propose and (found is None or score > found[1]):
                found = (other, score)
        return found

    def link(self, project: Project) -> str | None:
        """Link or propose for one continuing project without a link; what was done (code|name|proposed)."""
        if project.attribute != "continuing" or project.previous_project_id is not None:
            return None
        same = self.by_code.get(project.code)
        if same is not None and same.id not in self.taken:
            return self._set(project, same, "code")
        if project.link_basis == "rejected":
            return None
        best = self.best(project)
        if best is None:
            return None
        other, score = best
        if score >= self.auto:
            return self._set(project, other, "name")
        return self._write(project, {"proposed_previous_id": other.id, "link_basis": "proposed"})

    def _set(self, project: Project, other: Project, basis: str) -> str:
        self.taken.add(other.id)
        return self._write(project, {"previous_project_id": other.id, "proposed_previous_id": None,
                                     "link_basis": basis})

    def _write(self, project: Project, fields: dict[str, object]) -> str:
        for key, value in fields.items():
            setattr(project, key, value)
        self.done[project.code] = fields
        return str(fields["link_basis"])


def link_one(uow: UnitOfWork, actor: Actor, project: Project) -> str | None:
    """Link one continuing project (just registered) to last year's, audited; no commit."""
    linker = Linker(uow, project.year)
    done = linker.link(project)
    if done is not None:
        uow.audit(actor.username, "project.link", "project", project.id, None, linker.done[project.code])
    return done


def link_year(uow: UnitOfWork, actor: Actor, year: int) -> Changed[LinkSummary]:
    """Link every continuing project of the year that has no link yet (see the module's docstring)."""
    require(actor, Permission.MANAGE_UNITS)
    uow.write()
    linker = Linker(uow, year)
    done: dict[str | None, int] = defaultdict(int)
    for project in uow.session.scalars(select(Project).where(
            Project.year == year, Project.attribute == "continuing", Project.previous_project_id.is_(None))
            .order_by(Project.code)):
        done[linker.link(project)] += 1
    if linker.done:
        uow.audit(actor.username, "project.link_year", "fiscal_year", year, None, linker.done)
    uow.commit()
    return Changed(LinkSummary(done["code"], done["name"], done["proposed"], done[None]), PROJECTS)


def proposals(uow: UnitOfWork, actor: Actor, year: int) -> list[LinkProposal]:
    """The year's uncertain links waiting for a decision, by code."""
    require(actor, Permission.VIEW_ALL_UNITS)
    candidate = aliased(Project)
    stmt = (select(Project, candidate, Unit.name).join(candidate, candidate.id == Project.proposed_previous_id)
            .join(Unit, Unit.id == Project.unit_id)
            .where(Project.year == year, Project.link_basis == "proposed").order_by(Project.code))
    return [LinkProposal(p.id, p.code, p.name, unit_name, c.id, c.code, c.name, name_similarity(p.name, c.name))
            for p, c, unit_name in uow.session.execute(stmt)]


def decide(uow: UnitOfWork, actor: Actor, project_id: int, accept: bool) -> Changes:
    """Accept a proposed link (it becomes the project's link to last year) or reject it (not proposed again)."""
    require(actor, Permission.MANAGE_UNITS)
    uow.write()
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    if project.link_basis != "proposed" or project.proposed_previous_id is None:
        raise ValidationError(f"项目“{project.code} {project.name}”没有待确认的上年项目关联。", "link")
    if accept:
        update(uow, actor, project, {"previous_project_id": project.proposed_previous_id,
                                     "proposed_previous_id": None, "link_basis": "confirmed"}, "project.link_confirm")
    else:
        update(uow, actor, project, {"link_basis": "rejected"}, "project.link_reject")
    uow.commit()
    return PROJECTS
