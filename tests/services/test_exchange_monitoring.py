"""The monitoring package (监控表, unit → bureau) between a real hub and spoke built from the same demo county: the
round trip is lossless, save_entry's rules are reported as located problems, conflicts are left alone, the ledger
refuses old, foreign and badly signed packages, a LibreOffice re-save (untouched and edited) imports, and a
hand-filled blank template imports as unsigned after confirmation. The bureau's package opens its round on a fresh
unit installation (a clerk there cannot open rounds), once; a round of the same name with another 截至月份 is
refused there, and the hub refuses a round it never opened."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.exchange import enrolment as xe
from core.exchange import kinds as xk
from core.exchange import monitoring as xm
from core.monitoring import rounds as mr
from core.monitoring.dto import EntryInput, EntryView
from core.org import auth
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import AuditEntry, MonitoringEntry, MonitoringRound, Project, Unit
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import (
    ROUND,
    SOFFICE,
    YEAR,
    Pair,
    county,
    fingerprint,
    incoming,
    ledger,
    libreoffice,
    line_of,
    pair_of,
    project_id,
    round_id,
    set_cells,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    with pair_of(tmp_path) as made:
        yield made


def _view(db: Database, actor: object, code: str) -> EntryView:
    return call(db, mr.get_entry, actor, round_id(db), project_id(db, code))


def _edit_on_spoke(p: Pair, measures: str = "加快支付进度") -> EntryInput:
    view = _view(p.spoke, p.spoke_admin, p.monitored)
    first, *rest = view.form.lines
    doubtful = replace(first, actual=None if first.actual_text else Decimal("12.5"), forecast=Decimal("30.25"),
                       likelihood="possible", cause="制度", analysis="审批流程较长\n第二行", measures="=开头的文字",
                       needs_rectification=True)
    form = replace(view.form, budget_adjustment=Decimal("-1.234567"), forecast_spent=Decimal("88.5"),
                   budget_cause="经费", budget_analysis="资金拨付滞后", corrective_measures=measures,
                   lines=(doubtful, *rest))
    call(p.spoke, mr.save_entry, p.spoke_admin, round_id(p.spoke), project_id(p.spoke, p.monitored), form, True)
    return _view(p.spoke, p.spoke_admin, p.monitored).form


def _export(p: Pair, path: Path) -> Path:
    return call(p.spoke, xm.export_monitoring, p.spoke_admin, YEAR, path)


def test_round_trip_spoke_to_hub_is_lossless_and_a_repeat_is_a_no_op(pair: Pair, tmp_path: Path) -> None:
    edited = _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "监控表.xlsx")
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, package)
    assert preview.kind == "monitoring" and preview.decision == "new" and not preview.problems, preview.problems
    assert [c.code for c in preview.by_status("changed")] == [pair.monitored]
    assert preview.by_status("changed")[0].sheet == "监控表" and not preview.by_status("conflicting")
    done = call(pair.hub, xk.apply_any, pair.hub_admin, package)
    assert done.written == (pair.monitored,)
    hub_view = _view(pair.hub, pair.hub_admin, pair.monitored)
    assert hub_view.form == edited and hub_view.status == "submitted"
    assert ledger(pair.hub)[-1][:3] == ("in", "applied", "monitoring")
    before = fingerprint(pair.hub)
    again = call(pair.hub, xk.apply_any, pair.hub_admin, package)
    assert again.preview.decision == "duplicate" and again.written == ()
    assert fingerprint(pair.hub) == before


def test_save_entry_rules_are_located_problems_and_nothing_is_written(pair: Pair, tmp_path: Path) -> None:
    package = _export(pair, tmp_path / "监控表.xlsx")
    line = line_of(package, "监控指标", 项目编码=pair.monitored, 指标序号=1)
    letters = set_cells(package, "监控指标", line, 完成目标可能性="完全不可能", 偏差原因="其他", 原因分析=None,
                        全年预计完成值=1)
    bad = line_of(package, "监控表", 项目编码=pair.monitored)
    set_cells(package, "监控表", bad, 预算执行偏差原因="天气")
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, package)
    assert preview.decision == "edited" and preview.blocked
    located = {(p.sheet, p.row, p.column) for p in preview.problems}
    assert ("监控表", bad, "K") in located  # a choice outside the drop-down, refused by the reader
    assert fingerprint(pair.hub) == before  # the preview's dry run left nothing behind
    set_cells(package, "监控表", bad, 预算执行偏差原因="其他")
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, package)
    [problem] = preview.problems
    assert (problem.sheet, problem.row, problem.column) == ("监控指标", line, letters["原因分析"])
    assert "必须填写" in problem.message and "原因分析" in problem.message
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xm.apply_monitoring, pair.hub_admin, package, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_a_good_row_checked_while_applying_is_undone_when_a_later_row_fails(pair: Pair, tmp_path: Path) -> None:
    """Applying keeps each row that passes save_entry written in the package's transaction (one save per row); a
    later row's problem must still leave the whole database as it was."""
    package = _export(pair, tmp_path / "监控表.xlsx")
    wb = openpyxl.load_workbook(package, read_only=True)
    try:
        rows = list(wb["监控表"].iter_rows(values_only=True))
    finally:
        wb.close()
    column = rows[0].index("项目编码")
    codes = sorted({r[column] for r in rows[1:] if r[column]})
    assert len(codes) >= 2
    good, bad = codes[0], codes[-1]
    set_cells(package, "监控表", line_of(package, "监控表", 项目编码=good), 纠偏措施="倒排工期，加快支付")
    line = line_of(package, "监控指标", 项目编码=bad, 指标序号=1)
    set_cells(package, "监控指标", line, 完成目标可能性="完全不可能", 偏差原因="其他", 原因分析=None, 全年预计完成值=1)
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, package)
    assert good in [c.code for c in preview.changes if c.status in ("new", "changed")] and preview.problems
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xm.apply_monitoring, pair.hub_admin, package, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_an_entry_changed_here_since_the_last_package_is_conflicting_and_left_alone(pair: Pair,
                                                                                     tmp_path: Path) -> None:
    _edit_on_spoke(pair, "第一次")
    call(pair.hub, xm.apply_monitoring, pair.hub_admin, _export(pair, tmp_path / "one.xlsx"))
    hub_form = replace(_view(pair.hub, pair.hub_admin, pair.monitored).form, corrective_measures="财政局改的")
    call(pair.hub, mr.save_entry, pair.hub_admin, round_id(pair.hub), project_id(pair.hub, pair.monitored), hub_form)
    _edit_on_spoke(pair, "第二次")
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, _export(pair, tmp_path / "two.xlsx"))
    [conflict] = preview.by_status("conflicting")
    assert conflict.code == pair.monitored and "上次导入之后" in conflict.reason
    done = call(pair.hub, xm.apply_monitoring, pair.hub_admin, tmp_path / "two.xlsx")
    assert done.written == ()
    assert _view(pair.hub, pair.hub_admin, pair.monitored).form.corrective_measures == "财政局改的"


