"""Rectification rules (整改, DOMAIN.md §5): item statuses and their transitions, the derived 逾期 (overdue), a
unit's record, notice numbering (文号) and the 两书一函 escalation (提醒敦促函 → 整改通知书 → 约谈函).

Pure functions: prefixes and day counts come in as arguments (from settings), nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.common import formatting
from core.common.labels import NOTICE_KINDS, RECTIFICATION_SOURCES, RECTIFICATION_STATUSES
from db.codes import RectificationStatus

# The stage's names for the labels of core.common.labels (one map, not a copy).
STATUSES = RECTIFICATION_STATUSES
SOURCES = RECTIFICATION_SOURCES
OVERDUE = "overdue"
OVERDUE_LABEL = "逾期"
DISPLAY_STATUSES = {**STATUSES, OVERDUE: OVERDUE_LABEL}
CLOSED = frozenset({RectificationStatus.DONE})
# Evaluation grades that call for rectification (the 中 and 差 of DOMAIN.md §4/§5: 核减 and 取消或暂停).
RECTIFY_GRADES = ("中", "差")
NOTICE_ORDER = tuple(NOTICE_KINDS)  # the escalation ladder, in order
# pending → in_progress (the unit reports), in_progress → done | failed (the bureau's re-check),
# failed → in_progress (the unit reports again); in_progress → in_progress is a further feedback.
TRANSITIONS: dict[str, frozenset[RectificationStatus]] = {
    RectificationStatus.PENDING: frozenset({RectificationStatus.IN_PROGRESS}),
    RectificationStatus.IN_PROGRESS: frozenset({RectificationStatus.IN_PROGRESS, RectificationStatus.DONE,
                                                RectificationStatus.FAILED}),
    RectificationStatus.FAILED: frozenset({RectificationStatus.IN_PROGRESS}),
    RectificationStatus.DONE: frozenset(),
}
PERCENT_QUANTUM = Decimal("0.1")


class RectificationRuleError(ValueError):
    """A step the rectification rules refuse; the message is for the user."""


def is_open(status: str) -> bool:
    """An item still needing work: anything not yet 已整改 (a failed re-check reopens the work)."""
    return status not in CLOSED


def is_overdue(status: str, deadline: date, as_of: date) -> bool:
    """逾期: an open item whose deadline has passed (the deadline day itself is still in time)."""
    return is_open(status) and deadline < as_of


def display_status(status: str, deadline: date, as_of: date) -> str:
    """The status code shown: `overdue` for a pending or in-progress item past its deadline, else the stored one
    (a failed item keeps 整改不合格, its overdue flag is shown beside it)."""
    waiting = (RectificationStatus.PENDING, RectificationStatus.IN_PROGRESS)
    if status in waiting and is_overdue(status, deadline, as_of):
        return OVERDUE
    return status


def status_label(status: str, deadline: date, as_of: date) -> str:
    return DISPLAY_STATUSES[display_status(status, deadline, as_of)]


def check_transition(current: str, new: str) -> None:
    if current not in TRANSITIONS or new not in STATUSES:
        raise RectificationRuleError(f"未知的整改状态：{current} → {new}。")
    if new not in TRANSITIONS[current]:
        raise RectificationRuleError(f"整改事项不能从“{STATUSES[current]}”改为“{STATUSES[new]}”。")


def after_feedback(current: str) -> str:
    """The status after the unit's feedback; feedback on an item already 已整改 is refused."""
    if current == RectificationStatus.DONE:
        raise RectificationRuleError("该整改事项已整改完毕（已复核通过），不能再登记反馈。")
    check_transition(current, RectificationStatus.IN_PROGRESS)
    return RectificationStatus.IN_PROGRESS


def after_recheck(current: str, passed: bool) -> str:
    """The status after the bureau's re-check: only an item the unit has reported on (整改中) can be re-checked."""
    if current != RectificationStatus.IN_PROGRESS:
        raise RectificationRuleError(f"只有“整改中”（单位已反馈）的事项才能复核，该事项当前为“{STATUSES.get(current, current)}”。")
    new = RectificationStatus.DONE if passed else RectificationStatus.FAILED
    check_transition(current, new)
    return new


def check_dates(issued_on: date, deadline: date) -> None:
    if deadline < issued_on:
        raise RectificationRuleError(f"整改期限 {formatting.screen_date(deadline)} 早于下达日期 {formatting.screen_date(issued_on)}，请重新选择。")


def default_deadline(issued_on: date, days: int) -> date:
    if days < 0:
        raise RectificationRuleError(f"默认整改期限天数不能为负数，收到 {days}。")
    return issued_on + timedelta(days=days)


def notice_number(prefix: str, year: int, sequence: int) -> str:
    """The 文号 of a notice, e.g. 县财绩提〔2024〕3号."""
    if sequence < 1:
        raise RectificationRuleError(f"文号序号应从 1 开始，收到 {sequence}。")
    if not prefix.strip():
        raise RectificationRuleError("文号前缀不能为空，请在设置中填写。")
    return f"{prefix.strip()}〔{year}〕{sequence}号"


@dataclass(frozen=True)
class UnitRecord:
    """A unit's rectification record in a year as of a date. `open` counts items not yet 已整改 (incl. failed);
    `overdue` counts open items past their deadline; `failed` counts items whose last re-check failed."""

    unit_id: int
    total: int
    done: int
    failed: int
    overdue: int
    open: int

    @property
    def completion_rate(self) -> Decimal | None:
        """已整改 ÷ all items × 100, percent to one decimal; None when the unit has no items."""
        if self.total == 0:
            return None
        return (Decimal(self.done) / Decimal(self.total) * 100).quantize(PERCENT_QUANTUM, ROUND_HALF_UP)

    @property
    def lagging(self) -> bool:
        """A lagging unit (整改滞后): it has at least one overdue item."""
        return self.overdue > 0


def unit_record(unit_id: int, items: Iterable[tuple[str, date]], as_of: date) -> UnitRecord:
    """The record from (status, deadline) pairs of one unit's items."""
    total = done = failed = overdue = opened = 0
    for status, deadline in items:
        total += 1
        done += status == RectificationStatus.DONE
        failed += status == RectificationStatus.FAILED
        opened += is_open(status)
        overdue += is_overdue(status, deadline, as_of)
    return UnitRecord(unit_id, total, done, failed, overdue, opened)


@dataclass(frozen=True)
class IssuedNotice:
    kind: str
    reply_by: date | None


def next_notice_kind(record: UnitRecord, issued: Iterable[IssuedNotice], as_of: date) -> str | None:
    """The next 两书一函 step for a unit: none while it has no overdue item; a reminder first; then, once the
    reply date of the highest notice already issued has passed with items still overdue, the next kind up;
    none after an interview letter or while a reply is still awaited."""
    if not record.lagging:
        return None
    issued = list(issued)
    if not issued:
        return NOTICE_ORDER[0]
    top = max(issued, key=lambda n: (NOTICE_ORDER.index(n.kind), n.reply_by or date.min))
    level = NOTICE_ORDER.index(top.kind)
    if level + 1 >= len(NOTICE_ORDER):
        return None
    if top.reply_by is not None and as_of <= top.reply_by:
        return None
    return NOTICE_ORDER[level + 1]


def check_notice_kind(kind: str) -> None:
    if kind not in NOTICE_KINDS:
        raise RectificationRuleError(f"文书种类只能是{'、'.join(NOTICE_KINDS.values())}之一，收到“{kind}”。")
