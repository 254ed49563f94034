"""The records of the 单位自评 use cases: the draft or finalised self-evaluation handed to the wizard, the list
page and the 自评表 PDF, the form the wizard sends back, and how both are read from and written to the
evaluation rows (no permission checks here: core.evaluation.self_evaluation does those)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.errors import ValidationError
from core.common.labels import DRAFT_STATUSES
from core.evaluation.common import self_weights
from core.evaluation.rules.self_evaluation import (
    LineInput,
    SheetLine,
    SheetResult,
    distribute_points,
    score_sheet,
)
from core.goals.rules.notation import format_decimal
from db.codes import DraftStatus
from db.models import (
    Evaluation,
    EvaluationLine,
    ExecutionRecord,
    GoalTable,
    GoalTableVersion,
    MonitoringEntry,
    MonitoringRound,
    Project,
)

STATUSES = {"new": "未自评", **DRAFT_STATUSES}  # "new": no self-evaluation yet
FUND_PARTS = (("fiscal", "其中：当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))


@dataclass(frozen=True)
class SelfEvaluationForm:
    """What the wizard sends: amounts and numbers as typed (the service parses and checks them)."""

    budget: str  # 全年预算数, 万元
    executed: str  # 全年执行数, 万元
    goal_expected: str  # 年度总体目标：预期目标
    goal_actual: str  # 年度总体目标：实际完成情况
    lines: tuple[LineInput, ...]


@dataclass(frozen=True)
class SelfEvaluationDraft:
    """A project's self-evaluation: new (prefilled, not yet saved), draft or final."""

    evaluation_id: int | None
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    implementing_unit: str | None
    year: int
    status: str  # new | draft | final
    initial_budget: Decimal  # 年初预算数
    initial_parts: tuple[tuple[str, Decimal], ...]  # 年初预算数 by source (label, amount)
    budget: Decimal | None  # 全年预算数
    executed: Decimal | None  # 全年执行数
    goal_expected: str
    goal_actual: str
    lines: tuple[SheetLine, ...]
    inputs: tuple[LineInput, ...]
    weights: dict[str, Decimal]  # 产出/效益/满意度/预算执行率 points as used
    thresholds: tuple[tuple[str, Decimal], ...]  # in force (draft) or recorded when finalised
    score: Decimal | None
    grade: str | None
    created_by: str | None
    updated_at: datetime | None
    finalised_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def editable(self) -> bool:
        return self.status != DraftStatus.FINAL

    def input_for(self, key: str) -> LineInput:
        return next((i for i in self.inputs if i.key == key), LineInput(key))

    def result(self) -> SheetResult:
        """The sheet scored from what is stored (a draft may still be incomplete)."""
        return score_sheet(self.lines, {i.key: i for i in self.inputs}, self.weights, self.budget, self.executed)

    def form(self) -> SelfEvaluationForm:
        """The stored answers as a form, e.g. to save them again unchanged."""
        return SelfEvaluationForm(_text(self.budget), _text(self.executed), self.goal_expected, self.goal_actual,
                                  self.inputs)


@dataclass(frozen=True)
class SelfEvaluationRow:
    evaluation_id: int
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    status: str
    status_label: str
    score: Decimal | None
    grade: str | None
    updated_at: datetime


@dataclass(frozen=True)
class CandidateRow:
    """A project whose approved goal table makes it ready for self-evaluation."""

    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    amount: Decimal
    status: str
    status_label: str