def test_older_foreign_and_badly_signed_packages_are_refused(pair: Pair, tmp_path: Path) -> None:
    first = _export(pair, tmp_path / "first.xlsx")
    _edit_on_spoke(pair)
    second = _export(pair, tmp_path / "second.xlsx")
    call(pair.hub, xm.apply_monitoring, pair.hub_admin, second)
    before = fingerprint(pair.hub)
    old = call(pair.hub, xk.preview_any, pair.hub_admin, first)
    assert old.decision == "refused" and "旧包" in old.refusal
    with pytest.raises(ValidationError, match="旧包"):
        call(pair.hub, xk.apply_any, pair.hub_admin, first)
    wrong = call(pair.spoke, xk.preview_any, pair.spoke_admin, second)  # addressed to the bureau
    assert wrong.decision == "refused" and "BUREAU" in wrong.refusal
    _edit_on_spoke(pair, "第三次")
    third = _export(pair, tmp_path / "third.xlsx")
    wb = openpyxl.load_workbook(third)
    manifest = wb["清单"]
    row = next(r for r in range(1, manifest.max_row + 1) if manifest.cell(r, 1).value == "signature")
    manifest.cell(row, 2).value = "0" * 64
    wb.save(third)
    forged = call(pair.hub, xk.preview_any, pair.hub_admin, third)
    assert forged.decision == "refused" and "签名无效" in forged.refusal
    with pytest.raises(ValidationError, match="签名无效"):
        call(pair.hub, xk.apply_any, pair.hub_admin, third, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_a_hand_filled_template_imports_as_unsigned_after_confirmation(pair: Pair, tmp_path: Path) -> None:
    template = call(pair.hub, xk.template_kind, pair.hub_admin, "monitoring", YEAR, tmp_path / "模板.xlsx", pair.unit).path
    row = line_of(template, "监控表", 项目编码=pair.monitored)
    set_cells(template, "监控表", row, **{"纠偏措施": "单位手工填写的措施", "年度预算调整（万元）": "１２.５"})
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, template)
    assert preview.kind == "monitoring" and preview.decision == "unsigned" and not preview.problems
    assert [c.code for c in preview.by_status("changed")] == [pair.monitored]
    with pytest.raises(ValidationError, match="确认"):
        call(pair.hub, xk.apply_any, pair.hub_admin, template)
    done = call(pair.hub, xk.apply_any, pair.hub_admin, template, confirm_unsigned=True)
    assert done.written == (pair.monitored,) and ledger(pair.hub)[-1][:3] == ("in", "unsigned", "monitoring")
    form = _view(pair.hub, pair.hub_admin, pair.monitored).form
    assert form.corrective_measures == "单位手工填写的措施" and form.budget_adjustment == Decimal("12.5")


