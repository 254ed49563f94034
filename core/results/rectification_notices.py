"""两书一函: the escalating notices to units lagging in rectification (提醒敦促函 → 整改通知书 → 约谈函). Which
units lag and what their next step is, issuing notices singly or in batch (numbered per year and kind without
gaps, all in one transaction), the list of issued notices, and the documents the PDF builder prints."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from core.common import formatting
from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.org import settings
from core.org.access import visible_unit_ids
from core.org.rules.roles import Actor
from core.results.dto import ItemRow, LaggingUnit, NoticeDocument, NoticeRow
from core.results.rectification import list_items, require_bureau, unit_records
from core.results.rules import rectification as rules
from core.results.rules.rectification import IssuedNotice, RectificationRuleError
from db.models import RectificationNotice, Unit
from db.uow import UnitOfWork

NOTICES = Changes.of(Area.RECTIFICATION, Area.NOTICES)
# The line break chooses where a long title wraps in the PDF.
TITLES = {"reminder": "关于加快落实{year}年度预算绩效\n整改事项的提醒敦促函",
          "notice": "关于限期完成{year}年度预算绩效\n整改事项的整改通知书",
          "interview": "关于{year}年度预算绩效整改事项的约谈函"}
BODIES = {
    "reminder": "经核查，你单位尚有下列预算绩效整改事项未按期完成。请你单位高度重视，逐项对照整改要求抓紧落实，"
                "并于{reply_by}前将整改情况及佐证材料书面报送我局。",
    "notice": "你单位下列预算绩效整改事项逾期未完成，经提醒敦促后仍未落实到位。请你单位于{reply_by}前完成整改，"
              "并将整改报告及佐证材料报送我局。整改落实情况将作为下一年度预算安排的重要参考。",
    "interview": "你单位下列预算绩效整改事项经提醒敦促、下达整改通知后仍未完成整改。按照预算绩效管理有关规定，"
                 "请你单位主要负责人于{reply_by}前到我局，就整改不力的原因和下一步措施进行约谈说明，"
                 "并携带整改情况说明及佐证材料。",
}


def _issued(uow: UnitOfWork, year: int) -> dict[int, list[IssuedNotice]]:
    found: dict[int, list[IssuedNotice]] = defaultdict(list)
    for unit_id, kind, reply_by in uow.session.execute(
            select(RectificationNotice.unit_id, RectificationNotice.kind, RectificationNotice.reply_by)
            .where(RectificationNotice.year == year).order_by(RectificationNotice.id)):
        found[unit_id].append(IssuedNotice(kind, reply_by))
    return found


def lagging_units(uow: UnitOfWork, actor: Actor, year: int, as_of: date) -> list[LaggingUnit]:
    """Units with overdue items the actor may see, with the notices already issued and the next step; most
    overdue first."""
    records = unit_records(uow.session, year, as_of)
    issued = _issued(uow, year)
    allowed = visible_unit_ids(uow.session, actor)
    units = {u.id: u for u in uow.session.scalars(select(Unit).where(Unit.id.in_(list(records))))}
    found = [LaggingUnit(uid, units[uid].code, units[uid].name, record, tuple(n.kind for n in issued.get(uid, [])),
                         rules.next_notice_kind(record, issued.get(uid, []), as_of))
             for uid, record in records.items() if record.lagging and (allowed is None or uid in allowed)]
    found.sort(key=lambda u: (-u.record.overdue, u.unit_code))
    return found


def notice_body(kind: str, reply_by: date | None) -> str:
    """The text of a notice of `kind` asking for a reply (or an interview) by `reply_by`."""
    reply = f"{reply_by.year}年{reply_by.month}月{reply_by.day}日" if reply_by else "规定期限"
    return BODIES[kind].format(reply_by=reply)


def _document(kind: str, number: str, year: int, org: str, unit: Unit, issued_on: date, reply_by: date | None,
              items: list[ItemRow]) -> NoticeDocument:
    return NoticeDocument(number, kind, rules.NOTICE_KINDS[kind], TITLES[kind].format(year=year), org, unit.name,
                          issued_on, reply_by, notice_body(kind, reply_by), tuple(items))


def issue_notices(uow: UnitOfWork, actor: Actor, year: int, kind: str | None, unit_ids: list[int] | None,
                  issued_on: date, as_of: date | None = None) -> list[NoticeDocument]:
    """Issue notices of `kind` to the listed units, or (unit_ids None) to every lagging unit whose next step is
    `kind`; kind None gives each lagging unit its own next step. A notice names the unit's open items, overdue
    ones first. Numbers continue the year's sequence of each kind; any refusal writes nothing."""
    documents = prepare_notices(uow, actor, year, kind, unit_ids, issued_on, as_of)
    uow.commit()
    return documents


