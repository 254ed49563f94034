"""Department goal tables (部门整体绩效目标) through the services on a real SQLite file: created with the projects'
budget prefilled, saved, submitted, pre-reviewed in the reviewer's queue (marked 部门整体, with the key-task check),
decided, adjusted; and the department overall evaluation scoring against the approved table."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.evaluation import department as evaluation
from core.goals import department as dg
from core.goals.rules.department import TaskRow
from core.goals.rules.indicator_kind import settle_kinds
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from core.review.department import TASK_RULE, queue_key
from core.statistics import overview as stats
from core.statistics import summary_report
from db.database import Database
from tests.conftest import actor_of
from tests.services.department_goal_helpers import (
    BUDGET,
    CONTACT,
    CONTENT,
    TASKS,
    YEAR,
    add_year_and_projects,
    clerk_of,
    submitted_table,
)

D = Decimal


@pytest.fixture
def department(db: Database, admin_actor: Actor, two_units: tuple[int, int]) -> int:
    add_year_and_projects(db, two_units[0])
    return two_units[0]


def test_created_table_has_the_projects_budget_and_saves_tasks_and_indicators(db: Database, department: int) -> None:
    clerk = clerk_of(department)
    table_id = call(db, dg.create, clerk, department, YEAR)
    detail = call(db, dg.get, clerk, table_id)
    assert detail.status == "draft" and detail.title == "县教育局2024年度部门整体绩效目标"
    assert detail.budget == detail.project_budget and detail.project_budget.total == D(2000)
    assert detail.project_budget.carryover == D(200) and detail.project_codes == ("P1", "P2")
    with pytest.raises(ValidationError, match="已有部门整体绩效目标表"):
        call(db, dg.create, clerk, department, YEAR)
    call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, TASKS, detail.updated_at)
    saved = call(db, dg.get, clerk, table_id)
    assert saved.budget == BUDGET and saved.tasks == TASKS and saved.content == settle_kinds(CONTENT)  # kinds inferred on save
    rows = call(db, dg.list_tables, clerk, YEAR)
    assert [(r.unit_name, r.total_amount, r.project_amount, r.indicators, r.tasks) for r in rows] == [
        ("县教育局", D(3000), D(2000), 6, 2)]


def test_bad_budget_tasks_and_other_units_are_refused(db: Database, department: int,
                                                      two_units: tuple[int, int]) -> None:
    clerk = clerk_of(department)
    table_id = call(db, dg.create, clerk, department, YEAR)
    token = call(db, dg.get, clerk, table_id).updated_at
    with pytest.raises(ValidationError, match="分来源之和"):
        call(db, dg.save_draft, clerk, table_id, replace(BUDGET, total=D(2999)), CONTENT, TASKS, token)
    with pytest.raises(ValidationError, match="P9 不是本部门本年度的项目"):
        call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, (TaskRow("新任务", None, ("P9",)),), token)
    with pytest.raises(ValidationError, match="超过部门预算"):
        call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, (TaskRow("大任务", D(3001)),), token)
    with pytest.raises(ValidationError, match="还没有填写重点工作任务"):
        call(db, dg.save_and_submit, clerk, table_id, BUDGET, CONTENT, (), token)
    with pytest.raises(PermissionDenied):
        call(db, dg.create, clerk, two_units[1], YEAR)
    assert call(db, dg.get, clerk, table_id).current_version == 1  # nothing half-written


def test_review_queue_shows_it_as_department_and_a_decision_approves_it(db: Database, department: int) -> None:
    table_id = submitted_table(db, department)
    reviewer = actor_of(Role.REVIEWER)
    queue = call(db, review.load_queue, reviewer, YEAR)
    row = next(r for r in queue.rows if r.project_id == queue_key(table_id))
    assert row.attribute_label == "部门整体" and row.stage == "待审" and row.total_amount == D(3000)
    assert row.project_name == "县教育局部门整体绩效目标" and row.department_name == "县教育局"
    view = call(db, review.open_review, reviewer, row.project_id, queue.base)
    assert [i.name for i in view.table.indicators][:2] == ["新建改建幼儿园", "义务教育巩固率"]
    assert not [f for f in view.findings if f.rule_id == TASK_RULE]  # the annual goal covers both tasks
    form = review.ReviewForm("excellent", opinion="部门整体绩效目标清晰，予以通过。")
    call(db, review.save_review, reviewer, row.project_id, form, view.updated_at, True, queue.base)
    clerk = clerk_of(department)
    assert call(db, dg.get, clerk, table_id).status == "approved"
    refreshed = call(db, review.queue_rows, reviewer, YEAR, [row.project_id], queue.base)
    assert [(r.stage, r.grade_label) for r in refreshed] == [("已审", "优")]
    decision = call(db, review.latest_decision, clerk, row.project_id)
    assert decision is not None and decision.outcome_label
    figures = call(db, stats.year_figures, reviewer, YEAR)  # counted apart from the projects' tables
    assert figures.department_goals_by_status["已通过"] == 1 and sum(figures.goal_tables_by_status.values()) == 0
    assert stats.figures_as_json(figures)["department_goal_tables_by_status"]["已通过"] == 1
    assert "部门整体绩效目标表1张，其中已通过1张" in summary_report._overview(figures, "2024年12月31日")


def test_a_clean_table_with_its_contacts_has_no_error(db: Database, department: int) -> None:
    clerk = clerk_of(department)
    table_id = call(db, dg.create, clerk, department, YEAR)
    token = call(db, dg.get, clerk, table_id).updated_at
    call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, TASKS, token)
    reviewer = actor_of(Role.REVIEWER)
    missing = call(db, review.open_review, reviewer, queue_key(table_id)).findings
    assert sorted(f.field for f in missing if f.rule_id == "C01") == ["manager", "phone"]
    token = call(db, dg.get, clerk, table_id).updated_at
    call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, TASKS, token, replace(CONTACT, manager=" 王建国 "))
    saved = call(db, dg.get, clerk, table_id)
    assert saved.contact == CONTACT
    call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, TASKS, saved.updated_at)  # None keeps them
    assert call(db, dg.get, clerk, table_id).contact == CONTACT
    findings = call(db, review.open_review, reviewer, queue_key(table_id)).findings
    assert [f for f in findings if f.severity == "error"] == []


def test_annual_goal_missing_a_key_task_is_flagged_and_adjustment_goes_back_to_review(
        db: Database, department: int) -> None:
    clerk = clerk_of(department)
    table_id = call(db, dg.create, clerk, department, YEAR)
    detail = call(db, dg.get, clerk, table_id)
    tasks = (*TASKS, TaskRow("校园安全隐患排查整治"))
    call(db, dg.save_and_submit, clerk, table_id, BUDGET, CONTENT, tasks, detail.updated_at)
    reviewer = actor_of(Role.REVIEWER)
    view = call(db, review.open_review, reviewer, queue_key(table_id))
    flagged = [f.message for f in view.findings if f.rule_id == TASK_RULE]
    assert flagged == ["重点工作任务“校园安全隐患排查整治”在年度总体目标中没有体现，年度总体目标应概括全部重点工作任务。"]
    tokens = {queue_key(table_id): view.updated_at}
    with pytest.raises(ValidationError, match="不能批量通过"):
        call(db, review.batch_approve, reviewer, tokens)
    call(db, review.save_review, reviewer, queue_key(table_id), review.ReviewForm("good", opinion="已与部门核实。"),
         view.updated_at, True)
    approved = call(db, dg.get, clerk, table_id)
    assert approved.status == "approved"
    with pytest.raises(ValidationError, match="只能通过“调整”修改"):
        call(db, dg.save_draft, clerk, table_id, BUDGET, CONTENT, tasks, approved.updated_at)
    call(db, dg.adjust, clerk, table_id, BUDGET, CONTENT, TASKS, "年中调整重点任务", approved.updated_at)
    adjusted = call(db, dg.get, clerk, table_id)
    assert adjusted.status == "submitted" and adjusted.current_version == 2 and adjusted.tasks == TASKS


def test_department_evaluation_scores_against_the_approved_table(db: Database, admin_actor: Actor,
                                                                 department: int) -> None:
    before = call(db, evaluation.get_sheet, admin_actor, YEAR, department)
    assert before.goal is None and "tasks_planned" not in before.prefilled
    table_id = submitted_table(db, department)
    reviewer = actor_of(Role.REVIEWER)
    view = call(db, review.open_review, reviewer, queue_key(table_id))
    call(db, review.save_review, reviewer, queue_key(table_id), review.ReviewForm("excellent", opinion="通过。"),
         view.updated_at, True)
    sheet = call(db, evaluation.get_sheet, admin_actor, YEAR, department)
    assert sheet.goal is not None and sheet.goal.tasks == ("义务教育均衡发展", "学前教育普惠扩容")
    assert sheet.prefilled["tasks_planned"] == D(2) and sheet.prefilled["initial_budget"] == D(3000)
    assert [(u.item_key, u.indicator, u.framework_limit, u.target) for u in sheet.goal.targets] == [
        ("C11", "服务对象满意度", D(90), D(95))]
    satisfaction = next(i for i in sheet.items if i.key == "C11")
    assert satisfaction.rule is not None and D(satisfaction.rule["limit"]) == D(95)
    figures = {**sheet.figures, "satisfaction": D(93)}  # met the shipped 90, not the department's own 95
    evaluator = actor_of(Role.EVALUATOR)
    call(db, evaluation.save_sheet, evaluator, YEAR, department, figures, {})
    saved = call(db, evaluation.get_sheet, admin_actor, YEAR, department)
    assert saved.result().by_key()["C11"].score == D(9)  # 2 points short of 95 at 0.5 a point
    assert saved.goal is not None and saved.goal.targets[0].target == D(95)
