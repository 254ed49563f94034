"""Evaluations of the demo county, all final: self-evaluations of most projects with an approved goal table
(actuals following each project's spending profile, scored with core.evaluation.rules.self_evaluation), key evaluations of
the largest of them by a panel of five demo experts (some self-scores inflated well above the panel's), and
department overall evaluations of ten departments in every grade, so the result-application work has material.

Rows are built here and bulk-inserted by core.demo.generate; a random stream of its own keeps the rest of the
demo unchanged."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.demo.build import Draft, Ind
from core.evaluation import department as dept
from core.evaluation.common import framework_items, frameworks, self_weights, thresholds_json
from core.evaluation.rules.department_sheet import ItemEntry, score_sheet
from core.evaluation.rules.scoring import DEFAULT_GRADES, check_framework, grade, panel_score, q
from core.evaluation.rules.self_evaluation import LineInput, SheetLine, check_texts, distribute_points
from core.evaluation.rules.self_evaluation import score_sheet as score_self
from core.goals.rules.notation import format_decimal
from db.models import Evaluation, EvaluationLine, Expert, ExpertScore, PanelMember

SELF_SHARE = 0.7  # of the projects with an approved goal table
KEY_PROJECTS = 10
DEPARTMENTS = 10
# self − key points planned per key evaluation: half of them inflated beyond the default 10 points
GAPS = (4, 16, 6, 25, 2, 14, 7, 30, -3, 19)
DEPARTMENT_GRADES = ("优", "良", "中", "差", "良", "优", "中", "良", "差", "中")
EXPERTS = (("周建平", "县审计局", "财务审计", "高级审计师"), ("吴海燕", "市财经学院", "绩效管理", "副教授"),
           ("郑国强", "县发展和改革局", "投资评审", "高级经济师"), ("孙丽华", "县会计学会", "会计", "高级会计师"),
           ("钱志远", "市工程咨询院", "工程造价", "高级工程师"))
COMPLETION = {"normal": (96, 108), "fast": (100, 125), "laggard": (60, 90), "zero": (30, 60)}
QUALITATIVE = {"normal": ("达成年度指标", 90, 100), "fast": ("达成年度指标", 92, 100),
               "laggard": ("部分达成并具有一定效果", 65, 80), "zero": ("未达成且效果较差", 30, 55)}
GOAL_ACTUAL = {"normal": "年度总体目标基本完成，主要产出和效益指标达到预期。",
               "fast": "年度总体目标全面完成，多项指标超额完成。",
               "laggard": "年度总体目标部分完成，受前期手续和实施进度影响，部分指标未达预期。",
               "zero": "项目实施严重滞后，年度总体目标大部分未完成。"}
ANALYSIS = "受项目实施进度和外部条件影响，该指标未完全达到年度目标；下一步将加强过程管理，确保按期完成。"
# percent ranges of each department figure and the judged items' share of their points, per intended grade
PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    "优": {"staff": (95, 100), "sangong": (-8, 0), "done": (97, 100), "added": (0, 8), "carry": (1, 5),
          "tasks": (100, 100), "satisfaction": (92, 98), "judged": (0.9, 1.0)},
    "良": {"staff": (100, 103), "sangong": (0, 4), "done": (92, 97), "added": (5, 15), "carry": (4, 8),
          "tasks": (90, 100), "satisfaction": (88, 94), "judged": (0.78, 0.9)},
    "中": {"staff": (102, 107), "sangong": (3, 8), "done": (85, 93), "added": (12, 25), "carry": (6, 12),
          "tasks": (80, 90), "satisfaction": (82, 90), "judged": (0.6, 0.78)},
    "差": {"staff": (105, 115), "sangong": (6, 15), "done": (70, 85), "added": (20, 40), "carry": (10, 20),
          "tasks": (60, 80), "satisfaction": (70, 85), "judged": (0.35, 0.6)},
}
AIM = {"优": Decimal(94), "良": Decimal(85), "中": Decimal(70), "差": Decimal(50)}
HALF = Decimal("0.5")


@dataclass
class EvaluationRows:
    """Rows per table, in an order the foreign keys accept."""

    experts: list[dict[str, Any]] = field(default_factory=list)
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    panel: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)

    def tables(self) -> list[tuple[type, list[dict[str, Any]]]]:
        return [(Expert, self.experts), (Evaluation, self.evaluations), (EvaluationLine, self.lines),
                (PanelMember, self.panel), (ExpertScore, self.scores)]


class _Ids:
    def __init__(self, s: Session) -> None:
        self._next: dict[type, int] = {m: int(s.scalar(select(func.max(m.id))) or 0) + 1
                      for m in (Expert, Evaluation, EvaluationLine, PanelMember, ExpertScore)}

    def take(self, model: type) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value


def evaluation_rows(s: Session, drafts: list[Draft], ids: dict[int, int], units: Mapping[str, tuple[int, str]],
                    execution: list[dict[str, Any]]) -> EvaluationRows:
    """The demo year's final evaluations; `ids` maps id(draft) → project id, `execution` are the payment rows."""
    out = EvaluationRows()
    if not drafts:
        return out
    year = drafts[0].year
    rng = random.Random(f"demo-evaluation-{year}-{len(drafts)}")
    next_id = _Ids(s)
    spent: dict[int, Decimal] = defaultdict(Decimal)
    for r in execution:
        spent[r["project_id"]] += r["amount"]
    approved = [d for d in drafts if d.status == "approved"]
    chosen = [d for d in approved if rng.random() < SELF_SHARE] or approved[:1]
    self_scores = {id(d): _self_evaluation(out, next_id, rng, d, ids[id(d)], units, spent[ids[id(d)]])
                   for d in chosen}
    experts = _experts(s, out, next_id)
    largest = sorted(chosen, key=lambda d: (-d.total, d.code))[:KEY_PROJECTS]
    for k, d in enumerate(largest):
        aim = min(Decimal(98), max(Decimal(35), self_scores[id(d)] - GAPS[k % len(GAPS)]))
        _key_evaluation(out, next_id, rng, d, ids[id(d)], units, experts, aim, k, spent[ids[id(d)]])
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for d in drafts:
        totals[d.unit_code] += d.total
    codes = sorted(c for c in units if c.startswith("D"))
    owning = [c for c in codes if c in totals]
    picked = sorted(rng.sample(owning, min(DEPARTMENTS, len(owning))))
    picked += [c for c in codes if c not in picked][:DEPARTMENTS - len(picked)]
    for k, code in enumerate(picked):
        _department(out, next_id, rng, year, units[code], totals.get(code, Decimal(500)),
                    DEPARTMENT_GRADES[k % len(DEPARTMENT_GRADES)], k)
    return out


