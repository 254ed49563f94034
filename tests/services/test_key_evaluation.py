"""Key evaluations through the service: templates and weights (sum 100 refused otherwise, warning below 60 for
产出 + 效益), conflicts of interest, scores (range, twice), finalising (refused while scores or findings are
missing; mean with the extremes dropped for five experts; grade and thresholds recorded), and the expert's
scoring workbook round trip, also after LibreOffice has saved it."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.evaluation import key as ke
from core.org import settings
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import Evaluation
from tests.conftest import actor_of
from tests.key_evaluation_county import YEAR, County, build, full_scores

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> County:
    return build(db, admin_actor)


@pytest.fixture
def evaluation(db: Database, admin_actor: Actor, county: County) -> int:
    """A draft key evaluation of the county's project with the five experts (the first is the lead)."""
    created = call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None)
    members = [(e, "lead" if n == 0 else "member") for n, e in enumerate(county.experts)]
    call(db, ke.set_panel, admin_actor, created.evaluation_id, members, county.agency_id)
    return created.evaluation_id


def weights(db: Database, actor: Actor, evaluation_id: int) -> dict[str, Decimal]:
    return {i.key: i.weight for i in call(db, ke.get_evaluation, actor, evaluation_id).items}


def test_the_shipped_template_is_the_reference_table(db: Database, admin_actor: Actor) -> None:
    shipped = call(db, ke.list_templates, admin_actor)[0]
    assert (shipped.id, shipped.builtin, len(shipped.items), shipped.warnings) == (None, True, 20, ())
    assert sum(i.weight for i in shipped.items) == 100
    by_level = {}
    for item in shipped.items:
        by_level[item.level1] = by_level.get(item.level1, 0) + item.weight
    assert by_level == {"决策": 20, "过程": 20, "产出": 35, "效益": 25}  # DOMAIN.md §4 sample splits


def test_copy_edit_and_refuse_weights_not_summing_to_100(db: Database, admin_actor: Actor) -> None:
    copy = call(db, ke.copy_template, admin_actor, None, "农业项目评价模板").row
    assert copy.id is not None and not copy.builtin and len(copy.items) == 20
    items = list(copy.items)
    items[0] = dataclasses.replace(items[0], weight=Decimal(5))  # 101 in all
    with pytest.raises(ValidationError, match="权重合计为 101 分，应为 100 分") as caught:
        call(db, ke.save_template, admin_actor, copy.id, copy.name, items)
    assert caught.value.field == "weights"
    items[1] = dataclasses.replace(items[1], weight=Decimal(3), standard="新的评分标准")
    saved = call(db, ke.save_template, admin_actor, copy.id, "农业项目评价模板（修订）", items).row
    assert [t.name for t in call(db, ke.list_templates, admin_actor)][1:] == ["农业项目评价模板（修订）"]
    assert saved.items[1].standard == "新的评分标准"
    with pytest.raises(ValidationError, match="已有名为"):
        call(db, ke.copy_template, admin_actor, copy.id, "农业项目评价模板（修订）")


def test_create_refuses_bad_weights_and_warns_below_60(db: Database, admin_actor: Actor, county: County) -> None:
    items = list(call(db, ke.list_templates, admin_actor)[0].items)
    bad = [dataclasses.replace(items[0], weight=Decimal(0)), *items[1:]]
    with pytest.raises(ValidationError, match="权重应大于 0"):
        call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None, bad)
    short = [dataclasses.replace(i, weight=i.weight - 1) if i.key == "O1" else i for i in items]
    with pytest.raises(ValidationError, match="权重合计为 99 分"):
        call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None, short)
    # 产出 35 + 效益 25 = 60; moving 5 points of 实际完成率 to 资金到位率 leaves 55
    moved = [dataclasses.replace(i, weight=i.weight + (5 if i.key == "P1" else -5 if i.key == "O1" else 0))
             for i in items]
    created = call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None, moved)
    assert created.warnings == ("产出和效益指标权重合计 55 分，低于通常要求的 60 分。",)
    detail = call(db, ke.get_evaluation, admin_actor, created.evaluation_id)
    assert detail.warnings == created.warnings and detail.subject == county.project_name
    with pytest.raises(ValidationError, match="已是 2024 年度的重点评价"):
        call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None)


def test_policy_and_department_subjects(db: Database, admin_actor: Actor, county: County) -> None:
    with pytest.raises(ValidationError, match="请填写被评价政策的名称"):
        call(db, ke.create, admin_actor, YEAR, "policy", county.department_id, None, title=" ")
    policy = call(db, ke.create, admin_actor, YEAR, "policy", county.department_id, None, title="农机购置补贴政策")
    department = call(db, ke.create, admin_actor, YEAR, "department", county.other_department_id, None)
    p = call(db, ke.get_evaluation, admin_actor, policy.evaluation_id)
    d = call(db, ke.get_evaluation, admin_actor, department.evaluation_id)
    assert (p.subject, p.subject_kind_label, p.unit_id) == ("农机购置补贴政策", "政策", county.department_id)
    assert (d.subject_kind_label, d.unit_id, d.budget is not None) == ("部门", county.other_department_id, True)
    with pytest.raises(ValidationError, match="请选择被评价的部门"):
        call(db, ke.create, admin_actor, YEAR, "department", county.budget_unit_id, None)