def _text(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def approved_version(session: Session, project: Project) -> GoalTableVersion | None:
    table = session.scalar(select(GoalTable).where(GoalTable.project_id == project.id))
    if table is None or table.status != "approved":
        return None
    return session.scalar(select(GoalTableVersion).where(GoalTableVersion.goal_table_id == table.id,
                                                         GoalTableVersion.version == table.current_version))


def new_lines(version: GoalTableVersion, weights: dict[str, Decimal]) -> tuple[SheetLine, ...]:
    """The goal table's indicators with their self-evaluation points (see core.evaluation.rules.self_evaluation)."""
    indicators = list(version.indicators)
    points = distribute_points([(f"I{i.position}", i.level1, i.weight) for i in indicators], weights)
    return tuple(SheetLine(f"I{i.position}", i.position, i.level1, i.level2, i.name, i.comparator, i.target,
                           i.target_text, i.unit_of_measure, points[f"I{i.position}"]) for i in indicators)


def default_figures(session: Session, project: Project) -> tuple[Decimal, Decimal]:
    """全年预算数 = 年初预算 + the newest monitoring round's adjustment; 全年执行数 = the year's payments."""
    adjustment = session.scalar(
        select(MonitoringEntry.budget_adjustment)
        .join(MonitoringRound, MonitoringRound.id == MonitoringEntry.round_id)
        .where(MonitoringEntry.project_id == project.id)
        .order_by(MonitoringRound.as_of_month.desc(), MonitoringRound.id.desc()).limit(1)) or Decimal(0)
    spent = session.scalar(select(func.coalesce(func.sum(ExecutionRecord.amount), 0))
                           .where(ExecutionRecord.project_id == project.id, ExecutionRecord.year == project.year))
    return project.total_amount + adjustment, Decimal(spent or 0)


def initial_parts(project: Project) -> dict[str, str]:
    return {"total": str(project.total_amount), "fiscal": str(project.fiscal_amount),
            "carryover": str(project.carryover_amount), "other": str(project.other_amount)}


def stored_lines(session: Session, evaluation_id: int) -> list[EvaluationLine]:
    return list(session.scalars(select(EvaluationLine).where(EvaluationLine.evaluation_id == evaluation_id)
                                .order_by(EvaluationLine.position)))


def sheet_line(row: EvaluationLine) -> SheetLine:
    return SheetLine(row.item_key, row.position, row.level1, row.level2, row.name, row.comparator or "",
                     row.target, row.target_text, row.unit_of_measure, row.weight)


def line_input(row: EvaluationLine, override: str | None) -> LineInput:
    qualitative = row.comparator == "qual"
    return LineInput(row.item_key, (row.actual_text or "") if qualitative else _text(row.actual), row.level or "",
                     _text(row.computed) if qualitative else "", row.applicable, override or "",
                     row.override_reason or "", row.analysis or "")


def weights_of(ev: Evaluation) -> dict[str, Decimal]:
    """The points an evaluation was scored with (recorded when it was first saved), else today's defaults."""
    stored = json.loads(ev.framework_json or "{}").get("weights")
    return {k: Decimal(v) for k, v in stored.items()} if stored else self_weights()


def draft_of(project: Project, unit_name: str, ev: Evaluation, thresholds: tuple[tuple[str, Decimal], ...],
             rows: Sequence[EvaluationLine]) -> SelfEvaluationDraft:
    data: dict[str, Any] = json.loads(ev.data_json or "{}")
    initial = data.get("initial", initial_parts(project))
    weights = weights_of(ev)
    overrides = data.get("overrides", {})
    return SelfEvaluationDraft(
        ev.id, project.id, project.code, project.name, unit_name, project.implementing_unit, project.year,
        ev.status, Decimal(initial["total"]),
        tuple((label, Decimal(initial[key])) for key, label in FUND_PARTS), ev.budget, ev.executed,
        data.get("goal_expected", ""), data.get("goal_actual", ""), tuple(sheet_line(r) for r in rows),
        tuple(line_input(r, overrides.get(r.item_key)) for r in rows), weights, thresholds, ev.score, ev.grade,
        ev.created_by, ev.updated_at, ev.finalised_at)


def write_lines(session: Session, ev: Evaluation, lines: Sequence[SheetLine], form: SelfEvaluationForm,
                result: SheetResult) -> dict[str, str]:
    """Replace the evaluation's lines with the form's answers; returns the manual scores by line key."""
    existing = {r.item_key: r for r in stored_lines(session, ev.id)}
    inputs = {i.key: i for i in form.lines}
    overrides: dict[str, str] = {}
    for line in lines:
        row = existing.get(line.key) or EvaluationLine(evaluation_id=ev.id, item_key=line.key)
        if row.id is None:
            session.add(row)
        inp, r = inputs.get(line.key, LineInput(line.key)), result.line(line.key)
        row.position, row.level1, row.level2, row.name = line.position, line.level1, line.level2, line.name
        row.weight, row.comparator, row.target, row.target_text = line.weight, line.comparator, line.target, \
            line.target_text
        row.unit_of_measure, row.applicable = line.unit_of_measure, r.applicable
        row.actual, row.actual_text = r.actual, r.actual_text if line.qualitative else None
        row.level = r.level if line.qualitative else None
        row.computed, row.score = r.computed, r.earned
        row.override_reason = (inp.override_reason.strip() or None) if r.override is not None else None
        row.analysis = inp.analysis.strip() or None
        if r.override is not None:
            overrides[line.key] = str(r.override)
    return overrides


def check_keys(lines: Sequence[SheetLine], form: SelfEvaluationForm) -> None:
    known = {line.key for line in lines}
    unknown = [i.key for i in form.lines if i.key not in known]
    if unknown or len({i.key for i in form.lines}) != len(form.lines):
        raise ValidationError("自评表的指标与已保存的不一致（绩效目标表可能已调整），请关闭后重新打开自评。", "lines")
