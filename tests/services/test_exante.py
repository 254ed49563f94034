"""事前绩效评估 use cases on a real temporary SQLite database with the demo county (scale 0.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.exante import service as exante
from core.exante.dto import AssessmentRow
from core.org import settings
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry, ExAnteAssessment, Project
from tests.conftest import actor_of, demo_without_exante


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Actor:
    demo_without_exante(db, admin_actor)
    return admin_actor


def grades(grade: str = "良") -> dict[str, str]:
    return {item.id: grade for item in exante.scoring_sheet().items}


def _required_projects(db: Database, threshold: Decimal = Decimal(100)) -> set[int]:
    with db.unit_of_work() as uow:
        return set(uow.session.scalars(select(Project.id).where(Project.year == 2024, Project.attribute == "new",
                                                              Project.total_amount >= threshold)))


def _first(db: Database, actor: Actor) -> AssessmentRow:
    return call(db, exante.list_assessments, actor, 2024)[0]


def test_listing_shows_every_required_project(db: Database, county: Actor) -> None:
    required = _required_projects(db)
    assert required, "the demo county has new projects of 100万元 and more"
    rows = call(db, exante.list_assessments, county, 2024)
    assert {r.project_id for r in rows} == required
    assert {r.status_label for r in rows} == {"未评估"}
    assert [r.requested for r in rows] == sorted((r.requested for r in rows), reverse=True)
    result = call(db, exante.totals, county, 2024)
    assert (result.required, result.missing, result.count, result.cut) == (len(required), len(required), 0, 0)


def test_the_demo_county_has_assessed_every_required_project_but_the_planted_ones(db: Database,
                                                                                  admin_actor: Actor) -> None:
    report = call(db, demo.generate_demo, admin_actor, scale=0.2)
    missing = {p.project_code for p in report.planted if p.kind == "exante_missing"}
    rows = call(db, exante.list_assessments, admin_actor, 2024)
    assert missing and {r.project_code for r in rows if r.status != "final"} == missing
    final = [r for r in rows if r.status == "final"]
    assert final and all(r.score >= 60 and r.recommended is not None and r.recommended <= r.requested for r in final)
    assert any(r.recommended < r.requested for r in final)  # some were cut


def test_threshold_is_a_setting(db: Database, county: Actor) -> None:
    call(db, settings.update_settings, county, {"exante.threshold_wan": "500"})
    rows = call(db, exante.list_assessments, county, 2024)
    assert {r.project_id for r in rows} == _required_projects(db, Decimal(500))


def test_save_then_finalise(db: Database, county: Actor) -> None:
    row = _first(db, county)
    recommended = (row.requested / 2).quantize(Decimal("0.01"))
    changes = call(db, exante.save_assessment, county, row.project_id, grades("良"), recommended, "方案基本可行。")
    assert changes.touches("exante")
    detail = call(db, exante.get_assessment, county, row.project_id)
    assert (detail.status, detail.score, detail.conclusion_label) == ("draft", Decimal("80.00"), "部分支持")
    assert detail.cut == row.requested - recommended and detail.recommended == recommended
    listed = next(r for r in call(db, exante.list_assessments, county, 2024) if r.project_id == row.project_id)
    assert (listed.status_label, listed.score, listed.enters_library) == ("草稿", Decimal("80.00"), False)

    call(db, exante.finalise, county, row.project_id)
    listed = next(r for r in call(db, exante.list_assessments, county, 2024) if r.project_id == row.project_id)
    assert (listed.status_label, listed.enters_library) == ("已定稿", True)
    with pytest.raises(ValidationError, match="已定稿，不能再修改"):
        call(db, exante.save_assessment, county, row.project_id, grades("优"), row.requested, "改")
    with pytest.raises(ValidationError, match="已经定稿"):
        call(db, exante.finalise, county, row.project_id)
    with db.unit_of_work() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "exante_assessment")))
    assert actions == ["exante.save", "exante.finalise"]


def test_totals_add_up(db: Database, county: Actor) -> None:
    rows = call(db, exante.list_assessments, county, 2024)[:3]
    plans = [(grades("优"), rows[0].requested), (grades("良"), Decimal("1.23")), (grades("差"), Decimal(0))]
    for row, (graded, recommended) in zip(rows, plans, strict=True):
        call(db, exante.save_assessment, county, row.project_id, graded, recommended, "意见。")
        call(db, exante.finalise, county, row.project_id)
    result = call(db, exante.totals, county, 2024)
    asked = sum((r.requested for r in rows), Decimal(0))
    assert (result.count, result.asked, result.recommended) == (3, asked, rows[0].requested + Decimal("1.23"))
    assert result.cut == asked - result.recommended == rows[1].requested - Decimal("1.23") + rows[2].requested
    assert result.missing == result.required - 3
    labels = {r.project_id: r.conclusion_label for r in call(db, exante.list_assessments, county, 2024)}
    assert [labels[r.project_id] for r in rows] == ["予以支持", "部分支持", "不予支持"]


def test_clerk_reads_own_unit_and_may_not_assess(db: Database, county: Actor) -> None:
    row = _first(db, county)
    with db.unit_of_work() as uow:
        unit_id = uow.session.get(Project, row.project_id).unit_id  # type: ignore[union-attr]
    clerk = actor_of(Role.CLERK, unit_id)
    visible = call(db, exante.list_assessments, clerk, 2024)
    assert row.project_id in {r.project_id for r in visible}
    assert len(visible) < len(call(db, exante.list_assessments, county, 2024))
    with pytest.raises(PermissionDenied, match="无权进行事前绩效评估"):
        call(db, exante.save_assessment, clerk, row.project_id, grades(), row.requested, "")
    with pytest.raises(PermissionDenied):
        call(db, exante.save_assessment, actor_of(Role.LEADER), row.project_id, grades(), row.requested, "")
    for role in (Role.REVIEWER, Role.EVALUATOR):
        call(db, exante.save_assessment, actor_of(role), row.project_id, grades(), row.requested, "可行。")
    other = next(r for r in call(db, exante.list_assessments, county, 2024) if r.unit_name != row.unit_name)
    with pytest.raises(PermissionDenied):
        call(db, exante.get_assessment, clerk, other.project_id)


@pytest.mark.parametrize(("change", "amount", "message"), [
    ({"necessity.policy": ""}, None, "“立项必要性—政策相关性”还没有评定等级"),
    ({"funding.risk": "好"}, None, "“筹资合规性—筹资风险可控性”的等级“好”无效"),
    ({}, Decimal("-5"), "不能为负数"),
    ({}, "too much", "不能超过申请金额"),
])
def test_nothing_half_saved_on_bad_input(db: Database, county: Actor, change: dict[str, str],
                                         amount: Decimal | str | None, message: str) -> None:
    row = _first(db, county)
    recommended = row.requested + 1 if amount == "too much" else (amount if amount is not None else row.requested)
    with pytest.raises(ValidationError, match=message):
        call(db, exante.save_assessment, county, row.project_id, {**grades(), **change}, recommended, "意见")
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count(ExAnteAssessment.id))) == 0
        assert uow.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "exante_assessment")) == 0


def test_failing_score_recommends_nothing_and_report_needs_an_assessment(db: Database, county: Actor,
                                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    row = _first(db, county)
    with pytest.raises(ValidationError, match="还没有事前评估"):
        call(db, exante.report_pdf, county, row.project_id, tmp_path / "r.pdf")
    call(db, exante.save_assessment, county, row.project_id, grades("差"), row.requested, "不可行。")
    detail = call(db, exante.get_assessment, county, row.project_id)
    assert (detail.conclusion_label, detail.recommended, detail.cut) == ("不予支持", 0, row.requested)
    assert call(db, exante.report_pdf, county, row.project_id, tmp_path / "r.pdf").stat().st_size > 0
