"""Department goal tables (部门整体绩效目标) in the goals package, both ways: a unit sends its own department's table
to the bureau, the bureau sends its copy to the unit. Rows for export, and the analysis (each table new / changed /
unchanged / conflicting, problems located) and writing (through core.goals.department) that `with_departments`
adds to the goals kind, so that core.exchange.goals stays the projects' module."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import ValidationError
from core.exchange import package as xpk
from core.exchange.package import PackageKind, PackagePreview, RowChange
from core.exchange.rules.department_sheets import (
    AMOUNT_KEYS,
    DEPARTMENT_INDICATOR_SHEET,
    DEPARTMENT_SHEETS,
    DEPARTMENT_TABLE_SHEET,
    DEPARTMENT_TASK_SHEET,
    TEXT_KEYS,
    indicator_row_id,
    task_row_id,
)
from core.exchange.rules.goal_conflict import local_conflict
from core.exchange.rules.goal_sheets import PROJECT_SHEET
from core.exchange.rules.manifest import HUB
from core.exchange.rules.results_sheets import format_moment, parse_moment
from core.exchange.rules.spec import SheetSpec
from core.exchange.workbook import Problem, ReadPackage
from core.goals import department as dg
from core.goals.rules.department import Budget, Contact, TaskRow, join_codes, split_codes
from core.goals.rules.goal_table import GoalContent, IndicatorRow, status_label
from core.goals.rules.notation import IndicatorValue
from core.goals.service import version_content, version_of
from core.org.rules.roles import Actor
from db.models import DepartmentGoal, Unit
from db.uow import UnitOfWork

_Row = dict[str, Any]


def department_rows(s: Session, year: int, unit_ids: list[int] | None = None) -> list[tuple[SheetSpec, list[_Row]]]:
    """The three department sheets with the year's department tables of `unit_ids` (every unit when None)."""
    stmt = select(DepartmentGoal, Unit).join(Unit, Unit.id == DepartmentGoal.unit_id).where(DepartmentGoal.year == year)
    if unit_ids is not None:
        stmt = stmt.where(DepartmentGoal.unit_id.in_(unit_ids))
    tables: list[_Row] = []
    tasks: list[_Row] = []
    indicators: list[_Row] = []
    for goal, unit in s.execute(stmt.order_by(Unit.code)):
        table = goal.goal_table
        current = version_of(table, table.current_version)
        content = version_content(current)
        base = {"version": table.current_version, "deleted": False, "unit_code": unit.code}
        tables.append({**base, "row_id": unit.code, "unit_name": unit.name, "status": status_label(table.status),
                       "updated_at": format_moment(table.updated_at), "manager": goal.manager, "phone": goal.phone,
                       **{k: getattr(goal, k) for k in AMOUNT_KEYS}, **{k: getattr(content, k) for k in TEXT_KEYS}})
        for n, task in enumerate(dg.tasks_of(s, current.id), 1):
            tasks.append({**base, "row_id": task_row_id(unit.code, n), "task": task.task, "amount": task.amount,
                          "project_codes": join_codes(task.projects)})
        for n, row in enumerate(content.indicators, 1):
            value = IndicatorValue(row.comparator, row.target, row.target_text, row.unit_of_measure)
            indicators.append({**base, "row_id": indicator_row_id(unit.code, n), "level1": row.level1,
                               "level2": row.level2, "name": row.name, "value": value, "weight": row.weight,
                               "scoring_standard": row.scoring_standard, "note": row.note})
    return [(DEPARTMENT_TABLE_SHEET, tables), (DEPARTMENT_TASK_SHEET, tasks), (DEPARTMENT_INDICATOR_SHEET, indicators)]


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    values: _Row
    tasks: list[tuple[int, TaskRow]]
    indicators: list[tuple[int, IndicatorRow]]
    moment: datetime | None = None

    def budget(self) -> Budget:
        return Budget(*(self.values[k] or Decimal(0) for k in AMOUNT_KEYS))

    def contact(self) -> Contact:
        return Contact(self.values["manager"], self.values["phone"]).cleaned()

    def content(self, kept: GoalContent | None) -> GoalContent:
        texts = {k: (self.values[k] or "").strip() or None for k in TEXT_KEYS}
        return GoalContent(texts["overview"], kept.basis if kept else None, kept.schedule if kept else None,
                           texts["long_term_goal"], texts["annual_goal"], tuple(r for _, r in self.indicators))


def _parse(read: ReadPackage, problems: list[Problem]) -> dict[str, _Parsed]:
    bad = {(p.sheet, p.row) for p in problems}
    sheet, parsed = read.sheets[DEPARTMENT_TABLE_SHEET.kind], {}
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        code = values["unit_code"]
        if (DEPARTMENT_TABLE_SHEET.title, line) in bad:
            continue
        if values["deleted"]:
            problems.append(xpk.located(DEPARTMENT_TABLE_SHEET, line, "deleted",
                                        "部门整体绩效目标表不能通过交换包删除，请把“删除”改为“否”。"))
        elif code in parsed:
            problems.append(xpk.located(DEPARTMENT_TABLE_SHEET, line, "unit_code", f"部门编码“{code}”重复出现。"))
        else:
            parsed[code] = _Parsed(line, values, [], [])
    for spec in (DEPARTMENT_TASK_SHEET, DEPARTMENT_INDICATOR_SHEET):
        rows = read.sheets[spec.kind]
        for values, line in zip(rows.rows, rows.lines, strict=True):
            if (spec.title, line) in bad or values["deleted"]:
                continue
            item = parsed.get(values["unit_code"])
            if item is None:
                problems.append(xpk.located(spec, line, "unit_code", f"部门编码“{values['unit_code']}”不在"
                                            f"“{DEPARTMENT_TABLE_SHEET.title}”工作表中。"))
            elif spec is DEPARTMENT_TASK_SHEET:
                item.tasks.append((line, TaskRow(values["task"], values["amount"], split_codes(values["project_codes"]))))
            else:
                v = values["value"]
                item.indicators.append((line, IndicatorRow(
                    values["level1"], values["level2"], values["name"], v.comparator, v.target, v.target_text,
                    v.unit_of_measure, values["weight"], values["scoring_standard"], values["note"])))
    return parsed


