"""部门整体评价 use cases: the departments of a year with their overall evaluation, the sheet of one department
(figures prefilled from what the database knows: project budgets, adjustments and execution), saving a draft
(rule items scored from the figures, judged items by the evaluator, replacements only with a reason) and
finalising it with the grade thresholds in force recorded, so the result never changes when settings do.

Where the department's goal table of the year (部门整体绩效目标) is approved, the sheet scores against it: its
indicators' targets become the limits of the matching rule items (recorded in the sheet's framework at the first
save), its key tasks are the planned 重点工作 and its budget the 年初预算."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import DRAFT_STATUSES, UNIT_KINDS
from core.evaluation.common import (
    frameworks,
    grade_thresholds,
    require_evaluator,
    thresholds_from_json,
    thresholds_json,
)
from core.evaluation.dto import DepartmentRow, DepartmentSheet, GoalBasis
from core.evaluation.rules.department_goal import TargetUse, with_goal_targets
from core.evaluation.rules.department_sheet import (
    Field,
    ItemEntry,
    SheetItem,
    SheetResult,
    check_figures,
    parse_fields,
    parse_items,
    score_sheet,
)
from core.evaluation.rules.scoring import grade
from core.goals.department import approved_goal
from core.org import settings
from core.org.access import require_unit, visible_unit_ids
from core.org.lookups import DEPARTMENT_KINDS
from core.org.rules.roles import Actor
from db.codes import DraftStatus
from db.models import (
    Evaluation,
    EvaluationLine,
    ExecutionRecord,
    MonitoringEntry,
    MonitoringRound,
    Project,
    Unit,
    utcnow,
)
from db.uow import UnitOfWork
from resources import path as resource_path

EVALUATION = Changes.of(Area.EVALUATION)
CENT = Decimal("0.01")
STATUSES = {"none": "未评价", **DRAFT_STATUSES}  # "none": not evaluated yet


@cache
def _figures_reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("reference", "department_figures.json").read_text(encoding="utf-8"))
    return data


def figure_fields() -> tuple[Field, ...]:
    return parse_fields(_figures_reference()["fields"])


def sheet_items(framework: dict[str, Any] | None = None) -> tuple[SheetItem, ...]:
    """The items of a department framework (the shipped one by default) with their figure formulas."""
    raw = framework if framework is not None else frameworks()["department"]
    return parse_items(raw["items"], _figures_reference()["formulas"])


def _department(uow: UnitOfWork, actor: Actor, unit_id: int) -> Unit:
    unit = uow.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在。")
    if unit.kind not in DEPARTMENT_KINDS:
        raise ValidationError(f"“{unit.name}”是{UNIT_KINDS.get(unit.kind, unit.kind)}，部门整体评价的对象应为部门或镇街。",
                              "unit_id")
    require_unit(uow.session, actor, unit_id)
    return unit


def _evaluation(uow: UnitOfWork, year: int, unit_id: int) -> Evaluation | None:
    return uow.session.scalar(select(Evaluation).where(Evaluation.year == year, Evaluation.kind == "department",
                                                       Evaluation.unit_id == unit_id).order_by(Evaluation.id.desc()))


def list_departments(uow: UnitOfWork, actor: Actor, year: int) -> list[DepartmentRow]:
    """Every active department and township, with its overall evaluation of the year if there is one."""
    stmt = select(Unit).where(Unit.kind.in_(DEPARTMENT_KINDS), Unit.active.is_(True)).order_by(Unit.code)
    allowed = visible_unit_ids(uow.session, actor)
    if allowed is not None:
        stmt = stmt.where(Unit.id.in_(allowed))
    evaluations = {e.unit_id: e for e in uow.session.scalars(
        select(Evaluation).where(Evaluation.year == year, Evaluation.kind == "department").order_by(Evaluation.id))}
    rows = []
    for unit in uow.session.scalars(stmt):
        e = evaluations.get(unit.id)
        status = e.status if e is not None else "none"
        rows.append(DepartmentRow(unit.id, unit.code, unit.name, UNIT_KINDS.get(unit.kind, unit.kind),
                                  e.id if e else None, status, STATUSES.get(status, status),
                                  e.score if e else None, e.grade if e else None))
    return rows


def prefill(uow: UnitOfWork, year: int, unit_id: int) -> dict[str, Decimal]:
    """Budget figures from the department's projects (its own and its budget units'): 年初预算 = project budgets,
    追加预算 = the latest monitoring round's increases, 预算数 = 支出预算 = after all adjustments, 预算完成数 =
    execution, 结转结余 = what is left; 上年 figures from last year's overall evaluation."""
    s = uow.session
    units = [unit_id, *s.scalars(select(Unit.id).where(Unit.parent_id == unit_id))]
    projects = list(s.scalars(select(Project).where(Project.year == year, Project.unit_id.in_(units))))
    found: dict[str, Decimal] = {}
    if projects:
        ids = [p.id for p in projects]
        initial = sum((p.total_amount for p in projects), Decimal(0))
        latest = s.scalar(select(MonitoringRound.id).where(MonitoringRound.year == year)
                          .order_by(MonitoringRound.as_of_month.desc(), MonitoringRound.id.desc()))
        adjustments = list(s.scalars(select(MonitoringEntry.budget_adjustment).where(
            MonitoringEntry.round_id == latest, MonitoringEntry.project_id.in_(ids)))) if latest else []
        budget = initial + sum(adjustments, Decimal(0))
        done = s.scalar(select(func.sum(ExecutionRecord.amount)).where(  # Money type kept: Decimal 万元
            ExecutionRecord.project_id.in_(ids), ExecutionRecord.year == year)) or Decimal(0)
        found |= {"initial_budget": initial, "added_budget": sum((a for a in adjustments if a > 0), Decimal(0)),
                  "budget": budget, "spending_budget": budget, "budget_done": done,
                  "carryover": max(Decimal(0), budget - done)}
        found = {k: v.quantize(CENT) for k, v in found.items()}  # suggestions, to the 百元 the sheet shows
    approved = approved_goal(s, unit_id, year)
    if approved is not None:
        found["tasks_planned"] = Decimal(len(approved[1]))
        found["initial_budget"] = approved[2].total
    last = _evaluation(uow, year - 1, unit_id)
    if last is not None:
        before = json.loads(last.data_json).get("figures", {})
        for key, source in (("sangong_prev", "sangong"), ("posts", "posts")):
            if before.get(source) is not None:
                found[key] = Decimal(before[source])
    return found


