"""The rectification part of the results package (bureau → unit): 整改事项 (the unit's items by uid; an item the
bureau closed travels as a deletion marker) and 整改文书 (the 两书一函 issued to it). On the hub, the rows; on the
unit, each item and notice new / changed / unchanged / conflicting with located problems, and the writing.

The unit owns its feedback: an item whose feedback here is newer than the bureau's (not yet sent in a 整改反馈
package) is conflicting and left alone, so a later package from the bureau never undoes the unit's report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common import formatting
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import RowChange
from core.exchange.rules.manifest import Manifest
from core.exchange.rules.results_sheets import (
    ITEM_SEPARATOR,
    ITEM_SHEET,
    ITEM_STATUS_BY_LABEL,
    ITEMS,
    NOTICE_BY_LABEL,
    NOTICE_SHEET,
    NOTICES,
    SOURCE_BY_LABEL,
    format_moment,
    parse_moment,
)
from core.exchange.rules.spec import SheetSpec
from core.exchange.workbook import Problem, ReadPackage
from core.org.rules.roles import Actor
from core.results.rules import rectification as rules
from db.models import Project, RectificationItem, RectificationNotice, Unit, utcnow
from db.uow import UnitOfWork

BUREAU_FIELDS = ("unit_id", "project_id", "source", "requirement", "issued_on", "deadline", "status",
                 "recheck_opinion", "rechecked_at")
NOTICE_FIELDS = ("number", "unit_id", "issued_on", "reply_by", "body")


# --- export ------------------------------------------------------------------------------------------------


def register_rows(s: Session, year: int, unit_ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 整改事项 rows (open items; closed ones as deletion markers) and 整改文书 rows of the units."""
    items = s.execute(select(RectificationItem, Unit.code, Project.code).join(Unit, Unit.id == RectificationItem.unit_id)
                      .outerjoin(Project, Project.id == RectificationItem.project_id)
                      .where(RectificationItem.year == year, RectificationItem.unit_id.in_(unit_ids))
                      .order_by(RectificationItem.deadline, RectificationItem.id)).all()
    uids = {i.id: i.uid for i, _, _ in items}
    item_rows = [{"row_id": i.uid, "version": i.version, "deleted": not rules.is_open(i.status), "unit_code": unit,
                  "project_code": project, "source": rules.SOURCES[i.source], "requirement": i.requirement,
                  "issued_on": i.issued_on, "deadline": i.deadline, "status": rules.STATUSES[i.status],
                  "feedback": i.feedback, "feedback_at": format_moment(i.feedback_at),
                  "recheck_opinion": i.recheck_opinion, "rechecked_at": format_moment(i.rechecked_at)}
                 for i, unit, project in items]
    notice_rows = [{"row_id": n.number, "version": 1, "deleted": False, "kind": rules.NOTICE_KINDS[n.kind],
                    "number": n.number, "sequence": n.sequence, "unit_code": unit, "issued_on": n.issued_on,
                    "reply_by": n.reply_by, "body": n.body,
                    "items": ITEM_SEPARATOR.join(uids[i] for i in json.loads(n.item_ids_json) if i in uids) or None}
                   for n, unit in s.execute(select(RectificationNotice, Unit.code)
                                            .join(Unit, Unit.id == RectificationNotice.unit_id)
                                            .where(RectificationNotice.year == year,
                                                   RectificationNotice.unit_id.in_(unit_ids))
                                            .order_by(RectificationNotice.kind, RectificationNotice.sequence))]
    return item_rows, notice_rows


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class RegisterPlan:
    """What applying writes: items by uid (None: close it) and notices by (kind, sequence)."""

    items: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    notices: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    """The receiving unit and the budget units under it, by code: whose rows a package may carry."""

    manifest: Manifest
    units: dict[str, int]
    projects: dict[str, xpj.OwnedProject]

    @property
    def year(self) -> int:
        return self.manifest.year


def family(s: Session, manifest: Manifest, project_codes: set[str]) -> Family:
    """The package's receiving unit (this spoke's) with its budget units, and the projects the rows name."""
    unit = s.scalar(select(Unit).where(Unit.code == manifest.receiver))
    ids = xpk.unit_ids(s, unit) if unit is not None else []
    units = dict(s.execute(select(Unit.code, Unit.id).where(Unit.id.in_(ids))).all())
    return Family(manifest, units, xpj.projects_by_code(s, manifest.year, project_codes))


def _unit(fam: Family, sheet: SheetSpec, line: int, code: str, problems: list[Problem]) -> int | None:
    found = fam.units.get(code)
    if found is None:
        problems.append(xpk.located(sheet, line, "unit_code", f"单位编码“{code}”不是本单位或其所属预算单位。"))
    return found