def test_a_closed_round_makes_changed_rows_conflicting(pair: Pair, tmp_path: Path) -> None:
    _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "监控表.xlsx")
    call(pair.hub, mr.close_round, pair.hub_admin, round_id(pair.hub))
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, package)
    [conflict] = preview.by_status("conflicting")
    assert "已关闭" in conflict.reason and not preview.problems
    assert call(pair.hub, xm.apply_monitoring, pair.hub_admin, package).written == ()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_resaves_untouched_and_edited_still_import(pair: Pair, tmp_path: Path) -> None:
    edited = _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "监控表.xlsx")
    (tmp_path / "a").mkdir()
    untouched = libreoffice(package, tmp_path / "a")
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, untouched)
    assert preview.decision == "new" and not preview.problems, preview.problems
    _edit_on_spoke(pair, "改后再存")
    package = _export(pair, tmp_path / "监控表.xlsx")
    line = line_of(package, "监控指标", 项目编码=pair.monitored, 指标序号=1)
    set_cells(package, "监控指标", line, 纠偏措施="在表格软件里改的")
    (tmp_path / "b").mkdir()
    resaved = libreoffice(package, tmp_path / "b")
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, resaved)
    assert preview.decision == "edited" and not preview.problems, preview.problems
    call(pair.hub, xk.apply_any, pair.hub_admin, resaved, confirm_unsigned=True)
    form = _view(pair.hub, pair.hub_admin, pair.monitored).form
    assert form.lines[0].measures == "在表格软件里改的" and form.corrective_measures == "改后再存"
    assert form.lines[1:] == edited.lines[1:]
    assert incoming(pair.hub) == 1