def prepare_notices(uow: UnitOfWork, actor: Actor, year: int, kind: str | None, unit_ids: list[int] | None,
                    issued_on: date, as_of: date | None = None) -> list[NoticeDocument]:
    """issue_notices without the commit, for a caller that must finish more work (the PDF) before committing."""
    uow.write()
    require_bureau(actor)
    if kind is not None:
        try:
            rules.check_notice_kind(kind)
        except RectificationRuleError as exc:
            raise ValidationError(str(exc), "kind") from exc
    when = as_of or issued_on
    s = uow.session
    if unit_ids is None:
        plan = [(u.unit_id, u.next_kind) for u in lagging_units(uow, actor, year, when)
                if u.next_kind is not None and (kind is None or u.next_kind == kind)]
        if not plan:
            what = f"需要发{rules.NOTICE_KINDS[kind]}的" if kind else "需要发文的"
            raise ValidationError(f"截至 {formatting.screen_date(when)} 没有{what}整改滞后单位。", "units")
    else:
        if kind is None:
            raise ValidationError("请选择要生成的文书种类（提醒敦促函、整改通知书或约谈函）。", "kind")
        if not unit_ids:
            raise ValidationError("请先选择要发文的单位。", "units")
        plan = [(uid, kind) for uid in dict.fromkeys(unit_ids)]
    reply_days = int(settings.get(s, "rectification.reply_days"))
    org = str(settings.get(s, "org.name"))
    reply_by = issued_on + timedelta(days=reply_days)
    next_sequence: dict[str, int] = {}
    documents = []
    for unit_id, unit_kind in plan:
        assert unit_kind is not None
        unit = s.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"单位（编号 {unit_id}）不存在。")
        items = [r for r in list_items(uow, actor, year, when, unit_id=unit_id) if rules.is_open(r.status)]
        if not items:
            raise ValidationError(f"单位“{unit.name}”在 {year} 年度没有未完成的整改事项，不能发文。", "units")
        if unit_kind not in next_sequence:
            last = s.scalar(select(func.max(RectificationNotice.sequence))
                            .where(RectificationNotice.year == year, RectificationNotice.kind == unit_kind))
            next_sequence[unit_kind] = (last or 0) + 1
        sequence = next_sequence[unit_kind]
        next_sequence[unit_kind] += 1
        try:
            number = rules.notice_number(str(settings.get(s, f"rectification.prefix_{unit_kind}")), year, sequence)
        except RectificationRuleError as exc:
            raise ValidationError(str(exc), f"rectification.prefix_{unit_kind}") from exc
        doc = _document(unit_kind, number, year, org, unit, issued_on, reply_by, items)
        notice = RectificationNotice(year=year, kind=unit_kind, sequence=sequence, number=number, unit_id=unit_id,
                                     item_ids_json=json.dumps([r.id for r in items]), issued_on=issued_on,
                                     reply_by=reply_by, body=doc.body, created_by=actor.username)
        s.add(notice)
        s.flush()
        uow.audit(actor.username, "rectification.notice", "rectification_notice", notice.id, None,
                  {"number": number, "kind": unit_kind, "unit_id": unit_id, "items": [r.uid for r in items],
                   "issued_on": issued_on, "reply_by": reply_by})
        documents.append(doc)
    return documents


def list_notices(uow: UnitOfWork, actor: Actor, year: int, kind: str | None = None,
                 unit_id: int | None = None) -> list[NoticeRow]:
    """The year's issued notices the actor may see (a clerk: its own unit's), newest first."""
    stmt = (select(RectificationNotice, Unit).join(Unit, Unit.id == RectificationNotice.unit_id)
            .where(RectificationNotice.year == year))
    allowed = visible_unit_ids(uow.session, actor)
    if allowed is not None:
        stmt = stmt.where(RectificationNotice.unit_id.in_(allowed))
    if kind is not None:
        stmt = stmt.where(RectificationNotice.kind == kind)
    if unit_id is not None:
        stmt = stmt.where(RectificationNotice.unit_id == unit_id)
    rows = [NoticeRow(n.id, n.year, n.kind, rules.NOTICE_KINDS.get(n.kind, n.kind), n.sequence, n.number, u.id, u.code,
                      u.name, n.issued_on, n.reply_by, len(json.loads(n.item_ids_json)), n.created_by, n.created_at)
            for n, u in uow.session.execute(stmt)]
    rows.sort(key=lambda r: (r.issued_on, r.id), reverse=True)
    return rows


def notice_documents(uow: UnitOfWork, actor: Actor, notice_ids: list[int]) -> list[NoticeDocument]:
    """Issued notices again, for re-printing: the same number, text and items (their status as of the issue
    date, from the register as it stands now)."""
    s = uow.session
    org = str(settings.get(s, "org.name"))
    allowed = visible_unit_ids(s, actor)
    documents = []
    for notice_id in notice_ids:
        notice = s.get(RectificationNotice, notice_id)
        if notice is None or (allowed is not None and notice.unit_id not in allowed):
            raise NotFound(f"文书（编号 {notice_id}）不存在。")
        unit = s.get(Unit, notice.unit_id)
        assert unit is not None
        wanted = json.loads(notice.item_ids_json)
        by_id = {r.id: r for r in list_items(uow, actor, notice.year, notice.issued_on, unit_id=notice.unit_id)}
        items = [by_id[i] for i in wanted if i in by_id]
        doc = _document(notice.kind, notice.number, notice.year, org, unit, notice.issued_on, notice.reply_by, items)
        documents.append(NoticeDocument(doc.number, doc.kind, doc.kind_label, doc.title, org, unit.name,
                                        notice.issued_on, notice.reply_by, notice.body or doc.body, doc.items))
    return documents

