"""Result-application rules (结果应用, DOMAIN.md §5, seed 002): the year's policy as a value (grade → action and
percentage, composite weights, deductions, score → coefficient bands), its validation with messages that name the
row, and the pure arithmetic of a project's next-year suggestion and a department's composite score.

Amounts are Decimal 万元 like everywhere in the app; suggestions are rounded to whole 元 (0.0001 万元) with
ROUND_HALF_UP, because the budget division arranges budgets in 元. A project's suggestion is
(本年金额 − 事前评估核减) × (100 + grade percentage) ÷ 100; without a grade the percentage is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any, NamedTuple

from core.common import formatting
from core.common.labels import FINDING_SOURCES, REVIEW_GRADES

YUAN = Decimal("0.0001")  # one 元 in 万元
SCORE_QUANTUM = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
MAX_COEFFICIENT = Decimal(2)  # a sanity bound: no county doubles a department's budget by its score
GRADES = ("优", "良", "中", "差")
ACTIONS = {"prioritise": "优先保障", "actual": "据实保障", "cut": "按比例核减", "cancel": "取消或暂停"}
COMPONENTS = (("exante", "重点事前评估"), ("goals", "目标管理"), ("monitoring", "重点监控"),
              ("department", "部门整体评价"))
COMPONENT_LABELS = dict(COMPONENTS)
LIGHT_LABELS = {"green": "绿灯", "blue": "蓝灯", "yellow": "黄灯", "red": "红灯"}
ONE_OFF_DONE = "一次性项目已完成"
NO_RESULT = "无适用的评价结果，按本年金额安排"

SOURCES = FINDING_SOURCES  # the stage's name for the one map of core.common.labels


class PolicyError(ValueError):
    """A policy that cannot be used; `field` names the part (e.g. "bands") for the form to point at."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class GradeAction:
    grade: str  # 优 良 中 差
    action: str  # a key of ACTIONS
    label: str
    percent: Decimal  # change of the project's amount, −100 … +100


@dataclass(frozen=True)
class Band:
    low: Decimal  # inclusive
    high: Decimal  # exclusive, except that the last band also takes 100
    coefficient: Decimal


@dataclass(frozen=True)
class Policy:
    grade_actions: tuple[GradeAction, ...]
    weights: tuple[tuple[str, Decimal], ...]  # (component key, weight in points of 100), in COMPONENTS order
    finding_cap: Decimal  # audit and inspection deductions together take at most this many points
    overdue_points: Decimal  # per overdue rectification item
    failed_points: Decimal  # per rectification item that failed its re-check
    rectification_cap: Decimal
    bands: tuple[Band, ...]
    no_result_coefficient: Decimal  # a department without any result keeps its total
    goal_review_points: tuple[tuple[str, Decimal], ...]  # review grade code → points
    monitoring_light_points: tuple[tuple[str, Decimal], ...]  # project light → points

    def action(self, grade: str) -> GradeAction:
        for a in self.grade_actions:
            if a.grade == grade:
                return a
        raise PolicyError(f"结果应用政策中没有等级“{grade}”的处理办法。", "grade_actions")

    def weight(self, component: str) -> Decimal:
        return dict(self.weights).get(component, ZERO)

    def with_percent(self, grade: str, percent: Decimal) -> Policy:
        actions = tuple(replace(a, percent=percent) if a.grade == grade else a for a in self.grade_actions)
        return replace(self, grade_actions=actions)


class Deductions(NamedTuple):
    findings: tuple[Decimal, ...]  # each audit/inspection finding's entered deduction
    overdue: int  # overdue rectification items
    failed: int  # rectification items that failed the re-check


class Composite(NamedTuple):
    score: Decimal | None
    coefficient: Decimal
    explanation: str