def _lines(uow: UnitOfWork, evaluation_id: int) -> list[EvaluationLine]:
    return list(uow.session.scalars(select(EvaluationLine).where(EvaluationLine.evaluation_id == evaluation_id)
                                    .order_by(EvaluationLine.position)))


def _entries(lines: list[EvaluationLine], items: tuple[SheetItem, ...]) -> dict[str, ItemEntry]:
    """Back from lines to what the evaluator gave: judged scores, replacements with reasons, typed percents."""
    judged = {i.key for i in items if i.judged}
    typed = {i.key for i in items if not i.judged and i.formula is None}
    found = {}
    for line in lines:
        given = line.item_key in judged or bool(line.override_reason)
        found[line.item_key] = ItemEntry(line.score if given else None, line.override_reason or "",
                                         line.analysis or "", line.actual if line.item_key in typed else None)
    return found


def _goal_framework(uow: UnitOfWork, year: int, unit_id: int) -> tuple[dict[str, Any], GoalBasis | None]:
    """The shipped framework, with the approved department goal table's targets where it has one."""
    approved = approved_goal(uow.session, unit_id, year)
    if approved is None:
        return frameworks()["department"], None
    content, tasks, _budget = approved
    framework, uses = with_goal_targets(frameworks()["department"], content.indicators)
    return framework, GoalBasis(content.annual_goal, content.indicators, tuple(t.task for t in tasks), uses)