def _moment(sheet: SheetSpec, line: int, key: str, text: str | None, problems: list[Problem]) -> datetime | None:
    if not text:
        return None
    try:
        return parse_moment(text)
    except ValueError as exc:
        problems.append(xpk.located(sheet, line, key, f"“{sheet.column(key).header}”{exc}"))
        return None


def _item(values: dict[str, Any], line: int, fam: Family, problems: list[Problem]) -> dict[str, Any] | None:
    """The item's stored values from a row, or None with the row's problems reported."""
    count = len(problems)
    unit_id = _unit(fam, ITEM_SHEET, line, values["unit_code"], problems)
    project_id = None
    code = values["project_code"]
    if code:
        problem = xpj.project_problem(ITEM_SHEET, line, "project_code", code, fam.projects.get(code), fam.manifest)
        if problem is not None:
            problems.append(problem)
        else:
            project_id = fam.projects[code].id
    try:
        rules.check_dates(values["issued_on"], values["deadline"])
    except rules.RectificationRuleError as exc:
        problems.append(xpk.located(ITEM_SHEET, line, "deadline", str(exc)))
    feedback_at = _moment(ITEM_SHEET, line, "feedback_at", values["feedback_at"], problems)
    rechecked_at = _moment(ITEM_SHEET, line, "rechecked_at", values["rechecked_at"], problems)
    if len(problems) > count:
        return None
    return {"unit_id": unit_id, "project_id": project_id, "source": SOURCE_BY_LABEL[values["source"]],
            "requirement": values["requirement"], "issued_on": values["issued_on"], "deadline": values["deadline"],
            "status": ITEM_STATUS_BY_LABEL[values["status"]], "feedback": values["feedback"],
            "feedback_at": feedback_at, "recheck_opinion": values["recheck_opinion"], "rechecked_at": rechecked_at}


def _item_change(uid: str, line: int, mine: RectificationItem | None, theirs: dict[str, Any],
                 plan: RegisterPlan) -> RowChange:
    name = theirs["requirement"][:30]

    def change(status: str, reason: str = "") -> RowChange:
        if status in ("new", "changed"):
            plan.items[uid] = theirs
        return RowChange(uid, name, status, ITEM_SHEET.title, line, reason)

    if mine is None:
        return change("new")
    newer_feedback = bool(theirs["feedback"]) and (mine.feedback_at is None or (
        theirs["feedback_at"] is not None and theirs["feedback_at"] > mine.feedback_at))
    if all(getattr(mine, k) == theirs[k] for k in BUREAU_FIELDS) and not newer_feedback:
        return change("unchanged")
    if mine.feedback_at is not None and (theirs["feedback_at"] is None or mine.feedback_at > theirs["feedback_at"]):
        return change("conflicting", f"本单位 {formatting.screen_time(mine.feedback_at)} 登记的整改反馈尚未报送财政局"
                                     "（或财政局尚未导入），本机未修改；请先导出整改反馈交财政局，再导入其后的结果反馈包。")
    return change("changed")


def _analyse_items(s: Session, read: ReadPackage, fam: Family, problems: list[Problem],
                   plan: RegisterPlan) -> list[RowChange]:
    bad = {p.row for p in problems if p.sheet == ITEM_SHEET.title}
    sheet, changes, seen = read.sheets[ITEMS], [], set()
    uids = [v["row_id"] for v in sheet.rows if v["row_id"]]
    stored = {i.uid: i for i in s.scalars(select(RectificationItem).where(RectificationItem.uid.in_(uids)))}
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        uid = values["row_id"]
        if line in bad:
            continue
        if not uid or uid in seen:
            problems.append(xpk.located(ITEM_SHEET, line, "row_id", "整改事项的行标识为空或重复：请勿修改行标识。"))
            continue
        seen.add(uid)
        mine = stored.get(uid)
        if values["deleted"]:
            if mine is not None and rules.is_open(mine.status):
                plan.items[uid] = None
                changes.append(RowChange(uid, mine.requirement[:30], "changed", ITEM_SHEET.title, line,
                                         "财政局已复核通过，本机关闭该事项。"))
            continue
        theirs = _item(values, line, fam, problems)
        if theirs is not None:
            if mine is not None and mine.unit_id not in fam.units.values():
                problems.append(xpk.located(ITEM_SHEET, line, "row_id", "该整改事项在本机属于其他单位。"))
                continue
            changes.append(_item_change(uid, line, mine, theirs, plan))
    return changes