def _num(value: Any, what: str, field: str) -> Decimal:
    if isinstance(value, float | bool):
        raise PolicyError(f"{what}“{value}”应写成文本形式的数值。", field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise PolicyError(f"{what}“{value}”不是有效的数值。", field) from exc
    if not number.is_finite():
        raise PolicyError(f"{what}“{value}”不是有效的数值。", field)
    return number


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise PolicyError(f"结果应用政策缺少“{key}”部分。", key)
    return value


def _points(data: Mapping[str, Any], key: str, known: Mapping[str, str], what: str) -> tuple[tuple[str, Decimal], ...]:
    """A points table in the canonical order of `known`; an unknown entry is refused."""
    given = _mapping(data, key)
    for k in given:
        if k not in known:
            raise PolicyError(f"{what}分值表中的“{k}”不在 {'、'.join(known)} 之中。", key)
    return tuple((k, _num(given[k], f"{what}“{label}”的分值", key)) for k, label in known.items() if k in given)


def _rows(data: Mapping[str, Any], key: str, what: str) -> list[Mapping[str, Any]]:
    rows = data.get(key)
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise PolicyError(f"结果应用政策缺少{what}，或{what}的格式不对。", key)
    return rows


def parse_policy(data: Mapping[str, Any]) -> Policy:
    """The policy from its JSON form (reference data or a stored year), checked; PolicyError names the part."""
    actions, bands = _rows(data, "grade_actions", "等级处理表"), _rows(data, "bands", "系数表")
    weights = _mapping(data, "weights")
    rect = _mapping(data, "rectification")
    policy = Policy(
        tuple(GradeAction(str(a.get("grade", "")), str(a.get("action", "")), str(a.get("label", "")),
                          _num(a.get("percent"), f"等级处理表第 {i} 行的增减比例", "grade_actions"))
              for i, a in enumerate(actions, 1)),
        tuple((key, _num(weights.get(key), f"“{label}”的权重", "weights")) for key, label in COMPONENTS),
        _num(_mapping(data, "findings").get("cap"), "审计检查扣分上限", "findings"),
        _num(rect.get("overdue_points"), "每项逾期整改扣分", "rectification"),
        _num(rect.get("failed_points"), "每项整改不合格扣分", "rectification"),
        _num(rect.get("cap"), "整改扣分上限", "rectification"),
        tuple(Band(_num(b.get("from"), f"系数表第 {i} 行的起始分", "bands"),
                   _num(b.get("to"), f"系数表第 {i} 行的截止分", "bands"),
                   _num(b.get("coefficient"), f"系数表第 {i} 行的系数", "bands")) for i, b in enumerate(bands, 1)),
        _num(data.get("no_result_coefficient"), "无结果部门的系数", "no_result_coefficient"),
        _points(data, "goal_review_points", REVIEW_GRADES, "审核等级"),
        _points(data, "monitoring_light_points", LIGHT_LABELS, "监控"))
    check(policy)
    return policy


def policy_json(policy: Policy) -> dict[str, Any]:
    """The JSON form stored per year (numbers as text so that nothing passes through float)."""
    return {
        "grade_actions": [{"grade": a.grade, "action": a.action, "label": a.label, "percent": str(a.percent)}
                          for a in policy.grade_actions],
        "weights": {k: str(w) for k, w in policy.weights},
        "findings": {"cap": str(policy.finding_cap)},
        "rectification": {"overdue_points": str(policy.overdue_points), "failed_points": str(policy.failed_points),
                          "cap": str(policy.rectification_cap)},
        "bands": [{"from": str(b.low), "to": str(b.high), "coefficient": str(b.coefficient)} for b in policy.bands],
        "no_result_coefficient": str(policy.no_result_coefficient),
        "goal_review_points": {k: str(v) for k, v in policy.goal_review_points},
        "monitoring_light_points": {k: str(v) for k, v in policy.monitoring_light_points},
    }


def _span(b: Band) -> str:
    return f"{b.low:g}–{b.high:g} 分"


def _band_problems(bands: Sequence[Band]) -> list[str]:
    if not bands:
        return ["系数表至少需要一行。"]
    out = []
    for i, b in enumerate(bands, 1):
        if not b.low < b.high:
            out.append(f"系数表第 {i} 行：起始分 {b.low:g} 应小于截止分 {b.high:g}。")
        if not ZERO < b.coefficient <= MAX_COEFFICIENT:
            out.append(f"系数表第 {i} 行：系数 {b.coefficient} 应大于 0 且不超过 {MAX_COEFFICIENT}。")
    if out:
        return out
    rows = sorted(enumerate(bands, 1), key=lambda r: r[1].low)
    if rows[0][1].low != ZERO:
        out.append(f"系数表从 {rows[0][1].low:g} 分开始（第 {rows[0][0]} 行），0–{rows[0][1].low:g} 分没有系数。")
    if rows[-1][1].high != HUNDRED:
        out.append(f"系数表止于 {rows[-1][1].high:g} 分（第 {rows[-1][0]} 行），"
                   f"{rows[-1][1].high:g}–100 分没有系数。")
    for (i, a), (j, b) in pairwise(rows):
        if b.low < a.high:
            out.append(f"系数表第 {i} 行（{_span(a)}）与第 {j} 行（{_span(b)}）重叠。")
        elif b.low > a.high:
            out.append(f"系数表第 {i} 行止于 {a.high:g} 分，第 {j} 行从 {b.low:g} 分开始，"
                       f"{a.high:g}–{b.low:g} 分之间没有系数。")
        if b.coefficient < a.coefficient:
            out.append(f"系数表不单调：第 {j} 行（{_span(b)}）的系数 {b.coefficient} 低于第 {i} 行（{_span(a)}）的 "
                       f"{a.coefficient}，分数越高系数不应越低。")
    return out


def _action_problems(actions: Sequence[GradeAction]) -> list[str]:
    out = []
    for i, a in enumerate(actions, 1):
        if a.grade not in GRADES:
            out.append(f"等级处理表第 {i} 行：等级“{a.grade}”不是 优/良/中/差 之一。")
        if a.action not in ACTIONS:
            out.append(f"等级处理表第 {i} 行（{a.grade}）：处理方式“{a.action}”不在 {'、'.join(ACTIONS)} 之中。")
        if not a.label.strip():
            out.append(f"等级处理表第 {i} 行（{a.grade}）：处理办法名称不能为空。")
        if not -HUNDRED <= a.percent <= HUNDRED:
            out.append(f"等级处理表第 {i} 行（{a.grade}）：增减比例 {a.percent:g}% 超出 −100% 至 +100%。")
    seen = [a.grade for a in actions]
    for grade in GRADES:
        if seen.count(grade) != 1:
            out.append(f"等级处理表中等级“{grade}”应恰好出现一次，现为 {seen.count(grade)} 次。")
    return out


def _points_problems(policy: Policy) -> list[str]:
    out = []
    checks = [(f"“{COMPONENT_LABELS[k]}”的权重", w) for k, w in policy.weights]
    checks += [(f"审核等级“{REVIEW_GRADES.get(k, k)}”的分值", v) for k, v in policy.goal_review_points]
    checks += [(f"监控{LIGHT_LABELS.get(k, k)}的分值", v) for k, v in policy.monitoring_light_points]
    for what, value in checks:
        if not ZERO <= value <= HUNDRED:
            out.append(f"{what} {value:g} 应在 0 至 100 之间。")
    total = sum((w for _, w in policy.weights), ZERO)
    if total != HUNDRED:
        parts = " + ".join(f"{COMPONENT_LABELS[k]} {w:g}" for k, w in policy.weights)
        out.append(f"综合得分四项权重合计应为 100，现为 {total:g}（{parts}）。")
    for what, value in (("审计检查扣分上限", policy.finding_cap), ("每项逾期整改扣分", policy.overdue_points),
                        ("每项整改不合格扣分", policy.failed_points), ("整改扣分上限", policy.rectification_cap)):
        if not ZERO <= value <= HUNDRED:
            out.append(f"{what} {value:g} 应在 0 至 100 之间。")
    if not ZERO < policy.no_result_coefficient <= MAX_COEFFICIENT:
        out.append(f"无结果部门的系数 {policy.no_result_coefficient} 应大于 0 且不超过 {MAX_COEFFICIENT}。")
    return out


def problems(policy: Policy) -> list[str]:
    """Every problem of the policy, each naming its table and row; empty when it can be used."""
    return _action_problems(policy.grade_actions) + _points_problems(policy) + _band_problems(policy.bands)


def check(policy: Policy) -> None:
    found = problems(policy)
    if found:
        raise PolicyError("结果应用政策有误：" + "；".join(found), "policy")


def round_yuan(amount: Decimal) -> Decimal:
    """An amount in 万元 rounded to whole 元 (half up)."""
    return amount.quantize(YUAN, ROUND_HALF_UP)


def wan(amount: Decimal) -> str:
    """An amount in 万元 with the whole 元 visible (four places, half up): 1234.56785 -> '1,234.5679'."""
    return formatting.amount(amount, formatting.YUAN_PLACES)


def carries_over(nature: str, end_date: date | None, year: int) -> bool:
    """Recurring projects and projects running past the year carry into next year; a one-off project ending in
    (or before) the year does not."""
    return nature != "one_off" or end_date is None or end_date.year > year


def suggest_project(amount: Decimal, grade: str | None, exante_cut: Decimal | None,
                    policy: Policy) -> tuple[Decimal, str]:
    """Next year's suggested amount of a continuing project and the rule that produced it."""
    parts, base = [], amount
    if exante_cut is not None and exante_cut > 0:
        cut = min(exante_cut, amount)
        base = amount - cut
        parts.append(f"事前评估核减 {wan(cut)} 万元")
    if grade is None:
        parts.append(NO_RESULT if not parts else "无评价结果，按核减后金额安排")
        return round_yuan(base), "；".join(parts)
    action = policy.action(grade)
    if action.percent == 0:
        effect = "按本年金额安排" if not parts else "按核减后金额安排"
    elif action.percent == -HUNDRED:
        effect = "不再安排"
    else:
        effect = f"{'增加' if action.percent > 0 else '核减'} {abs(action.percent):g}%"
    parts.append(f"评价等级“{grade}”{action.label}，{effect}")
    return round_yuan(base * (HUNDRED + action.percent) / HUNDRED), "；".join(parts)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, ZERO) / len(values)).quantize(SCORE_QUANTUM, ROUND_HALF_UP)