def _recorded_goal(uow: UnitOfWork, year: int, unit_id: int, framework: dict[str, Any]) -> GoalBasis | None:
    """The goal basis of a saved sheet: the targets its recorded framework took, beside the approved table."""
    _shipped, basis = _goal_framework(uow, year, unit_id)
    shipped = {i["key"]: i for i in frameworks()["department"]["items"]}
    uses = tuple(TargetUse(i["key"], i["name"], i["goal_indicator"], Decimal(shipped[i["key"]]["rule"]["limit"]),
                           Decimal(i["rule"]["limit"])) for i in framework["items"]
                 if i.get("goal_indicator") and i["key"] in shipped)
    if basis is None and not uses:
        return None
    return GoalBasis(basis.annual_goal if basis else None, basis.indicators if basis else (),
                     basis.tasks if basis else (), uses)


def get_sheet(uow: UnitOfWork, actor: Actor, year: int, unit_id: int) -> DepartmentSheet:
    """The department's sheet of the year: the saved one, or a new one with the figures prefilled."""
    unit = _department(uow, actor, unit_id)
    e = _evaluation(uow, year, unit_id)
    suggested = prefill(uow, year, unit_id)
    if e is None:
        figures: dict[str, Decimal | None] = {f.key: suggested.get(f.key) for f in figure_fields()}
        framework, basis = _goal_framework(uow, year, unit_id)
        return DepartmentSheet(None, year, unit.id, unit.name, "none", figure_fields(), sheet_items(framework),
                               figures, suggested, {}, None, None, grade_thresholds(uow.session), None, basis)
    recorded = json.loads(e.framework_json) if e.framework_json else frameworks()["department"]
    items = sheet_items(recorded)
    data = json.loads(e.data_json)
    thresholds = thresholds_from_json(e.grades_json) if e.grades_json else grade_thresholds(uow.session)
    return DepartmentSheet(e.id, year, unit.id, unit.name, e.status, figure_fields(), items,
                           {**dict.fromkeys((f.key for f in figure_fields()), None),
                            **_decimal_map(data.get("figures", {}))},
                           suggested, _entries(_lines(uow, e.id), items), e.score, e.grade, thresholds,
                           e.finalised_at, _recorded_goal(uow, year, unit_id, recorded))


def _decimal_map(raw: dict[str, Any]) -> dict[str, Decimal | None]:
    return {k: None if v is None else Decimal(v) for k, v in raw.items()}


def _snapshot(e: Evaluation | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"status": e.status, "score": None if e.score is None else str(e.score), "grade": e.grade,
            "data": json.loads(e.data_json)}


def save_sheet(uow: UnitOfWork, actor: Actor, year: int, unit_id: int, figures: dict[str, Decimal | None],
               entries: dict[str, ItemEntry]) -> Changes:
    """Save the department's sheet as a draft: the figures and the evaluator's entries, every item's points.
    Items may still be unscored; wrong input (naming the item) is refused. A final sheet cannot change."""
    uow.write()
    require_evaluator(actor)
    unit = _department(uow, actor, unit_id)
    e = _evaluation(uow, year, unit_id)
    if e is not None and e.status == DraftStatus.FINAL:
        raise ValidationError(f"“{unit.name}”{year} 年度的部门整体评价已定稿，不能再修改。", "status")
    fields = figure_fields()
    unknown = sorted(set(figures) - {f.key for f in fields})
    if unknown:
        raise ValidationError(f"未知的部门数据项：{'、'.join(unknown)}。", unknown[0])
    problems = check_figures(fields, figures)
    framework = (json.loads(e.framework_json) if e is not None and e.framework_json
                 else _goal_framework(uow, year, unit_id)[0])
    items = sheet_items(framework)
    unknown = sorted(set(entries) - {i.key for i in items})
    if unknown:
        raise ValidationError(f"评分表中没有评价指标 {'、'.join(unknown)}。", unknown[0])
    result = score_sheet(fields, items, figures, entries)
    problems += result.problems
    if problems:
        raise ValidationError(problems[0] + (f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""),
                              "sheet")
    before = _snapshot(e)
    if e is None:
        e = Evaluation(year=year, kind="department", subject_kind="department", unit_id=unit.id,
                       title=f"{unit.name}{year}年度部门整体绩效评价", status=DraftStatus.DRAFT,
                       framework_json=json.dumps(framework, ensure_ascii=False), created_by=actor.username)
        uow.session.add(e)
        uow.session.flush()
    e.data_json = json.dumps({"figures": {k: None if v is None else str(v) for k, v in figures.items()}},
                             ensure_ascii=False, sort_keys=True)
    e.budget, e.executed = figures.get("budget"), figures.get("budget_done")
    e.score = result.total if result.complete else None
    e.grade, e.updated_at = None, utcnow()
    _write_lines(uow, e.id, items, entries, result)
    uow.audit(actor.username, "evaluation.department.save", "evaluation", e.id, before, _snapshot(e))
    uow.commit()
    return EVALUATION


