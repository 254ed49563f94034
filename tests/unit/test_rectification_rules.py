"""Rectification rules (DOMAIN.md §5 and issue 7): the status transitions, 逾期 as an open item past its deadline,
a unit's record and completion rate, 文号 numbering and the 两书一函 escalation ladder; bad input refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.results.rules import rectification as rules
from core.results.rules.rectification import IssuedNotice, RectificationRuleError, UnitRecord

DEADLINE = date(2024, 10, 15)


@pytest.mark.parametrize(("current", "new", "allowed"), [
    # issue 7 / DOMAIN §5: the unit reports (待整改 → 整改中), the bureau re-checks (→ 已整改 | 整改不合格),
    # a failed item is worked on again (→ 整改中); a closed item never moves.
    ("pending", "in_progress", True),
    ("pending", "done", False),
    ("pending", "failed", False),
    ("in_progress", "in_progress", True),
    ("in_progress", "done", True),
    ("in_progress", "failed", True),
    ("in_progress", "pending", False),
    ("failed", "in_progress", True),
    ("failed", "done", False),
    ("done", "in_progress", False),
    ("done", "failed", False),
    ("done", "pending", False),
])
def test_transitions(current: str, new: str, allowed: bool) -> None:
    if allowed:
        rules.check_transition(current, new)
    else:
        with pytest.raises(RectificationRuleError, match="不能从"):
            rules.check_transition(current, new)


@pytest.mark.parametrize(("current", "expected"), [("pending", "in_progress"), ("in_progress", "in_progress"),
                                                   ("failed", "in_progress")])
def test_feedback_moves_an_open_item_to_in_progress(current: str, expected: str) -> None:
    assert rules.after_feedback(current) == expected


def test_feedback_on_a_closed_item_is_refused() -> None:
    with pytest.raises(RectificationRuleError, match="已整改完毕"):
        rules.after_feedback("done")


@pytest.mark.parametrize(("current", "passed", "expected"), [("in_progress", True, "done"),
                                                            ("in_progress", False, "failed")])
def test_recheck(current: str, passed: bool, expected: str) -> None:
    assert rules.after_recheck(current, passed) == expected


@pytest.mark.parametrize("current", ["pending", "failed", "done"])
def test_recheck_needs_feedback_first(current: str) -> None:
    with pytest.raises(RectificationRuleError, match="只有“整改中”"):
        rules.after_recheck(current, True)


@pytest.mark.parametrize(("status", "as_of", "overdue", "shown"), [
    ("pending", date(2024, 10, 15), False, "待整改"),  # the deadline day itself is still in time
    ("pending", date(2024, 10, 16), True, "逾期"),
    ("in_progress", date(2024, 10, 16), True, "逾期"),
    ("in_progress", date(2024, 10, 1), False, "整改中"),
    ("failed", date(2024, 10, 16), True, "整改不合格"),  # overdue, but the failed re-check is what it shows
    ("failed", date(2024, 10, 1), False, "整改不合格"),
    ("done", date(2025, 1, 1), False, "已整改"),  # a closed item is never overdue
])
def test_overdue_and_the_status_shown(status: str, as_of: date, overdue: bool, shown: str) -> None:
    assert rules.is_overdue(status, DEADLINE, as_of) is overdue
    assert rules.status_label(status, DEADLINE, as_of) == shown


def test_unit_record_counts_and_completion_rate() -> None:
    items = [("done", date(2024, 7, 1)), ("done", date(2024, 7, 1)), ("failed", date(2024, 7, 1)),
             ("pending", date(2024, 12, 31)), ("in_progress", date(2024, 8, 1)), ("pending", date(2024, 9, 1))]
    record = rules.unit_record(7, items, date(2024, 10, 1))
    assert record == UnitRecord(7, total=6, done=2, failed=1, overdue=3, open=4)
    assert record.completion_rate == Decimal("33.3")  # 2 ÷ 6 × 100 = 33.33… → 33.3 (half up, one decimal)
    assert record.lagging


@pytest.mark.parametrize(("total", "done", "rate"), [(0, 0, None), (3, 3, Decimal("100.0")), (8, 1, Decimal("12.5")),
                                                     (3, 2, Decimal("66.7"))])
def test_completion_rate(total: int, done: int, rate: Decimal | None) -> None:
    assert UnitRecord(1, total, done, 0, 0, total - done).completion_rate == rate


@pytest.mark.parametrize(("prefix", "year", "n", "number"), [
    ("县财绩提", 2024, 1, "县财绩提〔2024〕1号"),  # the settings' default prefixes (resources/reference/settings.json)
    ("县财绩通", 2024, 12, "县财绩通〔2024〕12号"),
    (" 县财绩约 ", 2025, 3, "县财绩约〔2025〕3号"),
])
def test_notice_number(prefix: str, year: int, n: int, number: str) -> None:
    assert rules.notice_number(prefix, year, n) == number


@pytest.mark.parametrize(("prefix", "n", "message"), [("县财绩提", 0, "从 1 开始"), ("  ", 1, "前缀不能为空")])
def test_bad_notice_number(prefix: str, n: int, message: str) -> None:
    with pytest.raises(RectificationRuleError, match=message):
        rules.notice_number(prefix, 2024, n)


LAGGING = UnitRecord(1, total=3, done=0, failed=0, overdue=2, open=3)
ON_TIME = UnitRecord(1, total=3, done=1, failed=0, overdue=0, open=2)
TODAY = date(2024, 12, 1)


@pytest.mark.parametrize(("record", "issued", "expected"), [
    (ON_TIME, [], None),  # nothing overdue: no notice
    (LAGGING, [], "reminder"),  # 提醒敦促函 first
    (LAGGING, [IssuedNotice("reminder", date(2024, 12, 5))], None),  # the reminder's reply is still awaited
    (LAGGING, [IssuedNotice("reminder", date(2024, 12, 1))], None),  # the reply day itself is still in time
    (LAGGING, [IssuedNotice("reminder", date(2024, 11, 20))], "notice"),  # then 整改通知书
    (LAGGING, [IssuedNotice("reminder", None)], "notice"),
    (LAGGING, [IssuedNotice("reminder", date(2024, 11, 1)), IssuedNotice("notice", date(2024, 11, 20))],
     "interview"),  # then 约谈函
    (LAGGING, [IssuedNotice("notice", date(2024, 11, 20)), IssuedNotice("reminder", date(2024, 11, 30))],
     "interview"),  # the highest step issued counts, whatever the order
    (LAGGING, [IssuedNotice("interview", date(2024, 11, 20))], None),  # the top of the ladder
])
def test_escalation(record: UnitRecord, issued: list[IssuedNotice], expected: str | None) -> None:
    assert rules.next_notice_kind(record, issued, TODAY) == expected


def test_deadline_before_the_issue_date_is_refused() -> None:
    rules.check_dates(date(2024, 9, 1), date(2024, 9, 1))
    with pytest.raises(RectificationRuleError, match="整改期限 2024-08-31 早于下达日期 2024-09-01"):
        rules.check_dates(date(2024, 9, 1), date(2024, 8, 31))


def test_default_deadline() -> None:
    assert rules.default_deadline(date(2024, 9, 20), 30) == date(2024, 10, 20)  # setting default 30 days
    with pytest.raises(RectificationRuleError):
        rules.default_deadline(date(2024, 9, 20), -1)


def test_unknown_notice_kind_is_refused() -> None:
    with pytest.raises(RectificationRuleError, match="提醒敦促函、整改通知书、约谈函"):
        rules.check_notice_kind("warning")
