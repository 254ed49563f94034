"""The rectification feedback package (unit → bureau) between the hub and the spoke of test_exchange_results:
the round trip bureau → unit → bureau keeps every feedback text and time exactly (a hypothesis property over
full-width characters, inner spaces and line breaks, text that starts like a formula), the register shows the
package the feedback came in, and conflicts, templates filled by hand, located problems and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.exchange import feedback as xf
from core.exchange import kinds as xk
from core.exchange import results as xr
from core.results import rectification
from core.results.dto import ItemInput
from db.models import ExchangeLedgerEntry, RectificationItem, utcnow
from tests.services import test_exchange_results as shared
from tests.services.exchange_helpers import fingerprint, set_cell
from tests.services.test_exchange_results import YEAR, Pair, export, line_of, unit_id

county, pair = shared.county, shared.pair  # the hub and spoke fixtures

# Full-width letters, digits and symbols, inner spaces and line breaks, and what starts a formula.
ALPHABET = st.sampled_from(list("整改已完成资金执行率ＡＢＣ１２３％＝＋－＠=+-@abc019 \n\u3000，。、（）≥≤"))
TEXT = st.text(ALPHABET, min_size=4, max_size=60).filter(lambda s: len(s.strip()) >= rectification.MIN_TEXT)
MOMENT = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC))


def _new_item(p: Pair, tmp_path: Path, requirement: str = "补充完善绩效指标，量化产出目标") -> str:
    """An item the bureau raises for the unit, delivered to the unit's spoke by a results package."""
    uid = call(p.hub, rectification.add_item, p.admin, ItemInput(
        YEAR, unit_id(p.hub, p.unit), requirement, date(2024, 12, 1), date(2024, 12, 31), None, "review")).uid
    call(p.spoke, xr.apply_results, p.admin, export(p, tmp_path / f"results-{uid}.xlsx"))
    return uid


def _item(db: object, uid: str) -> RectificationItem:
    with db.unit_of_work() as uow:  # type: ignore[attr-defined]
        found = uow.session.scalar(select(RectificationItem).where(RectificationItem.uid == uid))
        uow.session.expunge(found)
        return found


def _feedback(p: Pair, path: Path) -> Path:
    return call(p.spoke, xf.export_feedback, p.admin, YEAR, path)


def test_feedback_travels_bureau_unit_bureau_and_the_register_shows_its_package(pair: Pair, tmp_path: Path) -> None:
    uid = _new_item(pair, tmp_path)
    call(pair.spoke, rectification.record_feedback, pair.admin, uid, "=已修订绩效目标表并重新报送", utcnow())
    package = _feedback(pair, tmp_path / "feedback.xlsx")
    preview = call(pair.hub, xf.preview_feedback, pair.admin, package)
    assert preview.decision == "new" and not preview.problems, preview.problems
    assert [c.code for c in preview.by_status("changed")] == [uid]
    done = call(pair.hub, xf.apply_feedback_package, pair.admin, package)
    assert done.written == (uid,)
    hub, spoke = _item(pair.hub, uid), _item(pair.spoke, uid)
    assert (hub.feedback, hub.feedback_at, hub.status) == (spoke.feedback, spoke.feedback_at, "in_progress")
    assert hub.feedback_package == preview.manifest.package_id
    call(pair.hub, rectification.recheck, pair.admin, uid, False, "佐证材料不全，请补充。")
    call(pair.spoke, xr.apply_results, pair.admin, export(pair, tmp_path / "recheck.xlsx"))
    assert _item(pair.spoke, uid).status == "failed"
    call(pair.spoke, rectification.record_feedback, pair.admin, uid, "已补充佐证材料", utcnow())
    second = call(pair.hub, xf.preview_feedback, pair.admin, _feedback(pair, tmp_path / "second.xlsx"))
    assert [c.code for c in second.by_status("changed")] == [uid] and not second.by_status("conflicting")
    call(pair.hub, xf.apply_feedback_package, pair.admin, _feedback(pair, tmp_path / "third.xlsx"))
    assert _item(pair.hub, uid).feedback == "已补充佐证材料"
    back = call(pair.spoke, xr.preview_results, pair.admin, export(pair, tmp_path / "back.xlsx"))
    assert [c.status for c in back.changes if c.code == uid] == ["unchanged"]
    before = fingerprint(pair.hub)
    again = call(pair.hub, xf.apply_feedback_package, pair.admin, tmp_path / "third.xlsx")
    assert again.preview.decision == "duplicate" and fingerprint(pair.hub) == before


