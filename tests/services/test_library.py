"""指标库 service: the merged library, adding and retiring bureau entries (validation, permission, audit),
and the history of targets that approved goal tables set."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.common.errors import NotFound, PermissionDenied, ValidationError
from core.common.runner import call
from core.library import service as library
from core.library.dto import LibraryEntryInput
from core.library.rules import load_default_library
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import AuditEntry, FiscalYear, GoalTable, GoalTableVersion, Indicator, Project
from tests.conftest import actor_of

CULVERT = LibraryEntryInput(
    sector="交通运输", level1="产出指标", level2="数量指标", name="新建农村公路涵洞数量", comparator="≥", unit="座",
    typical_min="2", typical_max="40", unit_cost_min_wan="1.5", unit_cost_max_wan="12",
    scoring="完成目标值得满分，未完成按完成比例得分", note="含圆管涵、盖板涵")


def test_entries_merges_shipped_and_active_bureau_entries(db: Database, admin_actor: Actor) -> None:
    shipped = load_default_library()
    assert len(shipped) >= 150 and len({e.sector for e in shipped}) >= 10
    added = call(db, library.add_entry, admin_actor, CULVERT).row
    assert added is not None
    assert (added.code, added.source, added.comparator, added.unit_cost_max_wan) == ("BUR-0001", "本局新增", ">=",
                                                                                      Decimal(12))
    second = call(db, library.add_entry, admin_actor, replace(CULVERT, name="新建农村公路桥梁数量")).row
    assert second is not None and second.code == "BUR-0002"
    with db.unit_of_work() as uow:
        merged = library.entries(uow.session)
    assert merged[:len(shipped)] == tuple(shipped)
    assert [(e.id, e.name, e.unit) for e in merged[len(shipped):]] == [
        ("BUR-0001", "新建农村公路涵洞数量", "座"), ("BUR-0002", "新建农村公路桥梁数量", "座")]
    assert [r.code for r in call(db, library.browse, admin_actor, "交通运输", "涵洞")] == ["BUR-0001"]


def test_browse_filters_by_sector_and_text_for_every_role(db: Database, admin_actor: Actor) -> None:
    clerk = actor_of(Role.CLERK, 1)
    everything = call(db, library.browse, clerk)
    assert len(everything) == len(load_default_library()) and {r.source for r in everything} == {"内置"}
    education = call(db, library.browse, clerk, "教育")
    assert education and {r.sector for r in education} == {"教育"}
    assert all("满意度" in r.name or "满意度" in (r.note or "") for r in call(db, library.browse, clerk, None, "满意度"))
    assert call(db, library.browse, clerk, "教育", "ＥＤＵ－００１")[0].code == "EDU-001"  # full-width typed
    assert call(db, library.sectors, clerk)[0] == "教育"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"name": "  "}, "name", "三级指标名称：请填写"),
    ({"sector": ""}, "sector", "所属行业：请填写"),
    ({"level1": "投入指标"}, "level1", "一级指标：“投入指标”无效"),
    ({"level2": "社会效益指标"}, "level2", "二级指标：“社会效益指标”不属于产出指标"),
    ({"comparator": "约等于"}, "comparator", "指标性质：“约等于”无法识别"),
    ({"unit": ""}, "unit", "计量单位：指标性质为“≥”的定量指标必须填写计量单位"),
    ({"typical_min": "五十"}, "typical_min", "常见目标值下限：“五十”不是数值"),
    ({"typical_min": "50", "typical_max": "40"}, "typical_min", "常见目标值下限：下限 50 大于上限 40"),
    ({"unit_cost_min_wan": "20"}, "unit_cost_min_wan", "单位成本下限（万元）：下限 20 大于上限 12"),
    ({"unit_cost_max_wan": None}, "unit_cost_max_wan", "应同时填写或同时留空"),
    ({"level2": "质量指标"}, "unit_cost_min_wan", "只有数量指标才有单位成本"),
    ({"comparator": "定性", "unit": None}, "typical_min", "定性指标没有数值"),
    ({"scoring": ""}, "scoring", "评（扣）分标准：请填写"),
    ({"name": "长" * 201}, "name", "不能超过 200 个字"),
])
def test_add_entry_refuses_bad_input_naming_the_field(db: Database, admin_actor: Actor, change: dict[str, object],
                                                     field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        call(db, library.add_entry, admin_actor, replace(CULVERT, **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert call(db, library.browse, admin_actor, None, "涵洞") == []


def test_qualitative_entry_and_typed_numbers_are_cleaned(db: Database, admin_actor: Actor) -> None:
    qual = call(db, library.add_entry, admin_actor, LibraryEntryInput(
        "水利", "效益指标", "可持续影响指标", "  河道长效管护机制  ", "qual", scoring="机制健全得满分")).row
    assert qual is not None
    assert (qual.name, qual.comparator, qual.unit, qual.typical_min) == ("河道长效管护机制", "qual", None, None)
    typed = call(db, library.add_entry, admin_actor, replace(CULVERT, name="改造危桥数量", unit=" 座 ",
                                                             typical_min="１", typical_max="1,000")).row
    assert typed is not None
    assert (typed.unit, typed.typical_min, typed.typical_max) == ("座", Decimal(1), Decimal(1000))


def test_duplicate_name_and_unit_in_the_sector_is_refused(db: Database, admin_actor: Actor) -> None:
    shipped = next(e for e in load_default_library() if e.sector == "教育" and e.unit == "平方米")
    with pytest.raises(ValidationError, match=rf"行业“教育”已有同名同单位的指标“{shipped.name}”.*{shipped.id}") as caught:
        call(db, library.add_entry, admin_actor, replace(CULVERT, sector="教育", name=f" {shipped.name}", unit="㎡"))
    assert caught.value.field == "name"
    call(db, library.add_entry, admin_actor, CULVERT)
    with pytest.raises(ValidationError, match="BUR-0001"):
        call(db, library.add_entry, admin_actor, replace(CULVERT, name="新建农村公路涵洞 数量"))
    call(db, library.add_entry, admin_actor, replace(CULVERT, sector="水利"))  # another sector may have it
    call(db, library.add_entry, admin_actor, replace(CULVERT, unit="处"))  # and another unit


@pytest.mark.parametrize("role", [Role.CLERK, Role.EVALUATOR, Role.LEADER])
def test_only_bureau_staff_may_change_the_library(db: Database, admin_actor: Actor, role: Role) -> None:
    with pytest.raises(PermissionDenied, match="不能修改指标库"):
        call(db, library.add_entry, actor_of(role, 1 if role is Role.CLERK else None), CULVERT)
    call(db, library.add_entry, actor_of(Role.REVIEWER), CULVERT)
    with pytest.raises(PermissionDenied):
        call(db, library.deactivate_entry, actor_of(role, 1 if role is Role.CLERK else None), "BUR-0001")
    assert not library.can_manage(actor_of(role)) and library.can_manage(actor_of(Role.REVIEWER))


def test_deactivate_removes_the_entry_and_both_writes_are_audited(db: Database, admin_actor: Actor) -> None:
    call(db, library.add_entry, admin_actor, CULVERT)
    call(db, library.deactivate_entry, admin_actor, "BUR-0001")
    assert call(db, library.browse, admin_actor, None, "涵洞") == []
    with db.unit_of_work() as uow:
        assert all(e.id != "BUR-0001" for e in library.entries(uow.session))
        audits = uow.session.execute(select(AuditEntry.action, AuditEntry.actor)
                                     .where(AuditEntry.entity == "library_entry").order_by(AuditEntry.id)).all()
    assert [tuple(a) for a in audits] == [("library.add", "admin"), ("library.deactivate", "admin")]
    with pytest.raises(ValidationError, match="已经停用"):
        call(db, library.deactivate_entry, admin_actor, "BUR-0001")
    with pytest.raises(ValidationError, match="内置指标，不能停用"):
        call(db, library.deactivate_entry, admin_actor, "EDU-001")
    with pytest.raises(NotFound):
        call(db, library.deactivate_entry, admin_actor, "BUR-0999")
    again = call(db, library.add_entry, admin_actor, CULVERT)
    assert again.touches("library") and again.row is not None and again.row.code == "BUR-0002"  # never reused


def _goal_table(db: Database, unit_id: int, year: int, sector: str | None, status: str,
                indicators: list[tuple[str, str, str | None, Decimal | None]], code: str) -> None:
    """A project with a goal table whose version 1 is superseded by version 2 holding `indicators`
    (name, comparator, unit, target)."""
    with db.unit_of_work() as uow:
        uow.write()
        if uow.session.get(FiscalYear, year) is None:
            uow.session.add(FiscalYear(year=year))
        project = Project(year=year, code=code, name=f"项目{code}", unit_id=unit_id, sector=sector, attribute="new",
                          nature="one_off", fund_type="general", total_amount=Decimal(100),
                          fiscal_amount=Decimal(100), carryover_amount=Decimal(0), other_amount=Decimal(0))
        uow.session.add(project)
        uow.session.flush()
        table = GoalTable(project_id=project.id, status=status, current_version=2)
        uow.session.add(table)
        uow.session.flush()
        for number, rows in ((1, [("改造校舍面积", ">=", "平方米", Decimal(999_999))]), (2, indicators)):
            version = GoalTableVersion(goal_table_id=table.id, version=number, reason="申报", created_by="t")
            uow.session.add(version)
            uow.session.flush()
            for position, (name, comparator, unit, target) in enumerate(rows, 1):
                uow.session.add(Indicator(version_id=version.id, position=position, level1="产出指标",
                                          level2="数量指标", name=name, comparator=comparator, target=target,
                                          unit_of_measure=unit))
        uow.session.commit()


def test_history_gives_count_and_range_per_sector_and_year(db: Database, admin_actor: Actor,
                                                           two_units: tuple[int, int]) -> None:
    school, health = two_units
    area = ("改造校舍面积", ">=", "平方米")
    _goal_table(db, school, 2024, "教育", "approved", [(*area, Decimal(1200)), ("其他指标", ">=", "个", Decimal(1))], "A1")
    _goal_table(db, school, 2024, "教育", "approved", [("改造 校舍面积", ">=", "㎡", Decimal("800.5"))], "A2")
    _goal_table(db, school, 2024, "教育", "approved", [("改造校舍面积", ">=", "m2", Decimal(5000))], "A3")
    _goal_table(db, school, 2024, "教育", "approved", [("改造校舍面积", ">=", "个", Decimal(7))], "A4")  # other unit
    _goal_table(db, school, 2024, "教育", "submitted", [(*area, Decimal(1))], "A5")  # not approved
    _goal_table(db, school, 2023, "教育", "approved", [(*area, Decimal(300)), (*area, Decimal(500))], "B1")
    _goal_table(db, health, 2024, "卫生健康", "approved", [(*area, Decimal(40))], "C1")
    _goal_table(db, health, 2024, None, "approved", [(*area, None)], "C2")
    clerk = actor_of(Role.CLERK, school)
    rows = call(db, library.history, clerk, "改造校舍面积", "平方米")
    assert [(r.sector, r.year, r.count, r.minimum, r.median, r.maximum) for r in rows] == [
        ("卫生健康", 2024, 1, Decimal(40), Decimal(40), Decimal(40)),
        ("教育", 2024, 3, Decimal("800.5"), Decimal(1200), Decimal(5000)),
        ("教育", 2023, 2, Decimal(300), Decimal(400), Decimal(500)),
        ("（未填行业）", 2024, 1, None, None, None),
    ]
    assert all(isinstance(r.median, Decimal) for r in rows[:3])
    only = call(db, library.history, clerk, "改造校舍面积", "㎡", "教育")
    assert [(r.year, r.count) for r in only] == [(2024, 3), (2023, 2)]
    assert call(db, library.history, clerk, "改造校舍面积", "公里") == []
