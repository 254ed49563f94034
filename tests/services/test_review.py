"""Reviewer workspace service on a real demo database: queue and counters, opening a table, drafts and decisions
per 财预〔2015〕88号, two reviewers on one table, batch approval, permissions, the clerk's side of a return."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.common.changes import Area
from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.goals.service import ConflictError
from core.org import admin
from core.org.dto import UserInput
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from core.review.dto import QueueRow, ReviewForm
from core.review.rules.outcome import finding_key, prefill_opinion
from db.database import Database
from db.models import AuditEntry, GoalReview, GoalTable
from tests.conftest import PASSWORD

YEAR = 2024


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Database:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    for user in (REVIEWER, REVIEWER2):
        call(db, admin.create_user, admin_actor, UserInput(user.username, user.display_name, "reviewer"),
             PASSWORD, PASSWORD)
    return db


REVIEWER = Actor("rev1", "审核员甲", Role.REVIEWER)
REVIEWER2 = Actor("rev2", "审核员乙", Role.REVIEWER)


def _waiting(db: Database, severity: str | None = None) -> QueueRow:
    rows = call(db, review.load_queue, REVIEWER, YEAR).rows
    return next(r for r in rows if r.stage == "待审" and (severity is None or r.severity == severity))


def test_queue_counts_stages_and_orders_worst_first(county: Database) -> None:
    queue = call(county, review.load_queue, REVIEWER, YEAR)
    counters = queue.counters()
    statuses = [r.status for r in queue.rows]
    assert counters == {"待审": statuses.count("submitted"), "已审": statuses.count("approved")
                        + statuses.count("rejected"), "退回": statuses.count("returned")}
    assert counters["待审"] > 0 and "draft" not in statuses
    assert [r.score for r in queue.rows] == sorted(r.score for r in queue.rows)
    worst = queue.rows[0]
    assert worst.errors + worst.warnings > 0 and worst.severity in ("error", "warning")
    assert all(r.department_name for r in queue.rows)


def test_open_shows_findings_and_last_years_table(county: Database) -> None:
    rows = call(county, review.load_queue, REVIEWER, YEAR).rows
    continuing = next(r for r in rows if r.attribute_label == "延续")
    view = call(county, review.open_review, REVIEWER, continuing.project_id)
    assert view.previous is not None and view.previous.year == YEAR - 1
    assert view.table.project_code == continuing.project_code
    assert view.review_status is None and view.form == ReviewForm()
    assert len(view.findings) == continuing.errors + continuing.warnings + continuing.infos


def test_draft_then_decision_returns_the_table_and_records_the_opinion(county: Database) -> None:
    row = _waiting(county, "error")
    view = call(county, review.open_review, REVIEWER, row.project_id)
    marks = {finding_key(f): "accepted" for f in view.findings}
    marks[finding_key(view.findings[-1])] = "dismissed"
    form = ReviewForm("fair", {"completeness": "补充成本指标"}, prefill_opinion(view.findings, marks), marks)
    call(county, review.save_review, REVIEWER, row.project_id, form, view.updated_at)
    draft = call(county, review.open_review, REVIEWER, row.project_id)
    assert draft.review_status == "draft" and draft.form.grade == "fair"
    assert draft.form.marks == {k: v for k, v in marks.items()}
    assert draft.table.status == "submitted"
    call(county, review.save_review, REVIEWER, row.project_id, draft.form, draft.updated_at, True)
    done = call(county, review.open_review, REVIEWER, row.project_id)
    assert done.decided and done.table.status == "returned" and done.reviewed_by == "审核员甲"
    with county.unit_of_work() as uow:
        stored = uow.session.scalar(select(GoalReview).join(GoalTable).where(GoalTable.project_id == row.project_id))
        assert stored is not None and stored.outcome == "returned" and stored.decided_at is not None
        saved = json.loads(stored.findings_json)
        assert {m["mark"] for m in saved} <= {"accepted", "dismissed"} and len(saved) == len(view.findings)
        assert uow.session.scalar(select(AuditEntry).where(AuditEntry.action == "goal_review.decide")) is not None
    refreshed = call(county, review.queue_rows, REVIEWER, YEAR, [row.project_id],
                     call(county, review.load_queue, REVIEWER, YEAR).base)
    assert refreshed[0].stage == "退回" and refreshed[0].grade_label == "中"


@pytest.mark.parametrize(("grade", "status"), [("excellent", "approved"), ("good", "approved"),
                                               ("fair", "returned"), ("poor", "rejected")])
def test_each_grade_sets_the_88_outcome(county: Database, grade: str, status: str) -> None:
    row = _waiting(county)
    view = call(county, review.open_review, REVIEWER, row.project_id)
    form = ReviewForm(grade, {}, "请按意见修改。")
    call(county, review.save_review, REVIEWER, row.project_id, form, view.updated_at, True)
    assert call(county, review.open_review, REVIEWER, row.project_id).table.status == status


def test_decision_needs_a_grade_and_an_opinion_unless_excellent(county: Database) -> None:
    row = _waiting(county)
    view = call(county, review.open_review, REVIEWER, row.project_id)
    with pytest.raises(ValidationError, match="请选择审核结论") as no_grade:
        call(county, review.save_review, REVIEWER, row.project_id, ReviewForm(), view.updated_at, True)
    assert no_grade.value.field == "grade"
    with pytest.raises(ValidationError, match="须写明审核意见"):
        call(county, review.save_review, REVIEWER, row.project_id, ReviewForm("poor"), view.updated_at, True)
    assert call(county, review.open_review, REVIEWER, row.project_id).review_status is None  # nothing written


def test_two_reviewers_on_one_table_the_second_is_refused(county: Database) -> None:
    row = _waiting(county)
    first = call(county, review.open_review, REVIEWER, row.project_id)
    second = call(county, review.open_review, REVIEWER2, row.project_id)
    call(county, review.save_review, REVIEWER, row.project_id, ReviewForm("excellent"), first.updated_at, True)
    with pytest.raises(ConflictError, match="已由审核员甲审核完毕"):
        call(county, review.save_review, REVIEWER2, row.project_id, ReviewForm("poor", {}, "不行"),
             second.updated_at, True)
    assert call(county, review.open_review, REVIEWER, row.project_id).table.status == "approved"


def test_a_draft_by_another_reviewer_in_between_is_a_conflict(county: Database) -> None:
    row = _waiting(county)
    first = call(county, review.open_review, REVIEWER, row.project_id)
    second = call(county, review.open_review, REVIEWER2, row.project_id)
    call(county, review.save_review, REVIEWER2, row.project_id, ReviewForm(None, {}, "草稿"), second.updated_at)
    with pytest.raises(ConflictError, match="已被他人修改或审核"):
        call(county, review.save_review, REVIEWER, row.project_id, ReviewForm("excellent"), first.updated_at,
             True)


def test_batch_approve_clean_tables_all_or_nothing(county: Database) -> None:
    queue = call(county, review.load_queue, REVIEWER, YEAR)
    clean = [r for r in queue.rows if r.stage == "待审" and r.severity in ("info", "none")][:3]
    dirty = next(r for r in queue.rows if r.stage == "待审" and r.severity == "error")
    assert len(clean) == 3
    with pytest.raises(ValidationError, match="不能批量通过"):
        call(county, review.batch_approve, REVIEWER, {r.project_id: r.updated_at for r in [*clean, dirty]}, queue.base)
    assert all(r.stage == "待审" for r in call(county, review.queue_rows, REVIEWER, YEAR,
                                                [r.project_id for r in clean], queue.base))
    approved = call(county, review.batch_approve, REVIEWER, {r.project_id: r.updated_at for r in clean}, queue.base)
    assert approved.count == 3 and approved.changes.touches(Area.GOALS)  # the goals pages hear the new statuses
    after = call(county, review.queue_rows, REVIEWER, YEAR, [r.project_id for r in clean], queue.base)
    assert {(r.stage, r.grade_label, r.reviewed_by) for r in after} == {("已审", "优", "审核员甲")}


def test_only_reviewers_decide(county: Database, admin_actor: Actor) -> None:
    row = _waiting(county)
    view = call(county, review.open_review, REVIEWER, row.project_id)
    for role in (Role.LEADER, Role.EVALUATOR):
        with pytest.raises(PermissionDenied):
            call(county, review.save_review, Actor("x", "某人", role), row.project_id, ReviewForm("excellent"),
                 view.updated_at, True)
    leader_queue = call(county, review.load_queue, Actor("l", "领导", Role.LEADER), YEAR)
    assert len(leader_queue.rows) == len(call(county, review.load_queue, REVIEWER, YEAR).rows)


def test_returned_table_goes_back_to_the_unit_which_resubmits_a_new_version(county: Database,
                                                                          admin_actor: Actor) -> None:
    row = _waiting(county, "error")
    view = call(county, review.open_review, REVIEWER, row.project_id)
    call(county, review.save_review, REVIEWER, row.project_id, ReviewForm("fair", {}, "请修改指标值。"),
         view.updated_at, True)
    clerk = Actor("clerk", "填报员", Role.CLERK, row.unit_id, row.unit_name)
    detail = call(county, goals.get_table, clerk, row.project_id)
    assert detail.status == "returned"
    call(county, goals.save_and_submit, clerk, row.project_id, detail.content, detail.updated_at)
    again = call(county, review.open_review, REVIEWER, row.project_id)
    assert again.version == view.version + 1 and again.review_status is None and again.table.status == "submitted"
    assert again.score == view.score  # same content, same findings
    assert isinstance(again.score, Decimal)


def test_the_unit_reads_the_decision_on_its_returned_table(county: Database) -> None:
    row = _waiting(county)
    clerk = Actor("clerk", "填报员", Role.CLERK, row.unit_id, row.unit_name)
    assert call(county, review.latest_decision, clerk, row.project_id) is None
    view = call(county, review.open_review, REVIEWER, row.project_id)
    form = ReviewForm("fair", {"feasibility": "实施计划过于笼统。"}, "请细化实施计划后重新报送。")
    call(county, review.save_review, REVIEWER, row.project_id, form, view.updated_at, True)
    decision = call(county, review.latest_decision, clerk, row.project_id)
    assert decision is not None and (decision.grade_label, decision.outcome_label) == ("中", "退回修改")
    assert decision.dimension_opinions == (("可行性", "实施计划过于笼统。"),)
    assert decision.opinion == "请细化实施计划后重新报送。" and decision.reviewed_by == "审核员甲"
    other = next(r for r in call(county, review.load_queue, REVIEWER, YEAR).rows if r.unit_id != row.unit_id)
    with pytest.raises(PermissionDenied):
        call(county, review.latest_decision, clerk, other.project_id)
