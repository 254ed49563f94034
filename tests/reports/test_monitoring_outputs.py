"""The monitoring outputs on a demo county (2024, 1-8月): the summary workbook read back cell by cell (values,
light fills, totals = the sum of the rows, legend, frozen panes, print setup), the warnings list, the report PDF's
coverage figures and red projects, and the workbook as another spreadsheet program (LibreOffice) reads it."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.common.formatting import amount, rounded
from core.common.printing.workbook import LIGHT_TONES, Column, Marked, Tone, new_workbook, save, write_sheet
from core.common.runner import call
from core.demo import generate as demo
from core.monitoring import grid as monitoring
from core.monitoring import summary as mr
from core.monitoring.dto import Grid
from core.monitoring.rules.lights import LIGHT_SYMBOLS, LIGHTS
from core.monitoring.workbook import grid_columns, light_text
from core.org.rules.roles import Actor
from db.database import Database
from db.models import MonitoringEntry, MonitoringRound

YEAR, MONTH, TODAY = 2024, 8, date(2024, 12, 31)
AS_OF = {"month": MONTH, "today": TODAY}
MONEY_COLUMNS = {"年初预算数": "budget", "年度\n预算调整": "adjustment", "调整后\n预算数": "adjusted_budget",
                 "1-8月\n执行数": "spent", "全年预计\n执行数": "forecast"}
FIRST_ROW = 4  # title, subtitle, header
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils is needed")


@pytest.fixture
def county(db: Database, admin_actor: Actor) -> tuple[Database, Actor]:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    return db, admin_actor


def grid_of(county: tuple[Database, Actor], **kw: object) -> Grid:
    db, actor = county
    return call(db, monitoring.grid, actor, YEAR, **({**AS_OF, **kw}))  # type: ignore[arg-type]


def exact(value: object) -> Decimal:
    """A number read back from the file as the Decimal it was written from (openpyxl writes "%.16g")."""
    assert isinstance(value, int | float), value
    return Decimal(str(value))


def data_rows(ws: Worksheet) -> list[tuple[object, ...]]:
    rows = []
    for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True):
        if row[0] == "合计":
            break
        rows.append(row)
    return rows


def row_of(ws: Worksheet, value: object, column: str = "A") -> int:
    return next(c.row for c in ws[column] if c.value == value)


def col(ws: Worksheet, header: str) -> str:
    """The letter of the column under `header` (row 3)."""
    return next(c.column_letter for c in ws[3] if c.value == header)


def light_label(light: str) -> str:
    return f"{LIGHT_SYMBOLS[light]} {LIGHTS[light]}"


def test_light_text_names_the_light_and_leaves_a_dash_for_none() -> None:
    assert [light_text(x) for x in ("red", "yellow", "green", "blue", "none")] == [
        "● 红灯", "▲ 黄灯", "○ 绿灯", "◆ 蓝灯", "—"]


def test_summary_workbook_holds_the_grid_with_lights_totals_and_legend(county: tuple[Database, Actor],
                                                                      tmp_path: Path) -> None:
    db, actor = county
    found = grid_of(county)
    target = call(db, mr.monitoring_workbook, actor, YEAR, tmp_path / "grid.xlsx", **AS_OF)

    wb = load_workbook(target)
    assert wb.sheetnames == ["监控汇总", "预警清单"]
    ws = wb["监控汇总"]
    assert ws["A1"].value == "2024年1-8月预算绩效运行监控汇总表"
    assert "截至8月底" in ws["A2"].value and "金额单位：万元" in ws["A2"].value
    assert [c.value for c in ws[3]] == [c.header for c in grid_columns(MONTH)]
    rows = data_rows(ws)
    assert [r[2] for r in rows] == [g.project_code for g in found.rows]
    by_code = {g.project_code: g for g in found.rows}
    for r in rows:
        g = by_code[r[2]]
        assert (r[0], r[1]) == (g.department_name, g.project_name)
        # cells hold the amounts rounded half up to the 2 places shown, as the screen shows them
        assert exact(r[7]) == rounded(g.adjusted_budget) and exact(r[8]) == rounded(g.spent)
        assert r[12] == (light_text(g.goal_light) if g.goal_basis == "approved" else "仅预算")
        assert r[13] == light_label(g.project_light)
    # Each light cell is filled in its colour and names its light, so a black-and-white print still reads.
    seen = set()
    for cell in ws[col(ws, "项目灯")][FIRST_ROW - 1: FIRST_ROW - 1 + len(rows)]:
        light = by_code[ws[f"C{cell.row}"].value].project_light
        assert cell.fill.fgColor.rgb == "00" + LIGHT_TONES[light].fill
        assert cell.font.color.rgb == "00" + LIGHT_TONES[light].font
        seen.add(light)
    assert {"red", "yellow", "green"} <= seen
    assert ws[f"H{FIRST_ROW}"].number_format == "#,##0.00"

    totals = row_of(ws, "合计")
    assert totals == FIRST_ROW + len(rows)
    assert ws[f"B{totals}"].value == f"{len(rows)}个项目"
    for header, field in MONEY_COLUMNS.items():
        letter = col(ws, header)
        column = sum((exact(ws[f"{letter}{r}"].value) for r in range(FIRST_ROW, totals)), Decimal(0))
        total = exact(ws[f"{letter}{totals}"].value)
        assert total == rounded(sum((getattr(g, field) for g in found.rows), Decimal(0)))
        assert abs(total - column) <= Decimal("0.005") * len(rows)  # the total of the exact amounts, rounded
    assert ws[f"A{totals}"].font.b

    legend = row_of(ws, "图例")
    assert legend > totals
    labels = {ws[f"A{r}"].value: r for r in range(legend + 1, legend + 8)}
    for light in ("red", "yellow", "green", "blue"):
        row = labels[light_label(light)]
        assert ws[f"A{row}"].fill.fgColor.rgb == "00" + LIGHT_TONES[light].fill
    assert "低于60%" in ws[f"B{labels[light_label('red')]}"].value  # the threshold in force, from settings

    assert ws.freeze_panes == "C4"
    assert ws.auto_filter.ref == f"A3:U{totals - 1}"  # the totals row stays out of sorting
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_warnings_sheet_lists_red_then_yellow_with_reasons(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    found = grid_of(county)
    flagged = [g for g in found.rows if g.project_light in ("red", "yellow")]
    target = call(db, mr.warnings_workbook, actor, YEAR, tmp_path / "warnings.xlsx", **AS_OF)

    wb = load_workbook(target)
    assert wb.sheetnames == ["预警清单"]
    ws = wb["预警清单"]
    assert ws["A1"].value == "2024年1-8月预算绩效运行监控预警清单"
    rows = data_rows(ws)
    assert len(rows) == len(flagged) > 0
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    lights = [r[1] for r in rows]
    reds = sum(1 for g in flagged if g.project_light == "red")
    assert lights == [light_label("red")] * reds + [light_label("yellow")] * (len(rows) - reds)
    amounts = [exact(r[6]) for r in rows[:reds]]
    assert [r[4] for r in rows[:reds]] == [g.project_code for g in sorted(
        (g for g in flagged if g.project_light == "red"), key=lambda g: (-g.adjusted_budget, g.project_code))]
    assert amounts == sorted(amounts, reverse=True)
    assert all(r[-1] for r in rows)  # every warning says why
    assert ws.freeze_panes == "E4"


def test_workbook_keeps_the_rows_as_shown(county: tuple[Database, Actor], tmp_path: Path) -> None:
    """The GUI passes its filtered, sorted rows; the workbook holds those, in that order, and sums them."""
    db, actor = county
    found = grid_of(county)
    shown = sorted((g for g in found.rows if g.project_light != "green"),
                   key=lambda g: g.execution_rate or Decimal(0))[:7]
    target = call(db, mr.monitoring_workbook, actor, YEAR, tmp_path / "shown.xlsx", rows=shown, **AS_OF)

    ws = load_workbook(target)["监控汇总"]
    assert [r[2] for r in data_rows(ws)] == [g.project_code for g in shown]
    totals = row_of(ws, "合计")
    assert exact(ws[f"H{totals}"].value) == rounded(sum((g.adjusted_budget for g in shown), Decimal(0)))
    assert len(data_rows(load_workbook(target)["预警清单"])) == len(shown)


@needs_poppler
def test_a_round_carries_the_units_reasons(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    red = next(g for g in grid_of(county).rows if g.project_light == "red")
    with db.unit_of_work() as uow:
        uow.write()
        round_ = MonitoringRound(year=YEAR, name="专项监控", as_of_month=MONTH, status="open", opened_by="admin")
        uow.session.add(round_)
        uow.session.flush()
        uow.session.add(MonitoringEntry(round_id=round_.id, project_id=red.project_id, budget_cause="经费",
                                        budget_analysis="=上级资金未到位", updated_by="admin"))
        uow.commit()
        round_id = round_.id

    target = call(db, mr.monitoring_workbook, actor, YEAR, tmp_path / "round.xlsx", round_id=round_id, today=TODAY)
    wb = load_workbook(target)
    assert wb["监控汇总"]["A1"].value == "2024年1-8月预算绩效运行监控汇总表"
    assert "监控轮次：专项监控" in wb["监控汇总"]["A2"].value and "监控轮次：专项监控" in wb["预警清单"]["A2"].value
    row = row_of(wb["监控汇总"], red.project_code, "C")
    reason = wb["监控汇总"][f"{col(wb['监控汇总'], '偏差原因')}{row}"]
    assert reason.value == "预算：经费 =上级资金未到位" and reason.data_type == "s"
    warned = row_of(wb["预警清单"], red.project_code, "E")
    assert "单位说明：预算：经费 =上级资金未到位" in wb["预警清单"][f"{col(wb['预警清单'], '预警原因')}{warned}"].value

    summary = call(db, mr.monitoring_summary, actor, YEAR, round_id=round_id, today=TODAY)
    assert summary.round_name == "专项监控"
    assert any(w.row.project_code == red.project_code and "上级资金未到位" in w.reasons for w in summary.red)
    text = pdf_text(call(db, mr.monitoring_report_pdf, actor, YEAR, tmp_path / "round.pdf", round_id=round_id,
                         today=TODAY))
    assert "监控期间：2024年1-8月监控轮次：专项监控" in text
    assert "单位说明：预算：经费=上级资金未到位" in text


def test_text_that_looks_like_a_formula_stays_text_and_money_keeps_its_fen(tmp_path: Path) -> None:
    wb = new_workbook()
    tone = Tone("FFC7CE", "9C0006")
    write_sheet(wb, "表[1]", "标题", [Column("名称"), Column("金额", "money"), Column("状态", "center")],
                [["=HYPERLINK(\"http://x\")", Decimal("1234567890.12"), Marked("● 红灯", tone)],
                 ["+1", Decimal("0.01"), None]], totals=["合计", Decimal("1234567890.13"), ""])
    ws = load_workbook(save(wb, tmp_path / "t.xlsx"))["表_1_"]
    assert ws["A4"].value == "=HYPERLINK(\"http://x\")" and ws["A4"].data_type == "s" and ws["A4"].quotePrefix
    assert ws["A5"].value == "+1" and ws["A5"].quotePrefix
    assert exact(ws["B4"].value) == Decimal("1234567890.12")
    assert exact(ws["B6"].value) == Decimal("1234567890.13")
    assert ws["C4"].fill.fgColor.rgb == "00FFC7CE"


@pytest.mark.parametrize(("changes", "expected"), [
    ({"execution_rate": Decimal("0.0"), "spent": Decimal(0), "at_risk": True}, "截至目前尚未支出"),
    ({"execution_rate": Decimal("20.0"), "budget_light": "red", "budget_ratio": Decimal("30.0")},
     "执行率20.0%，为序时进度66.7%的30.0%"),
    ({"red_indicators": 2, "goal_light": "red", "budget_light": "green"}, "2个绩效指标亮红灯"),
    ({"at_risk": True, "forecast_rate": Decimal("70.0"), "budget_light": "green"}, "预计全年执行率70.0%"),
    ({"likelihood": "impossible", "budget_light": "green"}, "完成目标可能性为“完全不可能”"),
    ({"reasons": "预算：经费", "budget_light": "green"}, "单位说明：预算：经费"),
])
def test_warning_reasons(county: tuple[Database, Actor], changes: dict[str, object], expected: str) -> None:
    import dataclasses

    row = grid_of(county).rows[0]
    plain = dataclasses.replace(row, budget_light="green", goal_light="none", red_indicators=0, likelihood=None,
                                at_risk=False, reasons="", execution_rate=Decimal("60.0"), spent=Decimal(1))
    assert expected in mr.warning_reasons(dataclasses.replace(plain, **changes))  # type: ignore[arg-type]


def pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@needs_poppler
def test_report_pdf_gives_coverage_lights_and_red_projects(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    summary = call(db, mr.monitoring_summary, actor, YEAR, **AS_OF)
    assert summary.projects == summary.approved_projects + summary.budget_only_projects == 80
    assert sum(summary.lights.values()) == summary.projects
    assert sum(d.projects for d in summary.departments) == summary.projects
    assert summary.red and summary.key_monitoring
    departments = [d.department_name for d in summary.departments]
    order = [(departments.index(w.row.department_name), -w.row.adjusted_budget) for w in summary.red]
    assert order == sorted(order)  # by department, then amount, largest first

    pdf = call(db, mr.monitoring_report_pdf, actor, YEAR, tmp_path / "report.pdf", **AS_OF)
    text = pdf_text(pdf)
    for expected in (
        "2024年度预算绩效运行监控情况报告", "（2024年1-8月）", "一、监控覆盖情况", "二、预警总体情况及分部门情况",
        "三、红灯项目及原因", "四、重点监控项目", "五、下一步工作",
        f"本次监控覆盖项目{summary.projects}个，涉及资金（调整后预算）{amount(summary.funds)}万元",
        f"项目{summary.approved_projects}个，资金{amount(summary.approved_funds)}万元",
        f"仅监控预算执行的项目{summary.budget_only_projects}个",
        f"预算执行率{summary.execution_rate}%", f"●红灯项目{summary.lights['red']}个",
        f"本次监控亮红灯的项目{len(summary.red)}个", f"列入重点监控的项目{len(summary.key_monitoring)}个",
        "特此报告。", "2024年12月31日",
    ):
        assert expected in text, expected
    for w in summary.red:
        assert w.row.project_name in text
    for d in summary.departments:
        assert d.department_name in text

    pages = subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    assert pages.returncode == 0
    images = sorted(tmp_path.glob("page-*.pgm"))
    assert len(images) >= 3
    for image in images:
        pixels = image.read_bytes().split(b"\n", 3)[3]  # P5, size, max value, then one byte per pixel
        assert sum(1 for p in pixels if p < 128) > 200, image.name  # text on every page


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_another_spreadsheet_program_reads_the_workbook(county: tuple[Database, Actor], tmp_path: Path) -> None:
    db, actor = county
    found = grid_of(county)
    source = call(db, mr.monitoring_workbook, actor, YEAR, tmp_path / "grid.xlsx", **AS_OF)
    out = tmp_path / "converted"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)

    wb = load_workbook(out / "grid.xlsx")
    assert wb.sheetnames == ["监控汇总", "预警清单"]
    ws = wb["监控汇总"]
    assert [r[2] for r in data_rows(ws)] == [g.project_code for g in found.rows]
    totals = row_of(ws, "合计")
    assert exact(ws[f"H{totals}"].value) == rounded(sum((g.adjusted_budget for g in found.rows), Decimal(0)))
    red = row_of(ws, next(g.project_code for g in found.rows if g.project_light == "red"), "C")
    assert ws[f"N{red}"].value == light_label("red")
    assert ws[f"N{red}"].fill.fgColor.rgb.endswith(LIGHT_TONES["red"].fill)
    assert ws.print_title_rows == "$3:$3" and ws.auto_filter.ref == f"A3:U{totals - 1}"
    assert row_of(ws, "图例") > totals
    # Not the frozen panes: a headless conversion has no view, so LibreOffice writes none back for any file.