def goal_component(review_grades: Sequence[str], policy: Policy) -> Decimal | None:
    """目标管理: the mean of the points of each goal table's latest decided review grade."""
    points = dict(policy.goal_review_points)
    return mean([points[g] for g in review_grades if g in points])


def monitoring_component(lights: Sequence[str], policy: Policy) -> Decimal | None:
    """重点监控: the mean of the points of the key-monitored projects' lights (a project without a light is left out)."""
    points = dict(policy.monitoring_light_points)
    return mean([points[light] for light in lights if light in points])


def deduction_points(deductions: Deductions, policy: Policy) -> tuple[Decimal, Decimal]:
    """(audit/inspection points, rectification points), each capped by the policy."""
    findings = min(sum(deductions.findings, ZERO), policy.finding_cap)
    rect = min(policy.overdue_points * deductions.overdue + policy.failed_points * deductions.failed,
               policy.rectification_cap)
    return findings, rect


def coefficient(score: Decimal, policy: Policy) -> Decimal:
    """The coefficient of the band [from, to) holding the score; 100 belongs to the last band."""
    bands = sorted(policy.bands, key=lambda b: b.low)
    for b in bands:
        if b.low <= score < b.high:
            return b.coefficient
    return bands[-1].coefficient if score >= bands[-1].high else bands[0].coefficient