def test_a_line_position_the_approved_table_lacks_is_located(pair: Pair, tmp_path: Path) -> None:
    package = _export(pair, tmp_path / "监控表.xlsx")
    wb = openpyxl.load_workbook(package)
    ws = wb["监控指标"]
    heads = [c.value for c in ws[1]]
    values = {"项目编码": pair.monitored, "指标序号": 99, "监控轮次": ROUND, "纠偏措施": "多出来的一行"}
    ws.append([values.get(h) for h in heads])
    wb.save(package)
    preview = call(pair.hub, xm.preview_monitoring, pair.hub_admin, package)
    [problem] = preview.problems
    assert problem.sheet == "监控指标" and problem.row == ws.max_row and "没有第 99 条指标" in problem.message


@dataclass
class Fresh:
    """The demo county's hub and a fresh unit installation enrolled from it, holding the unit's projects and
    approved goal tables (goals and results packages applied) but no monitoring round."""

    hub: Database
    spoke: Database
    admin: Actor
    setup: Actor  # the unit installation's administrator
    clerk: Actor  # a 填报员 of the unit on its installation
    unit: str
    monitored: str  # a project of the unit with a monitoring table in ROUND at the bureau


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    hub, admin = county(tmp_path / "hub.sqlite")
    spoke = open_database(tmp_path / "unit.sqlite")
    try:
        with hub.unit_of_work() as uow:
            unit, monitored = uow.session.execute(
                select(Unit.code, Project.code).join(Project, Project.unit_id == Unit.id)
                .join(MonitoringEntry, MonitoringEntry.project_id == Project.id).join(MonitoringRound)
                .where(Unit.kind.in_(("department", "township")), MonitoringRound.name == ROUND)
                .order_by(Unit.code, Project.code).limit(1)).one()
        setup = call(spoke, auth.create_first_admin, "admin", "单位管理员", PASSWORD, PASSWORD)
        call(spoke, xe.enrol_from_package, setup, call(hub, xe.export_enrolment, admin, unit, tmp_path / "登记.xlsx").path)
        for kind in ("goals", "results"):
            call(spoke, xk.apply_any, setup, call(hub, xk.export_kind, admin, kind, YEAR, tmp_path / f"{kind}.xlsx", unit).path)
        with spoke.unit_of_work() as uow:
            me = uow.session.scalar(select(Unit).where(Unit.code == unit))
            clerk = Actor("clerk", "乡镇填报员", Role.CLERK, unit_id=me.id, unit_name=me.name)
            assert uow.session.scalar(select(MonitoringRound.id)) is None
        yield Fresh(hub, spoke, admin, setup, clerk, unit, monitored)
    finally:
        hub.close()
        spoke.close()


def _rounds(db: Database) -> list[tuple[str, int, str, str]]:
    with db.unit_of_work() as uow:
        return [tuple(r) for r in uow.session.execute(select(  # type: ignore[misc]
            MonitoringRound.name, MonitoringRound.as_of_month, MonitoringRound.status, MonitoringRound.opened_by))]


def _bureaus_round(f: Fresh) -> tuple[int, str]:
    """截至月份 and status of ROUND at the bureau."""
    [found] = [(r.as_of_month, r.status) for r in call(f.hub, mr.list_rounds, f.admin, YEAR) if r.name == ROUND]
    return found


def _bureau_package(f: Fresh, path: Path) -> Path:
    return call(f.hub, xk.export_kind, f.admin, "monitoring", YEAR, path, f.unit, ROUND).path


