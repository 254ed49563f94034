"""单位自评 through the service on a demo county: the scoring boundaries of DOMAIN.md §4 (A = T, A = 2T for ≤,
T = 0 for =), qualitative bands, not-applicable re-scaling, overrides, the analysis rule, drafts that resume,
a cancelled start that writes nothing, finalised sheets that stay fixed, permissions and recorded grades."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.evaluation import self_evaluation as se
from core.evaluation.rules.self_evaluation import LineInput
from core.org import settings
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry, Evaluation, EvaluationLine, GoalTable, Project
from tests.self_evaluation_county import YEAR, County, build_county, form, start, with_line


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    return build_county(db, admin_actor)


def _count(db: Database, model: type) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _saved_line(db: Database, actor: Actor, county: County, key: str) -> tuple[Decimal | None, Decimal]:
    detail = call(db, se.get, actor, None, county.project_id)
    line = detail.result().line(key)
    return line.earned, line.points


def test_start_is_prefilled_from_the_goal_table_and_writes_nothing(db: Database, county: County,
                                                                    admin_actor: Actor) -> None:
    evaluations, audit = _count(db, Evaluation), _count(db, AuditEntry)
    draft = start(db, admin_actor, county)
    assert draft.status == "new" and draft.evaluation_id is None and draft.goal_expected
    # equal shares inside each level (no weights in this goal table); the remainder goes to the last line
    assert [line.weight for line in draft.lines] == [Decimal("16.67"), Decimal("16.67"), Decimal("16.66"),
                                                     Decimal("30.00"), Decimal("10.00")]
    assert draft.budget is not None and draft.budget >= draft.initial_budget > 0  # 年初 + the round's adjustment
    assert draft.executed is not None and draft.executed > 0  # the year's payments
    assert (_count(db, Evaluation), _count(db, AuditEntry)) == (evaluations, audit)  # cancel leaves nothing


@pytest.mark.parametrize(("key", "actual", "earned"), [
    ("I1", "100", "16.67"),  # ≥: A = T → full points
    ("I1", "50", "8.34"),  # ≥: A = T/2 → 16.67 × 0.5, half up
    ("I2", "10", "16.67"),  # ≤: A = T → full
    ("I2", "15", "8.34"),  # ≤: T < A < 2T → w × (1 − (A−T)/T)
    ("I2", "20", "0.00"),  # ≤: A = 2T → 0
    ("I3", "0", "16.66"),  # =, T = 0: A ≤ 0 → full
    ("I3", "1", "0.00"),  # =, T = 0: A > 0 → 0
])
def test_boundaries_through_the_service(db: Database, county: County, admin_actor: Actor, key: str, actual: str,
                                        earned: str) -> None:
    draft = start(db, admin_actor, county)
    call(db, se.save_draft, admin_actor, county.project_id, with_line(form(draft), LineInput(key, actual)))
    assert _saved_line(db, admin_actor, county, key)[0] == Decimal(earned)


def test_full_marks_make_100_and_execution_points_follow_the_rate(db: Database, county: County,
                                                                   admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    call(db, se.finalise, admin_actor, county.project_id, form(draft))
    assert call(db, se.get, admin_actor, None, county.project_id).score == Decimal("100.00")
    draft2 = start(db, admin_actor, county)
    assert draft2.status == "final" and draft2.grade == "优"
    result = draft2.result()
    assert (result.execution_rate, result.execution_points) == (Decimal("100.00"), Decimal("10.00"))


def test_qualitative_score_outside_its_band_is_refused(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    with pytest.raises(ValidationError, match=re.escape("得分应在 18.00 至 24.00 分之间")):
        call(db, se.save_draft, admin_actor, county.project_id,
             with_line(form(draft), LineInput("I4", "有所改善", "部分达成并具有一定效果", "25")))
    with pytest.raises(ValidationError, match=re.escape("得分应在 24.00 至 30.00 分之间")):
        call(db, se.save_draft, admin_actor, county.project_id,
             with_line(form(draft), LineInput("I4", "", "达成年度指标", "31")))
    with pytest.raises(ValidationError, match="请先选择达成程度"):
        call(db, se.save_draft, admin_actor, county.project_id, with_line(form(draft), LineInput("I4", "", "", "20")))
    call(db, se.save_draft, admin_actor, county.project_id,
         with_line(form(draft), LineInput("I4", "有所改善", "部分达成并具有一定效果", "20")))
    assert _saved_line(db, admin_actor, county, "I4")[0] == Decimal("20.00")


def test_wrong_types_are_refused_with_the_field_named(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    with pytest.raises(ValidationError, match="“改造农村危房户数”的实际完成值“一百”不是有效的数值"):
        call(db, se.save_draft, admin_actor, county.project_id, with_line(form(draft), LineInput("I1", "一百")))
    with pytest.raises(ValidationError, match="全年执行数“12x”不是有效的数值"):
        call(db, se.save_draft, admin_actor, county.project_id, form(draft, executed="12x"))
    with pytest.raises(ValidationError, match="全年预算数不能为负数"):
        call(db, se.save_draft, admin_actor, county.project_id, form(draft, budget="-1"))
    call(db, se.save_draft, admin_actor, county.project_id, with_line(form(draft), LineInput("I1", "100户")))
    assert _saved_line(db, admin_actor, county, "I1")[0] == Decimal("16.67")  # the unit may follow the number


def test_not_applicable_line_is_dropped_and_its_level_rescaled(db: Database, county: County,
                                                               admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    na = LineInput("I3", applicable=False)
    with pytest.raises(ValidationError, match="“安全责任事故”标为不适用，请填写偏差原因分析"):
        call(db, se.finalise, admin_actor, county.project_id, with_line(form(draft), na))
    f = with_line(with_line(form(draft), LineInput("I3", applicable=False, analysis="本年度无施工作业。")),
                  LineInput("I2", "20", analysis="审批材料退回补正，办理时限超出。"))
    call(db, se.finalise, admin_actor, county.project_id, f)
    detail = call(db, se.get, admin_actor, None, county.project_id)
    result = detail.result()
    assert [(r.points, r.earned) for r in result.lines[:3]] == [
        (Decimal("25.00"), Decimal("25.00")), (Decimal("25.00"), Decimal("0.00")), (Decimal(0), None)]
    assert detail.score == Decimal("75.00") and detail.grade == "中"  # 25 + 0 + 30 + 10 + 10


def test_override_needs_a_reason_and_stays_within_the_points(db: Database, county: County,
                                                             admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    with pytest.raises(ValidationError, match="必须写明理由"):
        call(db, se.save_draft, admin_actor, county.project_id,
             with_line(form(draft), LineInput("I1", "100", override="12")))
    with pytest.raises(ValidationError, match=re.escape("应在 0 至 16.67 分之间")):
        call(db, se.save_draft, admin_actor, county.project_id,
             with_line(form(draft), LineInput("I1", "100", override="17", override_reason="专家复核")))
    overridden = LineInput("I1", "100", override="12", override_reason="部分户数验收资料不全")
    with pytest.raises(ValidationError, match=re.escape("得分 12.00，低于分值 16.67，请填写偏差原因分析")):
        call(db, se.finalise, admin_actor, county.project_id, with_line(form(draft), overridden))
    call(db, se.save_draft, admin_actor, county.project_id, with_line(form(draft), overridden))
    resumed = start(db, admin_actor, county)
    assert resumed.input_for("I1").override == "12" and resumed.input_for("I1").override_reason
    assert resumed.result().line("I1").computed == Decimal("16.67")


def test_analysis_and_goal_text_are_required_to_finalise(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    with pytest.raises(ValidationError, match="实际完成情况"):
        call(db, se.finalise, admin_actor, county.project_id, form(draft, goal_actual="  "))
    lost = LineInput("I5", "45")
    with pytest.raises(ValidationError, match=re.escape("“受益群众满意度”得分 5.00，低于分值 10.00")):
        call(db, se.finalise, admin_actor, county.project_id, with_line(form(draft), lost))
    with db.unit_of_work() as uow:  # nothing half-saved by the refusals
        assert uow.session.scalar(select(Evaluation).where(Evaluation.project_id == county.project_id,
                                                           Evaluation.kind == "self")) is None
    call(db, se.finalise, admin_actor, county.project_id,
         with_line(form(draft), LineInput("I5", "45", analysis="入户走访不足，下一年度开展满意度回访。")))
    assert call(db, se.get, admin_actor, None, county.project_id).score == Decimal("95.00")


def test_draft_resumes_with_what_was_filled(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    partial = form(draft, executed="80")
    partial = with_line(with_line(partial, LineInput("I2", "")), LineInput("I4", "正在改善", "部分达成并具有一定效果"))
    call(db, se.save_draft, admin_actor, county.project_id, partial)
    resumed = start(db, admin_actor, county)
    assert resumed.status == "draft" and resumed.evaluation_id is not None and resumed.score is None
    assert resumed.executed == Decimal(80) and resumed.input_for("I1").actual == "100"
    assert resumed.input_for("I2").actual == "" and resumed.input_for("I4").level == "部分达成并具有一定效果"
    with pytest.raises(ValidationError, match="“审批办理时限”还没有填写实际完成值"):
        call(db, se.finalise, admin_actor, county.project_id, resumed.form())
    with db.unit_of_work() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "evaluation")))
    assert actions == ["evaluation.self.save"]


def test_finalised_sheet_cannot_be_edited(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    call(db, se.finalise, admin_actor, county.project_id, form(draft))
    lines = _count(db, EvaluationLine)
    with pytest.raises(ValidationError, match="已定稿，不能再修改"):
        call(db, se.save_draft, admin_actor, county.project_id, form(draft, executed="50"))
    with pytest.raises(ValidationError, match="已定稿"):
        call(db, se.finalise, admin_actor, county.project_id, form(draft))
    assert _count(db, EvaluationLine) == lines
    assert call(db, se.get, admin_actor, None, county.project_id).executed == Decimal(100)


def test_clerks_fill_their_own_unit_and_viewers_only_view(db: Database, county: County, admin_actor: Actor) -> None:
    own = Actor("clerk1", "填报员甲", Role.CLERK, county.unit_id, "本单位")
    other = Actor("clerk2", "填报员乙", Role.CLERK, county.other_unit_id, "他单位")
    leader = Actor("lead", "领导", Role.LEADER)
    draft = start(db, own, county)
    with pytest.raises(PermissionDenied, match="只能查看和填报本单位"):
        start(db, other, county)
    with pytest.raises(PermissionDenied, match="只能查看和填报本单位"):
        call(db, se.save_draft, other, county.project_id, form(draft))
    with pytest.raises(PermissionDenied, match="只能查看单位自评，不能填报"):
        start(db, leader, county)
    call(db, se.save_draft, own, county.project_id, form(draft))
    with pytest.raises(PermissionDenied):
        call(db, se.get, other, None, county.project_id)
    assert call(db, se.get, leader, None, county.project_id).status == "draft"
    assert {r.project_id for r in call(db, se.list_candidates, own, YEAR)} == {county.project_id}
    assert county.project_id not in {r.project_id for r in call(db, se.list_self, other, YEAR)}
    assert county.project_id in {r.project_id for r in call(db, se.list_self, leader, YEAR)}
    assert call(db, se.list_candidates, leader, YEAR) == []


def test_grade_is_recorded_with_its_thresholds(db: Database, county: County, admin_actor: Actor) -> None:
    draft = start(db, admin_actor, county)
    f = with_line(form(draft), LineInput("I2", "20", analysis="审批材料退回补正。"))  # 16.67 lost → 83.33
    call(db, se.finalise, admin_actor, county.project_id, f)
    call(db, settings.update_settings, admin_actor, {"evaluation.grade_excellent_from": "95",
                                                     "evaluation.grade_good_from": "85"})
    detail = call(db, se.get, admin_actor, None, county.project_id)
    assert (detail.score, detail.grade) == (Decimal("83.33"), "良")
    assert detail.thresholds[:2] == (("优", Decimal(90)), ("良", Decimal(80)))  # as finalised, not as now
    other = call(db, se.start_or_resume, admin_actor, county.other_project_id)
    assert other.thresholds[:2] == (("优", Decimal(95)), ("良", Decimal(85)))  # a new sheet sees today's


def test_project_without_an_approved_goal_table_is_refused(db: Database, county: County, admin_actor: Actor) -> None:
    with db.unit_of_work() as uow:
        pid = uow.session.scalar(select(Project.id).join(GoalTable, GoalTable.project_id == Project.id)
                                 .where(Project.year == YEAR, GoalTable.status == "submitted").limit(1))
    with pytest.raises(ValidationError, match="绩效目标表尚未批复（当前：已提交）"):
        call(db, se.start_or_resume, admin_actor, pid)
