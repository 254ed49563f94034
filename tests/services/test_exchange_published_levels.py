"""Goal tables written the way counties publish them, arriving on the bureau's blank template: level labels such as
产出值/数量值, 实施效果指标/生态效益, 数量指标（必填）, a merged 一级 cell left blank, and bare numbers whose unit is in
the indicator's name ("实施营造林总面积(亩)" = 80000). Filled with openpyxl, re-saved by LibreOffice headless and
imported: each such cell is stored in the standard form with a located line in the preview, and a label in neither
the standard tree nor the shipped mapping refuses its table with a problem naming the row, the column and the
accepted labels, while the other table comes in."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from core.common.runner import call
from core.exchange import goals as xg
from core.exchange import intake
from core.exchange import kinds as xk
from core.exchange import projects as xpj
from core.goals import service as goals
from core.org import admin, auth
from db.database import open_database
from db.models import GoalTable, Project
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import libreoffice

YEAR = 2025
UNIT = "D201"
D = Decimal

# (一级, 二级, 三级, 指标值 as typed, 权重) → stored (一级, 二级, comparator, target, target_text, unit), notes
FOREST = [
    (("产出值", "数量值", "实施营造林总面积(亩)", 80000, 20),
     ("产出指标", "数量指标", "=", D(80000), None, "亩"), 2),
    ((None, "质量值", "苗木成活率(%)", "≥85", 15),
     ("产出指标", "质量指标", ">=", D(85), None, "%"), 2),
    (("产出指标", "数量指标（必填）", "森林抚育面积", "=5000亩", 10),
     ("产出指标", "数量指标", "=", D(5000), None, "亩"), 1),
    (("产出指标", "时效指标", "造林完成时间", "2025年3月-11月", 10),
     ("产出指标", "时效指标", "qual", None, "2025年3月-11月", None), 0),
    (("产出值", "成本值", "每亩造林补助标准（元/亩）", "≤1200", 10),
     ("产出指标", "成本指标", "<=", D(1200), None, "元/亩"), 2),
    (("实施效果指标", "生态效益", "森林覆盖率提高（个百分点）", "0.2", 15),
     ("效益指标", "生态效益指标", "=", D("0.2"), None, "个百分点"), 2),
    (("社会公众或服务对象满意度指标", "社会公众或服务对象满意度指标", "林农满意度", "≥90%", 10),
     ("满意度指标", "服务对象满意度指标", ">=", D(90), None, "%"), 1),
]
ROADS = [  # a 二级 label nobody maps: the table is refused, located on its cell
    ("产出值", "数量值", "改造农村公路里程（公里）", 30, 50),
    ("产出值", "其他值", "路面平整度", "≥90%", 50),
]
TABLES = {"F-2025-001": ("2025年国土绿化造林", FOREST), "R-2025-002": ("2025年农村公路提质改造", ROADS)}


def _fill(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    sheet, indicators = wb["绩效目标表"], wb["绩效指标"]
    heads = {c.value: c.column for c in sheet[1]}
    columns = {c.value: c.column for c in indicators[1]}
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=heads["年度总体目标"]).value = "完成本年度建设任务，群众满意。"
    for code, (_, rows) in TABLES.items():
        for typed in (r[0] for r in rows) if code.startswith("F") else rows:
            line = indicators.max_row + 1
            for header, value in zip(("一级指标", "二级指标", "三级指标", "指标值", "权重"), typed, strict=True):
                cell = indicators.cell(row=line, column=columns[header])
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # typed into the text cell: it stays text
            indicators.cell(row=line, column=columns["项目编码"]).value = code
    wb.save(template)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_published_labels_and_units_in_names_arrive_in_the_standard_form(tmp_path: Path) -> None:
    db = open_database(tmp_path / "hub.sqlite")
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, admin.save_unit, actor, admin.UnitInput(UNIT, "县林业局", "department"))
    unit_id = next(u.id for u in call(db, admin.list_units, actor) if u.code == UNIT)
    with db.unit_of_work() as uow:
        uow.write()
        xpj.write_projects(uow, actor, YEAR, xpj.ProjectPlan(create={code: (unit_id, {
            "name": name, "attribute": "new", "nature": "recurring", "fund_type": "general",
            "total_amount": D(500), "fiscal_amount": D(500), "carryover_amount": D(0), "other_amount": D(0)})
            for code, (name, _) in TABLES.items()}))
        uow.commit()
    template = call(db, xg.template_goals, actor, YEAR, tmp_path / f"{UNIT}.xlsx", UNIT)
    _fill(template)
    resaved = libreoffice(template, tmp_path)

    preview = call(db, xk.preview_any, actor, resaved)
    assert not preview.blocked, [str(p) for p in preview.blocking]
    assert set(preview.refused_codes) == {"R-2025-002"}
    (problem,) = preview.problems
    assert (problem.sheet, problem.row, problem.header) == ("绩效指标", 10, "二级指标")
    assert "其他值" in problem.message and "数量指标" in problem.message and "服务对象满意度指标" in problem.message
    notes: dict[int, list[Any]] = {}
    for n in preview.notes:
        assert n.sheet == "绩效指标" and n.column and n.header
        notes.setdefault(n.row, []).append(n)
    assert [len(notes.get(line, [])) for line in range(2, 2 + len(FOREST))] == [count for *_, count in FOREST]
    assert any("“产出值/数量值”按“产出指标/数量指标”归类" in n.message for n in notes[2])
    assert any("80000 未填单位，按指标名称中的“亩”读取" in n.message and n.header == "指标值" for n in notes[2])
    assert any("“（空）/质量值”按“产出指标/质量指标”归类" in n.message for n in notes[3])
    # the refused table's rows still say how they were read: its first row's labels and unit, the 一级 of the row
    # whose 二级 nobody maps (so that only that 二级 is the problem)
    assert [len(notes[line]) for line in (9, 10)] == [2, 1]
    assert "一级指标“产出值”按“产出指标”归类" in notes[10][0].message

    done = intake.import_package(db, actor, resaved, confirm_unsigned=True)
    assert set(done.written) == {"F-2025-001"}
    with db.unit_of_work() as uow:
        ids = {p.code: p.id for p in uow.session.scalars(select(Project))}
        refused = uow.session.scalar(select(GoalTable).where(GoalTable.project_id == ids["R-2025-002"]))
    assert refused is None  # nothing of the refused table is written
    content = call(db, goals.get_table, actor, ids["F-2025-001"]).content
    stored = [(r.level1, r.level2, r.comparator, r.target, r.target_text, r.unit_of_measure)
              for r in content.indicators]
    assert stored == [expected for _, expected, _ in FOREST]
    assert [r.name for r in content.indicators] == [typed[2] for typed, _, _ in FOREST]  # names as written
    db.close()