def test_feedback_texts_and_times_survive_the_round_trip(pair: Pair, tmp_path: Path) -> None:
    uid = _new_item(pair, tmp_path)
    runs = iter(range(1000))

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(TEXT, MOMENT)
    @example("  =SUM(A1:A9)  ", datetime(2024, 6, 30, 23, 59, 59, 999999, tzinfo=UTC))
    @example("+全角：ＡＢＣ１２３％＝＋－＠　", datetime(2024, 1, 1, tzinfo=UTC))
    @example("-负号开头的整改情况\n第二行  ", datetime(2025, 3, 1, 8, 0, 1, tzinfo=UTC))
    @example("@提及开头 ", datetime(2025, 12, 31, 12, tzinfo=UTC))
    def round_trip(text: str, at: datetime) -> None:
        n = next(runs)
        call(pair.spoke, rectification.record_feedback, pair.admin, uid, text, at)
        package = _feedback(pair, tmp_path / f"feedback-{n}.xlsx")
        cells = [c for c in openpyxl.load_workbook(package)["整改反馈"]["K"][1:] if c.value]
        assert cells and all(c.data_type == "s" for c in cells)  # 整改情况: text, never a formula
        assert all(c.quotePrefix for c in cells if str(c.value).startswith(("=", "+", "-", "@")))
        call(pair.hub, xf.apply_feedback_package, pair.admin, package)
        hub, spoke = _item(pair.hub, uid), _item(pair.spoke, uid)
        assert spoke.feedback == text.strip() and spoke.feedback_at == at
        assert (hub.feedback, hub.feedback_at) == (spoke.feedback, spoke.feedback_at)
        back = call(pair.spoke, xr.preview_results, pair.admin, export(pair, tmp_path / f"results-{n}.xlsx"))
        assert [c.status for c in back.changes if c.code == uid] == ["unchanged"]

    round_trip()


def test_feedback_the_bureau_has_not_received_is_not_undone_by_its_results(pair: Pair, tmp_path: Path) -> None:
    uid = _new_item(pair, tmp_path)
    call(pair.spoke, rectification.record_feedback, pair.admin, uid, "已加快资金支付进度", utcnow())
    package = export(pair, tmp_path / "results.xlsx")
    preview = call(pair.spoke, xr.preview_results, pair.admin, package)
    mine = [c for c in preview.changes if c.code == uid]
    assert [c.status for c in mine] == ["conflicting"] and "尚未报送" in mine[0].reason
    call(pair.spoke, xr.apply_results, pair.admin, package)
    item = _item(pair.spoke, uid)
    assert (item.status, item.feedback) == ("in_progress", "已加快资金支付进度")


def test_an_item_closed_or_rechecked_after_the_feedback_is_conflicting(pair: Pair, tmp_path: Path) -> None:
    closed, checked = _new_item(pair, tmp_path, "整改事项一：补充佐证材料"), _new_item(pair, tmp_path, "整改事项二：完善制度")
    for uid in (closed, checked):
        call(pair.hub, rectification.record_feedback, pair.admin, uid, "财政局收到的电话反馈", utcnow())
    call(pair.hub, rectification.recheck, pair.admin, closed, True, "经复核，整改到位。")
    written = utcnow() - timedelta(days=2)  # the unit wrote it before the bureau's re-check
    call(pair.hub, rectification.recheck, pair.admin, checked, False, "整改不到位，请继续整改。")
    call(pair.spoke, rectification.record_feedback, pair.admin, closed, "单位后来补充的反馈", utcnow())
    call(pair.spoke, rectification.record_feedback, pair.admin, checked, "单位在复核前写的反馈", written)
    package = _feedback(pair, tmp_path / "feedback.xlsx")
    preview = call(pair.hub, xf.preview_feedback, pair.admin, package)
    reasons = {c.code: c.reason for c in preview.by_status("conflicting")}
    assert set(reasons) == {closed, checked}
    assert "已复核通过" in reasons[closed] and "复核之前" in reasons[checked]
    call(pair.hub, xf.apply_feedback_package, pair.admin, package)
    assert {_item(pair.hub, u).feedback for u in (closed, checked)} == {"财政局收到的电话反馈"}


def test_a_template_filled_by_hand_is_applied_as_unsigned_after_confirmation(pair: Pair, tmp_path: Path) -> None:
    uid = _new_item(pair, tmp_path)
    template = call(pair.hub, xf.template_feedback, pair.admin, YEAR, tmp_path / "template.xlsx", pair.unit)
    line = line_of(template, "整改反馈", uid)
    set_cell(template, "整改反馈", "整改情况", line, "  已完成整改，材料已报送  ")
    preview = call(pair.hub, xf.preview_feedback, pair.admin, template)
    assert preview.decision == "unsigned" and [c.code for c in preview.by_status("changed")] == [uid]
    with pytest.raises(ValidationError, match="确认"):
        call(pair.hub, xf.apply_feedback_package, pair.admin, template)
    assert _item(pair.hub, uid).feedback is None
    started = utcnow()
    call(pair.hub, xf.apply_feedback_package, pair.admin, template, confirm_unsigned=True)
    item = _item(pair.hub, uid)
    assert item.feedback == "已完成整改，材料已报送" and item.feedback_at >= started
    with pair.hub.unit_of_work() as uow:
        assert uow.session.scalar(select(ExchangeLedgerEntry.state).where(
            ExchangeLedgerEntry.direction == "in").order_by(ExchangeLedgerEntry.id.desc()).limit(1)) == "unsigned"


