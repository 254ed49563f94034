"""预算安排建议表: budget year Y's results applied to Y+1 — per project the suggested amount and its rule, per
department the composite score, its coefficient and the suggested total — assembled from `ResultInputs` and a
policy without touching the database, so the what-if panel recomputes it on every edit.

Formulas (amounts Decimal 万元, rounded to whole 元 half up):
- project: a one-off project ending in Y suggests 0 ("一次性项目已完成"); otherwise
  (本年金额 − 事前评估核减) × (100 + the grade's percentage) ÷ 100 (core.results.rules.policy.suggest_project);
  the line's final amount is the bureau's override when there is one.
- department: 建议总额 = Σ final amounts of its projects × its adjustment coefficient; the final total is the
  bureau's override of the department total when there is one.
- totals (SuggestionTotals): this_year = Σ 本年金额; suggested = Σ departments' final totals; cut / increased =
  Σ decreases / increases of the carrying projects' final amounts against this year's (completed one-off
  projects are neither); cancelled_projects = carrying projects at 0; projects_cut = carrying projects above 0
  but below this year's amount.
"""

from __future__ import annotations

from decimal import Decimal

from core.common.labels import EXANTE_CONCLUSIONS
from core.monitoring.rules.lights import LIGHTS
from core.results.dto import (
    ComponentScore,
    DepartmentFacts,
    DepartmentScore,
    DepartmentSuggestion,
    Override,
    ProjectFacts,
    ProjectSuggestion,
    ResultInputs,
    SuggestionTable,
    SuggestionTotals,
)
from core.results.inputs import EVALUATION_SOURCES
from core.results.rules import policy as rules

ZERO = Decimal(0)


def results_text(f: ProjectFacts) -> str:
    parts = []
    if f.grade is not None:
        parts.append(f"{EVALUATION_SOURCES.get(f.grade_source or '', '评价')} {f.grade}")
    if f.review_grade is not None:
        parts.append(f"目标审核 {rules.REVIEW_GRADES[f.review_grade]}")
    if f.light is not None and f.light in rules.LIGHT_LABELS:
        parts.append(f"监控 {LIGHTS[f.light]}")
    if f.exante_conclusion is not None:
        parts.append(f"事前评估 {EXANTE_CONCLUSIONS.get(f.exante_conclusion, f.exante_conclusion)}")
    return "；".join(parts) or "无"


def suggest(f: ProjectFacts, policy: rules.Policy, year: int, names: dict[int, str],
            override: Override | None) -> ProjectSuggestion:
    carries = rules.carries_over(f.nature, f.end_date, year)
    if carries:
        suggested, rule = rules.suggest_project(f.amount, f.grade, f.exante_cut, policy)
    else:
        suggested, rule = ZERO, rules.ONE_OFF_DONE
    return ProjectSuggestion(f.project_id, f.code, f.name, f.department_id, names.get(f.department_id, f.unit_name),
                             f.unit_name, f.amount, f.grade, results_text(f), carries, suggested, rule, override)


def _components(d: DepartmentFacts, policy: rules.Policy) -> tuple[ComponentScore, ...]:
    found = {
        "exante": (rules.mean(d.exante_scores), f"{len(d.exante_scores)} 项重点事前评估"),
        "goals": (rules.goal_component(d.review_grades, policy), f"{len(d.review_grades)} 张目标表审核结论"),
        "monitoring": (rules.monitoring_component(d.monitoring_lights, policy),
                       f"{len(d.monitoring_lights)} 个重点监控项目"),
        "department": (d.department_score, "部门整体评价得分" if d.department_score is not None else "未评价"),
    }
    return tuple(ComponentScore(key, label, found[key][0], policy.weight(key),
                                found[key][1] if found[key][0] is not None else "无数据")
                 for key, label in rules.COMPONENTS)


def score_department(d: DepartmentFacts, policy: rules.Policy) -> DepartmentScore:
    components = _components(d, policy)
    deductions = rules.Deductions(d.findings, d.overdue, d.failed)
    finding_points, rect_points = rules.deduction_points(deductions, policy)
    result = rules.composite({c.key: c.score for c in components}, deductions, policy)
    return DepartmentScore(d.unit_id, d.code, d.name, components, len(d.findings), finding_points, d.overdue,
                           d.failed, rect_points, result.score, result.coefficient, result.explanation)


def _totals(projects: tuple[ProjectSuggestion, ...], departments: tuple[DepartmentSuggestion, ...],
            outside: Decimal) -> SuggestionTotals:
    carrying = [p for p in projects if p.carries]
    return SuggestionTotals(
        sum((p.amount for p in projects), ZERO), sum((d.final for d in departments), ZERO) + outside,
        sum((-p.change for p in carrying if p.change < 0), ZERO), sum((p.change for p in carrying if p.change > 0), ZERO),
        sum(1 for p in carrying if p.final == 0), sum(1 for p in carrying if 0 < p.final < p.amount))


def build_table(inputs: ResultInputs, policy: rules.Policy) -> SuggestionTable:
    """The whole table for a policy (stored or unsaved); reads nothing, writes nothing."""
    names = {d.unit_id: d.name for d in inputs.departments}
    projects = tuple(suggest(f, policy, inputs.year, names, inputs.project_overrides.get(f.project_id))
                     for f in inputs.projects)
    by_dept: dict[int, list[ProjectSuggestion]] = {}
    for p in projects:
        by_dept.setdefault(p.department_id, []).append(p)
    departments = []
    for d in inputs.departments:
        lines = by_dept.pop(d.unit_id, [])
        score = score_department(d, policy)
        suggested_sum = sum((p.final for p in lines), ZERO)
        departments.append(DepartmentSuggestion(
            d.unit_id, d.code, d.name, len(lines), sum((p.amount for p in lines), ZERO), suggested_sum, score,
            rules.department_total(suggested_sum, score.coefficient), inputs.department_overrides.get(d.unit_id)))
    # Projects of units outside any department or township (the bureau's own) keep their line amounts.
    outside = sum((p.final for lines in by_dept.values() for p in lines), ZERO)
    table = tuple(departments)
    return SuggestionTable(inputs.year, policy, projects, table, _totals(projects, table, outside))
