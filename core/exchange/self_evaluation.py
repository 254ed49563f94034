"""The self-evaluation package (kind "self_evaluation", 自评表, unit → bureau): export a unit's 项目支出绩效自评表
(every project with an approved goal table, saved or prefilled) as a signed workbook or a blank template, and the
kind's analysis and writing for core.exchange.package.

Rows are checked and written by the self-evaluation service itself (`save_draft`, or `finalise` when the row
says 定稿; in a rolled-back savepoint for the preview, inside the package's transaction when applying), so the
scoring rules live in one place. Conflicting means finalised here, or changed here after the last
self-evaluation package from that unit was applied: such rows are listed and left alone, a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.common import formatting
from core.common.errors import DomainError
from core.evaluation import self_evaluation as se
from core.evaluation.dto import SelfEvaluationDraft, SelfEvaluationForm
from core.evaluation.rules.self_evaluation import LineInput
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import PackageApplied, PackageKind, PackagePreview, RowChange
from core.exchange.rules.self_evaluation_sheets import (
    EVALUATION_SHEET,
    LINE_SHEET,
    LINES,
    SELF_EVALUATION_INSTRUCTIONS,
    SELF_EVALUATION_KIND,
    SELF_EVALUATION_SHEETS,
    evaluation_row_id,
    line_row_id,
)
from core.exchange.workbook import Problem, ReadPackage
from core.goals.rules.notation import format_decimal
from core.org.rules.roles import Actor
from db.models import GoalTable, Project
from db.uow import UnitOfWork

LABEL = "自评表"
ENTRY_KEYS = ("budget", "executed", "goal_expected", "goal_actual")
_NUMERIC = ("actual", "score", "override")


# --- export ------------------------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _rows(draft: SelfEvaluationDraft) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    version = 0 if draft.evaluation_id is None else 1
    row = {"row_id": evaluation_row_id(draft.project_code), "version": version, "deleted": False,
           "project_code": draft.project_code, "project_name": draft.project_name, "status": draft.status_label,
           "initial_budget": draft.initial_budget, "budget": draft.budget, "executed": draft.executed,
           "goal_expected": draft.goal_expected or None, "goal_actual": draft.goal_actual or None,
           "score": draft.score, "grade": draft.grade, "finalise": draft.status == "final"}
    result = draft.result()
    lines = []
    for line in draft.lines:
        inp = draft.input_for(line.key)
        lines.append({"row_id": line_row_id(draft.project_code, line.position), "version": version, "deleted": False,
                      "project_code": draft.project_code, "position": line.position, "level1": line.level1,
                      "level2": line.level2, "name": line.name, "target": line.target_label, "points": line.weight,
                      "actual": inp.actual or None, "level": inp.level or None, "qual_score": _number(inp.score),
                      "not_applicable": not inp.applicable, "override": _number(inp.override),
                      "override_reason": inp.override_reason or None, "analysis": inp.analysis or None,
                      "earned": result.line(line.key).earned})
    return row, lines


def self_evaluation_rows(uow: UnitOfWork, actor: Actor, year: int, unit_ids: list[int]
                         ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The package rows (自评表, 自评指标) of the units' projects with an approved goal table: the saved
    self-evaluation, or a new one prefilled as the wizard would start it (nothing is written)."""
    ids = uow.session.scalars(select(Project.id).join(GoalTable, GoalTable.project_id == Project.id).where(
        Project.year == year, Project.unit_id.in_(unit_ids), GoalTable.status == "approved").order_by(Project.code))
    rows, lines = [], []
    for project_id in ids.all():
        row, more = _rows(se.start_or_resume(uow, actor, project_id))
        rows.append(row)
        lines += more
    return rows, lines


def _export(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None,
            template: bool) -> Path:
    uow.write()
    unit, receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    rows, lines = self_evaluation_rows(uow, actor, year, xpk.unit_ids(uow.session, unit))
    sheets = [(EVALUATION_SHEET, rows), (LINE_SHEET, lines)]
    details = {"unit": unit.code, "projects": len(rows), "indicators": len(lines)}
    if template:
        return xpk.send_template(uow, actor, SELF_EVALUATION_KIND, unit.code, year, sheets,
                                 SELF_EVALUATION_INSTRUCTIONS, target, details)
    return xpk.send(uow, actor, SELF_EVALUATION_KIND, receiver, year, sheets, SELF_EVALUATION_INSTRUCTIONS, target,
                    details)


