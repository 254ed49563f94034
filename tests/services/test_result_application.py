"""Result application on the demo county (scale 0.1) plus one department whose results are planted
(tests/results_county.py): the suggestions move money exactly as the policy says (to the 元), the composite score
and the department total, overrides with reasons (audited), the what-if that writes nothing, policies refused with
their problems named, and the findings import that refuses a file with any bad row."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.common.errors import PermissionDenied, ValidationError
from core.common.runner import call
from core.org.rules.roles import Role
from core.results import application as results
from core.results import findings
from core.results.dto import FindingInput, SuggestionTable
from core.results.rules import policy as rp
from db.database import Database
from db.models import AuditEntry, AuditFinding, BudgetOverride, ResultPolicy
from tests import results_county as county
from tests.conftest import actor_of

ADMIN = actor_of(Role.ADMIN)
YUAN = D("0.0001")


county_file, db = county.county_file, county.db  # the planted county's fixtures, registered in this module


def _table(db: Database, **kw: object) -> SuggestionTable:
    return call(db, results.suggestions, ADMIN, county.YEAR, county.AS_OF, **kw)


def _audit_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_planted_projects_move_as_the_policy_says(db: Database) -> None:
    table = _table(db)
    by_code = {p.code: p for p in table.projects}
    for line in county.LINES:
        p = by_code[line.code]
        assert p.amount == line.amount
        assert p.suggested == line.suggested, line.code
        assert p.rule == line.rule
        assert p.final == p.suggested and p.override is None
    assert "单位自评 中" in by_code["2024-D900-0001"].results and "目标审核 良" in by_code["2024-D900-0001"].results
    assert "监控 红灯" in by_code["2024-D900-0002"].results and "事前评估 部分支持" in by_code["2024-D900-0002"].results
    assert by_code["2024-D900-0004"].results.startswith("重点评价 差")


def test_department_composite_and_total(db: Database) -> None:
    dept = next(d for d in _table(db).departments if d.code == county.CODE)
    assert {c.key: c.score for c in dept.score.components} == county.EXPECTED["components"]
    assert (dept.score.finding_points, dept.score.overdue, dept.score.rectification_points) == (D("2.5"), 1, D(1))
    assert dept.score.composite == county.EXPECTED["composite"]
    assert dept.score.coefficient == county.EXPECTED["coefficient"]
    assert dept.this_year == county.EXPECTED["this_year"]
    assert dept.suggested_sum == county.EXPECTED["suggested_sum"]
    assert dept.suggested_total == dept.final == county.EXPECTED["suggested_total"]
    assert dept.projects == len(county.LINES)


def test_every_demo_project_follows_the_rule(db: Database) -> None:
    """Recomputed independently for the whole county: one-off projects ending in 2024 → 0, else
    (amount − ex-ante cut) × (100 + pct) ÷ 100 rounded half up to the 元; departments Σ × coefficient."""
    table = _table(db)
    pct = {a.grade: a.percent for a in results.default_policy().grade_actions}
    grades = {"中": 0, "差": 0, "优": 0, "良": 0}
    for p in table.projects:
        if p.rule == rp.ONE_OFF_DONE:
            assert p.suggested == 0
            continue
        base = p.amount
        if p.rule.startswith("事前评估核减"):
            cut = D(p.rule.split(" ")[1].replace(",", ""))
            base = p.amount - cut
        expected = (base * (100 + pct.get(p.grade or "良", D(0))) / 100).quantize(YUAN, ROUND_HALF_UP)
        assert p.suggested == expected, p.code
        if p.grade:
            grades[p.grade] += 1
    assert grades["中"] >= 1 and grades["差"] >= 1 and grades["优"] >= 1 and grades["良"] >= 1
    for d in table.departments:
        lines = [p for p in table.projects if p.department_id == d.unit_id]
        assert d.suggested_sum == sum((p.final for p in lines), D(0))
        assert d.suggested_total == (d.suggested_sum * d.score.coefficient).quantize(YUAN, ROUND_HALF_UP)
    t = table.totals
    assert t.this_year == sum((p.amount for p in table.projects), D(0))
    assert t.suggested == sum((d.final for d in table.departments), D(0))
    assert t == call(db, results.suggestion_totals, ADMIN, county.YEAR)
    assert t.cancelled_projects >= 1 and t.projects_cut >= 2


def test_overrides_need_a_reason_and_are_audited(db: Database) -> None:
    unit = county.unit_id(db)
    p5 = next(p for p in _table(db).projects if p.code == "2024-D900-0005")
    before = _audit_count(db)
    with pytest.raises(ValidationError, match="须填写调整说明"):
        call(db, results.set_override, ADMIN, county.YEAR, unit, p5.project_id, D("12.5"), "  ")
    with pytest.raises(ValidationError, match="精确到元"):
        call(db, results.set_override, ADMIN, county.YEAR, unit, p5.project_id, D("12.50005"), "理由")
    with pytest.raises(ValidationError, match="不能为负数"):
        call(db, results.set_override, ADMIN, county.YEAR, unit, p5.project_id, D(-1), "理由")
    with pytest.raises(PermissionDenied):
        call(db, results.set_override, actor_of(Role.CLERK, unit), county.YEAR, unit, p5.project_id, D(1), "理由")
    assert _audit_count(db) == before
    call(db, results.set_override, ADMIN, county.YEAR, unit, p5.project_id, D("12.5"), "续建需要，按合同额安排")
    dept = next(d for d in _table(db).departments if d.code == county.CODE)
    line = next(p for p in _table(db).projects if p.code == "2024-D900-0005")
    assert line.final == D("12.5") and line.suggested == D("10.0001") and line.override is not None
    # 102.2938 + 250 + 12.5 = 364.7938; × 0.95 = 346.55411 → 346.5541
    assert dept.suggested_sum == D("364.7938") and dept.suggested_total == D("346.5541")
    call(db, results.set_override, ADMIN, county.YEAR, unit, None, D("400"), "县委常委会议定")
    dept = next(d for d in _table(db).departments if d.code == county.CODE)
    assert dept.final == D(400) and dept.suggested_total == D("346.5541")
    call(db, results.set_override, ADMIN, county.YEAR, unit, None, D("380"), "复议后调整")
    with db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BudgetOverride)) == 2
    assert _audit_count(db) == before + 3
    call(db, results.clear_override, ADMIN, county.YEAR, unit, p5.project_id)
    assert next(p for p in _table(db).projects if p.code == "2024-D900-0005").final == D("10.0001")
    assert _audit_count(db) == before + 4


def _fingerprint(path: Path) -> tuple[str, ...]:
    return tuple(hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else "-"
                 for f in (path, path.with_name(path.name + "-wal")))


def test_what_if_writes_nothing(db: Database, tmp_path: Path) -> None:
    stored = _table(db)
    policy = results.default_policy().with_percent("中", D(-20))
    bands = (rp.Band(D(0), D(80), D("0.90")), rp.Band(D(80), D(100), D("1.10")))
    policy = replace(policy, bands=bands)
    path = tmp_path / "county.sqlite"
    before, audits = _fingerprint(path), _audit_count(db)
    simulated = call(db, results.what_if, ADMIN, county.YEAR, policy, county.AS_OF)
    assert _fingerprint(path) == before and _audit_count(db) == audits
    with db.unit_of_work() as uow:
        assert uow.session.get(ResultPolicy, county.YEAR) is None
    p1 = next(p for p in simulated.projects if p.code == "2024-D900-0001")
    assert p1.suggested == D("96.2765")  # 120.345678 × 0.80 = 96.2765424
    dept = next(d for d in simulated.departments if d.code == county.CODE)
    # 96.2765 + 250 + 10.0001 = 356.2766; composite 76.10 → 0.90 → 320.64894 → 320.6489
    assert (dept.suggested_sum, dept.score.coefficient, dept.suggested_total) == (
        D("356.2766"), D("0.90"), D("320.6489"))
    assert simulated.totals != stored.totals and simulated.totals.this_year == stored.totals.this_year
    assert _table(db).totals == stored.totals
    with pytest.raises(ValidationError, match="重叠"):
        call(db, results.what_if, ADMIN, county.YEAR, replace(policy, bands=(*bands, rp.Band(D(50), D(70), D(1)))))


def test_policy_saved_validated_and_audited(db: Database) -> None:
    audits = _audit_count(db)
    bad = results.default_policy().with_percent("中", D(-120))
    with pytest.raises(ValidationError, match="第 3 行（中）：增减比例 -120% 超出"):
        call(db, results.save_policy, ADMIN, county.YEAR, bad)
    with pytest.raises(PermissionDenied):
        call(db, results.save_policy, actor_of(Role.LEADER), county.YEAR, results.default_policy())
    assert _audit_count(db) == audits
    view = call(db, results.policy_view, ADMIN, county.YEAR)
    assert not view.stored and view.policy == results.default_policy()
    cut20 = results.default_policy().with_percent("中", D(-20))
    call(db, results.save_policy, ADMIN, county.YEAR, cut20)
    assert _audit_count(db) == audits + 1
    view = call(db, results.policy_view, ADMIN, county.YEAR)
    assert view.stored and view.policy == cut20
    assert next(p for p in _table(db).projects if p.code == "2024-D900-0001").suggested == D("96.2765")


def test_clerk_sees_its_own_unit_only(db: Database) -> None:
    unit = county.unit_id(db)
    table = call(db, results.suggestions, actor_of(Role.CLERK, unit), county.YEAR, county.AS_OF)
    assert {p.code for p in table.projects} == {line.code for line in county.LINES}
    assert [d.code for d in table.departments] == [county.CODE]
    assert table.departments[0].suggested_total == county.EXPECTED["suggested_total"]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["审计检查发现导入"])
    ws.append(["单位编码", "来源", "文号", "问题描述", "扣分"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _findings(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditFinding)) or 0)


def test_findings_import_refuses_every_bad_row(db: Database, tmp_path: Path) -> None:
    bad = _workbook(tmp_path / "bad.xlsx", [
        ["D001", "审计", "县审报〔2024〕1号", "资金闲置", 1.5],
        ["X999", "审计", "", "单位不存在", 1],
        ["D002", "纪检", "", "来源不对", 1],
        ["D003", "检查", "", "", "abc"],
        ["D004", "巡视巡查", "", "扣分过大", 101],
        ["D005", "审计", "", "扣分为零", 0],
    ])
    before, audits = _findings(db), _audit_count(db)
    with pytest.raises(findings.FindingsRefused) as refused:
        call(db, findings.import_findings, ADMIN, county.YEAR, bad)
    problems = refused.value.problems
    assert "第 4 行 A 列（单位编码）：找不到编码为“X999”的单位" in problems
    assert "第 5 行 B 列（来源）：应为“审计”或“检查”，收到“纪检”" in problems
    assert "第 6 行 D 列（问题描述）：不能为空" in problems
    assert "第 6 行 E 列（扣分）：扣分“abc”不是数值" in problems
    assert "第 7 行 E 列（扣分）：扣分 101 应大于 0 且不超过 100" in problems
    assert "第 8 行 E 列（扣分）：扣分 0 应大于 0 且不超过 100" in problems
    assert len(problems) == 6
    assert _findings(db) == before and _audit_count(db) == audits
    good = _workbook(tmp_path / "good.xlsx", [["D001", "审计", "县审报〔2024〕1号", "资金闲置", 1.5],
                                              ["T01", "巡视巡查", None, "台账不全", 2]])
    assert call(db, findings.import_findings, ADMIN, county.YEAR, good).count == 2
    assert _findings(db) == before + 2 and _audit_count(db) == audits + 1
    rows = [r for r in call(db, findings.list_findings, ADMIN, county.YEAR) if r.unit_code in ("D001", "T01")]
    assert {(r.unit_code, r.source_label, r.deduction) for r in rows} >= {("D001", "审计", D("1.5")),
                                                                           ("T01", "检查", D(2))}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不支持旧版 .xls"),
    ("fake.xlsx", b"not a workbook at all", "不是有效的 Excel 工作簿"),
    ("empty.xlsx", b"", "文件是空的"),
])
def test_findings_import_refuses_hostile_files(db: Database, tmp_path: Path, name: str, content: bytes,
                                               message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _findings(db)
    with pytest.raises(ValidationError, match=message):
        call(db, findings.import_findings, ADMIN, county.YEAR, path)
    assert _findings(db) == before


def test_findings_without_header_or_rows(db: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["单位", "金额"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(ValidationError, match="找不到表头"):
        call(db, findings.import_findings, ADMIN, county.YEAR, tmp_path / "other.xlsx")
    with pytest.raises(ValidationError, match="没有任何数据行"):
        call(db, findings.import_findings, ADMIN, county.YEAR, _workbook(tmp_path / "none.xlsx", []))


def test_finding_crud(db: Database) -> None:
    unit = county.unit_id(db)
    form = FindingInput(unit, "inspection", "", "巡查发现", D("1.25"))
    with pytest.raises(ValidationError, match="来源应为"):
        call(db, findings.add_finding, ADMIN, county.YEAR, replace(form, source="x"))
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        call(db, findings.add_finding, ADMIN, county.YEAR, replace(form, deduction=D("1.255")))
    call(db, findings.add_finding, ADMIN, county.YEAR, form)
    dept = next(d for d in _table(db).departments if d.code == county.CODE)
    assert dept.score.finding_points == D("3.75") and dept.score.composite == D("74.85")
    row = next(r for r in call(db, findings.list_findings, ADMIN, county.YEAR) if r.description == "巡查发现")
    call(db, findings.update_finding, ADMIN, row.id, replace(form, deduction=D(9)))
    dept = next(d for d in _table(db).departments if d.code == county.CODE)
    assert dept.score.finding_points == D(10)  # 2.5 + 9 capped at 10
    call(db, findings.delete_finding, ADMIN, row.id)
    assert all(r.id != row.id for r in call(db, findings.list_findings, ADMIN, county.YEAR))