def _problem(item: _Parsed, code: str, message: str, field: str) -> Problem:
    """A department problem located on the sheet its `field` names (indicators[3].x, tasks[2].x or the header)."""
    for prefix, spec, rows in (("indicators[", DEPARTMENT_INDICATOR_SHEET, item.indicators),
                               ("tasks[", DEPARTMENT_TASK_SHEET, item.tasks)):
        if field.startswith(prefix):
            index = int(field[len(prefix):].split("]")[0])
            return xpk.located(spec, rows[index - 1][0], "unit_code", f"部门“{code}”：{message}")
    return xpk.located(DEPARTMENT_TABLE_SHEET, item.line, "unit_code", f"部门“{code}”：{message}")


def _compare(s: Session, read: ReadPackage, parsed: dict[str, _Parsed], problems: list[Problem]) -> list[RowChange]:
    manifest = read.manifest
    if manifest is None:
        return []
    mine, baseline = xpk.owner(manifest), xpk.baseline(s, manifest.sender, "goals")
    coming = {v["project_code"] for v in read.sheets[PROJECT_SHEET.kind].rows}
    changes = []
    for code, item in parsed.items():
        unit = s.scalar(select(Unit).where(Unit.code == code))
        if unit is None or unit.kind not in dg.DEPARTMENT_KINDS or code != mine:
            problems.append(xpk.located(DEPARTMENT_TABLE_SHEET, item.line, "unit_code",
                                        f"部门编码“{code}”不是本交换包单位“{mine}”，部门整体绩效目标表只能报送本部门的。"))
            continue
        goal = s.scalar(select(DepartmentGoal).where(DepartmentGoal.unit_id == unit.id,
                                                     DepartmentGoal.year == manifest.year))
        current = version_of(goal.goal_table, goal.goal_table.current_version) if goal else None
        content = item.content(version_content(current) if current else None)
        known = frozenset(dg.project_codes(s, unit.id, manifest.year)) | coming
        try:
            dg.check_table(content, item.budget(), tuple(t for _, t in item.tasks), known, item.contact())
        except ValidationError as exc:
            problems.append(_problem(item, code, str(exc), exc.field or ""))
            continue
        if manifest.sender == HUB and item.values["updated_at"]:
            try:
                item.moment = parse_moment(item.values["updated_at"])
            except ValueError as exc:
                problems.append(xpk.located(DEPARTMENT_TABLE_SHEET, item.line, "updated_at", f"“更新时间”{exc}"))
                continue
        changes.append(_status(s, code, unit.name, goal, item, content, baseline))
    return changes


def _status(s: Session, code: str, name: str, goal: DepartmentGoal | None, item: _Parsed, content: GoalContent,
            baseline: datetime | None) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(code, f"{name}（部门整体）", status, DEPARTMENT_TABLE_SHEET.title, item.line, reason)

    if goal is None:
        return change("new")
    table = goal.goal_table
    current = version_of(table, table.current_version)
    same = (version_content(current) == content and dg.tasks_of(s, current.id) == tuple(t for _, t in item.tasks)
            and dg.budget_of(goal) == item.budget() and dg.contact_of(goal) == item.contact())
    if same:
        return change("unchanged")
    reason = local_conflict("部门整体绩效目标表", table.status, table.updated_at, baseline)
    return change("conflicting", reason) if reason else change("changed")


# --- the goals kind with department tables -----------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    base: Any  # the goals kind's own plan
    tables: dict[str, _Parsed]


def with_departments(kind: PackageKind) -> PackageKind:
    """The goals kind carrying department tables too: its sheets plus the department sheets; its analysis and
    writing followed by the department tables' (after the projects, whose codes a key task may name)."""

    def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                                 _Plan]:
        changes, base = kind.analyse(uow, actor, read, problems)
        parsed = _parse(read, problems)
        return [*changes, *_compare(uow.session, read, parsed, problems)], _Plan(base, parsed)

    def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview, plan: _Plan) -> tuple[str, ...]:
        written = kind.write(uow, actor, preview, plan.base)
        assert preview.manifest is not None
        year, s, codes = preview.manifest.year, uow.session, []
        for c in preview.changes:
            if c.sheet != DEPARTMENT_TABLE_SHEET.title or c.status not in ("new", "changed"):
                continue
            item, unit = plan.tables[c.code], s.scalar(select(Unit).where(Unit.code == c.code))
            assert unit is not None  # the preview checked every code
            goal = s.scalar(select(DepartmentGoal).where(DepartmentGoal.unit_id == unit.id, DepartmentGoal.year == year))
            kept = version_content(version_of(goal.goal_table, goal.goal_table.current_version)) if goal else None
            dg.write_imported(uow, actor, unit.id, year, item.budget(), item.contact(), item.content(kept),
                              tuple(t for _, t in item.tasks), item.moment)
            codes.append(f"部门整体:{c.code}")
        return (*written, *codes)

    return replace(kind, sheets=(*kind.sheets, *DEPARTMENT_SHEETS), analyse=analyse, write=write)