def test_conflict_of_interest_is_refused(db: Database, admin_actor: Actor, county: County, evaluation: int) -> None:
    members = [(county.experts[0], "lead"), (county.insider, "member")]
    with pytest.raises(ValidationError, match=r"专家“郭冲”任职于.*属于被评价的.*按回避规定不能进入本次评价组"):
        call(db, ke.set_panel, admin_actor, evaluation, members, None)
    candidates = {c.name: c for c in call(db, ke.panel_candidates, admin_actor, evaluation)}
    assert candidates["郭冲"].conflict and candidates["林晓"].conflict is None  # 林晓 works in another department
    assert candidates["林晓"].role == "lead" and candidates["林晓"].panels == 1
    assert [c.name for c in call(db, ke.panel_candidates, admin_actor, evaluation, "工程造价")][:5] == \
        ["林晓", "黄建军", "何平", "罗敏", "高远"]  # the panel stays listed whatever the filter
    with pytest.raises(ValidationError, match="只能有一名组长"):
        call(db, ke.set_panel, admin_actor, evaluation, [(county.experts[0], "lead"), (county.experts[1], "lead")],
             None)
    with pytest.raises(ValidationError, match="至少需要一名专家"):
        call(db, ke.set_panel, admin_actor, evaluation, [], None)


@pytest.mark.parametrize(("value", "message"), [
    (Decimal("4.01"), "4.01 超出 0 至 4 分"), (Decimal(-1), "超出 0 至 4 分"), ("abc", "“abc”不是数字"),
    (Decimal("3.555"), "最多保留两位小数"),
])
def test_out_of_range_scores_are_refused(db: Database, admin_actor: Actor, county: County, evaluation: int,
                                         value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=f"专家“林晓”对“立项依据充分性”的评分.*{message}"):
        call(db, ke.enter_scores, admin_actor, evaluation, county.experts[0], {"D1": value})
    assert call(db, ke.get_evaluation, admin_actor, evaluation).panel[0].scored == 0


def test_an_expert_scoring_twice_is_refused(db: Database, admin_actor: Actor, county: County, evaluation: int) -> None:
    expert = county.experts[1]
    call(db, ke.enter_scores, admin_actor, evaluation, expert, {"D1": Decimal(3), "D2": Decimal("3.5")})
    with pytest.raises(ValidationError, match=r"专家“黄建军”已对“立项依据充分性”评过分（3.00 分）；同一专家对同一指标只能评分一次"):
        call(db, ke.enter_scores, admin_actor, evaluation, expert, {"D1": Decimal(4)})
    call(db, ke.enter_scores, admin_actor, evaluation, expert, {"D1": Decimal(4), "D2": None}, replace=True)
    row = call(db, ke.get_evaluation, admin_actor, evaluation).rows[0]
    assert row.scores[1] == Decimal("4.00")
    assert call(db, ke.get_evaluation, admin_actor, evaluation).panel[1].scored == 1  # D2 cleared
    with pytest.raises(ValidationError, match="专家“郭冲”不在本次评价的评价组中"):
        call(db, ke.enter_scores, admin_actor, evaluation, county.insider, {"D1": Decimal(1)})


def test_finalise_is_refused_while_scores_or_findings_are_missing(db: Database, admin_actor: Actor, county: County,
                                                                   evaluation: int) -> None:
    w = weights(db, admin_actor, evaluation)
    for expert in county.experts[:4]:
        call(db, ke.enter_scores, admin_actor, evaluation, expert, full_scores(w, Decimal("0.8")))
    call(db, ke.enter_scores, admin_actor, evaluation, county.experts[4], {"D1": Decimal(2)})
    with pytest.raises(ValidationError, match="还不能定稿：专家“高远”还有 19 项指标未评分。（另有 2 项未完成）"):
        call(db, ke.finalise, admin_actor, evaluation)
    call(db, ke.enter_scores, admin_actor, evaluation, county.experts[4], full_scores(w, Decimal("0.8")), replace=True)
    with pytest.raises(ValidationError, match="还没有填写“存在的问题”"):
        call(db, ke.finalise, admin_actor, evaluation)
    assert call(db, ke.get_evaluation, admin_actor, evaluation).status == "draft"


