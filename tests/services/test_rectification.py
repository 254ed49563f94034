"""The rectification register on the demo county: collecting from the sources is idempotent and picks up what is
new, a clerk sees and answers only its own unit's items, feedback and re-check follow the rules and are audited,
notices are numbered per year and kind without gaps (also in a batch) and a failing batch writes nothing, and a
unit's record counts exactly."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import rounds as monitoring_rounds
from core.org import settings
from core.org.rules.roles import Actor, Role
from core.results import rectification as register
from core.results import rectification_collect as collect
from core.results import rectification_notices as notices
from core.results import rectification_reports as reports
from core.results.dto import ItemInput
from core.results.rules.rectification import UnitRecord
from db.database import Database
from db.models import (
    AuditEntry,
    AuditFinding,
    GoalReview,
    GoalTable,
    MonitoringEntry,
    MonitoringLine,
    Project,
    RectificationItem,
    RectificationNotice,
)
from tests.conftest import actor_of

YEAR = 2024
LATE = date(YEAR, 12, 31)  # every demo deadline has passed: open items are overdue
AT = datetime(YEAR, 12, 1, 8, tzinfo=UTC)


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Actor:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return admin_actor


def _count(db: Database, model: type, *where: object) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _audits(db: Database) -> int:
    return _count(db, AuditEntry, AuditEntry.action.like("rectification.%"))


def test_demo_register_has_every_outcome_and_a_reminder(db: Database, county: Actor) -> None:
    rows = call(db, register.list_items, county, YEAR, LATE)
    assert {r.status for r in rows} == {"pending", "in_progress", "done", "failed"}
    assert {"review", "evaluation"} <= {r.source for r in rows}  # at this scale no monitoring laggard
    assert any(r.overdue for r in rows) and not any(r.overdue for r in rows if r.status == "done")
    sent = call(db, notices.list_notices, county, YEAR)
    assert [(n.kind, n.number) for n in sent] == [("reminder", "县财绩提〔2024〕1号")]


def test_collect_is_idempotent_and_picks_up_new_source_records(db: Database, county: Actor) -> None:
    before = _count(db, RectificationItem)
    again = call(db, collect.collect, county, YEAR, date(YEAR, 12, 1))
    assert again.added == {} and again.existing == before
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        table, project = s.execute(select(GoalTable, Project).join(Project, Project.id == GoalTable.project_id)
                                   .where(GoalTable.status == "submitted").order_by(GoalTable.id)).first()
        s.add(GoalReview(goal_table_id=table.id, version=1, status="final", grade="poor", outcome="rejected",
                         opinion="绩效指标无法衡量", reviewed_by="r"))
        s.add(AuditFinding(year=YEAR, unit_id=project.unit_id, source="inspection", reference="县审〔2024〕9号",
                           description="专项资金未按规定用途使用", deduction=Decimal("2"), entered_by="a"))
        line = s.scalars(select(MonitoringLine).join(MonitoringEntry, MonitoringEntry.id == MonitoringLine.entry_id)
                         .where(MonitoringEntry.status == "submitted").order_by(MonitoringLine.id)).first()
        line.needs_rectification, line.measures = True, "倒排工期，加快实施"
        uow.commit()
    call(db, monitoring_rounds.create_action, county, project.id, None, "rectification",
         "11 月底前完成资金拨付并报送整改报告", date(YEAR, 12, 20), today=date(YEAR, 11, 1))
    result = call(db, collect.collect, county, YEAR, date(YEAR, 12, 1))
    assert result.added == {"review": 1, "monitoring": 2, "inspection": 1} and result.existing == before
    new = [r for r in call(db, register.list_items, county, YEAR, LATE) if r.issued_on == date(YEAR, 12, 1)]
    flagged = next(r for r in new if (r.source_ref or "").startswith("monitoring_entry:"))
    assert "需要整改" in flagged.requirement and "倒排工期，加快实施" in flagged.requirement
    rows = {r.source: r for r in new if r.unit_id == project.unit_id and r is not flagged}
    assert rows["monitoring"].deadline == date(YEAR, 12, 20)  # the request's own due date
    assert rows["review"].deadline == date(YEAR, 12, 31)  # 1 Dec + rectification.deadline_days (30)
    assert "绩效指标无法衡量" in rows["review"].requirement and "差" in rows["review"].requirement
    assert "县审〔2024〕9号" in rows["inspection"].requirement and rows["inspection"].source_label == "检查"
    assert call(db, collect.collect, county, YEAR, date(YEAR, 12, 2)).added == {}
    assert _count(db, RectificationItem) == before + 4


def test_filters_and_overdue(db: Database, county: Actor) -> None:
    rows = call(db, register.list_items, county, YEAR, LATE)
    overdue = call(db, register.list_items, county, YEAR, LATE, status="overdue")
    assert overdue == [r for r in rows if r.overdue] and overdue
    assert all(r.status != "done" and r.deadline < LATE for r in overdue)
    assert rows[: len(overdue)] == overdue  # overdue items first
    early = call(db, register.list_items, county, YEAR, date(YEAR, 6, 21))
    assert not any(r.overdue for r in early)  # on the day after the first items were issued nothing is late
    by_source = call(db, register.list_items, county, YEAR, LATE, source="evaluation")
    assert by_source and {r.source for r in by_source} == {"evaluation"}
    name = rows[0].unit_name
    assert {r.unit_name for r in call(db, register.list_items, county, YEAR, LATE, text=name)} == {name}
    with pytest.raises(ValidationError, match="状态“lost”无法识别"):
        call(db, register.list_items, county, YEAR, LATE, status="lost")


def test_feedback_and_recheck_follow_the_rules_and_are_audited(db: Database, county: Actor) -> None:
    item = next(r for r in call(db, register.list_items, county, YEAR, LATE) if r.status == "pending")
    audits = _audits(db)
    call(db, register.record_feedback, county, item.uid, "已完成整改，佐证材料已报送", AT, "PKG-1")
    after = call(db, register.get_item, county, item.uid, LATE)
    assert (after.status, after.feedback_package, after.version) == ("in_progress", "PKG-1", item.version + 1)
    with pytest.raises(ValidationError, match="复核不合格时请写明原因"):
        call(db, register.recheck, county, item.uid, False, "")
    call(db, register.recheck, county, item.uid, False, "缺少佐证材料，请补充")
    assert call(db, register.get_item, county, item.uid).status == "failed"
    call(db, register.record_feedback, county, item.uid, "已补充佐证材料", AT)
    with pytest.raises(ValidationError, match="已被他人修改"):
        call(db, register.recheck, county, item.uid, True, "", expected_version=1)
    call(db, register.recheck, county, item.uid, True, "")
    done = call(db, register.get_item, county, item.uid, LATE)
    assert done.status == "done" and not done.overdue
    assert _audits(db) == audits + 4
    with pytest.raises(ValidationError, match="已整改完毕"):
        call(db, register.record_feedback, county, item.uid, "再补充一点说明", AT)
    with pytest.raises(ValidationError, match="至少 4 个字"):
        call(db, register.record_feedback, county, item.uid, "好", AT)
    assert call(db, register.get_item, county, item.uid).version == done.version and _audits(db) == audits + 4
    with pytest.raises(NotFound):
        call(db, register.record_feedback, county, "no-such-uid", "已完成整改工作", AT)


def test_a_clerk_sees_only_its_unit_and_may_only_give_feedback(db: Database, county: Actor) -> None:
    rows = call(db, register.list_items, county, YEAR, LATE)
    mine = next(r for r in rows if r.status == "pending")
    other = next(r for r in rows if r.unit_id != mine.unit_id and r.status == "pending")
    clerk = actor_of(Role.CLERK, mine.unit_id)
    seen = call(db, register.list_items, clerk, YEAR, LATE)
    assert seen and {r.unit_id for r in seen} == {mine.unit_id}
    assert call(db, register.open_items, clerk, YEAR, mine.unit_id, LATE) == [r for r in seen if r.status != "done"]
    call(db, register.record_feedback, clerk, mine.uid, "已按要求修改目标表", AT)
    for attempt in (lambda: call(db, register.record_feedback, clerk, other.uid, "已按要求修改目标表", AT),
                    lambda: call(db, register.open_items, clerk, YEAR, other.unit_id),
                    lambda: call(db, register.recheck, clerk, mine.uid, True, ""),
                    lambda: call(db, collect.collect, clerk, YEAR),
                    lambda: call(db, register.add_item, clerk, ItemInput(YEAR, mine.unit_id, "自行新增事项", LATE)).uid,
                    lambda: call(db, notices.issue_notices, clerk, YEAR, "reminder", [mine.unit_id], LATE)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert {n.unit_id for n in call(db, notices.list_notices, clerk, YEAR)} <= {mine.unit_id}
    leader = actor_of(Role.LEADER)
    with pytest.raises(PermissionDenied):
        call(db, register.record_feedback, leader, other.uid, "领导代为反馈", AT)


def test_manual_item_and_bad_dates(db: Database, county: Actor) -> None:
    unit = call(db, register.unit_choices, county)[0]
    before = _count(db, RectificationItem)
    with pytest.raises(ValidationError, match="整改期限 2024-08-31 早于下达日期 2024-09-01") as caught:
        call(db, register.add_item, county, ItemInput(YEAR, unit.id, "补充完善绩效指标", date(YEAR, 9, 1),
                                                      date(YEAR, 8, 31)))
    assert caught.value.field == "deadline" and _count(db, RectificationItem) == before
    with pytest.raises(ValidationError, match="整改要求"):
        call(db, register.add_item, county, ItemInput(YEAR, unit.id, " 无 ", date(YEAR, 9, 1)))
    uid = call(db, register.add_item, county, ItemInput(YEAR, unit.id, "补充完善绩效指标", date(YEAR, 9, 1))).uid
    made = call(db, register.get_item, county, uid, date(YEAR, 9, 2))
    assert (made.source, made.source_ref, made.deadline, made.status_label) == ("other", None, date(YEAR, 10, 1),
                                                                                 "待整改")


def _fresh_units(db: Database, county: Actor) -> None:
    """Only the demo items: no notices yet."""
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.execute(delete(RectificationNotice))
        uow.commit()


def test_notices_are_numbered_without_gaps_and_escalate(db: Database, county: Actor) -> None:
    _fresh_units(db, county)
    lagging = call(db, notices.lagging_units, county, YEAR, date(YEAR, 12, 1))
    assert lagging and all(u.next_kind == "reminder" for u in lagging)
    batch = call(db, notices.issue_notices, county, YEAR, "reminder", None, date(YEAR, 12, 1))
    assert [d.number for d in batch] == [f"县财绩提〔2024〕{n}号" for n in range(1, len(lagging) + 1)]
    assert {d.unit_name for d in batch} == {u.unit_name for u in lagging}
    first = lagging[0]
    doc = next(d for d in batch if d.unit_name == first.unit_name)
    assert len(doc.items) == first.record.open and doc.reply_by == date(YEAR, 12, 11)  # + reply_days (10)
    with pytest.raises(ValidationError, match="没有需要发整改通知书的"):  # replies still awaited
        call(db, notices.issue_notices, county, YEAR, "notice", None, date(YEAR, 12, 5))
    single = call(db, notices.issue_notices, county, YEAR, "reminder", [first.unit_id], date(YEAR, 12, 5))
    assert [d.number for d in single] == [f"县财绩提〔2024〕{len(lagging) + 1}号"]
    later = date(YEAR, 12, 20)  # every reply date has passed; units whose items fell due since lag too
    plan = {u.unit_name: u.next_kind for u in call(db, notices.lagging_units, county, YEAR, later)}
    escalated = call(db, notices.issue_notices, county, YEAR, None, None, later)
    kinds = {d.unit_name: d.kind for d in escalated}
    assert kinds == plan and {kinds[u.unit_name] for u in lagging} == {"notice"}
    newcomers = [d.number for d in escalated if d.kind == "reminder"]
    assert newcomers == [f"县财绩提〔2024〕{n}号" for n in range(len(lagging) + 2, len(lagging) + 2 + len(newcomers))]
    assert [d.number for d in escalated if d.kind == "notice"] == [f"县财绩通〔2024〕{n}号"
                                                                  for n in range(1, len(lagging) + 1)]
    with db.unit_of_work() as uow:
        stored = [(n.kind, n.sequence, n.unit_id, json.loads(n.item_ids_json), n.reply_by)
                  for n in uow.session.scalars(select(RectificationNotice).order_by(RectificationNotice.id))]
        ids = {i.id for i in uow.session.scalars(select(RectificationItem).where(
            RectificationItem.unit_id == first.unit_id))}
    reminders = sorted(sequence for kind, sequence, *_ in stored if kind == "reminder")
    assert reminders == list(range(1, len(reminders) + 1))  # no gaps
    _kind, _seq, _unit, named, reply_by = next(n for n in stored if n[2] == first.unit_id)
    assert set(named) <= ids and reply_by == date(YEAR, 12, 11)


def test_a_failing_batch_writes_nothing(db: Database, county: Actor, tmp_path: Path) -> None:
    _fresh_units(db, county)
    lagging = [u.unit_id for u in call(db, notices.lagging_units, county, YEAR, date(YEAR, 12, 1))]
    clean = next(c.id for c in call(db, register.unit_choices, county)
                 if c.id not in {r.unit_id for r in call(db, register.list_items, county, YEAR, LATE)
                                 if r.status != "done"})
    audits = _audits(db)
    with pytest.raises(ValidationError, match="没有未完成的整改事项"):
        call(db, notices.issue_notices, county, YEAR, "reminder", [*lagging, clean], date(YEAR, 12, 1))
    assert _count(db, RectificationNotice) == 0 and _audits(db) == audits
    with pytest.raises(OSError):  # the PDF cannot be written: the notices are not issued either
        call(db, reports.issue_notices_pdf, county, YEAR, "reminder", lagging, date(YEAR, 12, 1),
             tmp_path / "missing" / "n.pdf")
    assert _count(db, RectificationNotice) == 0
    call(db, settings.update_settings, county, {"rectification.prefix_reminder": "某财提"})
    path = call(db, reports.issue_notices_pdf, county, YEAR, "reminder", lagging[:2], date(YEAR, 12, 1),
                tmp_path / "n.pdf").path
    assert path.stat().st_size > 0
    assert [n.number for n in call(db, notices.list_notices, county, YEAR)] == ["某财提〔2024〕2号", "某财提〔2024〕1号"]


def test_unit_records_count_exactly(db: Database, county: Actor) -> None:
    unit = next(c for c in call(db, register.unit_choices, county)
                if c.id not in {r.unit_id for r in call(db, register.list_items, county, YEAR, LATE)})
    uids = [call(db, register.add_item, county, ItemInput(YEAR, unit.id, f"整改事项第{n}项", date(YEAR, 9, 1),
                                                          deadline)).uid
            for n, deadline in enumerate([date(YEAR, 9, 30)] * 4 + [date(YEAR, 12, 31)] * 2, 1)]
    for uid in uids[:4]:
        call(db, register.record_feedback, county, uid, "已完成整改工作", AT)
    for uid in uids[:2]:
        call(db, register.recheck, county, uid, True, "")
    call(db, register.recheck, county, uids[2], False, "整改不到位，请继续整改")
    with db.unit_of_work() as uow:
        records = register.unit_records(uow.session, YEAR, date(YEAR, 10, 15))
    # 2 done; 1 failed; 4 open (failed, in_progress, 2 pending) of which 2 past 30 Sep (failed, in_progress)
    assert records[unit.id] == UnitRecord(unit.id, total=6, done=2, failed=1, overdue=2, open=4)
    assert records[unit.id].completion_rate == Decimal("33.3")
    with db.unit_of_work() as uow:
        assert register.unit_records(uow.session, YEAR + 1, date(YEAR, 10, 15)) == {}
