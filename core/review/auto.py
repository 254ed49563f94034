"""Automatic pre-review service: loads a year's goal tables in a few bulk queries, runs the review rules and
scores each table. Read-only."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.common.errors import PermissionDenied
from core.goals.rules.notation import norm
from core.library.service import entries
from core.org import settings
from core.org.access import visible_unit_ids
from core.org.rules.roles import Actor, Permission
from core.review.dto import ReviewBase, TableReview
from core.review.rules.engine import ReviewConfig, load_default_config, parse_config, quality_score, run_rules
from core.review.rules.model import IndicatorView, PeerCost, ReviewContext, TableView
from db.codes import DraftStatus
from db.models import (
    Evaluation,
    EvaluationLine,
    ExAnteAssessment,
    GoalTable,
    GoalTableVersion,
    Indicator,
    Project,
    Setting,
    Unit,
)
from db.uow import UnitOfWork

OVERRIDE_KEY = "review.rules_override"
TEXTS = ("overview", "basis", "schedule", "long_term_goal", "annual_goal")


def review_config(session: Session) -> ReviewConfig:
    """The shipped rule settings with the bureau's overrides (setting row `review.rules_override`) on top."""
    base = load_default_config()
    row = session.get(Setting, OVERRIDE_KEY)
    if row is None:
        return base
    return parse_config(json.loads(row.value_json), base)


def _views(session: Session, where: Any, units: dict[int, str]) -> dict[int, TableView]:
    """Project id → TableView of its goal table's current version, for every project matching `where`."""
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    p = Project.__table__.c
    head = session.execute(
        select(*p, GoalTable.status.label("table_status"), GoalTableVersion.id.label("vid"),
               *(getattr(GoalTableVersion, t) for t in TEXTS))
        .join(GoalTable, GoalTable.project_id == Project.id).join(GoalTableVersion, current).where(where)).all()
    inds: dict[int, list[IndicatorView]] = defaultdict(list)
    rows = session.execute(
        select(Indicator.version_id, Indicator.position, Indicator.level1, Indicator.level2, Indicator.name,
               Indicator.comparator, Indicator.target, Indicator.target_text, Indicator.unit_of_measure,
               Indicator.weight, Indicator.scoring_standard, Indicator.kind)
        .join(GoalTableVersion, GoalTableVersion.id == Indicator.version_id)
        .join(GoalTable, current).join(Project, Project.id == GoalTable.project_id).where(where)
        .order_by(Indicator.version_id, Indicator.position))
    for vid, pos, level1, level2, name, comparator, target, text, unit, weight, scoring, kind in rows:
        inds[vid].append(IndicatorView(pos, level1, level2, name, comparator, target, text, unit, weight, scoring,
                                       kind=kind))
    out: dict[int, TableView] = {}
    for r in head:
        m = r._mapping
        out[m["id"]] = TableView(
            m["code"], m["name"], units.get(m["unit_id"]), m["implementing_unit"], m["sector"], m["attribute"],
            m["nature"], m["fund_type"], m["total_amount"], m["fiscal_amount"], m["carryover_amount"],
            m["other_amount"], m["start_date"], m["end_date"], m["year"], m["manager"], m["phone"],
            **{t: m[t] for t in TEXTS}, status=m["table_status"], indicators=tuple(inds.get(m["vid"], ())))
    return out


def _quartiles(values: list[Decimal]) -> PeerCost:
    values.sort()
    if len(values) < 2:
        return PeerCost(values[0], values[0], values[0], len(values))
    q1, med, q3 = statistics.quantiles(values, n=4)
    return PeerCost(q1, med, q3, len(values))


def peer_costs(session: Session, year: int) -> dict[tuple[str, str, str], PeerCost]:
    """Total ÷ quantity target of every 数量指标 of the year, by (sector, unit, name), ("*", unit, name) and (sector, unit, "")."""
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    rows = session.execute(
        select(Project.sector, Project.total_amount, Indicator.unit_of_measure, Indicator.name, Indicator.target)
        .join(GoalTable, GoalTable.project_id == Project.id).join(GoalTableVersion, current)
        .join(Indicator, Indicator.version_id == GoalTableVersion.id)
        .where(Project.year == year, Indicator.level2 == "数量指标", Indicator.comparator.in_((">=", "=", ">"))))
    groups: dict[tuple[str, str, str], list[Decimal]] = defaultdict(list)
    for sector, total, unit, name, target in rows:
        if target is None or target <= 0 or not unit or unit == "%" or total is None or total <= 0:
            continue
        per = total / target
        groups[(sector or "", unit, norm(name))].append(per)
        groups[(sector or "", unit, "")].append(per)
        groups[("*", unit, norm(name))].append(per)
    return {k: _quartiles(v) for k, v in groups.items()}