def test_five_experts_drop_the_extremes_and_the_grade_is_recorded(db: Database, admin_actor: Actor, county: County,
                                                                   evaluation: int) -> None:
    w = weights(db, admin_actor, evaluation)
    d1 = [Decimal("2.3"), Decimal(3), Decimal("3.2"), Decimal("3.8"), Decimal("0.5")]  # 立项依据充分性, 4 points
    for n, expert in enumerate(county.experts):
        call(db, ke.enter_scores, admin_actor, evaluation, expert, full_scores(w, Decimal("0.85")) | {"D1": d1[n]})
    detail = call(db, ke.get_evaluation, admin_actor, evaluation)
    row = detail.rows[0]
    assert row.dropped == (3, 4)  # the 3.8 and the 0.5 are left out
    assert row.mean == Decimal("2.83")  # (2.3 + 3 + 3.2) / 3
    assert row.spread == Decimal("3.3") and row.outliers == (4,)  # median 3: only 0.5 is further than 0.8 from it
    others = sum((w[k] * Decimal("0.85")).quantize(Decimal("0.01")) for k in w if k != "D1")
    assert detail.score == others + Decimal("2.83") and detail.grade == "良"
    call(db, ke.save_texts, admin_actor, evaluation, {"findings": "资金拨付滞后。", "recommendations": "加快拨付。"})
    call(db, ke.finalise, admin_actor, evaluation)
    call(db, settings.update_settings, admin_actor, {"evaluation.grade_good_from": Decimal(86),
                                                     "evaluation.grade_fair_from": Decimal(70)})
    final = call(db, ke.get_evaluation, admin_actor, evaluation)
    assert (final.status, final.score, final.grade) == ("final", detail.score, "良")  # thresholds of the day
    assert final.grades[1] == ("良", Decimal(80))
    with db.unit_of_work() as uow:
        recorded = uow.session.get(Evaluation, evaluation)
        assert recorded is not None and json.loads(recorded.grades_json or "")[1] == ["良", "80"]
    with pytest.raises(ValidationError, match="已定稿，不能再修改"):
        call(db, ke.enter_scores, admin_actor, evaluation, county.experts[0], {"D1": Decimal(1)}, replace=True)


def test_panel_changes_keep_or_drop_scores_explicitly(db: Database, admin_actor: Actor, county: County,
                                                      evaluation: int) -> None:
    call(db, ke.enter_scores, admin_actor, evaluation, county.experts[4], {"D1": Decimal(3)})
    four = [(e, "member") for e in county.experts[:4]]
    with pytest.raises(ValidationError, match="专家“高远”已录入 1 项评分") as caught:
        call(db, ke.set_panel, admin_actor, evaluation, four, None)
    assert caught.value.field == "drop_scores"
    call(db, ke.set_panel, admin_actor, evaluation, four, None, drop_scores=True)
    detail = call(db, ke.get_evaluation, admin_actor, evaluation)
    assert [p.name for p in detail.panel] == ["林晓", "黄建军", "何平", "罗敏"] and detail.agency_name is None


def test_framework_changes_must_fit_the_scores_given(db: Database, admin_actor: Actor, county: County,
                                                     evaluation: int) -> None:
    items = list(call(db, ke.get_evaluation, admin_actor, evaluation).items)
    call(db, ke.enter_scores, admin_actor, evaluation, county.experts[0], {"D1": Decimal("3.5")})
    smaller = [dataclasses.replace(i, weight=i.weight + (-1 if i.key == "D1" else 1 if i.key == "D2" else 0))
               for i in items]
    with pytest.raises(ValidationError, match=r"指标“立项依据充分性”已有专家评分（3.50 分）.*改为 3 分"):
        call(db, ke.update_framework, admin_actor, evaluation, "修订", smaller)
    changed = [dataclasses.replace(i, weight=i.weight + (-1 if i.key == "D2" else 1 if i.key == "D3" else 0))
               for i in items]
    assert call(db, ke.update_framework, admin_actor, evaluation, "修订", changed).warnings == ()
    assert call(db, ke.get_evaluation, admin_actor, evaluation).template_name == "修订"


def test_only_evaluators_run_key_evaluations(db: Database, county: County, evaluation: int) -> None:
    with pytest.raises(PermissionDenied, match="绩效评价"):
        call(db, ke.create, actor_of(Role.REVIEWER), YEAR, "department", county.other_department_id, None)
    with pytest.raises(PermissionDenied):
        call(db, ke.get_evaluation, actor_of(Role.CLERK, county.department_id), evaluation)
    assert call(db, ke.get_evaluation, actor_of(Role.LEADER), evaluation).id == evaluation


def fill(path: Path, values: dict[int, object], target: Path | None = None) -> Path:
    """Type values into the score column (G) of the generated sheet, by sheet row number."""
    book = openpyxl.load_workbook(path)
    sheet = book["专家评分表"]
    for row, value in values.items():
        sheet.cell(row, 7).value = value
    book.save(target or path)
    return target or path


