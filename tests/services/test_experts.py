"""The expert library and third-party agencies: validation naming the field, edit and deactivate with audit
entries, filtering by field of expertise, workload per year and the agencies' quality ratings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.evaluation import experts
from core.evaluation import key as key_evaluation
from core.evaluation.dto import AgencyInput, ExpertInput
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry
from tests.conftest import actor_of


@pytest.mark.parametrize(("data", "field", "message"), [
    (ExpertInput(" "), "name", "请填写专家姓名"),
    (ExpertInput("张三"), "fields", "请填写专家“张三”的专业领域"),
    (ExpertInput("张三", fields="财政", phone="电话 123"), "phone", "联系电话“电话 123”格式不正确"),
    (ExpertInput("张三", fields="财政", unit_id=999), "unit_id", "所在单位（编号 999）不存在"),
    (ExpertInput("张" * 33, fields="财政"), "name", "过长"),
])
def test_expert_input_is_refused_naming_the_field(db: Database, admin_actor: Actor, data: ExpertInput, field: str,
                                                  message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        call(db, experts.save_expert, admin_actor, data)
    assert caught.value.field == field


def test_add_edit_filter_and_deactivate_with_audit(db: Database, admin_actor: Actor, two_units: tuple[int, int]) -> None:
    call(db, experts.save_expert, admin_actor, ExpertInput("张三", "县审计局", two_units[0], "财政，审计 财政", "高级审计师",
                                                            "0571-1234567"))
    call(db, experts.save_expert, admin_actor, ExpertInput("李四", "某大学", None, "农业、水利", "教授"))
    rows = call(db, experts.list_experts, admin_actor)
    assert [(r.name, r.fields, r.unit_name) for r in rows] == [("张三", ("财政", "审计"), "县教育局"),
                                                               ("李四", ("农业", "水利"), None)]
    assert [r.name for r in call(db, experts.list_experts, admin_actor, field="水")] == ["李四"]
    zhang = rows[0]
    call(db, experts.save_expert, admin_actor, ExpertInput("张三", "县审计局", None, "财政", "正高级审计师", "", zhang.id))
    call(db, experts.set_expert_active, admin_actor, zhang.id, False)
    assert [r.name for r in call(db, experts.list_experts, admin_actor)] == ["李四"]
    again = call(db, experts.list_experts, admin_actor, include_inactive=True)
    assert [(r.name, r.title, r.active, r.unit_id) for r in again] == [("张三", "正高级审计师", False, None),
                                                                       ("李四", "教授", True, None)]
    with db.unit_of_work() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "expert")))
    assert actions == ["expert.save", "expert.save", "expert.save", "expert.deactivate"]


def test_agencies_have_unique_names(db: Database, admin_actor: Actor) -> None:
    call(db, experts.save_agency, admin_actor, AgencyInput("华信会计师事务所", "备案机构", "王经理 13800000000"))
    with pytest.raises(ValidationError, match="已有名为“华信会计师事务所”的第三方机构") as caught:
        call(db, experts.save_agency, admin_actor, AgencyInput(" 华信会计师事务所 "))
    assert caught.value.field == "name"
    with pytest.raises(ValidationError, match="请填写第三方机构名称"):
        call(db, experts.save_agency, admin_actor, AgencyInput(""))
    agency = call(db, experts.list_agencies, admin_actor)[0]
    call(db, experts.set_agency_active, admin_actor, agency.id, False)
    assert call(db, experts.list_agencies, admin_actor) == []
    assert [a.active for a in call(db, experts.list_agencies, admin_actor, include_inactive=True)] == [False]


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.CLERK, Role.LEADER])
def test_only_evaluators_and_the_administrator_keep_the_library(db: Database, admin_actor: Actor, role: Role) -> None:
    with pytest.raises(PermissionDenied, match="无权维护专家库"):
        call(db, experts.save_expert, actor_of(role), ExpertInput("张三", fields="财政"))
    call(db, experts.save_expert, actor_of(Role.EVALUATOR), ExpertInput("张三", fields="财政"))
    assert len(call(db, experts.list_experts, admin_actor)) == 1


def test_workload_and_agency_ratings(db: Database, admin_actor: Actor) -> None:
    from tests.key_evaluation_county import YEAR, build

    county = build(db, admin_actor)
    first = call(db, key_evaluation.create, admin_actor, YEAR, "project", county.project_id, None).evaluation_id
    second = call(db, key_evaluation.create, admin_actor, YEAR, "department", county.other_department_id,
                  None).evaluation_id
    lead, member = county.experts[1], county.experts[2]
    call(db, key_evaluation.set_panel, admin_actor, first, [(lead, "lead"), (member, "member")], county.agency_id)
    call(db, key_evaluation.set_panel, admin_actor, second, [(lead, "member")], county.agency_id)
    load = {r.id: (r.panels, r.leads) for r in call(db, experts.list_experts, admin_actor, YEAR)}
    assert load[lead] == (2, 1) and load[member] == (1, 0) and load[county.experts[3]] == (0, 0)
    assert call(db, experts.list_experts, admin_actor, YEAR - 1)[0].panels == 0
    call(db, key_evaluation.rate_agency, admin_actor, first, 5)
    call(db, key_evaluation.rate_agency, admin_actor, second, 2)
    agency = call(db, experts.list_agencies, admin_actor)[0]
    assert (agency.evaluations, agency.rated, agency.average_rating) == (2, 2, Decimal("3.50"))
    ratings = call(db, experts.agency_ratings, admin_actor, county.agency_id)
    assert sorted((r.evaluation_id, r.rating_label) for r in ratings) == [(first, "5 分（优秀）"), (second, "2 分（较差）")]
    with pytest.raises(ValidationError, match="应为 1 至 5 分"):
        call(db, key_evaluation.rate_agency, admin_actor, first, 6)
