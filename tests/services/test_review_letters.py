"""Review opinion letter DTOs on a real demo database: what one letter carries, the newest decided version,
nothing without a decision, a department's letter collecting its budget units' projects, and who may see it."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.common.errors import NotFound, PermissionDenied
from core.common.runner import call
from core.goals import service as goals
from core.org.rules.roles import Actor, Role
from core.review import letters as review_letters
from core.review import workspace as review
from core.review.dto import ReviewForm
from db.database import Database
from db.models import AuditEntry, GoalReview, GoalTable, Project, Unit
from tests.review_county import REVIEWER, TRICKY_OPINION, YEAR, County, build_county, decide


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    return build_county(db, admin_actor)


def _clerk(db: Database, unit_id: int) -> Actor:
    with db.unit_of_work() as uow:
        name = uow.session.scalar(select(Unit.name).where(Unit.id == unit_id))
    return Actor(f"clerk-{unit_id}", "填报员", Role.CLERK, unit_id, name)


def _first(county: County, grade: str) -> int:
    return next(pid for pid, g in county.decided.items() if g == grade)


def test_project_letter_carries_the_decision(db: Database, county: County) -> None:
    pid = next(iter(county.decided))  # graded 良 with a literal-markup opinion
    letter = call(db, review_letters.project_letter, REVIEWER, pid)
    assert (letter.grade, letter.grade_label, letter.outcome_label) == ("good", "良", "修改后通过")
    assert letter.grade_meaning.startswith("绩效目标基本合理") and not letter.passed_as_is
    assert letter.opinion == TRICKY_OPINION and letter.reviewer == "审核员甲"
    assert [label for label, _ in letter.dimension_opinions] == ["完整性", "相关性", "适当性", "可行性"]
    assert letter.department_name == county.department_name == letter.unit_name
    assert isinstance(letter.total_amount, Decimal) and isinstance(letter.fiscal_amount, Decimal)
    assert letter.fiscal_amount <= letter.total_amount and letter.year == YEAR and letter.version == 1
    assert letter.doc_number == f"财绩审〔2024〕{county.earlier_decisions + 1}号"  # the test's first decision
    with db.unit_of_work() as uow:
        stored = uow.session.scalar(select(GoalReview).join(GoalTable, GoalTable.id == GoalReview.goal_table_id)
                                    .where(GoalTable.project_id == pid))
        assert stored is not None and letter.decided_at == stored.decided_at
        accepted = [(f["dimension"], f["message"]) for f in json.loads(stored.findings_json)
                    if f["mark"] == "accepted"]
    assert letter.accepted_findings == tuple(accepted) and accepted


def test_letter_follows_the_newest_decided_version(db: Database, county: County) -> None:
    pid = _first(county, "fair")
    first = call(db, review_letters.project_letter, REVIEWER, pid)
    clerk = _clerk(db, county.department_id)
    detail = call(db, goals.get_table, clerk, pid)
    call(db, goals.save_and_submit, clerk, pid, detail.content, detail.updated_at)
    pending = call(db, review_letters.project_letter, REVIEWER, pid)  # version 2 waits: still version 1's
    assert (pending.version, pending.grade_label) == (1, "中") and pending == first
    decide(db, pid, "excellent")
    latest = call(db, review_letters.project_letter, REVIEWER, pid)
    assert (latest.version, latest.grade_label, latest.outcome_label) == (2, "优", "审核通过")
    assert latest.passed_as_is and latest.doc_number == f"财绩审〔{YEAR}〕{county.earlier_decisions + len(county.decided) + 1}号"


def test_without_a_decision_there_is_no_letter(db: Database, county: County) -> None:
    pid = county.undecided_project_id
    view = call(db, review.open_review, REVIEWER, pid)
    call(db, review.save_review, REVIEWER, pid, ReviewForm("fair", {}, "草稿意见"), view.updated_at)
    with db.unit_of_work() as uow:
        name = uow.session.scalar(select(Project.name).where(Project.id == pid))
        other_dept = uow.session.scalar(select(Project.unit_id).where(Project.id == pid))
    with pytest.raises(NotFound, match="还没有审核结论") as exc:
        call(db, review_letters.project_letter, REVIEWER, pid)  # a draft is not a decision
    assert f"“{name}”" in str(exc.value)
    with pytest.raises(NotFound, match="还没有作出审核结论"):
        call(db, review_letters.department_letters, REVIEWER, YEAR, other_dept)
    with pytest.raises(NotFound, match="还没有作出审核结论"):
        call(db, review_letters.department_letters, REVIEWER, YEAR + 1, county.department_id)  # a year without decisions
    with pytest.raises(NotFound, match="不存在"):
        call(db, review_letters.project_letter, REVIEWER, 999_999)


def test_department_letter_collects_its_budget_units_projects(db: Database, county: County) -> None:
    with db.unit_of_work() as uow:
        audits = uow.session.scalar(select(func.count()).select_from(AuditEntry))
    dept = call(db, review_letters.department_letters, REVIEWER, YEAR, county.department_id)
    assert dept.department_name == county.department_name and dept.year == YEAR
    assert {x.project_id for x in dept.letters} == set(county.decided)
    moved = next(x for x in dept.letters if x.project_id == county.moved_project_id)
    assert moved.unit_name.endswith("下属服务中心") and moved.department_name == county.department_name
    assert [(o.grade_label, o.outcome_label) for o in dept.outcomes] == [
        ("优", "审核通过"), ("良", "修改后通过"), ("中", "退回修改"), ("差", "不予通过")]
    by_grade = {o.grade_label: o.count for o in dept.outcomes}
    given = list(county.decided.values())
    assert by_grade == {"优": given.count("excellent"), "良": given.count("good"), "中": given.count("fair"),
                        "差": given.count("poor")}
    assert dept.total_amount == sum((x.total_amount for x in dept.letters), Decimal(0))
    assert dept.total_amount == sum((o.total_amount for o in dept.outcomes), Decimal(0))
    assert dept.fiscal_amount == sum((o.fiscal_amount for o in dept.outcomes), Decimal(0))
    assert dept.signed_at == max(x.decided_at for x in dept.letters)
    assert re.fullmatch(rf"财绩审汇〔{YEAR}〕\d+号", dept.doc_number)
    only_unit = call(db, review_letters.department_letters, REVIEWER, YEAR, county.budget_unit_id)
    assert [x.project_id for x in only_unit.letters] == [county.moved_project_id]
    with db.unit_of_work() as uow:  # read-only: nothing audited, nothing written
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_who_may_read_the_letters(db: Database, county: County) -> None:
    pid = next(iter(county.decided))
    with db.unit_of_work() as uow:
        other_unit = uow.session.scalar(select(Project.unit_id).where(Project.id == county.undecided_project_id))
    stranger = _clerk(db, other_unit)
    with pytest.raises(PermissionDenied, match="无权访问"):
        call(db, review_letters.project_letter, stranger, pid)
    with pytest.raises(PermissionDenied):
        call(db, review_letters.department_letters, stranger, YEAR, county.department_id)
    own = _clerk(db, county.department_id)  # the department's clerk sees its budget unit's project too
    assert len(call(db, review_letters.department_letters, own, YEAR, county.department_id).letters) == len(
        county.decided)
    assert call(db, review_letters.project_letter, own, county.moved_project_id).project_id == county.moved_project_id
    below = _clerk(db, county.budget_unit_id)  # the budget unit's clerk sees its own project only
    assert call(db, review_letters.project_letter, below, county.moved_project_id).version == 1
    with pytest.raises(PermissionDenied):
        call(db, review_letters.project_letter, below, pid)
    with pytest.raises(PermissionDenied):
        call(db, review_letters.department_letters, below, YEAR, county.department_id)
    for role in (Role.LEADER, Role.EVALUATOR, Role.ADMIN):
        assert call(db, review_letters.project_letter, Actor("x", "某人", role), pid).project_id == pid