def _at(year: int, month: int, k: int) -> datetime:
    return datetime(year + 1, month, 1, 2, tzinfo=UTC) + timedelta(hours=k)


def _evaluation(next_id: _Ids, year: int, kind: str, subject: str, project_id: int | None, unit_id: int,
                title: str, framework: Any, data: Any, score: Decimal, at: datetime, **extra: Any) -> dict[str, Any]:
    return {"id": next_id.take(Evaluation), "year": year, "kind": kind, "subject_kind": subject,
            "project_id": project_id, "unit_id": unit_id, "title": title, "status": "final",
            "framework_json": json.dumps(framework, ensure_ascii=False),
            "data_json": json.dumps(data, ensure_ascii=False, sort_keys=True), "score": score,
            "grade": grade(score, DEFAULT_GRADES), "grades_json": thresholds_json(DEFAULT_GRADES),
            "created_by": "demo", "updated_at": at, "finalised_at": at, "budget": None, "executed": None,
            "agency_id": None, "agency_rating": None} | extra


def _actual(rng: random.Random, ind: Ind, profile: str) -> Decimal | None:
    if ind.target is None:
        return None
    lo, hi = COMPLETION[profile]
    if ind.comparator in ("<=", "<"):
        factor = Decimal(rng.randint(100, 125) if profile in ("laggard", "zero") else rng.randint(80, 100))
    elif ind.comparator == "=" and profile in ("normal", "fast"):
        factor = Decimal(100)
    else:
        factor = Decimal(rng.randint(lo, hi))
    value = ind.target * factor / 100
    if ind.unit == "%" and ind.comparator not in ("<=", "<"):
        value = min(value, Decimal(100))
    return value.quantize(Decimal(1).scaleb(-max(ind.dp, 0)), ROUND_HALF_UP)


