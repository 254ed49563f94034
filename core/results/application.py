"""结果应用 use cases: the year's policy (stored, else the shipped defaults of resources/reference/result_policy.json),
its validation and audited saving, the 预算安排建议表 with the bureau's overrides of a line or a department total,
the what-if that applies an unsaved policy and writes nothing, and the totals the yearly statistics report.

Results of budget year Y (its evaluations, goal reviews, monitoring and ex-ante assessments) apply to Y+1's
budget; policies and overrides are keyed by Y. The bureau (permission 绩效评价) edits; everyone reads what they
may see (a clerk: its own unit)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.org.access import require
from core.org.lookups import departments
from core.org.rules.roles import Actor, Permission
from core.results.dto import PolicyView, SuggestionTable, SuggestionTotals, Workspace
from core.results.inputs import load_inputs
from core.results.rules import policy as rules
from core.results.suggestions import build_table
from db.models import BudgetOverride, FiscalYear, Project, ResultPolicy, Unit, User, utcnow
from db.uow import UnitOfWork
from resources import path as resource_path

RESULTS = Changes.of(Area.RESULTS)


@cache
def _default_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("reference", "result_policy.json").read_text(encoding="utf-8"))
    return data


def default_policy() -> rules.Policy:
    """The shipped policy (DOMAIN.md §5 defaults)."""
    return rules.parse_policy(_default_data())


def require_bureau(actor: Actor) -> None:
    require(actor, Permission.EVALUATE)


def _year(uow: UnitOfWork, year: int) -> None:
    if uow.session.get(FiscalYear, year) is None:
        raise NotFound(f"{year} 年度不存在，请先建立该预算年度。")


def _invalid(exc: rules.PolicyError) -> ValidationError:
    return ValidationError(str(exc), exc.field)


def stored_policy(uow: UnitOfWork, year: int) -> tuple[rules.Policy, bool]:
    """(the year's policy, whether it was stored) — the defaults when the bureau has not saved one."""
    row = uow.session.get(ResultPolicy, year)
    if row is None:
        return default_policy(), False
    try:
        return rules.parse_policy(json.loads(row.policy_json)), True
    except (rules.PolicyError, ValueError) as exc:
        raise ValidationError(f"{year} 年度保存的结果应用政策无法读取（{exc}），请重新设置并保存。", "policy") from exc


def get_policy(uow: UnitOfWork, actor: Actor, year: int) -> rules.Policy:
    return stored_policy(uow, year)[0]


def policy_view(uow: UnitOfWork, actor: Actor, year: int) -> PolicyView:
    """The year's policy with who saved it last (for the 政策设置 tab)."""
    _year(uow, year)
    policy, stored = stored_policy(uow, year)
    row = uow.session.get(ResultPolicy, year)
    by = uow.session.scalar(select(User.display_name).where(User.username == row.updated_by)) if row else None
    return PolicyView(year, policy, stored, (by or row.updated_by) if row else None, row.updated_at if row else None)


def save_policy(uow: UnitOfWork, actor: Actor, year: int, policy: rules.Policy) -> Changes:
    """Validate and store the year's policy; refused with every problem named, nothing written."""
    uow.write()
    require_bureau(actor)
    _year(uow, year)
    try:
        rules.check(policy)
    except rules.PolicyError as exc:
        raise _invalid(exc) from exc
    s = uow.session
    row = s.get(ResultPolicy, year)
    before = json.loads(row.policy_json) if row is not None else None
    after = rules.policy_json(policy)
    if row is None:
        row = ResultPolicy(year=year, policy_json="", updated_by=actor.username)
        s.add(row)
    row.policy_json = json.dumps(after, ensure_ascii=False, sort_keys=True)
    row.updated_by, row.updated_at = actor.username, utcnow()
    s.flush()
    uow.audit(actor.username, "results.save_policy", "result_policy", year, before, after)
    uow.commit()
    return RESULTS


def suggestions(uow: UnitOfWork, actor: Actor, year: int, as_of: date | None = None) -> SuggestionTable:
    """The 预算安排建议表 of `year`'s results under the stored policy."""
    _year(uow, year)
    return build_table(load_inputs(uow, actor, year, as_of), stored_policy(uow, year)[0])


def workspace(uow: UnitOfWork, actor: Actor, year: int, as_of: date | None = None) -> Workspace:
    _year(uow, year)
    inputs = load_inputs(uow, actor, year, as_of)
    policy, stored = stored_policy(uow, year)
    return Workspace(inputs, policy, stored, build_table(inputs, policy))


def what_if(uow: UnitOfWork, actor: Actor, year: int, policy: rules.Policy,
            as_of: date | None = None) -> SuggestionTable:
    """The table under an unsaved policy; reads only (the unit of work is never committed)."""
    _year(uow, year)
    try:
        rules.check(policy)
    except rules.PolicyError as exc:
        raise _invalid(exc) from exc
    return build_table(load_inputs(uow, actor, year, as_of), policy)


def suggestion_totals(uow: UnitOfWork, actor: Actor, year: int, as_of: date | None = None) -> SuggestionTotals:
    """The result-application effect on next year's budget, for the yearly statistics (rectification record
    as of `as_of`, default today)."""
    return suggestions(uow, actor, year, as_of).totals


def _amount(amount: Decimal) -> Decimal:
    if isinstance(amount, float) or not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError("调整后金额应为数值（万元）。", "amount")
    if amount < 0:
        raise ValidationError(f"调整后金额不能为负数，收到 {amount} 万元。", "amount")
    if amount != rules.round_yuan(amount):
        raise ValidationError(f"调整后金额应精确到元（万元小数点后 4 位），收到 {amount} 万元。", "amount")
    return amount


def _target(uow: UnitOfWork, year: int, unit_id: int, project_id: int | None) -> tuple[int, str]:
    """(the department the override belongs to, a label for messages); checks the project or department."""
    s = uow.session
    if project_id is not None:
        project = s.get(Project, project_id)
        if project is None or project.year != year:
            raise NotFound(f"{year} 年度没有编号为 {project_id} 的项目。")
        return departments(s).get(project.unit_id, (project.unit_id, ""))[0], f"项目“{project.name}”"
    unit = s.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"单位（编号 {unit_id}）不存在。")
    return unit.id, f"部门“{unit.name}”的建议总额"


