"""The expert library (专家库) and third-party agencies (第三方机构): list, add, edit and deactivate them, each
expert's workload per year (panels sat on) and the bureau's quality ratings of each evaluation an agency
delivered. Key evaluations pick their panels and agencies from here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.evaluation.dto import AgencyInput, AgencyRating, AgencyRow, ExpertInput, ExpertRow
from core.evaluation.rules.scoring import q
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import Agency, Evaluation, Expert, PanelMember, Unit
from db.uow import UnitOfWork

EXPERTS = Changes.of(Area.EXPERTS)
FIELD_SEPARATORS = re.compile(r"[、,，;；/\s]+")
PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")


def may_edit_library(actor: Actor) -> bool:
    """Evaluators keep the library; the administrator may too (it is reference data)."""
    return actor.can(Permission.EVALUATE) or actor.can(Permission.MANAGE_SETTINGS)


def require_library_editor(actor: Actor) -> None:
    if not may_edit_library(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）无权维护专家库和第三方机构；"
                               "由评价员或系统管理员维护。")


def split_fields(text: str) -> tuple[str, ...]:
    """“财政、农业 水利” → (财政, 农业, 水利), duplicates dropped, order kept."""
    return tuple(dict.fromkeys(f for f in FIELD_SEPARATORS.split(text.strip()) if f))


def _workload(uow: UnitOfWork, year: int | None) -> tuple[Counter[int], Counter[int]]:
    if year is None:
        return Counter(), Counter()
    stmt = (select(PanelMember.expert_id, PanelMember.role).join(Evaluation, Evaluation.id == PanelMember.evaluation_id)
            .where(Evaluation.year == year))
    panels: Counter[int] = Counter()
    leads: Counter[int] = Counter()
    for expert_id, role in uow.session.execute(stmt):
        panels[expert_id] += 1
        leads[expert_id] += role == "lead"
    return panels, leads


def list_experts(uow: UnitOfWork, actor: Actor, year: int | None = None, field: str = "",
                 include_inactive: bool = False) -> list[ExpertRow]:
    """The library, by name; `field` keeps experts with a field of expertise containing it; `year` counts the
    panels each expert sits on in that year."""
    require(actor, Permission.VIEW_ALL_UNITS)
    stmt = select(Expert, Unit.name).outerjoin(Unit, Unit.id == Expert.unit_id).order_by(Expert.name, Expert.id)
    if not include_inactive:
        stmt = stmt.where(Expert.active.is_(True))
    panels, leads = _workload(uow, year)
    wanted = field.strip()
    rows = []
    for e, unit_name in uow.session.execute(stmt):
        fields = split_fields(e.fields or "")
        if wanted and not any(wanted in f for f in fields):
            continue
        rows.append(ExpertRow(e.id, e.name, e.employer or "", e.unit_id, unit_name, fields, e.title or "",
                              e.phone or "", e.active, panels[e.id], leads[e.id]))
    return rows


def _expert_snapshot(e: Expert) -> dict[str, object]:
    return {"name": e.name, "employer": e.employer, "unit_id": e.unit_id, "fields": e.fields, "title": e.title,
            "phone": e.phone, "active": e.active}


def _check_expert(uow: UnitOfWork, data: ExpertInput) -> None:
    name = data.name.strip()
    if not name:
        raise ValidationError("请填写专家姓名。", "name")
    if len(name) > 32:
        raise ValidationError(f"专家姓名“{name[:12]}…”过长（最多 32 个字）。", "name")
    if len(data.employer.strip()) > 100:
        raise ValidationError("工作单位最多 100 个字。", "employer")
    if not split_fields(data.fields):
        raise ValidationError(f"请填写专家“{name}”的专业领域（如 财政、农业，用顿号分隔）。", "fields")
    if len("、".join(split_fields(data.fields))) > 200:
        raise ValidationError("专业领域合计最多 200 个字。", "fields")
    if len(data.title.strip()) > 32:
        raise ValidationError("职称最多 32 个字。", "title")
    phone = data.phone.strip()
    if phone and not PHONE.match(phone):
        raise ValidationError(f"联系电话“{phone}”格式不正确，只能填写数字、空格和 + - ( )。", "phone")
    if data.unit_id is not None and uow.session.get(Unit, data.unit_id) is None:
        raise ValidationError(f"所在单位（编号 {data.unit_id}）不存在。", "unit_id")


def save_expert(uow: UnitOfWork, actor: Actor, data: ExpertInput) -> Changes:
    """Add an expert (id None) or change one; the unit, when given, is what conflicts of interest are checked on."""
    uow.write()
    require_library_editor(actor)
    _check_expert(uow, data)
    if data.id is None:
        expert = Expert(active=True)
        uow.session.add(expert)
        before = None
    else:
        found = uow.session.get(Expert, data.id)
        if found is None:
            raise NotFound(f"专家（编号 {data.id}）不存在。")
        expert, before = found, _expert_snapshot(found)
    expert.name, expert.employer = data.name.strip(), data.employer.strip() or None
    expert.unit_id, expert.fields = data.unit_id, "、".join(split_fields(data.fields))
    expert.title, expert.phone = data.title.strip() or None, data.phone.strip() or None
    uow.session.flush()
    uow.audit(actor.username, "expert.save", "expert", expert.id, before, _expert_snapshot(expert))
    uow.commit()
    return EXPERTS


def _set_active(uow: UnitOfWork, actor: Actor, model: type[Any], record_id: int, active: bool, entity: str,
                label: str, snapshot: Callable[[Any], dict[str, object]]) -> Changes:
    """Deactivate (it leaves the library; past evaluations keep it) or reactivate an expert or an agency."""
    uow.write()
    require_library_editor(actor)
    record = uow.session.get(model, record_id)
    if record is None:
        raise NotFound(f"{label}（编号 {record_id}）不存在。")
    before = snapshot(record)
    record.active = active
    uow.audit(actor.username, f"{entity}.{'activate' if active else 'deactivate'}", entity, record.id, before,
              snapshot(record))
    uow.commit()
    return EXPERTS


def set_expert_active(uow: UnitOfWork, actor: Actor, expert_id: int, active: bool) -> Changes:
    return _set_active(uow, actor, Expert, expert_id, active, "expert", "专家", _expert_snapshot)


def list_agencies(uow: UnitOfWork, actor: Actor, include_inactive: bool = False) -> list[AgencyRow]:
    """Agencies by name with how many evaluations they ran and their average quality rating."""
    require(actor, Permission.VIEW_ALL_UNITS)
    stmt = select(Agency).order_by(Agency.name)
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    counts = dict(uow.session.execute(select(Evaluation.agency_id, func.count())
                                      .group_by(Evaluation.agency_id)).all())
    ratings: dict[int, list[int]] = {}
    for agency_id, rating in uow.session.execute(select(Evaluation.agency_id, Evaluation.agency_rating)
                                                 .where(Evaluation.agency_rating.is_not(None),
                                                        Evaluation.agency_id.is_not(None))):
        assert agency_id is not None and rating is not None  # the query excludes both
        ratings.setdefault(agency_id, []).append(rating)
    rows = []
    for a in uow.session.scalars(stmt):
        given = ratings.get(a.id, [])
        average = q(Decimal(sum(given)) / len(given)) if given else None
        rows.append(AgencyRow(a.id, a.name, a.qualification or "", a.contact or "", a.active, counts.get(a.id, 0),
                              len(given), average))
    return rows


def _agency_snapshot(a: Agency) -> dict[str, object]:
    return {"name": a.name, "qualification": a.qualification, "contact": a.contact, "active": a.active}


def save_agency(uow: UnitOfWork, actor: Actor, data: AgencyInput) -> Changes:
    """Add (id None) or change a third-party agency; names are unique."""
    uow.write()
    require_library_editor(actor)
    name = data.name.strip()
    if not name:
        raise ValidationError("请填写第三方机构名称。", "name")
    if len(name) > 100:
        raise ValidationError("机构名称最多 100 个字。", "name")
    if len(data.qualification.strip()) > 200:
        raise ValidationError("资质说明最多 200 个字。", "qualification")
    if len(data.contact.strip()) > 64:
        raise ValidationError("联系人及电话最多 64 个字。", "contact")
    same = uow.session.scalar(select(Agency).where(Agency.name == name))
    if same is not None and same.id != data.id:
        raise ValidationError(f"已有名为“{name}”的第三方机构。", "name")
    if data.id is None:
        agency = Agency(active=True)
        uow.session.add(agency)
        before = None
    else:
        found = uow.session.get(Agency, data.id)
        if found is None:
            raise NotFound(f"第三方机构（编号 {data.id}）不存在。")
        agency, before = found, _agency_snapshot(found)
    agency.name, agency.qualification = name, data.qualification.strip() or None
    agency.contact = data.contact.strip() or None
    uow.session.flush()
    uow.audit(actor.username, "agency.save", "agency", agency.id, before, _agency_snapshot(agency))
    uow.commit()
    return EXPERTS


def set_agency_active(uow: UnitOfWork, actor: Actor, agency_id: int, active: bool) -> Changes:
    return _set_active(uow, actor, Agency, agency_id, active, "agency", "第三方机构", _agency_snapshot)


def agency_ratings(uow: UnitOfWork, actor: Actor, agency_id: int | None = None) -> list[AgencyRating]:
    """Every evaluation an agency ran with the bureau's rating of its work, newest year first."""
    require(actor, Permission.VIEW_ALL_UNITS)
    stmt = (select(Evaluation, Agency.name).join(Agency, Agency.id == Evaluation.agency_id)
            .order_by(Evaluation.year.desc(), Agency.name, Evaluation.id))
    if agency_id is not None:
        stmt = stmt.where(Evaluation.agency_id == agency_id)
    return [AgencyRating(a_id, name, e.id, e.year, e.title, e.status, e.score, e.grade, e.agency_rating)
            for e, name in uow.session.execute(stmt) if (a_id := e.agency_id) is not None]
