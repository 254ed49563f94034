"""The results package (bureau → unit) between two real databases holding the same demo county: a hub and a
spoke enrolled with the key the hub issued for one department. Decisions, approved goals, evaluation results,
rectification items and notices, settings and library entries made on the hub arrive on the spoke exactly (the
spoke's rows, as the exporter reads them, equal the hub's); conflicts, located problems, refusals and repeats,
each on real files. The pair and its helpers are shared with test_exchange_feedback."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from core.common.errors import ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.exchange import kinds as xk
from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange import results as xr
from core.exchange.reference import library_rows, setting_rows
from core.exchange.results_evaluations import evaluation_rows
from core.exchange.results_goals import goal_result_rows
from core.exchange.results_register import register_rows
from core.goals import service as goals
from core.goals.rules.goal_table import can_edit
from core.library import service as library
from core.library.dto import LibraryEntryInput
from core.org import auth, settings
from core.org.rules.roles import Actor, Role
from core.results import rectification
from core.results.dto import ItemInput
from core.results.rectification_notices import issue_notices
from core.review import workspace as review
from core.review.dto import ReviewForm
from db.database import Database, open_database
from db.models import (
    Evaluation,
    GoalTable,
    GoalTableVersion,
    Indicator,
    Project,
    RectificationItem,
    Unit,
    utcnow,
)
from tests.conftest import PASSWORD, actor_of
from tests.services.exchange_helpers import fingerprint

YEAR = 2024
CULVERT = LibraryEntryInput(
    sector="交通运输", level1="产出指标", level2="数量指标", name="新建农村公路涵洞数量", comparator="≥", unit="座",
    typical_min="2", typical_max="40", scoring="完成目标值得满分，未完成按完成比例得分", note="=含圆管涵、盖板涵")


@dataclass
class Pair:
    hub: Database
    spoke: Database
    admin: Actor  # the first administrator, the same on both installations
    unit: str  # the spoke's department
    submitted: str  # the project code of one of its submitted goal tables
    approved: str  # ... and of one of its approved ones


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Actor]:
    """The demo county written once; every test copies it for its hub and its spoke."""
    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    db = open_database(path)
    admin = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, demo.generate_demo, admin, scale=0.05)
    db.close()
    return path, admin


def _pick(db: Database) -> tuple[str, str, str]:
    """A department with a submitted and an approved goal table, a rectification item and a key evaluation."""
    with db.unit_of_work() as uow:
        s = uow.session

        def tables(status: str) -> dict[str, str]:
            return dict(s.execute(select(Unit.code, func.min(Project.code)).join(Project, Project.unit_id == Unit.id)
                                  .join(GoalTable, GoalTable.project_id == Project.id)
                                  .where(Project.year == YEAR, GoalTable.status == status).group_by(Unit.code)).all())
        submitted, approved = tables("submitted"), tables("approved")
        items = set(s.scalars(select(Unit.code).join(RectificationItem, RectificationItem.unit_id == Unit.id)))
        keyed = set(s.scalars(select(Unit.code).join(Evaluation, Evaluation.unit_id == Unit.id)
                              .where(Evaluation.kind == "key")))
    unit = min(set(submitted) & set(approved) & items & keyed)
    return unit, submitted[unit], approved[unit]


@pytest.fixture
def pair(county: tuple[Path, Actor], tmp_path: Path) -> Iterator[Pair]:
    source, admin = county
    hub = open_database(shutil.copy(source, tmp_path / "hub.sqlite"))
    spoke = open_database(shutil.copy(source, tmp_path / "spoke.sqlite"))
    unit, submitted, approved = _pick(hub)
    call(spoke, xp.become_spoke, admin, unit, call(hub, xp.issue_key, admin, unit).key_hex, "某县财政局")
    yield Pair(hub, spoke, admin, unit, submitted, approved)
    hub.close()
    spoke.close()


# --- helpers shared with test_exchange_feedback ------------------------------------------------------------


def export(p: Pair, path: Path, unit: str | None = None) -> Path:
    return call(p.hub, xr.export_results, p.admin, YEAR, path, unit or p.unit)


def project_id(db: Database, code: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(Project.id).where(Project.code == code, Project.year == YEAR))


def unit_id(db: Database, code: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(Unit.id).where(Unit.code == code))


def decide(p: Pair, code: str, grade: str, opinion: str = "", dimensions: dict[str, str] | None = None) -> None:
    pid = project_id(p.hub, code)
    token = call(p.hub, goals.get_table, p.admin, pid).updated_at
    call(p.hub, review.save_review, p.admin, pid, ReviewForm(grade, dimensions or {}, opinion), token,
         decide=True)


def snapshot(db: Database, unit: str) -> dict[str, list[dict[str, Any]]]:
    """What the results package would carry from this database for the unit (monitoring warnings aside: the
    spoke keeps none), without the row versions each installation counts on its own."""
    with db.unit_of_work() as uow:
        s = uow.session
        ids = xpk.unit_ids(s, s.scalar(select(Unit).where(Unit.code == unit)))
        reviews, approved = goal_result_rows(s, YEAR, ids)
        items, notices = register_rows(s, YEAR, ids)
        sheets = {"reviews": reviews, "approved": approved, "evaluations": evaluation_rows(s, YEAR, ids),
                  "items": items, "notices": notices, "settings": setting_rows(s), "library": library_rows(s, retired=True)}
    return {k: [{c: v for c, v in r.items() if c != "version"} for r in rows] for k, rows in sheets.items()}


def statuses(preview: xpk.PackagePreview) -> Counter[tuple[str, str]]:
    return Counter((c.sheet, c.status) for c in preview.changes)


def line_of(path: Path, sheet: str, row_id: str) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    return next(n for n, r in enumerate(wb[sheet].iter_rows(values_only=True), 1) if r[0] == row_id)


# --- the bureau's work of a year, made on the hub ----------------------------------------------------------


def _bureau_work(p: Pair) -> dict[str, str]:
    """A 良 decision with opinions that look like formulas, the bureau's correction of an approved table, a new
    item, a closed item, a notice, a changed and a new evaluation, a setting and a library entry."""
    decide(p, p.submitted, "good", "=请补充满意度指标后执行", {"completeness": "+缺少时效指标", "feasibility": "@进度安排偏紧"})
    _rename_first_indicator(p.hub, p.approved, "（财政局修改完善）")
    with p.hub.unit_of_work() as uow:
        uow.write()
        s = uow.session
        key = s.scalar(select(Evaluation).join(Unit).where(Unit.code == p.unit, Evaluation.kind == "key"))
        key.score, key.grade, key.finalised_at = Decimal("78.35"), "中", utcnow()
        key.updated_at = key.finalised_at
        s.add(Evaluation(year=YEAR, kind="key", subject_kind="policy", unit_id=unit_id(p.hub, p.unit),
                         title="-农村公路养护补助政策评价", status="final", score=Decimal("91.2"), grade="优",
                         created_by="admin", finalised_at=utcnow(), updated_at=utcnow()))
        uow.commit()
    added = call(p.hub, rectification.add_item, p.admin, ItemInput(
        YEAR, unit_id(p.hub, p.unit), "补充完善绩效指标，量化产出目标；  全角：ＡＢＣ１２３％", date(2024, 12, 1),
        date(2024, 12, 20), project_id(p.hub, p.submitted), "review")).uid
    call(p.hub, rectification.record_feedback, p.admin, added, "已修订并报送 =1+1", utcnow())
    call(p.hub, rectification.recheck, p.admin, added, True, "经复核，整改到位。")
    fresh = call(p.hub, rectification.add_item, p.admin, ItemInput(
        YEAR, unit_id(p.hub, p.unit), "@加快资金支付进度", date(2024, 12, 2), date(2024, 12, 30), None, "monitoring")).uid
    call(p.hub, issue_notices, p.admin, YEAR, "reminder", [unit_id(p.hub, p.unit)], date(2024, 12, 28))
    call(p.hub, settings.update_settings, p.admin, {"monitoring.budget_red_below": "55.5"})
    call(p.hub, library.add_entry, p.admin, CULVERT)
    return {"closed": added, "fresh": fresh}


# --- tests -------------------------------------------------------------------------------------------------


def test_the_bureaus_results_arrive_exactly_and_a_repeat_is_a_no_op(pair: Pair, tmp_path: Path) -> None:
    before = snapshot(pair.spoke, pair.unit)
    assert before == snapshot(pair.hub, pair.unit)  # the same county on both sides
    work = _bureau_work(pair)
    package = export(pair, tmp_path / "results.xlsx")
    preview = call(pair.spoke, xr.preview_results, pair.admin, package)
    assert preview.decision == "new" and not preview.problems, preview.problems
    found = statuses(preview)
    assert found[("审核结论", "new")] == 1 and found[("批复目标", "changed")] == 1
    assert found[("评价结果", "changed")] == 1 and found[("评价结果", "new")] == 1
    assert found[("整改事项", "new")] == 1 and found[("整改文书", "new")] == 1
    assert found[("系统设置", "changed")] == 1 and found[("指标库", "new")] == 1
    assert not preview.by_status("conflicting")
    assert work["closed"] not in {c.code for c in preview.changes}  # closed before the unit ever saw it
    done = call(pair.spoke, xr.apply_results, pair.admin, package)
    assert len(done.written) == sum(found[k] for k in found if k[1] in ("new", "changed"))
    after = snapshot(pair.spoke, pair.unit)
    hub = snapshot(pair.hub, pair.unit)
    assert after == {**hub, "items": [r for r in hub["items"] if r["row_id"] != work["closed"]]}
    assert call(pair.spoke, review.latest_decision, pair.admin, project_id(pair.spoke, pair.submitted)) == \
        call(pair.hub, review.latest_decision, pair.admin, project_id(pair.hub, pair.submitted))
    with pair.spoke.unit_of_work() as uow:
        assert uow.session.scalar(select(GoalTable.status).join(Project).where(Project.code == pair.submitted)) == \
            "approved"
    applied = fingerprint(pair.spoke)
    again = call(pair.spoke, xr.apply_results, pair.admin, package)
    assert again.preview.decision == "duplicate" and again.written == ()
    assert fingerprint(pair.spoke) == applied
    quiet = call(pair.spoke, xr.preview_results, pair.admin, export(pair, tmp_path / "again.xlsx"))
    assert quiet.decision == "new" and {c.status for c in quiet.changes} == {"unchanged"}


def test_what_the_bureau_closes_or_retires_travels_as_a_deletion_marker(pair: Pair, tmp_path: Path) -> None:
    work = _bureau_work(pair)
    call(pair.spoke, xr.apply_results, pair.admin, export(pair, tmp_path / "one.xlsx"))
    call(pair.hub, rectification.record_feedback, pair.admin, work["fresh"], "已加快支付，执行率 85%", utcnow())
    call(pair.hub, rectification.recheck, pair.admin, work["fresh"], True, "经复核，整改到位。")
    code = snapshot(pair.hub, pair.unit)["library"][0]["code"]
    call(pair.hub, library.deactivate_entry, pair.admin, code)
    package = export(pair, tmp_path / "two.xlsx")
    preview = call(pair.spoke, xr.preview_results, pair.admin, package)
    closing = [c for c in preview.changes if c.code == work["fresh"]]
    assert [c.status for c in closing] == ["changed"] and "关闭" in closing[0].reason
    assert [c.status for c in preview.changes if c.code == code] == ["changed"]
    call(pair.spoke, xr.apply_results, pair.admin, package)
    with pair.spoke.unit_of_work() as uow:
        assert uow.session.scalar(select(RectificationItem.status).where(RectificationItem.uid == work["fresh"])) == \
            "done"
    assert snapshot(pair.spoke, pair.unit)["library"] == snapshot(pair.hub, pair.unit)["library"]
    assert snapshot(pair.spoke, pair.unit)["library"][0]["deleted"]


def test_a_decision_the_unit_has_moved_past_is_left_alone(pair: Pair, tmp_path: Path) -> None:
    decide(pair, pair.submitted, "fair", "退回：产出指标不够量化，请修改后重新报送。")
    call(pair.spoke, xr.apply_results, pair.admin, export(pair, tmp_path / "one.xlsx"))
    pid = project_id(pair.spoke, pair.submitted)
    table = call(pair.spoke, goals.get_table, pair.admin, pid)
    assert table.status == "returned" and can_edit(table.status)
    call(pair.spoke, goals.save_and_submit, pair.admin, pid, table.content, table.updated_at)  # the unit resubmits
    again = call(pair.spoke, xr.preview_results, pair.admin, export(pair, tmp_path / "two.xlsx"))
    assert [c.status for c in again.changes if c.sheet == "审核结论" and c.code == pair.submitted] == ["unchanged"]
    call(pair.spoke, xr.apply_results, pair.admin, export(pair, tmp_path / "three.xlsx"))
    assert call(pair.spoke, goals.get_table, pair.admin, pid).status == "submitted"  # not sent back to 退回


def _rename_first_indicator(db: Database, code: str, suffix: str) -> None:
    """The bureau's correction (良: 财政部门与预算部门协商修改完善) of a table's current version."""
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        table = s.scalar(select(GoalTable).join(Project).where(Project.code == code, Project.year == YEAR))
        version = s.scalar(select(GoalTableVersion.id).where(GoalTableVersion.goal_table_id == table.id,
                                                           GoalTableVersion.version == table.current_version))
        first = s.scalar(select(Indicator).where(Indicator.version_id == version).order_by(Indicator.position))
        first.name = f"{first.name}{suffix}"
        uow.commit()


def test_a_decision_on_a_table_changed_here_after_it_is_conflicting(pair: Pair, tmp_path: Path) -> None:
    _rename_first_indicator(pair.hub, pair.submitted, "（财政局修改完善）")
    decide(pair, pair.submitted, "good", "已与单位协商完善指标。")
    with pair.spoke.unit_of_work() as uow:  # the unit touched its table after the bureau decided
        uow.write()
        uow.session.scalar(select(GoalTable).join(Project).where(Project.code == pair.submitted)).updated_at = utcnow()
        uow.commit()
    before = call(pair.spoke, goals.get_table, pair.admin, project_id(pair.spoke, pair.submitted))
    package = export(pair, tmp_path / "results.xlsx")
    preview = call(pair.spoke, xr.preview_results, pair.admin, package)
    conflicting = {c.sheet: c for c in preview.by_status("conflicting")}
    assert {c.code for c in conflicting.values()} == {pair.submitted} and set(conflicting) == {"审核结论", "批复目标"}
    assert "之后修改过" in conflicting["审核结论"].reason and "尚未写入" in conflicting["批复目标"].reason
    call(pair.spoke, xr.apply_results, pair.admin, package)
    assert call(pair.spoke, review.latest_decision, pair.admin, project_id(pair.spoke, pair.submitted)) is None
    after = call(pair.spoke, goals.get_table, pair.admin, project_id(pair.spoke, pair.submitted))
    assert (after.status, after.content, after.current_version) == (before.status, before.content,
                                                                   before.current_version)


def test_a_project_the_unit_lacks_is_a_located_problem_and_nothing_is_written(pair: Pair, tmp_path: Path) -> None:
    decide(pair, pair.submitted, "excellent")
    with pair.spoke.unit_of_work() as uow:
        uow.write()
        uow.session.scalar(select(Project).where(Project.code == pair.submitted)).code = "X-改名"
        uow.commit()
    package = export(pair, tmp_path / "results.xlsx")
    before = fingerprint(pair.spoke)
    preview = call(pair.spoke, xr.preview_results, pair.admin, package)
    line = line_of(package, "审核结论", pair.submitted)
    assert any((p.sheet, p.row, p.header) == ("审核结论", line, "项目编码") and pair.submitted in p.message
               for p in preview.problems), preview.problems
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.spoke, xr.apply_results, pair.admin, package)
    assert fingerprint(pair.spoke) == before


def test_another_units_an_older_and_a_badly_signed_package_are_refused(pair: Pair, tmp_path: Path) -> None:
    with pair.hub.unit_of_work() as uow:
        other = uow.session.scalar(select(Unit.code).where(Unit.kind == "department", Unit.code != pair.unit))
    before = fingerprint(pair.spoke)
    foreign = call(pair.spoke, xr.preview_results, pair.admin, export(pair, tmp_path / "other.xlsx", other))
    assert foreign.decision == "refused" and f"发给“{other}”" in foreign.refusal and not foreign.changes
    first = export(pair, tmp_path / "first.xlsx")
    second = export(pair, tmp_path / "second.xlsx")
    forged = tmp_path / "forged.xlsx"
    shutil.copy(second, forged)
    wb = openpyxl.load_workbook(forged)
    manifest = wb["清单"]
    row = next(r for r in manifest.iter_rows() if r[0].value == "sequence")
    row[1].value = "99"
    wb.save(forged)
    bad = call(pair.spoke, xr.preview_results, pair.admin, forged)
    assert bad.decision == "refused" and "签名无效" in bad.refusal
    with pytest.raises(ValidationError, match="签名无效"):
        call(pair.spoke, xr.apply_results, pair.admin, forged, confirm_unsigned=True)
    assert fingerprint(pair.spoke) == before
    call(pair.spoke, xr.apply_results, pair.admin, second)
    after = fingerprint(pair.spoke)
    with pytest.raises(ValidationError, match="旧包"):
        call(pair.spoke, xr.apply_results, pair.admin, first)
    assert fingerprint(pair.spoke) == after
    on_hub = call(pair.hub, xr.preview_results, pair.admin, second)
    assert on_hub.decision == "refused" and not on_hub.changes


def test_results_are_exported_only_on_the_hub_and_for_every_unit(pair: Pair, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="财政局"):
        call(pair.spoke, xr.export_results, pair.admin, YEAR, tmp_path / "x.xlsx")
    files = call(pair.hub, xk.export_all_units, pair.admin, xr.RESULTS_KIND, YEAR, tmp_path / "all").paths
    units = call(pair.hub, xr.units_with_results, pair.admin, YEAR)
    assert len(files) == len(units) > 1 and all(f.exists() for f in files)
    assert any(f.name == xk.file_name("results", YEAR, pair.unit, n) for f in files for c, n in units
               if c == pair.unit)
    mine = next(f for f in files if f.name.startswith(f"{YEAR}年结果反馈-{pair.unit}"))
    assert call(pair.spoke, xr.preview_results, pair.admin, mine).decision == "new"


def test_the_workbook_reads_for_people_and_text_is_never_a_formula(pair: Pair, tmp_path: Path) -> None:
    _bureau_work(pair)
    package = export(pair, tmp_path / "results.xlsx")
    wb = openpyxl.load_workbook(package)
    assert wb.sheetnames[:9] == ["说明", "审核结论", "批复目标", "监控预警", "评价结果", "整改事项", "整改文书",
                                 "系统设置", "指标库"]
    assert wb["清单"].sheet_state == "veryHidden"
    ws = wb["审核结论"]
    assert ws.freeze_panes == "A2" and ws.protection.sheet
    headers = [c.value for c in ws[1]]
    opinion = ws.cell(line_of(package, "审核结论", pair.submitted), headers.index("综合审核意见") + 1)
    assert opinion.value == "=请补充满意度指标后执行" and opinion.data_type == "s" and opinion.quotePrefix
    assert all(c.data_type != "f" for sheet in wb for row in sheet.iter_rows() for c in row)
    warnings = list(wb["监控预警"].iter_rows(values_only=True))
    lights = [r[warnings[0].index("预警等级")] for r in warnings[1:]]
    assert lights and set(lights) <= {"红灯", "黄灯"} and lights == sorted(lights, key="红灯黄灯".find)


def test_a_clerk_applies_the_results_and_settings_wait_for_the_administrator(pair: Pair, tmp_path: Path) -> None:
    decide(pair, pair.submitted, "excellent")
    call(pair.hub, settings.update_settings, pair.admin, {"monitoring.budget_red_below": "55.5"})
    clerk = actor_of(Role.CLERK, unit_id(pair.spoke, pair.unit))
    package = export(pair, tmp_path / "results.xlsx")
    preview = call(pair.spoke, xr.preview_results, clerk, package)
    waiting = [c for c in preview.by_status("conflicting")]
    assert [(c.sheet, c.code) for c in waiting] == [("系统设置", "monitoring.budget_red_below")]
    assert "管理员" in waiting[0].reason
    done = call(pair.spoke, xr.apply_results, clerk, package)
    assert done.written == (f"审核结论:{pair.submitted}",)
    with pair.spoke.unit_of_work() as uow:
        assert settings.get(uow.session, "monitoring.budget_red_below") != Decimal("55.5")