def review_scope(session: Session, actor: Actor, year: int, unit_id: int | None) -> Any:
    """The WHERE clause for the year's projects this actor may review or see (optionally one unit's)."""
    if not (actor.can(Permission.REVIEW_GOALS) or actor.can(Permission.VIEW_ALL_UNITS)
            or actor.can(Permission.EDIT_OWN_UNIT_DATA)):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）没有审核绩效目标的权限。")
    visible = visible_unit_ids(session, actor)
    where: Any = Project.year == year
    if visible is not None:
        where = and_(where, Project.unit_id.in_(sorted(visible)))
    if unit_id is not None:
        if visible is not None and unit_id not in visible:
            raise PermissionDenied("填报员只能查看本单位的绩效目标预审结果。")
        where = and_(where, Project.unit_id == unit_id)
    return where


def review_base(session: Session, year: int) -> ReviewBase:
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    assessed = session.execute(select(ExAnteAssessment.project_id, ExAnteAssessment.status)
                               .join(Project, Project.id == ExAnteAssessment.project_id)
                               .where(Project.year == year)).all()
    done = frozenset(pid for pid, status in assessed if status == DraftStatus.FINAL) if assessed else None
    context = ReviewContext(unit_names=frozenset(units.values()), library=entries(session),
                            peer_costs=peer_costs(session, year),
                            exante_threshold=Decimal(str(settings.get(session, "exante.threshold_wan"))))
    return ReviewBase(year, units, context, review_config(session), done)


def previous_actuals(session: Session, project_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Project id → actual values of its final self-evaluation (单位自评) by normalised indicator name."""
    if not project_ids:
        return {}
    rows = session.execute(
        select(Evaluation.project_id, EvaluationLine.name, EvaluationLine.actual)
        .join(EvaluationLine, EvaluationLine.evaluation_id == Evaluation.id)
        .where(Evaluation.kind == "self", Evaluation.status == "final", Evaluation.project_id.in_(project_ids),
               EvaluationLine.actual.is_not(None))).all()
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pid, name, actual in rows:
        if pid is not None and actual is not None:  # the query selects both; the columns are nullable
            out[pid][norm(name)] = actual
    return out


def review_where(session: Session, where: Any, base: ReviewBase) -> list[TableReview]:
    """Pre-review the current version of every goal table of the projects matching `where`."""
    tables = _views(session, where, base.units)
    prev_ids = dict(session.execute(select(Project.id, Project.previous_project_id).where(where)).all())
    wanted = select(Project.previous_project_id).where(where, Project.previous_project_id.is_not(None))
    previous = (_views(session, Project.id.in_(wanted.scalar_subquery()), base.units)
                if any(prev_ids.values()) else {})
    actuals = previous_actuals(session, [p for p in prev_ids.values() if p])
    out = []
    for pid, table in tables.items():
        prev_id = prev_ids.get(pid)
        prev = previous.get(prev_id) if prev_id else None
        ctx = replace(base.context, previous=prev, previous_actuals=actuals.get(prev_id or 0, {}),
                      has_exante=None if base.exante_done is None else pid in base.exante_done)
        findings = tuple(run_rules(table, ctx, base.config))
        out.append(TableReview(pid, table.project_code, table.project_name, table.unit_name or "", table.status,
                               table.total_amount or Decimal(0), findings, quality_score(findings, base.config),
                               table, prev))
    out.sort(key=lambda r: (r.score, r.project_code))
    return out


def auto_review(uow: UnitOfWork, actor: Actor, year: int, unit_id: int | None = None) -> list[TableReview]:
    """Pre-review every goal table of `year` the actor may see (optionally one unit's), worst score first."""
    where = review_scope(uow.session, actor, year, unit_id)
    return review_where(uow.session, where, review_base(uow.session, year))


def summary(reviews: list[TableReview]) -> dict[str, Any]:
    """Counts of findings by rule, dimension and severity, and of tables with errors/warnings."""
    by_rule: dict[str, int] = defaultdict(int)
    by_dim: dict[str, int] = defaultdict(int)
    by_sev: dict[str, int] = defaultdict(int)
    for r in reviews:
        for f in r.findings:
            by_rule[f.rule_id] += 1
            by_dim[f.dimension] += 1
            by_sev[f.severity] += 1
    flagged = sum(1 for r in reviews if any(f.severity in ("error", "warning") for f in r.findings))
    return {"tables": len(reviews), "tables_flagged": flagged, "findings": sum(by_sev.values()),
            "by_rule": dict(sorted(by_rule.items())), "by_dimension": dict(by_dim), "by_severity": dict(by_sev)}