def test_the_bureaus_package_opens_its_round_on_a_fresh_unit_installation_once(fresh: Fresh, tmp_path: Path) -> None:
    as_of_month, status = _bureaus_round(fresh)
    with pytest.raises(PermissionDenied):  # why the package must bring it: a clerk cannot open a round
        call(fresh.spoke, mr.open_round, fresh.clerk, YEAR, as_of_month, ROUND)
    package = _bureau_package(fresh, tmp_path / "监控表.xlsx")
    before = fingerprint(fresh.spoke)
    preview = call(fresh.spoke, xk.preview_any, fresh.clerk, package)
    assert preview.decision == "new" and not preview.problems, preview.problems
    [opened] = [c for c in preview.changes if c.code == ROUND]
    assert (opened.status, opened.sheet, opened.line) == ("new", "监控表", 2)
    assert opened.name == f"监控轮次（截至 {as_of_month} 月）" and "一并开启" in opened.reason
    assert fresh.monitored in {c.code for c in preview.by_status("new")}
    assert fingerprint(fresh.spoke) == before  # the preview opened the round in a savepoint only

    done = call(fresh.spoke, xk.apply_any, fresh.clerk, package)
    assert done.written[0] == f"监控轮次:{ROUND}" and fresh.monitored in done.written
    assert _rounds(fresh.spoke) == [(ROUND, as_of_month, status, "clerk")]
    with fresh.spoke.unit_of_work() as uow:
        audited = uow.session.scalars(select(AuditEntry.after_json).where(
            AuditEntry.action == "monitoring_round.exchange_import", AuditEntry.actor == "clerk")).all()
    assert len(audited) == 1 and ROUND in audited[0] and f'"as_of_month": {as_of_month}' in audited[0]
    spoke_view = call(fresh.spoke, mr.get_entry, fresh.clerk, round_id(fresh.spoke),
                      project_id(fresh.spoke, fresh.monitored))
    hub_view = call(fresh.hub, mr.get_entry, fresh.admin, round_id(fresh.hub), project_id(fresh.hub, fresh.monitored))
    assert spoke_view.form == hub_view.form and spoke_view.status == hub_view.status

    after = fingerprint(fresh.spoke)
    again = call(fresh.spoke, xk.apply_any, fresh.clerk, package)
    assert again.preview.decision == "duplicate" and again.written == ()
    assert fingerprint(fresh.spoke) == after
    later = call(fresh.spoke, xk.preview_any, fresh.clerk, _bureau_package(fresh, tmp_path / "再次.xlsx"))
    assert later.decision == "new" and not later.problems and ROUND not in {c.code for c in later.changes}
    call(fresh.spoke, xk.apply_any, fresh.clerk, tmp_path / "再次.xlsx")
    assert len(_rounds(fresh.spoke)) == 1


def test_a_round_of_the_same_name_with_another_month_is_refused_with_nothing_written(fresh: Fresh,
                                                                                      tmp_path: Path) -> None:
    package = _bureau_package(fresh, tmp_path / "监控表.xlsx")
    month = _bureaus_round(fresh)[0]
    call(fresh.spoke, mr.open_round, fresh.setup, YEAR, month - 1, ROUND)  # opened here by hand, a month early
    before = fingerprint(fresh.spoke)
    preview = call(fresh.spoke, xk.preview_any, fresh.clerk, package)
    assert preview.blocked
    [problem] = preview.problems  # reported once, at the first row naming the round; its rows are not repeated
    assert (problem.sheet, problem.row, problem.header) == ("监控表", 2, "截至月份")
    assert f"“{ROUND}”截至 {month - 1} 月，交换包中截至 {month} 月" in problem.message and "财政局" in problem.message
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(fresh.spoke, xk.apply_any, fresh.clerk, package)
    assert fingerprint(fresh.spoke) == before


def test_the_hub_refuses_a_round_it_never_opened(pair: Pair, tmp_path: Path) -> None:
    call(pair.spoke, mr.open_round, pair.spoke_admin, YEAR, 8, "1-8月（补报）")
    package = call(pair.spoke, xm.export_monitoring, pair.spoke_admin, YEAR, tmp_path / "监控表.xlsx",
                   round_name="1-8月（补报）")
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, package)
    [problem] = preview.problems
    assert (problem.sheet, problem.row, problem.header) == ("监控表", 2, "监控轮次")
    assert "没有监控轮次“1-8月（补报）”" in problem.message and not preview.changes
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xk.apply_any, pair.hub_admin, package)
    assert fingerprint(pair.hub) == before
