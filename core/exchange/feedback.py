"""The rectification feedback package (整改反馈, kind "rectification_feedback", unit → bureau): the unit exports its
open rectification items with its feedback (整改情况) as a signed workbook, the bureau hands out a blank template
for a unit without the app, and the bureau's import previews each item and records the feedback through the
register's own `rectification.apply_feedback`, marked with the package it came in.

An item with new feedback is "changed". It is "conflicting" (listed, left alone, a person decides) when the
bureau has closed it (已整改) or re-checked it since the last feedback package from that unit and the feedback
was written before that re-check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.common import formatting
from core.common.errors import ValidationError
from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange.package import PackageApplied, PackageKind, PackagePreview, RowChange
from core.exchange.rules.feedback_sheets import FEEDBACK, FEEDBACK_INSTRUCTIONS, FEEDBACK_KIND, FEEDBACK_SHEET
from core.exchange.rules.results_sheets import format_moment, parse_moment
from core.exchange.workbook import MANIFEST_TITLE, Problem, ReadPackage
from core.org.rules.roles import Actor
from core.results.rectification import apply_feedback, open_items
from db.models import RectificationItem, Unit, utcnow
from db.uow import UnitOfWork

LABEL = "整改反馈"


# --- export ------------------------------------------------------------------------------------------------


def feedback_rows(uow: UnitOfWork, actor: Actor, year: int, unit: Unit) -> list[dict[str, Any]]:
    """One row per open item of the unit and its budget units, with the feedback recorded so far."""
    rows = []
    for unit_id in xpk.unit_ids(uow.session, unit):
        for r in open_items(uow, actor, year, unit_id):
            rows.append({"row_id": r.uid, "version": r.version, "deleted": False, "unit_code": r.unit_code,
                         "project_code": r.project_code, "source": r.source_label, "requirement": r.requirement,
                         "deadline": r.deadline, "status": r.status_label, "recheck_opinion": r.recheck_opinion,
                         "feedback": r.feedback, "feedback_at": format_moment(r.feedback_at)})
    return rows


def export_feedback(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None = None) -> Path:
    """The unit's open items with its feedback as a signed package for the bureau (on the unit's spoke only; the
    bureau gives a unit without the app `template_feedback`)."""
    uow.write()
    if xp.profile(uow.session).role != "spoke":
        raise ValidationError("整改反馈包由单位（填报端）导出；财政局可为单位导出空白模板。", "role")
    unit, receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    rows = feedback_rows(uow, actor, year, unit)
    return xpk.send(uow, actor, FEEDBACK_KIND, receiver, year, [(FEEDBACK_SHEET, rows)], FEEDBACK_INSTRUCTIONS,
                    target, {"unit": unit.code, "items": len(rows)})


def template_feedback(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str) -> Path:
    """A blank feedback template on the hub for a unit to fill by hand: its open items as the bureau holds them;
    its return is imported as "unsigned" after a reviewer confirms."""
    uow.write()
    unit, _ = xpk.export_party(uow, actor, unit_code, LABEL)
    rows = feedback_rows(uow, actor, year, unit)
    return xpk.send_template(uow, actor, FEEDBACK_KIND, unit.code, year, [(FEEDBACK_SHEET, rows)],
                             FEEDBACK_INSTRUCTIONS, target, {"items": len(rows)})


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Feedback:
    uid: str
    text: str
    at: datetime | None  # None: written by hand without a time, recorded at the import's time


def _conflict(item: RectificationItem, at: datetime | None, baseline: datetime | None) -> str:
    if item.status == "done":
        return "财政局已复核通过（已整改），该反馈未登记；如有补充请与财政局联系。"
    rechecked = item.rechecked_at
    if rechecked is not None and at is not None and at < rechecked and (baseline is None or rechecked > baseline):
        return (f"财政局在上次导入之后复核过该事项（{formatting.screen_time(rechecked)}），而本反馈写于复核之前"
                f"（{formatting.screen_time(at)}），请人工核对。")
    return ""


def _row(values: dict[str, Any], line: int, stored: dict[str, RectificationItem], units: set[int],
         problems: list[Problem]) -> tuple[RectificationItem, _Feedback] | None:
    """The row's item and feedback, or None with its problem reported."""
    uid = values["row_id"]
    if not uid:
        problems.append(xpk.located(FEEDBACK_SHEET, line, "row_id", "不能在整改反馈表中新增整改事项：行标识为空。"))
        return None
    if values["deleted"]:
        problems.append(xpk.located(FEEDBACK_SHEET, line, "deleted", "整改事项不能通过交换包删除，请把“删除”改为“否”。"))
        return None
    item = stored.get(uid)
    if item is None or item.unit_id not in units:
        problems.append(xpk.located(FEEDBACK_SHEET, line, "row_id", f"整改事项“{uid}”不存在或不是本交换包单位的事项。"))
        return None
    at = None
    if values["feedback_at"]:
        try:
            at = parse_moment(values["feedback_at"])
        except ValueError as exc:
            problems.append(xpk.located(FEEDBACK_SHEET, line, "feedback_at", f"“反馈时间”{exc}"))
            return None
    return item, _Feedback(uid, values["feedback"] or "", at)