def export_self_evaluation(uow: UnitOfWork, actor: Actor, year: int, target: str | Path,
                           unit_code: str | None = None) -> Path:
    """The unit's self-evaluations of `year` as a signed package; on a spoke its own unit, on the hub the given
    unit's (what the bureau holds, for the unit)."""
    return _export(uow, actor, year, target, unit_code, template=False)


def template_self_evaluation(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str) -> Path:
    """A blank self-evaluation template on the hub for a unit to fill by hand."""
    return _export(uow, actor, year, target, unit_code, template=True)


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    line: int
    values: dict[str, Any]
    finalise: bool
    lines: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # position → (sheet line, values)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return format_decimal(value) if isinstance(value, Decimal) else str(value).strip()


def _line_input(key: str, values: dict[str, Any]) -> LineInput:
    return LineInput(key, _text(values.get("actual")), _text(values.get("level")), _text(values.get("qual_score")),
                     not values.get("not_applicable", False), _text(values.get("override")),
                     _text(values.get("override_reason")), _text(values.get("analysis")))


def _form(item: _Parsed, draft: SelfEvaluationDraft) -> SelfEvaluationForm:
    keys = {line.position: line.key for line in draft.lines}
    lines = tuple(_line_input(keys[p], item.lines[p][1] if p in item.lines else {}) for p in sorted(keys))
    return SelfEvaluationForm(**{k: _text(item.values[k]) for k in ENTRY_KEYS}, lines=lines)


def _same_number(a: str, b: str) -> bool:
    try:
        return Decimal(a or "0") == Decimal(b or "0") and bool(a) == bool(b)
    except InvalidOperation:
        return a == b


def _same(form: SelfEvaluationForm, draft: SelfEvaluationDraft) -> bool:
    stored = draft.form()
    if not all(_same_number(a, b) for a, b in ((form.budget, stored.budget), (form.executed, stored.executed))):
        return False
    if (form.goal_expected, form.goal_actual) != (stored.goal_expected.strip(), stored.goal_actual.strip()):
        return False
    for mine in form.lines:
        theirs = draft.input_for(mine.key)
        if not all(_same_number(getattr(mine, k), getattr(theirs, k).strip()) for k in _NUMERIC):
            return False
        if (mine.level, mine.applicable, mine.override_reason, mine.analysis) != (
                theirs.level.strip(), theirs.applicable, theirs.override_reason.strip(), theirs.analysis.strip()):
            return False
    return True


def parse_evaluations(read: ReadPackage, problems: list[Problem]) -> dict[str, _Parsed]:
    """Each project's self-evaluation from the two sheets, by project code; rows with problems are skipped."""
    rows, skipped = xpj.rows_by_project(read, EVALUATION_SHEET, problems, "自评", evaluation_row_id)
    parsed = {code: _Parsed(line, {k: values[k] for k in ENTRY_KEYS}, bool(values["finalise"]))
              for code, (line, values) in rows.items()}
    bad = {(p.sheet, p.row) for p in problems}
    for values, line in zip(read.sheets[LINES].rows, read.sheets[LINES].lines, strict=True):
        code = values.get("project_code")
        if (LINE_SHEET.title, line) in bad or values["deleted"] or code in skipped:
            continue
        if code not in parsed:
            problems.append(xpk.located(LINE_SHEET, line, "project_code",
                                        f"项目编码“{code}”不在“{EVALUATION_SHEET.title}”工作表中。"))
        elif values["position"] in parsed[code].lines:
            problems.append(xpk.located(LINE_SHEET, line, "position",
                                        f"项目“{code}”的指标序号 {values['position']} 重复出现。"))
        else:
            parsed[code].lines[values["position"]] = (line, values)
    return parsed


@dataclass(frozen=True)
class _Target:
    project_id: int
    form: SelfEvaluationForm
    finalise: bool


def _save(uow: UnitOfWork, actor: Actor, target: _Target) -> object:
    return (se.finalise if target.finalise else se.save_draft)(uow, actor, target.project_id, target.form)


