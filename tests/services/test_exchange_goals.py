"""The goal-table package (unit → bureau) between two real databases built from the same demo county: a hub and
a spoke enrolled with the key the hub issued. Round trip, ledger decisions, hand edits, a LibreOffice re-save
and a bad cell, each on real files."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.common.errors import ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.exchange import goals as xg
from core.exchange import profile as xp
from core.goals import service as goals
from core.goals.dto import GoalTableDetail
from core.goals.rules.goal_table import IndicatorRow
from core.org import auth
from db.database import Database, open_database
from db.models import ExchangeLedgerEntry, GoalTable, Project, Unit
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import set_cell


@dataclass
class Pair:
    hub: Database
    spoke: Database
    hub_admin: object
    spoke_admin: object
    unit: str
    draft_code: str  # a draft table of the unit, editable on both sides


def _county(path: Path) -> tuple[Database, object]:
    db = open_database(path)
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, demo.generate_demo, actor, scale=0.05)
    return db, actor


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    hub, hub_admin = _county(tmp_path / "hub.sqlite")
    spoke, spoke_admin = _county(tmp_path / "spoke.sqlite")
    with hub.unit_of_work() as uow:
        unit, code = uow.session.execute(
            select(Unit.code, Project.code).join(Project, Project.unit_id == Unit.id)
            .join(GoalTable, GoalTable.project_id == Project.id)
            .where(GoalTable.status == "draft", Project.year == 2024).order_by(Project.code)).first()
    key = call(hub, xp.issue_key, hub_admin, unit).key_hex
    call(spoke, xp.become_spoke, spoke_admin, unit, key, "某县财政局")
    yield Pair(hub, spoke, hub_admin, spoke_admin, unit, code)
    hub.close()
    spoke.close()


def _project_id(db: Database, code: str) -> int:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(Project.id).where(Project.code == code, Project.year == 2024))


def _table(db: Database, actor: object, code: str) -> GoalTableDetail:
    return call(db, goals.get_table, actor, _project_id(db, code))


def _edit_on_spoke(p: Pair, suffix: str = "") -> GoalTableDetail:
    before = _table(p.spoke, p.spoke_admin, p.draft_code)
    extra = IndicatorRow("产出指标", "数量指标", f"培训人次{suffix}", ">=", Decimal("50"), None, "个", Decimal("10.5"),
                         "完成得满分，每少 1 个扣 0.1 分", "全年累计")
    qual = IndicatorRow("效益指标", "社会效益指标", "群众获得感", "qual", None, "明显提升", None, None, None, None)
    content = replace(before.content, annual_goal=f"年度目标：=开头也是文字{suffix}", overview="项目概况\n第二行",
                      indicators=(*before.content.indicators, extra, qual))
    call(p.spoke, goals.save_draft, p.spoke_admin, before.project_id, content, before.updated_at)
    return _table(p.spoke, p.spoke_admin, p.draft_code)


def _export(p: Pair, path: Path) -> Path:
    return call(p.spoke, xg.export_goals, p.spoke_admin, 2024, path)


def _ledger(db: Database) -> list[tuple[str, str, str]]:
    with db.unit_of_work() as uow:
        return [tuple(r) for r in uow.session.execute(select(
            ExchangeLedgerEntry.direction, ExchangeLedgerEntry.state, ExchangeLedgerEntry.package_id)
            .order_by(ExchangeLedgerEntry.id))]


def _unit_contents(db: Database, actor: object, unit: str) -> dict[str, object]:
    with db.unit_of_work() as uow:
        codes = list(uow.session.scalars(select(Project.code).join(Unit, Unit.id == Project.unit_id)
                                         .join(GoalTable, GoalTable.project_id == Project.id)
                                         .where(Unit.code == unit, Project.year == 2024)))
    return {c: _table(db, actor, c).content for c in codes}


def test_round_trip_spoke_to_hub_is_lossless_and_a_repeat_is_a_no_op(pair: Pair, tmp_path: Path) -> None:
    edited = _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "goals.xlsx")
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, package)
    assert preview.decision == "new" and not preview.problems, preview.problems
    assert [c.code for c in preview.by_status("changed")] == [pair.draft_code]
    assert not preview.by_status("conflicting")
    done = call(pair.hub, xg.apply_goals, pair.hub_admin, package)
    assert done.written == (pair.draft_code,)
    assert _table(pair.hub, pair.hub_admin, pair.draft_code).content == edited.content
    assert _unit_contents(pair.hub, pair.hub_admin, pair.unit) == _unit_contents(pair.spoke, pair.spoke_admin,
                                                                                   pair.unit)
    ledger = _ledger(pair.hub)
    assert ledger[-1][:2] == ("in", "applied")
    version = _table(pair.hub, pair.hub_admin, pair.draft_code).current_version
    again = call(pair.hub, xg.apply_goals, pair.hub_admin, package)
    assert again.preview.decision == "duplicate" and again.written == ()
    assert _ledger(pair.hub) == ledger
    assert _table(pair.hub, pair.hub_admin, pair.draft_code).current_version == version


def test_an_older_sequence_and_a_package_for_another_receiver_are_refused(pair: Pair, tmp_path: Path) -> None:
    first = _export(pair, tmp_path / "first.xlsx")
    _edit_on_spoke(pair)
    second = _export(pair, tmp_path / "second.xlsx")
    call(pair.hub, xg.apply_goals, pair.hub_admin, second)
    old = call(pair.hub, xg.preview_goals, pair.hub_admin, first)
    assert old.decision == "refused" and "旧包" in old.refusal and old.blocked
    before = _ledger(pair.hub)
    with pytest.raises(ValidationError, match="旧包"):
        call(pair.hub, xg.apply_goals, pair.hub_admin, first)
    assert _ledger(pair.hub) == before
    wrong = call(pair.spoke, xg.preview_goals, pair.spoke_admin, second)  # addressed to the bureau
    assert wrong.decision == "refused" and "BUREAU" in wrong.refusal


def test_a_spoke_imports_the_bureaus_template_for_its_unit(pair: Pair, tmp_path: Path) -> None:
    template = call(pair.hub, xg.export_goals, pair.hub_admin, 2024, tmp_path / "template.xlsx", pair.unit)
    preview = call(pair.spoke, xg.preview_goals, pair.spoke_admin, template)
    assert preview.decision == "new" and not preview.problems
    assert preview.changes and {c.status for c in preview.changes} == {"unchanged"}
    hub_self = call(pair.hub, xg.preview_goals, pair.hub_admin, template)
    assert hub_self.decision == "refused"


def _indicator_line(path: Path, code: str) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["绩效指标"].iter_rows(values_only=True))
    index = rows[0].index("项目编码")
    return next(i for i, r in enumerate(rows, 1) if r[index] == code)


def test_a_hand_edited_package_is_applied_only_after_confirmation(pair: Pair, tmp_path: Path) -> None:
    package = _export(pair, tmp_path / "goals.xlsx")
    line = _indicator_line(package, pair.draft_code)
    set_cell(package, "绩效指标", "三级指标", line, "手工改过的指标")
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, package)
    assert preview.decision == "edited" and not preview.blocked
    assert [c.code for c in preview.by_status("changed")] == [pair.draft_code]
    with pytest.raises(ValidationError, match="确认"):
        call(pair.hub, xg.apply_goals, pair.hub_admin, package)
    assert [e for e in _ledger(pair.hub) if e[0] == "in"] == []
    done = call(pair.hub, xg.apply_goals, pair.hub_admin, package, confirm_unsigned=True)
    assert done.written == (pair.draft_code,)
    assert _ledger(pair.hub)[-1][:2] == ("in", "unsigned")
    names = [i.name for i in _table(pair.hub, pair.hub_admin, pair.draft_code).content.indicators]
    assert names[0] == "手工改过的指标"
    assert call(pair.hub, xg.preview_goals, pair.hub_admin, package).decision == "duplicate"


def test_a_bad_cell_is_located_and_nothing_is_written(pair: Pair, tmp_path: Path) -> None:
    _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "goals.xlsx")
    line = _indicator_line(package, pair.draft_code)
    column = set_cell(package, "绩效指标", "指标值", line, "≥五十个")
    set_cell(package, "绩效指标", "一级指标", line + 1, "不存在的指标")
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, package)
    located = {(p.sheet, p.row, p.column) for p in preview.problems}
    assert ("绩效指标", line, column) in located and preview.blocked
    assert any(p.row == line + 1 and p.header == "一级指标" for p in preview.problems)
    with pytest.raises(ValidationError, match="未导入任何数据"):
        call(pair.hub, xg.apply_goals, pair.hub_admin, package, confirm_unsigned=True)
    assert _ledger(pair.hub) == []
    with pair.hub.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ExchangeLedgerEntry)) == 0


def test_content_problems_unknown_code_other_unit_and_approved_tables(pair: Pair, tmp_path: Path) -> None:
    package = _export(pair, tmp_path / "goals.xlsx")
    with pair.hub.unit_of_work() as uow:
        other = uow.session.scalar(select(Project.code).join(Unit, Unit.id == Project.unit_id)
                                   .where(Unit.code != pair.unit, Project.year == 2024).limit(1))
    wb = openpyxl.load_workbook(package)
    ws = wb["绩效目标表"]
    ws.append([None, None, None, "X-不存在", "手工新增"])
    ws.append([None, None, None, other, "别的单位"])
    wb.save(package)
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, package)
    messages = " ".join(p.message for p in preview.problems)
    assert "没有项目编码“X-不存在”" in messages and f"项目“{other}”属于单位" in messages
    assert all(p.sheet == "绩效目标表" and p.row and p.column for p in preview.problems)


def test_a_table_approved_or_changed_here_is_conflicting_and_left_alone(pair: Pair, tmp_path: Path) -> None:
    _edit_on_spoke(pair, "一")
    call(pair.hub, xg.apply_goals, pair.hub_admin, _export(pair, tmp_path / "one.xlsx"))
    hub_table = _table(pair.hub, pair.hub_admin, pair.draft_code)
    mine = replace(hub_table.content, basis="财政局这边改的")
    call(pair.hub, goals.save_draft, pair.hub_admin, hub_table.project_id, mine, hub_table.updated_at)
    _edit_on_spoke(pair, "二")
    package = _export(pair, tmp_path / "two.xlsx")
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, package)
    assert [c.code for c in preview.by_status("conflicting")] == [pair.draft_code]
    assert "上次导入之后" in preview.by_status("conflicting")[0].reason
    done = call(pair.hub, xg.apply_goals, pair.hub_admin, package)
    assert done.written == ()
    assert _table(pair.hub, pair.hub_admin, pair.draft_code).content.basis == "财政局这边改的"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_libreoffice_resave_of_an_untouched_package_still_imports_as_new(pair: Pair, tmp_path: Path) -> None:
    edited = _edit_on_spoke(pair)
    package = _export(pair, tmp_path / "goals.xlsx")
    out = tmp_path / "resaved"
    out.mkdir()
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
                           "--convert-to", "xlsx", "--outdir", str(out), str(package)],
                          capture_output=True, text=True, timeout=180, check=False)
    resaved = out / "goals.xlsx"
    assert done.returncode == 0 and resaved.exists(), done.stderr
    preview = call(pair.hub, xg.preview_goals, pair.hub_admin, resaved)
    assert preview.decision == "new" and not preview.problems, preview.problems
    call(pair.hub, xg.apply_goals, pair.hub_admin, resaved)
    assert _table(pair.hub, pair.hub_admin, pair.draft_code).content == edited.content
