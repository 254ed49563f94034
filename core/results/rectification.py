"""整改 register: the rectification items of a year, listed and filtered for the bureau or a unit's clerk, manual
items, the unit's feedback (from the GUI or an exchange package), the bureau's re-check, and each unit's record
(for the composite score and the yearly statistics). Collecting items from their sources lives in
rectification_collect, the 两书一函 notices in rectification_notices."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.org import settings
from core.org.access import require_unit, visible_unit_ids
from core.org.rules.roles import Actor, Permission
from core.results.dto import Choice, ItemInput, ItemRow
from core.results.rules import rectification as rules
from core.results.rules.rectification import RectificationRuleError, UnitRecord
from db.models import Project, RectificationItem, Unit, utcnow
from db.uow import UnitOfWork

RECTIFICATION = Changes.of(Area.RECTIFICATION)
MIN_TEXT = 4  # a requirement, feedback or failed re-check opinion says at least this much


def is_bureau(actor: Actor) -> bool:
    """The bureau's staff who run the register (reviewers, evaluators, the administrator)."""
    return any(actor.can(p) for p in (Permission.REVIEW_GOALS, Permission.EVALUATE, Permission.MANAGE_SETTINGS))


def require_bureau(actor: Actor) -> None:
    if not is_bureau(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）不能管理整改台账，"
                               "只能查看本单位的整改事项并登记整改反馈。")


def deadline_days(session: Session) -> int:
    return int(settings.get(session, "rectification.deadline_days"))


def new_uid() -> str:
    return str(uuid.uuid4())


def find_unit(uow: UnitOfWork, actor: Actor, code: str) -> int:
    """A unit's id from its code (as the command line and exchange packages name units)."""
    found = uow.session.scalar(select(Unit.id).where(Unit.code == code.strip()))
    if found is None:
        raise NotFound(f"单位编码“{code}”不存在。")
    require_unit(uow.session, actor, found)
    return found


def unit_choices(uow: UnitOfWork, actor: Actor) -> list[Choice]:
    """Active units (not the bureau) the actor may see, by code: whom a manual item can be raised for."""
    stmt = select(Unit).where(Unit.active.is_(True), Unit.kind != "bureau").order_by(Unit.code)
    allowed = visible_unit_ids(uow.session, actor)
    if allowed is not None:
        stmt = stmt.where(Unit.id.in_(allowed))
    return [Choice(u.id, u.code, u.name) for u in uow.session.scalars(stmt)]


def project_choices(uow: UnitOfWork, actor: Actor, year: int, unit_id: int) -> list[Choice]:
    """The unit's projects of the year, by code."""
    require_unit(uow.session, actor, unit_id)
    return [Choice(p.id, p.code, p.name) for p in uow.session.scalars(
        select(Project).where(Project.year == year, Project.unit_id == unit_id).order_by(Project.code))]


def _statement(year: int) -> Select[RectificationItem, Unit, Project]:  # Project is None where outer-joined
    return (select(RectificationItem, Unit, Project).join(Unit, Unit.id == RectificationItem.unit_id)
            .outerjoin(Project, Project.id == RectificationItem.project_id)
            .where(RectificationItem.year == year))


def _row(item: RectificationItem, unit: Unit, project: Project | None, as_of: date) -> ItemRow:
    shown = rules.display_status(item.status, item.deadline, as_of)
    return ItemRow(item.id, item.uid, item.year, unit.id, unit.code, unit.name,
                   project.id if project else None, project.code if project else None,
                   project.name if project else None, item.source, rules.SOURCES.get(item.source, item.source),
                   item.source_ref, item.requirement, item.issued_on, item.deadline, item.status, shown,
                   rules.DISPLAY_STATUSES[shown], rules.is_overdue(item.status, item.deadline, as_of), item.feedback,
                   item.feedback_at, item.feedback_package, item.recheck_opinion, item.rechecked_by,
                   item.rechecked_at, item.version)