def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                             list[_Feedback]]:
    """Each item with feedback new (changed), the same as here (unchanged) or conflicting, checked by
    `apply_feedback` itself in a rolled-back savepoint; the feedback to record."""
    manifest = read.manifest
    s = uow.session
    if manifest is None or manifest.kind != FEEDBACK_KIND or manifest.receiver != xp.profile(s).me:
        return [], []
    unit = s.scalar(select(Unit).where(Unit.code == manifest.sender))
    if unit is None:
        problems.append(Problem(MANIFEST_TITLE, None, "", "", f"发送单位“{manifest.sender}”在本机单位名录中不存在。"))
        return [], []
    units = set(xpk.unit_ids(s, unit))
    sheet = read.sheets[FEEDBACK]
    bad = {p.row for p in problems if p.sheet == FEEDBACK_SHEET.title}
    stored = {i.uid: i for i in s.scalars(select(RectificationItem).where(
        RectificationItem.uid.in_([v["row_id"] for v in sheet.rows if v["row_id"]])))}
    baseline = xpk.baseline(s, manifest.sender, FEEDBACK_KIND)
    changes: list[RowChange] = []
    planned: list[_Feedback] = []
    seen: set[str] = set()
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        if line in bad:
            continue
        if values["row_id"] in seen:
            problems.append(xpk.located(FEEDBACK_SHEET, line, "row_id", f"整改事项“{values['row_id']}”重复出现。"))
            continue
        seen.add(values["row_id"])
        found = _row(values, line, stored, units, problems)
        if found is None:
            continue
        item, feedback = found

        def change(status: str, reason: str = "", item: RectificationItem = item, line: int = line) -> RowChange:
            return RowChange(item.uid, item.requirement[:30], status, FEEDBACK_SHEET.title, line, reason)

        if not feedback.text or (feedback.text == item.feedback and feedback.at in (None, item.feedback_at)):
            changes.append(change("unchanged"))
            continue
        reason = _conflict(item, feedback.at, baseline)
        if reason:
            changes.append(change("conflicting", reason))
            continue

        def run(trying: UnitOfWork, f: _Feedback = feedback) -> object:
            apply_feedback(trying, actor, f.uid, f.text, f.at or utcnow(), manifest.package_id)
            return None
        error = xpk.dry_run(uow, run)
        if error is not None:
            problems.append(xpk.located(FEEDBACK_SHEET, line, "feedback", str(error)))
            continue
        planned.append(feedback)
        changes.append(change("changed"))
    return changes, planned


def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview, planned: list[_Feedback]) -> tuple[str, ...]:
    """Record each new feedback through `apply_feedback`, marked with the package id, in the package's
    transaction."""
    manifest = preview.manifest
    assert manifest is not None  # a package without a manifest is refused before writing
    now = utcnow()
    for f in planned:
        apply_feedback(uow, actor, f.uid, f.text, f.at or now, manifest.package_id)
    return tuple(f.uid for f in planned)


KIND = PackageKind(FEEDBACK_KIND, LABEL, (FEEDBACK_SHEET,), FEEDBACK_INSTRUCTIONS, analyse, write,
                   frozenset({"rectification"}), unit="项")


def preview_feedback(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the feedback package would do at the bureau, writing nothing."""
    return xpk.preview_package(uow, actor, path, KIND)


def apply_feedback_package(uow: UnitOfWork, actor: Actor, path: str | Path,
                           confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the feedback package in one transaction (see `exchange_package.apply_package`)."""
    return xpk.apply_package(uow, actor, path, KIND, confirm_unsigned)
