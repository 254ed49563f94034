"""指标类型 through the goals service and the goals package, on real databases and real workbooks: a chosen kind
survives a version adjustment (and the approval between two), an inferred one follows the new value, an
unknown code is refused, and kinds come through a unit → bureau package unchanged (chosen ones still chosen)."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import profile as xp
from core.goals import service as goals
from core.goals.rules.goal_table import IndicatorRow
from core.goals.rules.indicator_kind import infer_kind
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from db.codes import IndicatorKind
from db.database import Database, open_database
from db.models import GoalTable, Project, Unit
from tests.services.exchange_helpers import YEAR, county, headers, project_id

REVIEWER = Actor("rev1", "审核员甲", Role.REVIEWER)


def test_a_chosen_kind_survives_adjustments_and_an_inferred_one_follows_the_value(tmp_path: Path) -> None:
    db, admin = county(tmp_path / "county.sqlite")
    row = next(r for r in call(db, goals.list_tables, admin, YEAR, "approved"))
    before = call(db, goals.get_table, admin, row.project_id)
    first, second = before.content.indicators[:2]
    assert first.kind is not None and not first.kind_chosen  # the demo's rows carry their inferred kind
    chosen = next(k for k in IndicatorKind if k != first.kind)
    with pytest.raises(ValidationError, match="指标类型“monthly”无效"):
        call(db, goals.adjust, admin, row.project_id, replace(before.content, indicators=(
            replace(first, kind="monthly", kind_chosen=True), *before.content.indicators[1:])),
            "年中预算调整，指标相应调整", before.updated_at)
    content = replace(before.content, indicators=(replace(first, kind=chosen, kind_chosen=True),
                                                  *before.content.indicators[1:]))
    call(db, goals.adjust, admin, row.project_id, content, "年中预算调整，指标类型更正", before.updated_at)
    adjusted = call(db, goals.get_table, admin, row.project_id)
    assert adjusted.current_version == 2 and adjusted.content.indicators[0].kind == chosen
    assert adjusted.content.indicators[0].kind_chosen
    changes = call(db, goals.compare_versions, admin, row.project_id, 1, 2)
    assert [(c.place.rsplit("：", 1)[-1], c.after) for c in changes] == [("指标类型", {
        "cumulative": "累计型", "rate": "比率型", "milestone": "时点型", "qualitative": "定性"}[chosen])]
    view = call(db, review.open_review, REVIEWER, row.project_id)
    call(db, review.save_review, REVIEWER, row.project_id, review.ReviewForm("excellent"), view.updated_at, True)
    approved = call(db, goals.get_table, admin, row.project_id)
    assert approved.status == "approved"
    # the second adjustment changes both rows' values: the chosen kind stays, the inferred one follows
    rows = approved.content.indicators
    new_values = (replace(rows[0], comparator=">=", target=Decimal(95), target_text=None, unit_of_measure="%"),
                  replace(rows[1], comparator=">=", target=Decimal(95), target_text=None, unit_of_measure="%"),
                  *rows[2:])
    call(db, goals.adjust, admin, row.project_id, replace(approved.content, indicators=new_values),
         "再次调整，目标值改为比率", approved.updated_at)
    third = call(db, goals.get_table, admin, row.project_id)
    assert third.current_version == 3
    assert (third.content.indicators[0].kind, third.content.indicators[0].kind_chosen) == (chosen, True)
    assert (third.content.indicators[1].kind, third.content.indicators[1].kind_chosen) == (IndicatorKind.RATE,
                                                                                           False)
    assert second.kind_chosen is False
    db.close()


def _draft_pair(tmp_path: Path) -> tuple[Database, Actor, Database, Actor, str]:
    """A hub and a spoke from the same demo county, the spoke enrolled as a unit that has a draft table; the
    draft's project code."""
    hub, hub_admin = county(tmp_path / "hub.sqlite")
    spoke, spoke_admin = county(tmp_path / "spoke.sqlite")
    with hub.unit_of_work() as uow:
        unit, code = uow.session.execute(
            select(Unit.code, Project.code).join(Project, Project.unit_id == Unit.id)
            .join(GoalTable, GoalTable.project_id == Project.id)
            .where(GoalTable.status == "draft", Project.year == YEAR).order_by(Project.code)).first()
    call(spoke, xp.become_spoke, spoke_admin, unit, call(hub, xp.issue_key, hub_admin, unit).key_hex, "某县财政局")
    return hub, hub_admin, spoke, spoke_admin, code


def test_kinds_come_through_a_goals_package_unchanged(tmp_path: Path) -> None:
    hub, hub_admin, spoke, spoke_admin, code = _draft_pair(tmp_path)
    before = call(spoke, goals.get_table, spoke_admin, project_id(spoke, code))
    first = before.content.indicators[0]
    chosen = next(k for k in IndicatorKind if k != first.kind)
    extra = (IndicatorRow("效益指标", "经济效益指标", "带动效应", ">=", Decimal(3)),  # 待定: nothing decides it
             IndicatorRow("产出指标", "时效指标", "项目完成时间", "qual", None, "2024年11月30日前"))
    content = replace(before.content, indicators=(replace(first, kind=chosen, kind_chosen=True),
                                                  *before.content.indicators[1:], *extra))
    call(spoke, goals.save_draft, spoke_admin, before.project_id, content, before.updated_at)
    sent = call(spoke, goals.get_table, spoke_admin, before.project_id).content
    assert [r.kind for r in sent.indicators[-2:]] == [None, IndicatorKind.MILESTONE]
    package = call(spoke, xg.export_goals, spoke_admin, YEAR, tmp_path / "goals.xlsx")
    assert "指标类型" in headers(package, "绩效指标")
    preview = call(hub, xg.preview_goals, hub_admin, package)
    assert not preview.problems and [c.code for c in preview.by_status("changed")] == [code]
    call(hub, xg.apply_goals, hub_admin, package)
    arrived = call(hub, goals.get_table, hub_admin, project_id(hub, code)).content
    assert arrived == sent
    assert [r.kind_chosen for r in arrived.indicators] == [r.kind_chosen for r in sent.indicators]
    assert arrived.indicators[0].kind_chosen and arrived.indicators[0].kind == chosen
    hub.close()
    spoke.close()


def test_the_upgrade_gives_existing_indicators_their_kind(tmp_path: Path) -> None:
    """Migration 0011 on a released schema (0007): every indicator gets the inferred kind, none is marked chosen,
    and only those the rules cannot decide stay 待定 (NULL)."""
    target = tmp_path / "old.sqlite"
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "schema_0007.sqlite", target)
    open_database(target).close()
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT level1, level2, name, comparator, target, target_text, unit_of_measure, kind, "
                            "kind_chosen FROM indicator").fetchall()
    assert rows and not any(r[8] for r in rows)
    expected = [infer_kind(IndicatorRow(*r[:4], None if r[4] is None else Decimal(r[4]), r[5], r[6])) for r in rows]
    assert [r[7] for r in rows] == expected
    assert sum(k is None for k in expected) < len(rows) / 50
