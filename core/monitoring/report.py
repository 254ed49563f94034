"""The 预算绩效运行监控情况报告 PDF of a round (or month): coverage (projects and funds monitored, 双监控 vs
budget only), the lights by department, the red projects with their reasons, the key-monitoring list and the
next steps. Fed with core.monitoring.dto.MonitoringSummary."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.formatting import amount, rounded
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell
from core.monitoring.rules.lights import LIGHT_SYMBOLS, LIGHTS, percent

if TYPE_CHECKING:  # the DTO comes from the service; only its type is needed here
    from core.monitoring.dto import MonitoringSummary

SHOWN_LIGHTS = ("red", "yellow", "green", "blue")
CLOSING = "特此报告。"


def _wan(value: Decimal) -> str:
    return f"{amount(value)}万元"


def _light(light: str) -> str:
    return f"{LIGHT_SYMBOLS[light]}{LIGHTS[light]}"


def _subtitle(dto: MonitoringSummary) -> str:
    """（2024年1-8月）, or with the round named when its name says more than the months."""
    period = f"{dto.year}年1-{dto.month}月"
    if dto.round_name in (None, f"1-{dto.month}月"):
        return f"（{period}）"
    return f"监控期间：{period}　监控轮次：{dto.round_name}"


def _opening(dto: MonitoringSummary) -> str:
    return (f"按照全面实施预算绩效管理和预算绩效运行监控的有关要求，我局对全县{dto.year}年度项目支出截至"
            f"{dto.month}月底的预算执行进度和绩效目标实现程度开展了绩效运行监控（“双监控”）。"
            "现将监控情况报告如下：")


def _coverage(doc: ReportDocument, dto: MonitoringSummary) -> None:
    doc.heading("一、监控覆盖情况")
    if not dto.projects:
        doc.paragraph("本期没有纳入监控的项目。")
        return
    doc.paragraph(
        f"本次监控覆盖项目{dto.projects}个，涉及资金（调整后预算）{_wan(dto.funds)}。其中，绩效目标已批复、"
        f"同时监控预算执行和绩效目标的项目{dto.approved_projects}个，资金{_wan(dto.approved_funds)}；"
        f"绩效目标尚未批复、仅监控预算执行的项目{dto.budget_only_projects}个，资金{_wan(dto.budget_only_funds)}。"
        f"截至{dto.month}月底，监控项目已支出{_wan(dto.spent)}，预算执行率{formatting.percent(dto.execution_rate)}，"
        f"序时进度{formatting.percent(dto.time_progress)}。")
    rows: list[list[Cell]] = [
        ["预算执行和绩效目标“双监控”", dto.approved_projects, rounded(dto.approved_funds),
         percent(dto.approved_funds, dto.funds)],
        ["仅监控预算执行", dto.budget_only_projects, rounded(dto.budget_only_funds),
         percent(dto.budget_only_funds, dto.funds)],
    ]
    doc.table(["监控方式", "项目数（个）", "资金（万元）", "资金占比（%）"], rows,
              totals=["合计", dto.projects, rounded(dto.funds), Decimal("100.0") if dto.funds else None],
              col_widths_mm=[64, 28, 38, 28], align=["left", "right", "right", "right"])


def _lights(doc: ReportDocument, dto: MonitoringSummary) -> None:
    doc.heading("二、预警总体情况及分部门情况")
    if not dto.projects:
        doc.paragraph("本期没有纳入监控的项目。")
        return
    counts = "，".join(f"{_light(light)}项目{dto.lights[light]}个（资金{_wan(dto.light_funds[light])}）"
                      for light in SHOWN_LIGHTS if dto.lights[light]) or "没有亮灯的项目"
    if not dto.lights["red"]:
        counts += "，无红灯项目"
    unlit = f"；另有{dto.lights['none']}个项目调整后预算为0，未亮灯" if dto.lights.get("none") else ""
    doc.paragraph(f"按项目灯（预算执行灯与绩效指标灯中最差者）统计：{counts}{unlit}。"
                  f"按目前支出进度预测，全年执行率可能达不到要求的项目{dto.at_risk}个。"
                  "各部门（含所属单位）监控结果如下表（●红灯、▲黄灯、○绿灯、◆蓝灯）：")
    with_none = any(d.lights.get("none") for d in dto.departments)
    lights = [*SHOWN_LIGHTS, "none"] if with_none else list(SHOWN_LIGHTS)
    rows: list[list[Cell]] = [[d.department_name, d.projects, *(d.lights[x] for x in lights), rounded(d.funds),
                               d.execution_rate] for d in dto.departments]
    totals: list[Cell] = ["合计", dto.projects, *(dto.lights[x] for x in lights), rounded(dto.funds),
                          dto.execution_rate]
    heads = [f"{LIGHT_SYMBOLS[x]}{LIGHTS[x]}" if x != "none" else "未亮灯" for x in lights]
    widths = [40 - (13 if with_none else 0), 14, *([13] * len(lights)), 28, 24]
    doc.table(["部门", "项目数（个）", *heads, "资金（万元）", "执行率（%）"], rows, totals=totals,
              col_widths_mm=widths, align=["left", "right", *(["center"] * len(lights)), "right", "right"])


def _red(doc: ReportDocument, dto: MonitoringSummary) -> None:
    doc.heading("三、红灯项目及原因")
    if not dto.red:
        doc.paragraph("本次监控未发现红灯项目。")
        return
    funds = sum((w.row.adjusted_budget for w in dto.red), Decimal(0))
    doc.paragraph(f"本次监控亮红灯的项目{len(dto.red)}个，涉及资金{_wan(funds)}，按部门列示如下：")
    rows: list[list[Cell]] = [[n, w.row.department_name, w.row.project_name, rounded(w.row.adjusted_budget),
                               w.row.execution_rate, w.reasons or "—"] for n, w in enumerate(dto.red, start=1)]
    doc.table(["序号", "部门", "项目名称", "调整后预算\n（万元）", "执行率\n（%）", "主要原因"], rows,
              col_widths_mm=[11, 26, 36, 22, 14, 49], align=["center", "left", "left", "right", "right", "left"])


def _key(doc: ReportDocument, dto: MonitoringSummary) -> None:
    doc.heading("四、重点监控项目")
    if not dto.key_monitoring:
        doc.paragraph("本期没有列入重点监控的项目。")
        return
    funds = sum((r.adjusted_budget for r in dto.key_monitoring), Decimal(0))
    doc.paragraph(f"列入重点监控的项目{len(dto.key_monitoring)}个，涉及资金{_wan(funds)}，"
                  "将跟踪其支出进度和绩效目标完成情况：")
    rows: list[list[Cell]] = [[n, r.project_name, r.department_name, rounded(r.adjusted_budget), rounded(r.spent),
                               r.execution_rate, _light(r.project_light)]
                              for n, r in enumerate(dto.key_monitoring, start=1)]
    doc.table(["序号", "项目名称", "部门", "调整后预算\n（万元）", f"1-{dto.month}月执行数\n（万元）",
               "执行率\n（%）", "项目灯"], rows, col_widths_mm=[11, 43, 28, 22, 24, 14, 16],
              align=["center", "left", "left", "right", "right", "right", "center"])


def _next_steps(doc: ReportDocument, dto: MonitoringSummary) -> None:
    doc.heading("五、下一步工作")
    doc.paragraph("（一）对红灯项目，请相关部门（单位）逐项分析偏差原因，制定纠偏措施，明确完成时限，"
                  "加快预算执行和项目实施进度；确实无法完成绩效目标的，按程序申请调整预算和绩效目标。")
    doc.paragraph("（二）对黄灯项目，请相关部门（单位）密切关注执行进度，防止转为红灯。")
    doc.paragraph("（三）我局将对红灯项目和重点监控项目跟踪督导，必要时组织下一轮监控，"
                  "监控结果作为预算调整和以后年度预算安排的重要参考。")
    if dto.budget_only_projects:
        doc.paragraph(f"（四）尚有{dto.budget_only_projects}个项目的绩效目标未批复，本次仅监控预算执行，"
                      "请相关部门（单位）抓紧完善绩效目标。")


def build_monitoring_report(dto: MonitoringSummary, target: Path, org_name: str = "县财政局") -> Path:
    """Write the monitoring report of a round (or month) to `target` and return it."""
    doc = ReportDocument(title=f"{dto.year}年度预算绩效运行监控情况报告", subtitle=_subtitle(dto))
    doc.paragraph(_opening(dto))
    _coverage(doc, dto)
    _lights(doc, dto)
    _red(doc, dto)
    _key(doc, dto)
    _next_steps(doc, dto)
    doc.signature(org=org_name, on=dto.generated_on, closing=CLOSING)
    return doc.build(target)