def _analyse_notices(s: Session, read: ReadPackage, fam: Family, problems: list[Problem], plan: RegisterPlan,
                     known_uids: set[str]) -> list[RowChange]:
    bad = {p.row for p in problems if p.sheet == NOTICE_SHEET.title}
    sheet, changes = read.sheets[NOTICES], []
    stored = {(n.kind, n.sequence): n for n in s.scalars(select(RectificationNotice)
                                                        .where(RectificationNotice.year == fam.year))}
    uid_of = dict(s.execute(select(RectificationItem.id, RectificationItem.uid)).all())
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        if line in bad or values["deleted"]:
            continue
        key = (NOTICE_BY_LABEL[values["kind"]], values["sequence"])
        unit_id = _unit(fam, NOTICE_SHEET, line, values["unit_code"], problems)
        uids = [u.strip() for u in (values["items"] or "").split(ITEM_SEPARATOR) if u.strip()]
        unknown = [u for u in uids if u not in known_uids]
        if unknown:
            problems.append(xpk.located(NOTICE_SHEET, line, "items", f"涉及事项“{'、'.join(unknown[:3])}”在本机和本交换包中都不存在。"))
        if unit_id is None or unknown or key in plan.notices:
            continue
        theirs = {"number": values["number"], "unit_id": unit_id, "issued_on": values["issued_on"],
                  "reply_by": values["reply_by"], "body": values["body"], "uids": uids}
        mine = stored.get(key)
        same = mine is not None and all(getattr(mine, k) == theirs[k] for k in NOTICE_FIELDS) and \
            [uid_of.get(i) for i in json.loads(mine.item_ids_json)] == uids
        status = "unchanged" if same else "new" if mine is None else "changed"
        if status != "unchanged":
            plan.notices[key] = theirs
        changes.append(RowChange(values["number"], values["kind"], status, NOTICE_SHEET.title, line))
    return changes


def analyse_register(uow: UnitOfWork, read: ReadPackage, fam: Family, problems: list[Problem],
                     plan: RegisterPlan) -> list[RowChange]:
    """The items and notices of the package compared with this installation's; fills `plan`."""
    s = uow.session
    changes = _analyse_items(s, read, fam, problems, plan)
    known = {v["row_id"] for v in read.rows(ITEMS) if v["row_id"] and not v["deleted"]}
    known |= set(s.scalars(select(RectificationItem.uid).where(RectificationItem.year == fam.year)))
    return changes + _analyse_notices(s, read, fam, problems, plan, known)


# --- writing -----------------------------------------------------------------------------------------------


def write_register(uow: UnitOfWork, actor: Actor, year: int, plan: RegisterPlan) -> list[str]:
    """Write the planned items (new, changed, closed) and then the notices naming them; the codes written."""
    s, now = uow.session, utcnow()
    for uid, theirs in plan.items.items():
        item = s.scalar(select(RectificationItem).where(RectificationItem.uid == uid))
        before = None if item is None else {k: getattr(item, k) for k in ("status", "requirement", "deadline")}
        if theirs is None:
            assert item is not None  # only an item here is closed
            item.status = "done"
            item.version += 1
        else:
            bureau = {k: theirs[k] for k in BUREAU_FIELDS}
            if item is None:
                item = RectificationItem(uid=uid, year=year, source_ref=None, created_by=actor.username, **bureau)
                s.add(item)
            else:
                for key, value in bureau.items():
                    setattr(item, key, value)
            if theirs["feedback"] and (item.feedback_at is None or (theirs["feedback_at"] and
                                                                    theirs["feedback_at"] >= item.feedback_at)):
                item.feedback, item.feedback_at = theirs["feedback"], theirs["feedback_at"]
            if before is not None:
                item.version += 1
        item.updated_at = now
        s.flush()
        uow.audit(actor.username, "rectification.exchange_import", "rectification_item", item.id, before,
                  {"uid": uid, "status": item.status, "deadline": item.deadline})
    ids = dict(s.execute(select(RectificationItem.uid, RectificationItem.id)).all()) if plan.notices else {}
    for (kind, sequence), theirs in plan.notices.items():
        notice = s.scalar(select(RectificationNotice).where(RectificationNotice.year == year,
                                                            RectificationNotice.kind == kind,
                                                            RectificationNotice.sequence == sequence))
        if notice is None:
            notice = RectificationNotice(year=year, kind=kind, sequence=sequence, created_by=actor.username)
            s.add(notice)
        for key in NOTICE_FIELDS:
            setattr(notice, key, theirs[key])
        notice.item_ids_json = json.dumps([ids[u] for u in theirs["uids"]])
        s.flush()
        uow.audit(actor.username, "rectification.exchange_notice", "rectification_notice", notice.id, None,
                  {"number": notice.number, "kind": kind})
    return [*(f"{ITEM_SHEET.title}:{u}" for u in plan.items), *(f"{NOTICE_SHEET.title}:{n['number']}"
                                                                 for n in plan.notices.values())]