def line_values(items: tuple[SheetItem, ...], entries: dict[str, ItemEntry], result: SheetResult) -> list[dict[str, Any]]:
    """The evaluation_line columns of each item (position, figure, rule points, score, reason, analysis)."""
    scored = result.by_key()
    values = []
    for position, item in enumerate(items, 1):
        entry, r = entries.get(item.key, ItemEntry()), scored[item.key]
        replaced = not item.judged and r.computed is not None and r.score != r.computed
        values.append({"item_key": item.key, "position": position, "level1": item.level1, "level2": item.level2,
                       "name": item.name, "weight": item.weight, "actual": r.figure, "computed": r.computed,
                       "score": r.score, "override_reason": (entry.reason.strip() or None) if replaced else None,
                       "analysis": entry.analysis.strip() or None})
    return values


def _write_lines(uow: UnitOfWork, evaluation_id: int, items: tuple[SheetItem, ...], entries: dict[str, ItemEntry],
                 result: SheetResult) -> None:
    existing = {line.item_key: line for line in _lines(uow, evaluation_id)}
    for values in line_values(items, entries, result):
        line = existing.get(values["item_key"])
        if line is None:
            line = EvaluationLine(evaluation_id=evaluation_id)
            uow.session.add(line)
        for column, value in values.items():
            setattr(line, column, value)


def finalise(uow: UnitOfWork, actor: Actor, year: int, unit_id: int) -> Changes:
    """Fix the sheet: every item scored, the total's grade from the thresholds in force, which are recorded."""
    uow.write()
    require_evaluator(actor)
    unit = _department(uow, actor, unit_id)
    e = _evaluation(uow, year, unit_id)
    if e is None:
        raise ValidationError(f"“{unit.name}”{year} 年度还没有保存部门整体评价，不能定稿。", "status")
    if e.status == DraftStatus.FINAL:
        raise ValidationError(f"“{unit.name}”{year} 年度的部门整体评价已经定稿。", "status")
    missing = [line.name for line in _lines(uow, e.id) if line.score is None]
    if missing or e.score is None:
        first = missing[0] if missing else "评分表"
        raise ValidationError(f"“{first}”还没有得分（共 {len(missing)} 项未评分），补齐后才能定稿。", "sheet")
    before = _snapshot(e)
    thresholds = grade_thresholds(uow.session)
    e.grades_json, e.grade = thresholds_json(thresholds), grade(e.score, thresholds)
    e.status, e.finalised_at, e.updated_at = DraftStatus.FINAL, utcnow(), utcnow()
    uow.audit(actor.username, "evaluation.department.finalise", "evaluation", e.id, before, _snapshot(e))
    uow.commit()
    return EVALUATION


def department_evaluation_pdf(uow: UnitOfWork, actor: Actor, year: int, unit_id: int, target: Path) -> Path:
    """The department's 部门整体绩效评价评分表 (a draft is marked as such)."""
    sheet = get_sheet(uow, actor, year, unit_id)
    if sheet.evaluation_id is None:
        raise ValidationError(f"“{sheet.unit_name}”{year} 年度还没有部门整体评价，无法生成评分表。", "status")
    on = (sheet.finalised_at.astimezone().date() if sheet.finalised_at else date.today())
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.evaluation.department_report import build_department_evaluation_report

    return build_department_evaluation_report(sheet, target, settings.get(uow.session, "org.name"), on)