def test_expert_workbook_round_trip(db: Database, admin_actor: Actor, county: County, evaluation: int,
                                    tmp_path: Path) -> None:
    expert = county.experts[2]
    path = call(db, ke.expert_workbook, admin_actor, evaluation, expert, tmp_path / "何平评分表.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["专家评分表"]
    assert sheet.protection.sheet and book["评分表信息"].sheet_state == "hidden"
    assert [sheet.cell(4, c).value for c in (1, 4, 5)] == ["D1", "立项依据充分性", 4]
    assert not sheet["G4"].protection.locked and sheet["F4"].protection.locked
    rules = {str(dv.sqref): (dv.formula1, dv.formula2) for dv in sheet.data_validations.dataValidation}
    assert any("G4" in ref and bounds == ("0", "4") for ref, bounds in rules.items())
    w = weights(db, admin_actor, evaluation)
    scores = full_scores(w, Decimal("0.9"))
    fill(path, {4 + n: float(v) for n, v in enumerate(scores.values())})
    result = call(db, ke.read_expert_workbook, admin_actor, evaluation, path)
    assert (result.expert_name, result.scored) == ("何平", 20)
    detail = call(db, ke.get_evaluation, admin_actor, evaluation)
    assert [r.scores[2] for r in detail.rows] == list(scores.values())
    with pytest.raises(ValidationError, match="专家“何平”已对“立项依据充分性”评过分"):
        call(db, ke.read_expert_workbook, admin_actor, evaluation, path)
    assert call(db, ke.read_expert_workbook, admin_actor, evaluation, path, replace=True).scored == 20


def test_a_wrong_workbook_is_refused_with_its_place(db: Database, admin_actor: Actor, county: County,
                                                    evaluation: int, tmp_path: Path) -> None:
    path = call(db, ke.expert_workbook, admin_actor, evaluation, county.experts[0], tmp_path / "林晓.xlsx")
    w = weights(db, admin_actor, evaluation)
    values: dict[int, object] = {4 + n: float(v) for n, v in enumerate(full_scores(w, Decimal("0.9")).values())}
    fill(path, values | {5: 4.5, 6: None, 7: "良好"}, tmp_path / "bad.xlsx")
    with pytest.raises(ValidationError) as caught:
        call(db, ke.read_expert_workbook, admin_actor, evaluation, tmp_path / "bad.xlsx")
    message = str(caught.value)
    assert "工作表“专家评分表”第 5 行 G 列（“立项程序规范性”的得分）：专家“林晓”对“立项程序规范性”的评分 4.5 超出 0 至 4 分" in message
    assert "第 6 行 G 列（“绩效目标合理性”的得分）未填写" in message
    assert "第 7 行 G 列（“绩效指标明确性”的得分）：专家“林晓”对“绩效指标明确性”的评分“良好”不是数字" in message
    assert call(db, ke.get_evaluation, admin_actor, evaluation).panel[0].scored == 0  # nothing entered
    other = call(db, ke.create, admin_actor, YEAR, "department", county.other_department_id, None).evaluation_id
    call(db, ke.set_panel, admin_actor, other, [(county.experts[1], "lead")], None)
    with pytest.raises(ValidationError, match=f"是评价编号 {evaluation}（.*）的评分表，不是当前评价（编号 {other}"):
        call(db, ke.read_expert_workbook, admin_actor, other, fill(path, values))
    call(db, ke.set_panel, admin_actor, evaluation, [(e, "member") for e in county.experts[1:]], None)
    with pytest.raises(ValidationError, match=r"评分专家“林晓”（编号 .*）不在本次评价的评价组中"):
        call(db, ke.read_expert_workbook, admin_actor, evaluation, path)
    (tmp_path / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是有效的 Excel 工作簿"):
        call(db, ke.read_expert_workbook, admin_actor, evaluation, tmp_path / "text.xlsx")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_resaved_by_libreoffice_reads_the_same(db: Database, admin_actor: Actor, county: County,
                                                           evaluation: int, tmp_path: Path) -> None:
    expert = county.experts[3]
    path = call(db, ke.expert_workbook, admin_actor, evaluation, expert, tmp_path / "罗敏.xlsx")
    scores = full_scores(weights(db, admin_actor, evaluation), Decimal("0.77"))
    fill(path, {4 + n: float(v) for n, v in enumerate(scores.values())})
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    resaved = out / "罗敏.xlsx"
    with zipfile.ZipFile(resaved) as archive:
        assert "LibreOffice" in archive.read("docProps/app.xml").decode("utf-8")
    assert call(db, ke.read_expert_workbook, admin_actor, evaluation, resaved).scored == 20
    assert [r.scores[3] for r in call(db, ke.get_evaluation, admin_actor, evaluation).rows] == list(scores.values())