def _self_evaluation(out: EvaluationRows, next_id: _Ids, rng: random.Random, d: Draft, project_id: int,
                     units: Mapping[str, tuple[int, str]], executed: Decimal) -> Decimal:
    weights = self_weights()
    points = distribute_points([(f"I{p}", i.level1, i.weight) for p, i in enumerate(d.indicators, 1)], weights)
    lines = [SheetLine(f"I{p}", p, i.level1, i.level2, i.name, i.comparator, i.target, i.target_text, i.unit,
                       points[f"I{p}"]) for p, i in enumerate(d.indicators, 1)]
    inputs = {}
    for line, ind in zip(lines, d.indicators, strict=True):
        if line.qualitative:
            level, lo, hi = QUALITATIVE[d.profile]
            score = q(line.weight * Decimal(rng.randint(lo, hi)) / 100)
            inputs[line.key] = LineInput(line.key, ind.target_text or level, level, format_decimal(score))
        else:
            actual = _actual(rng, ind, d.profile)
            inputs[line.key] = LineInput(line.key, "" if actual is None else format_decimal(actual))
    first = score_self(lines, inputs, weights, d.total, executed)
    inputs = {k: LineInput(i.key, i.actual, i.level, i.score, analysis=ANALYSIS if first.line(k).lost else "")
              for k, i in inputs.items()}
    result = score_self(lines, inputs, weights, d.total, executed, complete=True)
    check_texts(lines, inputs, result, GOAL_ACTUAL[d.profile])
    assert result.total is not None
    at = _at(d.year, 3, len(out.evaluations))
    data = {"initial": {"total": str(d.total), "fiscal": str(d.fiscal), "carryover": str(d.carryover),
                        "other": str(d.other)},
            "goal_expected": d.texts.get("annual_goal", ""), "goal_actual": GOAL_ACTUAL[d.profile], "overrides": {}}
    row = _evaluation(next_id, d.year, "self", "project", project_id, units[d.unit_code][0],
                      f"{d.name}单位自评", {"weights": {k: str(v) for k, v in weights.items()}}, data, result.total,
                      at, budget=d.total, executed=executed)
    out.evaluations.append(row)
    for line in lines:
        r, inp = result.line(line.key), inputs[line.key]
        out.lines.append({"id": next_id.take(EvaluationLine), "evaluation_id": row["id"], "item_key": line.key,
                          "position": line.position, "level1": line.level1, "level2": line.level2,
                          "name": line.name, "weight": line.weight, "comparator": line.comparator,
                          "target": line.target, "target_text": line.target_text,
                          "unit_of_measure": line.unit_of_measure, "actual": r.actual,
                          "actual_text": r.actual_text if line.qualitative else None,
                          "level": r.level if line.qualitative else None, "applicable": True,
                          "computed": r.computed, "score": r.earned, "override_reason": None,
                          "analysis": inp.analysis or None})
    return result.total


def _experts(s: Session, out: EvaluationRows, next_id: _Ids) -> list[int]:
    """The five demo experts, reusing those a previous demo run created."""
    names = [e[0] for e in EXPERTS]
    existing = {n: i for n, i in s.execute(select(Expert.name, Expert.id).where(Expert.name.in_(names)))}
    found = []
    for name, employer, fields, title in EXPERTS:
        if name not in existing:
            existing[name] = next_id.take(Expert)
            out.experts.append({"id": existing[name], "name": name, "employer": employer, "unit_id": None,
                                "fields": fields, "title": title, "phone": None, "active": True})
        found.append(existing[name])
    return found