def _locate_error(exc: DomainError, item: _Parsed, draft: SelfEvaluationDraft, code: str) -> Problem:
    """At the indicator the message names (“name”), else at the project's row."""
    text = str(exc)
    for line in draft.lines:
        if f"“{line.name}”" in text and line.position in item.lines:
            column = "override" if "调整" in text else "qual_score" if line.qualitative and "得分" in text \
                else "level" if line.qualitative and "达成程度" in text else "actual"
            return xpk.located(LINE_SHEET, item.lines[line.position][0], column, f"项目“{code}”：{text}")
    return xpk.located(EVALUATION_SHEET, item.line, "project_code", f"项目“{code}”：{text}")


def _status(code: str, name: str, item: _Parsed, draft: SelfEvaluationDraft, same: bool,
            baseline: datetime | None) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(code, name, status, EVALUATION_SHEET.title, item.line, reason)

    if same:
        return change("unchanged")
    if draft.status == "final":
        return change("conflicting", "本机该项目的单位自评已定稿，交换包不能修改，请人工核对。")
    if draft.status == "new":
        return change("new")
    if baseline is not None and draft.updated_at is not None and draft.updated_at > baseline:
        return change("conflicting", f"本机在上次导入之后修改过该自评（{formatting.screen_time(draft.updated_at)}），"
                                     "请人工核对。")
    return change("changed")


def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                             list[_Target]]:
    """Each project's status, its row checked by the self-evaluation service in a rolled-back savepoint."""
    parsed = parse_evaluations(read, problems)
    manifest = read.manifest
    if manifest is None:
        return [], []
    projects = xpj.projects_by_code(uow.session, manifest.year, set(parsed))
    baseline = xpk.baseline(uow.session, manifest.sender, SELF_EVALUATION_KIND)
    changes, targets = [], []
    for code, item in parsed.items():
        problem = xpj.project_problem(EVALUATION_SHEET, item.line, "project_code", code, projects.get(code), manifest)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            draft = se.start_or_resume(uow, actor, projects[code].id)
        except DomainError as exc:
            problems.append(xpk.located(EVALUATION_SHEET, item.line, "project_code", f"项目“{code}”：{exc}"))
            continue
        unknown = sorted(set(item.lines) - {line.position for line in draft.lines})
        if unknown:
            problems.append(xpk.located(LINE_SHEET, item.lines[unknown[0]][0], "position",
                                        f"项目“{code}”的已批复绩效目标表没有第 {unknown[0]} 条指标。"))
            continue
        form = _form(item, draft)
        same = _same(form, draft) and item.finalise == (draft.status == "final")
        if draft.status == "new" and same:
            continue  # a template's row left as prefilled: nothing to record
        change = _status(code, projects[code].name, item, draft, same, baseline)
        if change.status in ("new", "changed"):
            target = _Target(projects[code].id, form, item.finalise)
            error = xpk.dry_run(uow, partial(_save, actor=actor, target=target))
            if error is not None:
                problems.append(_locate_error(error, item, draft, code))
                continue
            targets.append(target)
        changes.append(change)
    return changes, targets


# --- writing -----------------------------------------------------------------------------------------------


def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview, targets: list[_Target]) -> tuple[str, ...]:
    """Save (or finalise) every new and changed self-evaluation through the service, in the package's transaction."""
    for target in targets:
        _save(uow, actor, target)
    return tuple(sorted(c.code for c in preview.changes if c.status in ("new", "changed")))


KIND = PackageKind(SELF_EVALUATION_KIND, LABEL, SELF_EVALUATION_SHEETS, SELF_EVALUATION_INSTRUCTIONS, analyse, write,
                   frozenset({"evaluation"}), unit="份")


def preview_self_evaluation(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the self-evaluation package would do, writing nothing."""
    return xpk.preview_package(uow, actor, path, KIND)


def apply_self_evaluation(uow: UnitOfWork, actor: Actor, path: str | Path,
                          confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the self-evaluation package in one transaction (see `exchange_package.apply_package`)."""
    return xpk.apply_package(uow, actor, path, KIND, confirm_unsigned)