def list_items(uow: UnitOfWork, actor: Actor, year: int, as_of: date | None = None, unit_id: int | None = None,
               source: str | None = None, status: str | None = None, text: str | None = None) -> list[ItemRow]:
    """The register as the actor may see it. `status` is a stored status or `overdue`; `text` matches the
    requirement, the feedback, the project and the unit. Overdue items first, then by deadline."""
    when = as_of or date.today()
    if source is not None and source not in rules.SOURCES:
        raise ValidationError(f"来源“{source}”无法识别，应为{'、'.join(rules.SOURCES.values())}之一。", "source")
    if status is not None and status not in rules.DISPLAY_STATUSES:
        raise ValidationError(f"状态“{status}”无法识别，应为{'、'.join(rules.DISPLAY_STATUSES.values())}之一。",
                              "status")
    stmt = _statement(year)
    allowed = visible_unit_ids(uow.session, actor)
    if allowed is not None:
        stmt = stmt.where(RectificationItem.unit_id.in_(allowed))
    if unit_id is not None:
        stmt = stmt.where(RectificationItem.unit_id == unit_id)
    if source is not None:
        stmt = stmt.where(RectificationItem.source == source)
    if status is not None and status != rules.OVERDUE:
        stmt = stmt.where(RectificationItem.status == status)
    if text and text.strip():
        like = f"%{text.strip()}%"
        stmt = stmt.where(or_(RectificationItem.requirement.like(like), RectificationItem.feedback.like(like),
                              Project.name.like(like), Project.code.like(like), Unit.name.like(like),
                              Unit.code.like(like)))
    rows = [_row(i, u, p, when) for i, u, p in uow.session.execute(stmt)]
    if status == rules.OVERDUE:
        rows = [r for r in rows if r.overdue]
    rows.sort(key=lambda r: (not r.overdue, r.status == "done", r.deadline, r.unit_code, r.id))
    return rows


def open_items(uow: UnitOfWork, actor: Actor, year: int, unit_id: int, as_of: date | None = None) -> list[ItemRow]:
    """A unit's items still needing work (not 已整改): the rows a bureau→unit package carries, keyed by uid."""
    require_unit(uow.session, actor, unit_id)
    return [r for r in list_items(uow, actor, year, as_of, unit_id=unit_id) if rules.is_open(r.status)]


def _find(uow: UnitOfWork, uid: str) -> RectificationItem:
    found = uow.session.scalar(select(RectificationItem).where(RectificationItem.uid == uid))
    if found is None:
        raise NotFound(f"整改事项（标识 {uid}）不存在。")
    return found


def get_item(uow: UnitOfWork, actor: Actor, uid: str, as_of: date | None = None) -> ItemRow:
    item = _find(uow, uid)
    require_unit(uow.session, actor, item.unit_id)
    found, unit, project = uow.session.execute(_statement(item.year).where(RectificationItem.id == item.id)).one()
    return _row(found, unit, project, as_of or date.today())


def _check_version(item: RectificationItem, expected: int | None) -> None:
    if expected is not None and item.version != expected:
        raise ValidationError("该整改事项已被他人修改，请刷新后重试。", "version")


@dataclass(frozen=True)
class ItemAdded:
    uid: str
    changes: Changes = RECTIFICATION


def add_item(uow: UnitOfWork, actor: Actor, form: ItemInput) -> ItemAdded:
    """A manual item (source other, or a source without a record in the app); its uid."""
    uow.write()
    require_bureau(actor)
    s = uow.session
    if form.source not in rules.SOURCES:
        raise ValidationError(f"来源“{form.source}”无法识别。", "source")
    if s.get(Unit, form.unit_id) is None:
        raise NotFound(f"单位（编号 {form.unit_id}）不存在。")
    if form.project_id is not None:
        project = s.get(Project, form.project_id)
        if project is None or project.year != form.year or project.unit_id != form.unit_id:
            raise ValidationError("所选项目不是该单位本年度的项目。", "project_id")
    requirement = form.requirement.strip()
    if len(requirement) < MIN_TEXT:
        raise ValidationError(f"请写明整改要求（至少 {MIN_TEXT} 个字），例如“补充完善绩效指标，量化产出目标”。",
                              "requirement")
    deadline = form.deadline or rules.default_deadline(form.issued_on, deadline_days(s))
    try:
        rules.check_dates(form.issued_on, deadline)
    except RectificationRuleError as exc:
        raise ValidationError(str(exc), "deadline") from exc
    item = RectificationItem(uid=new_uid(), year=form.year, unit_id=form.unit_id, project_id=form.project_id,
                             source=form.source, source_ref=None, requirement=requirement, issued_on=form.issued_on,
                             deadline=deadline, status="pending", created_by=actor.username)
    s.add(item)
    s.flush()
    uow.audit(actor.username, "rectification.add", "rectification_item", item.id, None,
              {"uid": item.uid, "unit_id": item.unit_id, "source": item.source, "requirement": requirement,
               "issued_on": form.issued_on, "deadline": deadline})
    uow.commit()
    return ItemAdded(item.uid)