def _key_evaluation(out: EvaluationRows, next_id: _Ids, rng: random.Random, d: Draft, project_id: int,
                    units: Mapping[str, tuple[int, str]], experts: list[int], aim: Decimal, k: int,
                    executed: Decimal) -> None:
    reference = frameworks()["key"]
    items = framework_items(reference["items"])
    framework = {"template": reference["name"], "warnings": check_framework(items), "items": reference["items"]}
    share = aim / 100
    by_expert: dict[str, dict[str, Decimal]] = {}
    for expert in experts:
        bias = Decimal(rng.randint(-3, 3)) / 100
        by_expert[str(expert)] = {
            i.key: min(i.weight, max(Decimal(0), _half(i.weight * (share + bias + Decimal(rng.randint(-6, 6)) / 100))))
            for i in items}
    score, _aggregates = panel_score(items, by_expert)
    at = _at(d.year, 5, k)
    data = {"overview": d.texts.get("overview", ""),
            "findings": "部分绩效指标设置偏低，资金支付进度与项目实施进度不够匹配，项目档案资料不够完整。",
            "recommendations": "进一步细化量化绩效目标，加强资金使用和项目实施的过程管理，完善项目档案。"}
    row = _evaluation(next_id, d.year, "key", "project", project_id, units[d.unit_code][0],
                      f"{d.name}财政重点绩效评价", framework, data, score, at, budget=d.total, executed=executed)
    out.evaluations.append(row)
    for n, expert in enumerate(experts):
        out.panel.append({"id": next_id.take(PanelMember), "evaluation_id": row["id"], "expert_id": expert,
                          "role": "lead" if n == 0 else "member"})
        for item_key, value in by_expert[str(expert)].items():
            out.scores.append({"id": next_id.take(ExpertScore), "evaluation_id": row["id"], "expert_id": expert,
                               "item_key": item_key, "score": value, "comment": None, "entered_by": "demo",
                               "entered_at": at})


def _half(value: Decimal) -> Decimal:
    return (value / HALF).quantize(Decimal(1), ROUND_HALF_UP) * HALF


def _pct(rng: random.Random, bounds: tuple[float, float]) -> Decimal:
    return Decimal(str(round(rng.uniform(*bounds), 1)))


def _figures(rng: random.Random, profile: dict[str, tuple[float, float]], budget: Decimal) -> dict[str, Decimal | None]:
    posts = rng.randint(25, 180)
    prev = Decimal(rng.randint(800, 6000)) / 100
    added = (budget * _pct(rng, profile["added"]) / 100).quantize(Decimal("0.01"))
    spending = budget + added
    planned = rng.randint(8, 20)
    return {"posts": Decimal(posts), "staff": (posts * _pct(rng, profile["staff"]) / 100).quantize(Decimal(1)),
            "sangong_prev": prev, "sangong": (prev * (100 + _pct(rng, profile["sangong"])) / 100).quantize(Decimal("0.01")),
            "initial_budget": budget, "added_budget": added, "budget": spending, "spending_budget": spending,
            "budget_done": (spending * _pct(rng, profile["done"]) / 100).quantize(Decimal("0.01")),
            "carryover": (spending * _pct(rng, profile["carry"]) / 100).quantize(Decimal("0.01")),
            "tasks_planned": Decimal(planned),
            "tasks_done": min(Decimal(planned), (planned * _pct(rng, profile["tasks"]) / 100).quantize(Decimal(1))),
            "satisfaction": _pct(rng, profile["satisfaction"])}


def _department(out: EvaluationRows, next_id: _Ids, rng: random.Random, year: int, unit: tuple[int, str],
                budget: Decimal, intended: str, k: int) -> None:
    profile = PROFILES[intended]
    fields, items = dept.figure_fields(), dept.sheet_items()
    figures = _figures(rng, profile, budget)
    judged = [i for i in items if i.judged]
    scores = {i.key: _half(i.weight * Decimal(str(rng.uniform(*profile["judged"])))) for i in judged}
    for _round in range(3):  # nudge the judged items until the total lands in the intended grade
        result = score_sheet(fields, items, figures, {key: ItemEntry(v) for key, v in scores.items()})
        if grade(result.total, DEFAULT_GRADES) == intended:
            break
        gap = AIM[intended] - result.total
        room = sum((i.weight for i in judged), Decimal(0))
        scores = {i.key: min(i.weight, max(Decimal(0), _half(scores[i.key] + gap * i.weight / room))) for i in judged}
    entries = {key: ItemEntry(v) for key, v in scores.items()}
    result = score_sheet(fields, items, figures, entries)
    at = _at(year, 6, k)
    data = {"figures": {key: None if v is None else str(v) for key, v in figures.items()}}
    row = _evaluation(next_id, year, "department", "department", None, unit[0], f"{unit[1]}{year}年度部门整体绩效评价",
                      frameworks()["department"], data, result.total, at, budget=figures["budget"],
                      executed=figures["budget_done"])
    out.evaluations.append(row)
    for values in dept.line_values(items, entries, result):
        out.lines.append({"id": next_id.take(EvaluationLine), "evaluation_id": row["id"], "comparator": None,
                          "target": None, "target_text": None, "unit_of_measure": None, "actual_text": None,
                          "level": None, "applicable": True} | values)