def _existing(uow: UnitOfWork, year: int, unit_id: int, project_id: int | None) -> BudgetOverride | None:
    match = BudgetOverride.project_id.is_(None) if project_id is None else BudgetOverride.project_id == project_id
    return uow.session.scalar(select(BudgetOverride).where(BudgetOverride.year == year,
                                                           BudgetOverride.unit_id == unit_id, match))


def _state(o: BudgetOverride | None) -> dict[str, str] | None:
    return None if o is None else {"amount": str(o.amount), "reason": o.reason}


def set_override(uow: UnitOfWork, actor: Actor, year: int, unit_id: int, project_id: int | None, amount: Decimal,
                 reason: str) -> Changes:
    """The bureau's own amount (万元, whole 元) for a project line (project_id; its department is taken from the
    project) or for department `unit_id`'s total (project_id None); a reason is required."""
    uow.write()
    require_bureau(actor)
    _year(uow, year)
    dept, label = _target(uow, year, unit_id, project_id)
    value = _amount(amount)
    text = (reason or "").strip()
    if not text:
        raise ValidationError(f"调整{label}须填写调整说明（理由）。", "reason")
    found = _existing(uow, year, dept, project_id)
    before = _state(found)
    if found is None:
        found = BudgetOverride(year=year, unit_id=dept, project_id=project_id, amount=value, reason=text,
                               decided_by=actor.username)
        uow.session.add(found)
    found.amount, found.reason, found.decided_by, found.decided_at = value, text, actor.username, utcnow()
    uow.session.flush()
    uow.audit(actor.username, "results.set_override", "budget_override", found.id, before,
              {"year": year, "unit_id": dept, "project_id": project_id, **(_state(found) or {})})
    uow.commit()
    return RESULTS


def clear_override(uow: UnitOfWork, actor: Actor, year: int, unit_id: int, project_id: int | None) -> Changes:
    """Drop an override: the line or total goes back to the suggestion."""
    uow.write()
    require_bureau(actor)
    dept, label = _target(uow, year, unit_id, project_id)
    found = _existing(uow, year, dept, project_id)
    if found is None:
        raise NotFound(f"{label}没有人工调整。")
    before = _state(found)
    uow.session.delete(found)
    uow.session.flush()
    uow.audit(actor.username, "results.clear_override", "budget_override", found.id, before, None)
    uow.commit()
    return RESULTS


def suggestion_workbook(uow: UnitOfWork, actor: Actor, year: int, target: Path,
                        policy: rules.Policy | None = None) -> Path:
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.suggestion_report import build_suggestion_workbook

    table = suggestions(uow, actor, year) if policy is None else what_if(uow, actor, year, policy)
    return build_suggestion_workbook(table, target)


def suggestion_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path,
                   policy: rules.Policy | None = None) -> Path:
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.suggestion_report import build_suggestion_pdf

    table = suggestions(uow, actor, year) if policy is None else what_if(uow, actor, year, policy)
    return build_suggestion_pdf(table, target)