def apply_feedback(uow: UnitOfWork, actor: Actor, uid: str, text: str, at: datetime,
                   package_id: str | None = None, expected_version: int | None = None) -> Changes:
    """Record the unit's feedback without committing, for a caller that commits a larger unit of work (an
    exchange package import). Feedback on an item already 已整改 is refused."""
    uow.write()
    item = _find(uow, uid)
    require_unit(uow.session, actor, item.unit_id)
    if not (actor.can(Permission.EDIT_OWN_UNIT_DATA) or is_bureau(actor)):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）不能登记整改反馈。")
    _check_version(item, expected_version)
    feedback = text.strip()
    if len(feedback) < MIN_TEXT:
        raise ValidationError(f"请写明整改情况（至少 {MIN_TEXT} 个字），例如“已修订绩效目标表并重新报送”。",
                              "feedback")
    try:
        new_status = rules.after_feedback(item.status)
    except RectificationRuleError as exc:
        raise ValidationError(f"{exc}（事项：{item.requirement[:30]}）", "status") from exc
    before = {"status": item.status, "feedback": item.feedback}
    item.status, item.feedback, item.feedback_at, item.feedback_package = new_status, feedback, at, package_id
    item.version += 1
    item.updated_at = utcnow()
    uow.audit(actor.username, "rectification.feedback", "rectification_item", item.id, before,
              {"status": new_status, "feedback": feedback, "package": package_id})
    return RECTIFICATION


def record_feedback(uow: UnitOfWork, actor: Actor, uid: str, text: str, at: datetime,
                    package_id: str | None = None, expected_version: int | None = None) -> Changes:
    """The unit's feedback on an item (整改情况): pending or failed items become 整改中."""
    apply_feedback(uow, actor, uid, text, at, package_id, expected_version)
    uow.commit()
    return RECTIFICATION


def recheck(uow: UnitOfWork, actor: Actor, uid: str, passed: bool, opinion: str,
            expected_version: int | None = None) -> Changes:
    """The bureau's re-check of an item the unit reported on: 已整改 or 整改不合格 (with the reason)."""
    uow.write()
    require_bureau(actor)
    item = _find(uow, uid)
    _check_version(item, expected_version)
    text = opinion.strip()
    if not passed and len(text) < MIN_TEXT:
        raise ValidationError(f"复核不合格时请写明原因（至少 {MIN_TEXT} 个字），告诉单位还要做什么。", "opinion")
    try:
        new_status = rules.after_recheck(item.status, passed)
    except RectificationRuleError as exc:
        raise ValidationError(str(exc), "status") from exc
    before = {"status": item.status, "recheck_opinion": item.recheck_opinion}
    item.status, item.recheck_opinion = new_status, text or None
    item.rechecked_by, item.rechecked_at = actor.username, utcnow()
    item.version += 1
    item.updated_at = item.rechecked_at
    uow.audit(actor.username, "rectification.recheck", "rectification_item", item.id, before,
              {"status": new_status, "recheck_opinion": text})
    uow.commit()
    return RECTIFICATION


def unit_records(session: Session, year: int, as_of: date) -> dict[int, UnitRecord]:
    """Every unit with items in the year → its record as of the date (units without items are absent)."""
    items: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for unit_id, status, deadline in session.execute(
            select(RectificationItem.unit_id, RectificationItem.status, RectificationItem.deadline)
            .where(RectificationItem.year == year)):
        items[unit_id].append((status, deadline))
    return {unit_id: rules.unit_record(unit_id, rows, as_of) for unit_id, rows in items.items()}
