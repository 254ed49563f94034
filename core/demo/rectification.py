"""The demo county's rectification register: items collected from the demo's returned goal tables, monitoring
laggards, evaluations graded 中/差 and whatever audit findings exist by then, issued at the stage of the year
each source belongs to; some answered and re-checked (done or failed), some awaiting re-check, the rest open
and, by the end of the year, overdue; and one reminder (提醒敦促函) to the unit with most overdue items."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.org import settings
from core.results.rectification import deadline_days, unit_records
from core.results.rectification_collect import add_found, scan
from core.results.rectification_notices import notice_body
from core.results.rules import rectification as rules
from db.models import RectificationItem, RectificationNotice

BY = "demo"
# When each source's items are issued in the demo year (month, day): review in the summer, monitoring after
# the 1-8月 round, evaluations and audits near the year end.
ISSUED = {"review": (6, 20), "monitoring": (9, 20), "evaluation": (11, 10), "audit": (11, 20)}
# Share of items per outcome, drawn per item: answered and passed, answered and failed, awaiting re-check.
OUTCOMES = (("done", 0.40), ("failed", 0.10), ("in_progress", 0.20), ("pending", 0.30))
FEEDBACK = ("已按要求完成整改，相关佐证材料已报送。", "已修订绩效目标并重新报送，指标已细化量化。",
            "已加快资金支付进度，截至目前执行率已明显提高。", "已建立整改台账，逐项落实整改措施。")
FAILED = "整改材料不完整，未提供佐证材料，请补充后重新报送。"
PASSED = "经复核，整改到位。"
REMINDER_ON = (11, 25)  # the demo's reminder goes out after the review and monitoring deadlines have passed


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def _answer(item: RectificationItem, outcome: str, rng: random.Random) -> None:
    if outcome == "pending":
        return
    span = max(1, (item.deadline - item.issued_on).days)
    answered = item.issued_on + timedelta(days=rng.randint(1, span))
    item.status, item.feedback, item.feedback_at = "in_progress", rng.choice(FEEDBACK), _at(answered)
    item.version = 2
    if outcome in ("done", "failed"):
        item.status = outcome
        item.recheck_opinion = PASSED if outcome == "done" else FAILED
        item.rechecked_by, item.rechecked_at, item.version = BY, _at(answered + timedelta(days=3)), 3


def add_rectification(s: Session, year: int, rng: random.Random) -> int:
    """Collect, answer and remind as described above; returns the number of items added."""
    days = deadline_days(s)
    added = 0
    for source, (month, day) in ISSUED.items():
        found, _ = scan(s, year, (source,))
        if found:
            added += sum(add_found(s, found, date(year, month, day), days, BY, lambda: _uid(rng)).values())
    items = s.scalars(select(RectificationItem).where(RectificationItem.year == year, RectificationItem.created_by == BY)
                      .order_by(RectificationItem.id)).all()
    weights = [w for _, w in OUTCOMES]
    for item in items:
        _answer(item, rng.choices([o for o, _ in OUTCOMES], weights)[0], rng)
    s.flush()
    _remind(s, year, date(year, *REMINDER_ON))
    return added


def _remind(s: Session, year: int, issued_on: date) -> None:
    """One reminder to the unit with most overdue items (the first by id among equals)."""
    records = unit_records(s, year, issued_on)
    lagging = sorted((r for r in records.values() if r.lagging), key=lambda r: (-r.overdue, r.unit_id))
    if not lagging or s.scalar(select(RectificationNotice.id).where(RectificationNotice.year == year)) is not None:
        return
    unit_id = lagging[0].unit_id
    open_ids = [i.id for i in s.scalars(select(RectificationItem).where(
        RectificationItem.year == year, RectificationItem.unit_id == unit_id).order_by(RectificationItem.id))
        if rules.is_open(i.status)]
    reply_by = issued_on + timedelta(days=int(settings.get(s, "rectification.reply_days")))
    number = rules.notice_number(str(settings.get(s, "rectification.prefix_reminder")), year, 1)
    s.add(RectificationNotice(year=year, kind="reminder", sequence=1, number=number, unit_id=unit_id,
                              item_ids_json=json.dumps(open_ids), issued_on=issued_on, reply_by=reply_by,
                              body=notice_body("reminder", reply_by), created_by=BY))
    s.flush()

