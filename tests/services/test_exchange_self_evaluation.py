"""The self-evaluation package (自评表, unit → bureau) between a real hub and spoke built from the same demo county:
drafts and finalised sheets travel losslessly, the scoring rules' refusals are located problems, a sheet
finalised here is conflicting, a LibreOffice re-save after an edit imports, and a hand-filled blank template
imports as unsigned after confirmation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.common.errors import ValidationError
from core.common.runner import call
from core.evaluation import self_evaluation as se
from core.evaluation.dto import SelfEvaluationDraft, SelfEvaluationForm
from core.evaluation.rules.self_evaluation import LineInput
from core.exchange import kinds as xk
from core.exchange import self_evaluation as xs
from core.goals.rules.notation import format_decimal
from db.database import Database
from tests.services.exchange_helpers import (
    SOFFICE,
    YEAR,
    Pair,
    fingerprint,
    ledger,
    libreoffice,
    line_of,
    pair_of,
    project_id,
    set_cells,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    with pair_of(tmp_path) as made:
        yield made


def _draft(db: Database, actor: object, code: str) -> SelfEvaluationDraft:
    return call(db, se.start_or_resume, actor, project_id(db, code))


def _filled(draft: SelfEvaluationDraft, note: str = "按计划完成") -> SelfEvaluationForm:
    """Every line at its target (full points), qualitative lines at the top of their best band."""
    lines = []
    for n, line in enumerate(draft.lines):
        if line.qualitative:
            lines.append(LineInput(line.key, "明显改善", "达成年度指标", format_decimal(line.weight)))
        else:
            lines.append(LineInput(line.key, format_decimal(line.target or 0), analysis=note if n == 0 else ""))
    return SelfEvaluationForm(format_decimal(draft.budget or 0), format_decimal(draft.executed or 0),
                              draft.goal_expected, f"全年目标已完成：{note}", tuple(lines))


def _fill_on_spoke(p: Pair, final: bool = False, note: str = "按计划完成") -> SelfEvaluationDraft:
    form = _filled(_draft(p.spoke, p.spoke_admin, p.unevaluated), note)
    call(p.spoke, se.finalise if final else se.save_draft, p.spoke_admin, project_id(p.spoke, p.unevaluated), form)
    return _draft(p.spoke, p.spoke_admin, p.unevaluated)


def _export(p: Pair, path: Path) -> Path:
    return call(p.spoke, xs.export_self_evaluation, p.spoke_admin, YEAR, path)


def _same_sheet(a: SelfEvaluationDraft, b: SelfEvaluationDraft) -> None:
    assert a.form() == b.form() and (a.status, a.score, a.grade) == (b.status, b.score, b.grade)


def test_a_draft_and_then_the_finalised_sheet_travel_losslessly(pair: Pair, tmp_path: Path) -> None:
    spoke = _fill_on_spoke(pair)
    package = _export(pair, tmp_path / "自评表.xlsx")
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, package)
    assert preview.kind == "self_evaluation" and preview.decision == "new" and not preview.problems, preview.problems
    assert [c.code for c in preview.by_status("new")] == [pair.unevaluated]
    assert call(pair.hub, xk.apply_any, pair.hub_admin, package).written == (pair.unevaluated,)
    _same_sheet(_draft(pair.hub, pair.hub_admin, pair.unevaluated), spoke)
    final = _fill_on_spoke(pair, final=True, note="定稿")
    package = _export(pair, tmp_path / "定稿.xlsx")
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, package)
    assert [c.code for c in preview.by_status("changed")] == [pair.unevaluated]
    call(pair.hub, xk.apply_any, pair.hub_admin, package)
    hub = _draft(pair.hub, pair.hub_admin, pair.unevaluated)
    _same_sheet(hub, final)
    assert hub.status == "final" and hub.score is not None and hub.grade
    before = fingerprint(pair.hub)
    assert call(pair.hub, xk.apply_any, pair.hub_admin, package).preview.decision == "duplicate"
    assert fingerprint(pair.hub) == before


def test_a_score_outside_its_band_is_located_and_nothing_is_written(pair: Pair, tmp_path: Path) -> None:
    spoke = _fill_on_spoke(pair)
    qualitative = next((line for line in spoke.lines if line.qualitative), None)
    if qualitative is None:
        pytest.skip("the chosen project has no qualitative indicator")
    package = _export(pair, tmp_path / "自评表.xlsx")
    row = line_of(package, "自评指标", 项目编码=pair.unevaluated, 指标序号=qualitative.position)
    letters = set_cells(package, "自评指标", row, 定性达成程度="部分达成并具有一定效果", 定性得分=float(qualitative.weight))
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xs.preview_self_evaluation, pair.hub_admin, package)
    [problem] = preview.problems
    assert (problem.sheet, problem.row, problem.column) == ("自评指标", row, letters["定性得分"])
    assert "得分应在" in problem.message and pair.unevaluated in problem.message
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xs.apply_self_evaluation, pair.hub_admin, package, confirm_unsigned=True)
    assert fingerprint(pair.hub) == before


def test_a_sheet_finalised_here_is_conflicting_and_left_alone(pair: Pair, tmp_path: Path) -> None:
    mine = _filled(_draft(pair.hub, pair.hub_admin, pair.unevaluated), "财政局代填")
    call(pair.hub, se.finalise, pair.hub_admin, project_id(pair.hub, pair.unevaluated), mine)
    _fill_on_spoke(pair, note="单位填的")
    package = _export(pair, tmp_path / "自评表.xlsx")
    preview = call(pair.hub, xs.preview_self_evaluation, pair.hub_admin, package)
    [conflict] = preview.by_status("conflicting")
    assert conflict.code == pair.unevaluated and "已定稿" in conflict.reason and not preview.problems
    assert call(pair.hub, xs.apply_self_evaluation, pair.hub_admin, package).written == ()
    assert _draft(pair.hub, pair.hub_admin, pair.unevaluated).goal_actual == "全年目标已完成：财政局代填"


def test_a_hand_filled_template_imports_as_unsigned_after_confirmation(pair: Pair, tmp_path: Path) -> None:
    template = call(pair.hub, xk.template_kind, pair.hub_admin, "self_evaluation", YEAR, tmp_path / "模板.xlsx",
                    pair.unit).path
    row = line_of(template, "自评表", 项目编码=pair.unevaluated)
    set_cells(template, "自评表", row, **{"年度总体目标：实际完成情况": "单位手工填写：已完成"})
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, template)
    assert preview.decision == "unsigned" and not preview.problems, preview.problems
    assert [c.code for c in preview.by_status("new")] == [pair.unevaluated]
    with pytest.raises(ValidationError, match="确认"):
        call(pair.hub, xk.apply_any, pair.hub_admin, template)
    call(pair.hub, xk.apply_any, pair.hub_admin, template, confirm_unsigned=True)
    assert ledger(pair.hub)[-1][:3] == ("in", "unsigned", "self_evaluation")
    hub = _draft(pair.hub, pair.hub_admin, pair.unevaluated)
    assert hub.status == "draft" and hub.goal_actual == "单位手工填写：已完成"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_libreoffice_resave_after_an_edit_imports(pair: Pair, tmp_path: Path) -> None:
    spoke = _fill_on_spoke(pair)
    package = _export(pair, tmp_path / "自评表.xlsx")
    line = spoke.lines[0]
    row = line_of(package, "自评指标", 项目编码=pair.unevaluated, 指标序号=line.position)
    set_cells(package, "自评指标", row, 偏差原因分析及改进措施="在表格软件里补充的分析")
    resaved = libreoffice(package, tmp_path)
    preview = call(pair.hub, xk.preview_any, pair.hub_admin, resaved)
    assert preview.decision == "edited" and not preview.problems, preview.problems
    call(pair.hub, xk.apply_any, pair.hub_admin, resaved, confirm_unsigned=True)
    hub = _draft(pair.hub, pair.hub_admin, pair.unevaluated)
    assert hub.input_for(line.key).analysis == "在表格软件里补充的分析"
    expected = replace(spoke.form(), lines=tuple(replace(i, analysis="在表格软件里补充的分析") if i.key == line.key
                                                  else i for i in spoke.form().lines))
    assert hub.form() == expected
