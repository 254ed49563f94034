"""The issue's end-to-end flow on real files between two real SQLite databases: the bureau's demo county (hub)
enrols a fresh unit installation (spoke) with an enrolment package; the bureau's goals package brings the unit's
projects (项目信息) and goal tables, its results package the decisions, approved goals and rectification items, its
monitoring package opens the round on the unit installation (no one opens it there by hand) and brings its tables;
the unit revises its returned goal table, updates a monitoring table and reports on a rectification item, and its
goals, monitoring and feedback packages are applied at the bureau."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from core.common.runner import call
from core.exchange import enrolment as xe
from core.exchange import kinds as xk
from core.exchange import projects as xpj
from core.goals import service as goals
from core.goals.rules.goal_table import IndicatorRow
from core.goals.rules.indicator_kind import settle_kinds
from core.monitoring import rounds as monitoring_rounds
from core.org import auth
from core.org.rules.roles import Actor
from core.results import rectification
from core.review import workspace as review
from core.review.dto import ReviewForm
from db.database import Database, open_database
from db.models import GoalTable, MonitoringEntry, MonitoringRound, Project, RectificationItem, Unit, utcnow
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import ROUND, YEAR, county, ledger

REVISED = IndicatorRow("产出指标", "数量指标", "单位修改后新增：培训人次", ">=", Decimal("120"), None, "人次",
                       Decimal("10"), "完成得满分，每少 10 人次扣 1 分", "=单位端补充")


def _choose(hub: Database) -> tuple[str, str, str, str]:
    """A unit of the demo county (with its budget units) holding a submitted goal table, an approved one with a
    monitoring table in ROUND, and an open rectification item: (unit, submitted, monitored, item uid)."""
    with hub.unit_of_work() as uow:
        s = uow.session
        for unit in s.scalars(select(Unit).where(Unit.kind.in_(("department", "township"))).order_by(Unit.code)):
            ids = [unit.id, *s.scalars(select(Unit.id).where(Unit.parent_id == unit.id))]
            tables = dict(s.execute(select(GoalTable.status, func.min(Project.code)).join(Project)
                                    .where(Project.unit_id.in_(ids), Project.year == YEAR)
                                    .group_by(GoalTable.status)).all())
            monitored = s.scalar(select(func.min(Project.code)).join(MonitoringEntry).join(GoalTable, (
                GoalTable.project_id == Project.id)).join(MonitoringRound).where(
                Project.unit_id.in_(ids), GoalTable.status == "approved", MonitoringRound.name == ROUND))
            item = s.scalar(select(func.min(RectificationItem.uid)).where(
                RectificationItem.unit_id.in_(ids), RectificationItem.year == YEAR,
                RectificationItem.status.in_(("pending", "in_progress", "failed"))))
            if "submitted" in tables and monitored and item:
                return unit.code, tables["submitted"], monitored, item
    raise AssertionError("the demo county has no unit with a submitted and a monitored table and an open item")


def _project(db: Database, code: str) -> dict[str, object]:
    with db.unit_of_work() as uow:
        p, unit = uow.session.execute(select(Project, Unit.code).join(Unit).where(Project.code == code)).one()
        return {"unit": unit, **{k: getattr(p, k) for k in xpj.BASICS}}


def _codes(db: Database, unit: str) -> list[str]:
    with db.unit_of_work() as uow:
        s = uow.session
        me = s.scalar(select(Unit).where(Unit.code == unit))
        ids = [me.id, *s.scalars(select(Unit.id).where(Unit.parent_id == me.id))]
        return list(s.scalars(select(Project.code).where(Project.unit_id.in_(ids), Project.year == YEAR)
                              .order_by(Project.code)))


def _ids(db: Database, code: str) -> tuple[int, int]:
    with db.unit_of_work() as uow:
        s = uow.session
        return (s.scalar(select(Project.id).where(Project.code == code, Project.year == YEAR)),
                s.scalar(select(MonitoringRound.id).where(MonitoringRound.name == ROUND, MonitoringRound.year == YEAR)))


def _by_sheet(preview: object) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for c in preview.changes:  # type: ignore[attr-defined]
        out.setdefault(c.sheet, {})[c.code] = c.status
    return out


def _apply(db: Database, actor: Actor, path: Path, kind: str) -> None:
    preview = call(db, xk.preview_any, actor, path)
    assert (preview.kind, preview.decision, preview.problems) == (kind, "new", ()), (preview.refusal, preview.problems)
    assert call(db, xk.apply_any, actor, path).preview.decision == "new"


def test_bureau_to_a_fresh_unit_and_back(tmp_path: Path) -> None:
    hub, admin = county(tmp_path / "hub.sqlite")
    spoke = open_database(tmp_path / "unit.sqlite")
    try:
        clerk = call(spoke, auth.create_first_admin, "admin", "单位管理员", PASSWORD, PASSWORD)
        unit, returned, monitored, uid = _choose(hub)
        pid = _ids(hub, returned)[0]
        token = call(hub, goals.get_table, admin, pid).updated_at
        call(hub, review.save_review, admin, pid, ReviewForm("fair", {}, "退回：请量化产出指标。"), token,
             decide=True)

        # bureau → unit: enrolment, then the goals package brings the projects and their goal tables
        call(spoke, xe.enrol_from_package, clerk, call(hub, xe.export_enrolment, admin, unit, tmp_path / "登记包.xlsx").path)
        package = call(hub, xk.export_kind, admin, "goals", YEAR, tmp_path / "目标表-财政局.xlsx", unit).path
        preview = call(spoke, xk.preview_any, clerk, package)
        codes = _codes(hub, unit)
        assert preview.decision == "new" and not preview.problems, preview.problems
        assert _by_sheet(preview) == {"项目信息": dict.fromkeys(codes, "new"), "绩效目标表": dict.fromkeys(codes, "new")}
        assert call(spoke, xk.apply_any, clerk, package).preview.decision == "new"
        assert _codes(spoke, unit) == codes
        assert all(_project(spoke, c) == _project(hub, c) for c in codes)  # amounts to the 分, dates, people
        assert all(call(spoke, goals.get_table, clerk, _ids(spoke, c)[0]).content
                   == call(hub, goals.get_table, admin, _ids(hub, c)[0]).content for c in codes)

        # the results package: the return decision, approved goals, the unit's rectification items
        _apply(spoke, clerk, call(hub, xk.export_kind, admin, "results", YEAR, tmp_path / "结果反馈.xlsx", unit).path,
               "results")
        mine = call(spoke, goals.get_table, clerk, _ids(spoke, returned)[0])
        assert mine.status == "returned"
        assert call(spoke, goals.get_table, clerk, _ids(spoke, monitored)[0]).status == "approved"

        # the bureau's monitoring package opens its round on the unit installation and brings what it holds so far
        monitoring = call(hub, xk.export_kind, admin, "monitoring", YEAR, tmp_path / "监控表-财政局.xlsx", unit, ROUND).path
        assert (ROUND, "new") in {(c.code, c.status) for c in call(spoke, xk.preview_any, clerk, monitoring).changes}
        _apply(spoke, clerk, monitoring, "monitoring")

        # the unit's work: the returned table revised, a monitoring table updated, feedback on an item
        revised = replace(mine.content, annual_goal="按财政局意见修改后的年度目标",
                          indicators=(*mine.content.indicators, REVISED))
        call(spoke, goals.save_draft, clerk, mine.project_id, revised, mine.updated_at)
        project_id, round_id = _ids(spoke, monitored)
        view = call(spoke, monitoring_rounds.get_entry, clerk, round_id, project_id)
        form = replace(view.form, forecast_spent=Decimal("12.345678"), corrective_measures="单位端：加快支付进度")
        call(spoke, monitoring_rounds.save_entry, clerk, round_id, project_id, form, submit=True)
        call(spoke, rectification.record_feedback, clerk, uid, "已按要求完成整改，佐证材料已报送。", utcnow())

        # unit → bureau: each package previewed and applied at the bureau
        back = call(spoke, xk.export_kind, clerk, "goals", YEAR, tmp_path / "目标表-单位.xlsx").path
        preview = call(hub, xk.preview_any, admin, back)
        assert preview.decision == "new" and not preview.problems, preview.problems
        assert "项目信息" not in _by_sheet(preview)  # the same basics as the bureau's project library
        assert _by_sheet(preview)["绩效目标表"] == {c: "changed" if c == returned else "unchanged" for c in codes}
        assert call(hub, xk.apply_any, admin, back).written == (returned,)
        assert call(hub, goals.get_table, admin, pid).content == settle_kinds(revised)  # kinds as saved

        monitoring = call(spoke, xk.export_kind, clerk, "monitoring", YEAR, tmp_path / "监控表-单位.xlsx", None, ROUND).path
        preview = call(hub, xk.preview_any, admin, monitoring)
        assert preview.decision == "new" and not preview.problems, preview.problems
        assert {c.code: c.status for c in preview.by_status("changed")} == {monitored: "changed"}
        call(hub, xk.apply_any, admin, monitoring)
        hub_project, hub_round = _ids(hub, monitored)
        assert call(hub, monitoring_rounds.get_entry, admin, hub_round, hub_project).form == form

        feedback = call(spoke, xk.export_kind, clerk, "rectification_feedback", YEAR, tmp_path / "整改反馈.xlsx").path
        _apply(hub, admin, feedback, "rectification_feedback")
        item = call(hub, rectification.get_item, admin, uid)
        assert item.feedback == "已按要求完成整改，佐证材料已报送。" and item.feedback_package is not None

        incoming = [(kind, state) for direction, state, kind, _ in ledger(hub) if direction == "in"]
        assert incoming == [("goals", "applied"), ("monitoring", "applied"), ("rectification_feedback", "applied")]
        assert [kind for direction, _, kind, _ in ledger(spoke) if direction == "in"] == [
            "enrolment", "goals", "results", "monitoring"]
        assert call(hub, xk.preview_any, admin, back).decision == "duplicate"
    finally:
        hub.close()
        spoke.close()
