"""部门整体评价 through the service on a temporary database: every rule kind at its boundaries (rules from
resources/reference/evaluation_frameworks.json, DOMAIN.md §4), judged items' range, replacements only with a
reason, drafts and finalising, the grade recorded with its thresholds and unchanged after the settings change,
and the figures prefilled from projects, monitoring adjustments, execution and last year's evaluation."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.evaluation import department as dept
from core.evaluation import overview as evaluation_overview
from core.evaluation.rules.department_sheet import ItemEntry
from core.org import admin, settings
from core.org.dto import UnitInput
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import (
    AuditEntry,
    Evaluation,
    EvaluationLine,
    ExecutionRecord,
    FiscalYear,
    MonitoringEntry,
    MonitoringRound,
    Project,
)
from tests.conftest import actor_of

D = Decimal
YEAR = 2024
# every figure at its best: each rule item earns its full points (ceilings met, floors reached, nothing added)
BEST = {"staff": D(50), "posts": D(50), "sangong": D(10), "sangong_prev": D(10), "budget": D(1000),
        "budget_done": D(1000), "initial_budget": D(1000), "added_budget": D(0), "carryover": D(20),
        "spending_budget": D(1000), "tasks_done": D(10), "tasks_planned": D(10), "satisfaction": D(95)}
RULE_POINTS = {"C1": 5, "C2": 5, "C3": 10, "C4": 10, "C5": 5, "C8": 20, "C11": 10}
JUDGED_FULL = {"C6": ItemEntry(D(10)), "C7": ItemEntry(D(5)), "C9": ItemEntry(D(10)), "C10": ItemEntry(D(10))}


@pytest.fixture
def department(db: Database, admin_actor: Actor, two_units: tuple[int, int]) -> int:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add_all([FiscalYear(year=YEAR - 1, status="closed"), FiscalYear(year=YEAR, is_current=True)])
        uow.commit()
    return two_units[0]


def _lines(db: Database, unit_id: int, year: int = YEAR) -> dict[str, tuple[Decimal | None, ...]]:
    """item key → (figure, rule points, score, reason) as stored."""
    with db.unit_of_work() as uow:
        ev = uow.session.scalar(select(Evaluation).where(Evaluation.unit_id == unit_id, Evaluation.year == year))
        assert ev is not None
        return {line.item_key: (line.actual, line.computed, line.score, line.override_reason) for line in
                uow.session.scalars(select(EvaluationLine).where(EvaluationLine.evaluation_id == ev.id))}


@pytest.mark.parametrize(("item", "changed", "figure", "points"), [
    # 在职人员控制率 = 在职 ÷ 编制: ceiling 100, −0.5 per point over, 5 points
    ("C1", {"staff": D(50), "posts": D(50)}, D("100.00"), D("5.00")),
    ("C1", {"staff": D(101), "posts": D(100)}, D("101.00"), D("4.50")),
    ("C1", {"staff": D(110), "posts": D(100)}, D("110.00"), D("0.00")),
    ("C1", {"staff": D(120), "posts": D(100)}, D("120.00"), D("0.00")),  # never below 0
    # “三公”经费变动率 = (本年 − 上年) ÷ 上年: ceiling 0, −0.8 per point over
    ("C2", {"sangong": D(9), "sangong_prev": D(10)}, D("-10.00"), D("5.00")),
    ("C2", {"sangong": D(10), "sangong_prev": D(10)}, D("0.00"), D("5.00")),
    ("C2", {"sangong": D("10.1"), "sangong_prev": D(10)}, D("1.00"), D("4.20")),
    ("C2", {"sangong": D(0), "sangong_prev": D(0)}, D("0.00"), D("5.00")),  # nothing spent either year
    # 预算完成率 = 完成 ÷ 预算: floor 100, −0.5 per point under, 10 points
    ("C3", {"budget_done": D(1000), "budget": D(1000)}, D("100.00"), D("10.00")),
    ("C3", {"budget_done": D(990), "budget": D(1000)}, D("99.00"), D("9.50")),
    ("C3", {"budget_done": D(700), "budget": D(1000)}, D("70.00"), D("0.00")),
    # 预算控制率 = 追加 ÷ 年初: bands of 10 points, 20 % of the points per started band
    ("C4", {"added_budget": D(0)}, D("0.00"), D("10.00")),
    ("C4", {"added_budget": D(100)}, D("10.00"), D("8.00")),
    ("C4", {"added_budget": D("100.1")}, D("10.01"), D("6.00")),
    ("C4", {"added_budget": D(500)}, D("50.00"), D("0.00")),
    # 结转结余率 = 结转结余 ÷ 支出预算: ceiling 5
    ("C5", {"carryover": D(50)}, D("5.00"), D("5.00")),
    ("C5", {"carryover": D(60)}, D("6.00"), D("4.50")),
    # 重点工作完成率: floor 100, −0.4 per point, 20 points; 满意度 typed as a percent: floor 90, −0.5 per point
    ("C8", {"tasks_done": D(9), "tasks_planned": D(10)}, D("90.00"), D("16.00")),
    ("C11", {"satisfaction": D(90)}, D("90.00"), D("10.00")),
    ("C11", {"satisfaction": D("89.5")}, D("89.50"), D("9.75")),
])
def test_rule_items_compute_figure_and_points(db: Database, admin_actor: Actor, department: int, item: str,
                                              changed: dict[str, Decimal], figure: Decimal, points: Decimal) -> None:
    call(db, dept.save_sheet, admin_actor, YEAR, department, BEST | changed, JUDGED_FULL)
    assert _lines(db, department)[item] == (figure, points, points, None)
    sheet = call(db, dept.get_sheet, admin_actor, YEAR, department)
    assert sheet.status == "draft" and sheet.score == 100 - (RULE_POINTS[item] - points)


def test_best_figures_and_full_judged_scores_make_100(db: Database, admin_actor: Actor, department: int) -> None:
    call(db, dept.save_sheet, admin_actor, YEAR, department, BEST, JUDGED_FULL)
    sheet = call(db, dept.get_sheet, admin_actor, YEAR, department)
    assert sheet.score == D(100) and sheet.grade is None  # a draft has no grade yet
    assert sheet.figures == BEST and sheet.entries["C6"].score == D(10)


@pytest.mark.parametrize(("score", "accepted"), [(D(0), True), (D(10), True), (D("9.5"), True),
                                                 (D("10.5"), False), (D(-1), False)])
def test_judged_items_take_a_score_from_0_to_their_points(db: Database, admin_actor: Actor, department: int,
                                                          score: Decimal, accepted: bool) -> None:
    entries = JUDGED_FULL | {"C6": ItemEntry(score)}
    if accepted:
        call(db, dept.save_sheet, admin_actor, YEAR, department, BEST, entries)
        assert _lines(db, department)["C6"][2] == score
    else:
        with pytest.raises(ValidationError, match=r"“管理制度健全性”的得分 .* 应在 0 至 10 分之间"):
            call(db, dept.save_sheet, admin_actor, YEAR, department, BEST, entries)


def test_a_rule_items_points_are_replaced_only_with_a_reason(db: Database, admin_actor: Actor,
                                                             department: int) -> None:
    figures = BEST | {"staff": D(104), "posts": D(100)}  # 104 % → 3 points by the rule
    with pytest.raises(ValidationError, match=r"“在职人员控制率”手工调整得分（3\.00 → 4）必须写明理由"):
        call(db, dept.save_sheet, admin_actor, YEAR, department, figures, JUDGED_FULL | {"C1": ItemEntry(D(4))})
    with pytest.raises(ValidationError, match="“在职人员控制率”的得分 6 应在 0 至 5 分之间"):
        call(db, dept.save_sheet, admin_actor, YEAR, department, figures,
             JUDGED_FULL | {"C1": ItemEntry(D(6), "编制核定滞后")})
    call(db, dept.save_sheet, admin_actor, YEAR, department, figures,
         JUDGED_FULL | {"C1": ItemEntry(D(4), "新增编制已批复，待核定")})
    assert _lines(db, department)["C1"][1:] == (D("3.00"), D("4.00"), "新增编制已批复，待核定")
    entry = call(db, dept.get_sheet, admin_actor, YEAR, department).entries["C1"]
    assert (entry.score, entry.reason) == (D("4.00"), "新增编制已批复，待核定")


@pytest.mark.parametrize(("changed", "message"), [
    ({"posts": D(0)}, "“在职人员控制率”无法计算：编制数为 0"),
    ({"sangong_prev": D(0)}, "“三公”经费变动率”无法计算：上年“三公”经费为 0"),
    ({"budget": D(-5)}, "“预算数”不能为负数"),
    ({"staff": D("50.5")}, "“在职人员数”应为整数"),
])
def test_figures_that_cannot_be_right_are_refused(db: Database, admin_actor: Actor, department: int,
                                                  changed: dict[str, Decimal], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call(db, dept.save_sheet, admin_actor, YEAR, department, BEST | changed, JUDGED_FULL)
    assert call(db, dept.list_departments, admin_actor, YEAR)[0].status == "none"


def test_a_draft_may_be_incomplete_but_finalising_names_what_is_missing(db: Database, admin_actor: Actor,
                                                                        department: int) -> None:
    with pytest.raises(ValidationError, match="还没有保存部门整体评价"):
        call(db, dept.finalise, admin_actor, YEAR, department)
    partial = BEST | {"satisfaction": None}
    call(db, dept.save_sheet, admin_actor, YEAR, department, partial, {"C6": ItemEntry(D(8))})
    row = call(db, dept.list_departments, admin_actor, YEAR)[0]
    assert (row.status_label, row.score, row.grade) == ("草稿", None, None)
    with pytest.raises(ValidationError, match="“资产管理规范性”还没有得分（共 4 项未评分）"):
        call(db, dept.finalise, admin_actor, YEAR, department)


def test_grade_is_recorded_at_finalising_and_never_changes_with_settings(db: Database, admin_actor: Actor,
                                                                         two_units: tuple[int, int],
                                                                         department: int) -> None:
    entries = JUDGED_FULL | {"C6": ItemEntry(D(0)), "C10": ItemEntry(D(5))}  # 100 − 10 − 5 = 85
    call(db, dept.save_sheet, admin_actor, YEAR, department, BEST, entries)
    call(db, dept.finalise, admin_actor, YEAR, department)
    sheet = call(db, dept.get_sheet, admin_actor, YEAR, department)
    assert (sheet.status, sheet.score, sheet.grade) == ("final", D(85), "良")
    assert sheet.thresholds == (("优", D(90)), ("良", D(80)), ("中", D(60)), ("差", D(0)))

    call(db, settings.update_settings, admin_actor, {"evaluation.grade_good_from": "86"})
    again = call(db, dept.get_sheet, admin_actor, YEAR, department)
    assert (again.grade, again.thresholds) == ("良", sheet.thresholds)
    listed = {r.subject: r.grade for r in call(db, evaluation_overview.list_evaluations, admin_actor, YEAR)}
    assert listed == {"县教育局": "良"}
    with pytest.raises(ValidationError, match="已定稿，不能再修改"):
        call(db, dept.save_sheet, admin_actor, YEAR, department, BEST, JUDGED_FULL)

    other = two_units[1]  # the same 85 points finalised under the new thresholds is 中
    call(db, dept.save_sheet, admin_actor, YEAR, other, BEST, entries)
    call(db, dept.finalise, admin_actor, YEAR, other)
    later = call(db, dept.get_sheet, admin_actor, YEAR, other)
    assert (later.score, later.grade, later.thresholds[1]) == (D(85), "中", ("良", D(86)))
    with db.unit_of_work() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("evaluation.%"))))
    assert actions.count("evaluation.department.finalise") == 2 and "evaluation.department.save" in actions


def test_only_evaluators_write_and_a_clerk_sees_only_its_own(db: Database, admin_actor: Actor,
                                                             two_units: tuple[int, int], department: int) -> None:
    for role in (Role.REVIEWER, Role.LEADER):
        with pytest.raises(PermissionDenied, match="绩效评价"):
            call(db, dept.save_sheet, actor_of(role), YEAR, department, BEST, JUDGED_FULL)
    call(db, dept.save_sheet, actor_of(Role.EVALUATOR), YEAR, department, BEST, JUDGED_FULL)
    clerk = actor_of(Role.CLERK, two_units[0])
    assert [r.unit_id for r in call(db, dept.list_departments, clerk, YEAR)] == [two_units[0]]
    assert call(db, dept.get_sheet, clerk, YEAR, two_units[0]).score == D(100)
    with pytest.raises(PermissionDenied):
        call(db, dept.get_sheet, clerk, YEAR, two_units[1])
    call(db, admin.save_unit, admin_actor, UnitInput("B001", "县第一中学", "budget_unit", two_units[0]))
    unit_id = next(r.id for r in call(db, admin.list_units, admin_actor) if r.code == "B001")
    with pytest.raises(ValidationError, match="部门整体评价的对象应为部门或镇街"):
        call(db, dept.get_sheet, admin_actor, YEAR, unit_id)


def test_figures_are_prefilled_from_projects_monitoring_execution_and_last_year(
        db: Database, admin_actor: Actor, department: int) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        projects = [Project(year=YEAR, code=f"P{k}", name=f"项目{k}", unit_id=department, attribute="new",
                            nature="one_off", fund_type="general", total_amount=D(amount), fiscal_amount=D(amount),
                            carryover_amount=D(0), other_amount=D(0)) for k, amount in ((1, 600), (2, 400))]
        s.add_all(projects)
        s.flush()
        s.add_all([ExecutionRecord(project_id=projects[0].id, year=YEAR, month=3, amount=D("450.5")),
                   ExecutionRecord(project_id=projects[1].id, year=YEAR, month=5, amount=D(300))])
        round_ = MonitoringRound(year=YEAR, name="1-8月", as_of_month=8, status="open", opened_by="t")
        s.add(round_)
        s.flush()
        s.add_all([MonitoringEntry(round_id=round_.id, project_id=projects[0].id, budget_adjustment=D(100),
                                   updated_by="t"),
                   MonitoringEntry(round_id=round_.id, project_id=projects[1].id, budget_adjustment=D(-50),
                                   updated_by="t")])
        s.add(Evaluation(year=YEAR - 1, kind="department", subject_kind="department", unit_id=department,
                         title="上年", status="final", created_by="t",
                         data_json=json.dumps({"figures": {"sangong": "12.5", "posts": "48"}})))
        uow.commit()
    sheet = call(db, dept.get_sheet, admin_actor, YEAR, department)
    assert sheet.status == "none" and sheet.evaluation_id is None
    assert sheet.prefilled == {"initial_budget": D(1000), "added_budget": D(100), "budget": D(1050),
                               "spending_budget": D(1050), "budget_done": D("750.50"), "carryover": D("299.50"),
                               "sangong_prev": D("12.5"), "posts": D(48)}
    assert sheet.figures["budget"] == D(1050) and sheet.figures["staff"] is None
    result = sheet.result()
    assert result.by_key()["C3"].figure == D("71.48") and not result.complete