def composite(scores: Mapping[str, Decimal | None], deductions: Deductions, policy: Policy) -> Composite:
    """The department composite score: the weighted mean of the components that have data (the weight of a
    component without data is spread over the others in proportion to their weights), minus the capped
    deductions, not below 0; then the coefficient of its band."""
    present = [(k, scores[k], policy.weight(k)) for k, _ in COMPONENTS
               if scores.get(k) is not None and policy.weight(k) > 0]
    if not present:
        return Composite(None, policy.no_result_coefficient,
                         f"无可用的绩效结果，系数取 {policy.no_result_coefficient}")
    total_weight = sum((w for _, _, w in present), ZERO)
    weighted = sum((s * w for _, s, w in present if s is not None), ZERO) / total_weight
    findings, rect = deduction_points(deductions, policy)
    score = max(ZERO, weighted - findings - rect).quantize(SCORE_QUANTUM, ROUND_HALF_UP)
    coef = coefficient(score, policy)
    terms = " + ".join(f"{COMPONENT_LABELS[k]} {s}×{w:g}" for k, s, w in present)
    parts = [f"{f'（{terms}）' if len(present) > 1 else terms} ÷ {total_weight:g} = "
             f"{weighted.quantize(SCORE_QUANTUM, ROUND_HALF_UP)}"]
    missing = [COMPONENT_LABELS[k] for k, _ in COMPONENTS if scores.get(k) is None and policy.weight(k) > 0]
    if missing:
        parts.append(f"{'、'.join(missing)}无数据，其权重按比例分配给其余各项")
    if findings:
        parts.append(f"审计检查扣 {findings:g} 分（上限 {policy.finding_cap:g}）")
    if rect:
        parts.append(f"整改扣 {rect:g} 分（逾期 {deductions.overdue} 项、不合格 {deductions.failed} 项，"
                     f"上限 {policy.rectification_cap:g}）")
    parts.append(f"综合得分 {score}，调整系数 {coef}")
    return Composite(score, coef, "；".join(parts))


def department_total(suggestion_sum: Decimal, coef: Decimal) -> Decimal:
    """部门建议总额 = 项目建议合计 × 调整系数, rounded to whole 元."""
    return round_yuan(suggestion_sum * coef)