def test_rows_a_unit_may_not_send_are_located_problems(pair: Pair, tmp_path: Path) -> None:
    deleted, timed = _new_item(pair, tmp_path, "整改事项一：补充佐证材料"), _new_item(pair, tmp_path, "整改事项二：完善制度")
    package = _feedback(pair, tmp_path / "feedback.xlsx")
    line, other = line_of(package, "整改反馈", deleted), line_of(package, "整改反馈", timed)
    set_cell(package, "整改反馈", "删除", line, "是")
    set_cell(package, "整改反馈", "反馈时间", other, "下周一")
    set_cell(package, "整改反馈", "整改情况", other, "已完善制度并印发")
    wb = openpyxl.load_workbook(package)
    wb["整改反馈"].append([None, None, None, pair.unit, None, "其他", "手工新增的事项", None, None, None, "已完成"])
    added = wb["整改反馈"].max_row
    wb.save(package)
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xf.preview_feedback, pair.admin, package)
    located = {(p.row, p.header) for p in preview.problems}
    assert {(line, "删除"), (other, "反馈时间"), (added, "行标识")} <= located, preview.problems
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xf.apply_feedback_package, pair.admin, package, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_feedback_packages_are_refused_where_they_do_not_belong(pair: Pair, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="由单位"):
        call(pair.hub, xf.export_feedback, pair.admin, YEAR, tmp_path / "x.xlsx", pair.unit)
    first = _feedback(pair, tmp_path / "first.xlsx")
    second = _feedback(pair, tmp_path / "second.xlsx")
    on_spoke = call(pair.spoke, xf.preview_feedback, pair.admin, second)
    assert on_spoke.decision == "refused" and "BUREAU" in on_spoke.refusal
    call(pair.hub, xf.apply_feedback_package, pair.admin, second)
    results = export(pair, tmp_path / "results.xlsx")
    before = fingerprint(pair.hub)
    with pytest.raises(ValidationError, match="旧包"):
        call(pair.hub, xf.apply_feedback_package, pair.admin, first)
    other = call(pair.hub, xf.preview_feedback, pair.admin, results)
    assert other.decision == "refused" and "不是整改反馈" in other.refusal
    with pytest.raises(ValidationError, match="不是整改反馈"):
        call(pair.hub, xf.apply_feedback_package, pair.admin, results, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_the_registry_carries_both_kinds_and_offers_them_where_they_are_exported() -> None:
    results, feedback = xk.ENTRIES["results"], xk.ENTRIES["rectification_feedback"]
    assert (results.kind, results.export, results.template) == (xr.KIND, xr.export_results, None)
    assert (feedback.kind, feedback.export, feedback.template) == (xf.KIND, xf.export_feedback, xf.template_feedback)
    assert results.units is xr.units_with_results and feedback.units is xk.units_with_projects
    assert (xk.LABELS["results"], xk.LABELS["rectification_feedback"]) == ("结果反馈", "整改反馈")
    assert xk.offered("hub") == ["goals", "monitoring", "self_evaluation", "results", "rectification_feedback"]
    assert xk.offered("spoke") == ["goals", "monitoring", "self_evaluation", "rectification_feedback"]


def test_the_generic_intake_detects_both_kinds(pair: Pair, tmp_path: Path) -> None:
    """Preview and apply of any kind pick the kind from the workbook, and the all-units export writes one results
    package per unit with a results package or an open item."""
    uid = _new_item(pair, tmp_path)
    call(pair.spoke, rectification.record_feedback, pair.admin, uid, "已完成整改工作", utcnow())
    feedback = call(pair.spoke, xk.export_kind, pair.admin, xf.FEEDBACK_KIND, YEAR, tmp_path / "f.xlsx").path
    found = call(pair.hub, xk.preview_any, pair.admin, feedback)
    assert (found.kind, found.decision, [c.code for c in found.by_status("changed")]) == (
        "rectification_feedback", "new", [uid])
    assert call(pair.hub, xk.apply_any, pair.admin, feedback).written == (uid,)
    files = call(pair.hub, xk.export_all_units, pair.admin, xr.RESULTS_KIND, YEAR, tmp_path / "all").paths
    assert [f.name for f in files] == [xk.file_name("results", YEAR, code, name)
                                       for code, name in call(pair.hub, xr.units_with_results, pair.admin, YEAR)]
    mine = next(f for f in files if f"-{pair.unit}" in f.name)
    assert call(pair.spoke, xk.preview_any, pair.admin, mine).kind == "results"
    assert call(pair.spoke, xk.apply_any, pair.admin, mine).preview.decision == "new"
    template = call(pair.hub, xk.template_kind, pair.admin, xf.FEEDBACK_KIND, YEAR, tmp_path / "t.xlsx", pair.unit).path
    assert call(pair.hub, xk.preview_any, pair.admin, template).decision == "unsigned"
    with pytest.raises(ValidationError, match="单位（填报端）导出"):
        call(pair.hub, xk.export_kind, pair.admin, xf.FEEDBACK_KIND, YEAR, tmp_path / "hub.xlsx", pair.unit)
    with pytest.raises(ValidationError, match="没有空白模板"):
        call(pair.hub, xk.template_kind, pair.admin, xr.RESULTS_KIND, YEAR, tmp_path / "r.xlsx", pair.unit)
