"""Goal tables: drafts, submission freezing a version, adjustments with reasons, conflicts, bad content."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.goals import service as goals
from core.goals.rules.goal_table import IndicatorRow
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import GoalTable, Project, Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> Database:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return db


def _project(db: Database, status: str) -> tuple[int, Actor]:
    with db.unit_of_work() as uow:
        project = uow.session.scalars(
            select(Project).join(GoalTable, GoalTable.project_id == Project.id)
            .where(GoalTable.status == status, Project.year == 2024).order_by(Project.id)).first()
        assert project is not None, status
        return project.id, Actor("clerk", "填报员", Role.CLERK, project.unit_id, "本单位")


def _more_roads(rows: tuple[IndicatorRow, ...]) -> tuple[IndicatorRow, ...]:
    first = rows[0]
    return (replace(first, target=(first.target or Decimal(0)) + 5), *rows[1:])


def test_draft_is_edited_in_place_then_submission_freezes_it(county: Database) -> None:
    project_id, clerk = _project(county, "draft")
    table = call(county, goals.get_table, clerk, project_id)
    assert table.status == "draft" and table.versions[0].submitted_at is None
    edited = replace(table.content, indicators=_more_roads(table.content.indicators), annual_goal="完成全年目标任务。")
    call(county, goals.save_draft, clerk, project_id, edited, table.updated_at)
    saved = call(county, goals.get_table, clerk, project_id)
    assert saved.current_version == 1 and saved.content == edited
    call(county, goals.submit, clerk, project_id, saved.updated_at)
    submitted = call(county, goals.get_table, clerk, project_id)
    assert submitted.status == "submitted" and submitted.versions[-1].submitted_at is not None
    with pytest.raises(ValidationError, match=r"已提交.*不能直接修改"):
        call(county, goals.save_draft, clerk, project_id, edited, submitted.updated_at)


def test_returned_table_gets_a_new_working_version(county: Database) -> None:
    project_id, clerk = _project(county, "returned")
    table = call(county, goals.get_table, clerk, project_id)
    assert table.versions[-1].submitted_at is not None  # frozen since it was submitted
    edited = replace(table.content, indicators=_more_roads(table.content.indicators))
    call(county, goals.save_draft, clerk, project_id, edited, table.updated_at)
    after = call(county, goals.get_table, clerk, project_id)
    assert after.current_version == 2 and after.versions[-1].reason == "退回后修改"
    changes = call(county, goals.compare_versions, clerk, project_id, 1, 2)
    assert len(changes) == 1 and changes[0].kind == "changed" and "指标值" in changes[0].place


def test_approved_table_changes_only_through_an_adjustment(county: Database) -> None:
    project_id, clerk = _project(county, "approved")
    table = call(county, goals.get_table, clerk, project_id)
    edited = replace(table.content, indicators=table.content.indicators[:-1])
    with pytest.raises(ValidationError, match="只能通过“调整”修改"):
        call(county, goals.save_draft, clerk, project_id, edited, table.updated_at)
    with pytest.raises(ValidationError, match="调整原因"):
        call(county, goals.adjust, clerk, project_id, edited, "改", table.updated_at)
    call(county, goals.adjust, clerk, project_id, edited, "年中预算调减，删除一项指标", table.updated_at)
    after = call(county, goals.get_table, clerk, project_id)
    assert after.status == "submitted" and after.current_version == 2
    assert after.versions[-1].reason.startswith("调整：年中预算调减") and after.versions[-1].submitted_at
    assert [c.kind for c in call(county, goals.compare_versions, clerk, project_id, 1, 2)] == ["removed"]


def test_two_editors_cannot_overwrite_each_other(county: Database) -> None:
    project_id, clerk = _project(county, "draft")
    opened_by_a = call(county, goals.get_table, clerk, project_id)
    opened_by_b = call(county, goals.get_table, clerk, project_id)
    a_content = replace(opened_by_a.content, annual_goal="A 的修改")
    call(county, goals.save_draft, clerk, project_id, a_content, opened_by_a.updated_at)
    with pytest.raises(goals.ConflictError, match="已被他人保存"):
        call(county, goals.save_draft, clerk, project_id, replace(opened_by_b.content, annual_goal="B"),
             opened_by_b.updated_at)
    assert call(county, goals.get_table, clerk, project_id).content.annual_goal == "A 的修改"


@pytest.mark.parametrize(("mutation", "field", "message"), [
    (dict(level2="经济效益指标"), "indicators[1].level2", "不属于"),
    (dict(comparator=">=", target=None), "indicators[1].target", "必须填写数值目标"),
    (dict(comparator="qual", target=Decimal(5), target_text=None), "indicators[1].target", "定性指标"),
    (dict(name="  "), "indicators[1].name", "没有填写三级指标名称"),
    (dict(weight=Decimal(-1)), "indicators[1].weight", "不能为负数"),
])
def test_bad_content_is_refused_and_nothing_is_saved(county: Database, mutation: dict, field: str,
                                                     message: str) -> None:
    project_id, clerk = _project(county, "draft")
    table = call(county, goals.get_table, clerk, project_id)
    rows = table.content.indicators
    bad = replace(table.content, indicators=(replace(rows[0], **mutation), *rows[1:]))
    with pytest.raises(ValidationError, match=message) as caught:
        call(county, goals.save_draft, clerk, project_id, bad, table.updated_at)
    assert caught.value.field == field
    assert call(county, goals.get_table, clerk, project_id) == table


def test_clerk_of_another_unit_is_refused(county: Database) -> None:
    project_id, clerk = _project(county, "draft")
    with county.unit_of_work() as uow:
        other_unit = uow.session.scalar(select(Unit.id).where(Unit.id != clerk.unit_id, Unit.kind == "department"))
    stranger = Actor("other", "他人", Role.CLERK, other_unit, "别的单位")
    with pytest.raises(PermissionDenied, match="只能查看和填报本单位"):
        call(county, goals.get_table, stranger, project_id)
    leader = Actor("boss", "领导", Role.LEADER)
    table = call(county, goals.get_table, leader, project_id)
    with pytest.raises(PermissionDenied):
        call(county, goals.save_draft, leader, project_id, table.content, table.updated_at)


def test_upgrade_from_schema_0001_marks_submitted_versions(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURES / "schema_0001.sqlite", target)
    open_database(target).close()
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT t.status, v.submitted_at FROM goal_table t "
                            "JOIN goal_table_version v ON v.goal_table_id = t.id").fetchall()
    conn.close()
    assert rows and all((status == "draft") == (submitted is None) for status, submitted in rows)


def test_list_tables_is_scoped_and_filtered(county: Database, admin_actor: Actor) -> None:
    everything = call(county, goals.list_tables, admin_actor, 2024)
    assert len(everything) == 80 and all(r.indicators >= 3 for r in everything)
    assert [r.total_amount for r in everything] == sorted((r.total_amount for r in everything), reverse=True)
    drafts = call(county, goals.list_tables, admin_actor, 2024, "draft")
    assert drafts and {r.status_label for r in drafts} == {"草稿"}
    _project_id, clerk = _project(county, "draft")
    own = call(county, goals.list_tables, clerk, 2024)
    assert own and {r.unit_id for r in own} == {clerk.unit_id}


def test_save_and_submit_in_one_unit_of_work(county: Database) -> None:
    project_id, clerk = _project(county, "draft")
    table = call(county, goals.get_table, clerk, project_id)
    edited = replace(table.content, annual_goal="保存并提交")
    call(county, goals.save_and_submit, clerk, project_id, edited, table.updated_at)
    after = call(county, goals.get_table, clerk, project_id)
    assert after.status == "submitted" and after.content.annual_goal == "保存并提交"
