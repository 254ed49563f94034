"""审核规则 as the bureau tunes them: the shipped rule table (review_rules.json) with the bureau's override on top.

The override lives as JSON in the setting row `review.rules_override` (read by `review_auto.review_config`) and
holds only what differs from the shipped defaults, so a later release's new defaults still reach every rule the
bureau left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from typing import Any

from core.common.changes import Area, Changes
from core.common.errors import PermissionDenied, ValidationError
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from core.review.auto import OVERRIDE_KEY
from core.review.dto import RuleChange, RuleChanges, RuleRow, RuleTable
from core.review.rules.engine import ConfigError, ReviewConfig, load_default_config, parse_config, rule_table
from core.review.rules.model import SEVERITIES, TableView
from db.models import Setting, utcnow
from db.uow import UnitOfWork

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
MAX_DEDUCTION = Decimal(100)
# Parameters that name TableView fields; a wrong name would make the rule fail on every table.
FIELD_LISTS = {("C01", "required"): frozenset(f.name for f in fields(TableView))}
RANGES = (("min", "max"), ("min_count", "max_count"))  # lower bound must not exceed the upper one


def _stored(uow: UnitOfWork) -> Any:
    row = uow.session.get(Setting, OVERRIDE_KEY)
    return None if row is None else json.loads(row.value_json)


def _current(uow: UnitOfWork, defaults: ReviewConfig) -> tuple[ReviewConfig, str | None]:
    try:
        stored = _stored(uow)
        if stored is None:
            return defaults, None
        if not isinstance(stored, dict):
            raise ConfigError("审核规则设置应为 JSON 对象")
        return parse_config(stored, defaults), None
    except (ConfigError, json.JSONDecodeError) as exc:
        return defaults, f"已保存的审核规则设置无法读取（{exc}），下面显示出厂设置；保存或恢复默认会替换它。"


def list_rules(uow: UnitOfWork, actor: Actor) -> RuleTable:
    """The rules with their shipped and effective settings (reviewers may look, administrators may change)."""
    if not (actor.can(Permission.REVIEW_GOALS) or actor.can(Permission.MANAGE_SETTINGS)):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）没有查看审核规则的权限。")
    defaults = load_default_config()
    current, problem = _current(uow, defaults)
    rows = tuple(
        RuleRow(spec.id, spec.dimension, spec.title, base.enabled, base.severity, dict(base.params),
                now.enabled, now.severity, dict(now.params))
        for spec in rule_table()
        for base, now in [(defaults.rules[spec.id], current.rules[spec.id])])
    return RuleTable(rows, dict(current.deductions), dict(defaults.deductions), problem)


def _decimal(text: Any) -> Decimal | None:
    if isinstance(text, bool | float) or not isinstance(text, str | int | Decimal):
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _param(rid: str, key: str, default: Any, value: Any) -> Any:
    """`value` checked against the kind of its default and normalised the way review_rules.json writes it."""
    where = f"规则 {rid} 的参数 {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValidationError(f"{where} 应为 true 或 false，收到 {value!r}。", f"{rid}.params")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(f"{where} 应为不小于 0 的整数，收到 {value!r}。", f"{rid}.params")
        return value
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValidationError(f"{where} 应为文字列表（如 [\"甲\", \"乙\"]），收到 {value!r}。", f"{rid}.params")
        items = [v.strip() for v in value]
        allowed = FIELD_LISTS.get((rid, key))
        if allowed is not None and set(items) - allowed:
            raise ValidationError(f"{where} 含有未知的表头字段：{', '.join(sorted(set(items) - allowed))}。",
                                  f"{rid}.params")
        return items
    if _decimal(default) is not None:  # numbers are written as strings so that they stay exact
        number = _decimal(value)
        if number is None or number < 0:
            raise ValidationError(f"{where} 应为不小于 0 的数值（如 \"{default}\"），收到 {value!r}。", f"{rid}.params")
        return format(number, "f")
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where} 应为非空文字，收到 {value!r}。", f"{rid}.params")
    if key == "pattern":
        try:
            re.compile(value)
        except re.error as exc:
            raise ValidationError(f"{where} 不是有效的正则表达式：{exc}。", f"{rid}.params") from exc
    return value


def _same(a: Any, b: Any) -> bool:
    da, db = _decimal(a), _decimal(b)
    if isinstance(a, str) and isinstance(b, str) and da is not None and db is not None:
        return da == db
    return bool(a == b)


def _rule_override(rid: str, change: RuleChange, defaults: ReviewConfig) -> dict[str, Any]:
    base = defaults.rules[rid]
    if not isinstance(change.enabled, bool):
        raise ValidationError(f"规则 {rid} 的“启用”应为是或否。", f"{rid}.enabled")
    if change.severity not in SEVERITIES:
        raise ValidationError(f"规则 {rid} 的严重程度应为 错误/警告/提示（error/warning/info），"
                              f"收到 {change.severity!r}。", f"{rid}.severity")
    if not isinstance(change.params, Mapping):
        raise ValidationError(f"规则 {rid} 的参数应为 JSON 对象（如 {{\"名称\": 值}}）。", f"{rid}.params")
    unknown = sorted(set(change.params) - set(base.params))
    if unknown:
        known = "、".join(base.params) or "（本规则没有参数）"
        raise ValidationError(f"规则 {rid} 没有参数 {', '.join(unknown)}；可用的参数：{known}。", f"{rid}.params")
    params = {k: _param(rid, k, base.params[k], v) for k, v in change.params.items()}
    for lo, hi in RANGES:
        low, high = params.get(lo, base.params.get(lo)), params.get(hi, base.params.get(hi))
        a, b = _decimal(low), _decimal(high)
        if a is not None and b is not None and a > b:
            raise ValidationError(f"规则 {rid} 的参数 {lo}（{low}）不能大于 {hi}（{high}）。", f"{rid}.params")
    out: dict[str, Any] = {}
    if change.enabled != base.enabled:
        out["enabled"] = change.enabled
    if change.severity != base.severity:
        out["severity"] = change.severity
    differing = {k: v for k, v in params.items() if not _same(v, base.params[k])}
    if differing:
        out["params"] = differing
    return out


def _deduction_override(raw: Mapping[str, Any], defaults: ReviewConfig) -> dict[str, str]:
    unknown = sorted(set(raw) - set(SEVERITIES))
    if unknown:
        raise ValidationError(f"扣分只能按 错误/警告/提示 设置，收到 {', '.join(unknown)}。", "deductions")
    out = {}
    for sev, value in raw.items():
        number = _decimal(value)
        if number is None or not Decimal(0) <= number <= MAX_DEDUCTION:
            raise ValidationError(f"“{SEVERITY_LABELS[sev]}”每条扣分应为 0 到 {MAX_DEDUCTION} 之间的数值，"
                                  f"收到 {value!r}。", f"deductions.{sev}")
        if number != defaults.deductions[sev]:
            out[sev] = format(number, "f")
    return out


def _as_changes(config: ReviewConfig) -> dict[str, RuleChange]:
    return {rid: RuleChange(c.enabled, c.severity, dict(c.params)) for rid, c in config.rules.items()}


def _override(changes: RuleChanges, current: ReviewConfig, defaults: ReviewConfig) -> dict[str, Any]:
    unknown = sorted(set(changes.rules) - set(defaults.rules))
    if unknown:
        raise ValidationError(f"未知的审核规则编号：{', '.join(unknown)}。", "rules")
    wanted = _as_changes(current) | dict(changes.rules)
    rules = {rid: entry for rid in sorted(wanted) if (entry := _rule_override(rid, wanted[rid], defaults))}
    deductions = _deduction_override(
        current.deductions if changes.deductions is None else changes.deductions, defaults)
    override: dict[str, Any] = {}
    if rules:
        override["rules"] = rules
    if deductions:
        override["severity_deductions"] = deductions
    try:
        parse_config(override, defaults)  # the engine's own check, exactly as auto-review will read it
    except ConfigError as exc:
        raise ValidationError(f"审核规则设置无效：{exc}。", "rules") from exc
    return override


def _readable(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # an unreadable override still goes into the audit entry as it was


def _write(uow: UnitOfWork, actor: Actor, override: dict[str, Any] | None) -> None:
    row = uow.session.get(Setting, OVERRIDE_KEY)
    before = _readable(row.value_json) if row else None
    if before == override:
        return
    if override is None:
        assert row is not None
        uow.session.delete(row)
    elif row is None:
        uow.session.add(Setting(key=OVERRIDE_KEY, value_json=json.dumps(override, ensure_ascii=False)))
    else:
        row.value_json = json.dumps(override, ensure_ascii=False)
        row.updated_at = utcnow()
    uow.audit(actor.username, "setting.update", "setting", OVERRIDE_KEY, before, override)


def save_rules(uow: UnitOfWork, actor: Actor, changes: RuleChanges) -> Changes:
    """Validate every change first, then store only what differs from the shipped defaults (or nothing)."""
    uow.write()
    require(actor, Permission.MANAGE_SETTINGS)
    defaults = load_default_config()
    current, _problem = _current(uow, defaults)
    override = _override(changes, current, defaults)
    _write(uow, actor, override or None)
    uow.commit()
    return Changes.of(Area.SETTINGS, Area.REVIEW_RULES)


def reset_rules(uow: UnitOfWork, actor: Actor) -> Changes:
    """Back to the shipped rules and deductions: the override row is removed (the audit log keeps it)."""
    uow.write()
    require(actor, Permission.MANAGE_SETTINGS)
    _write(uow, actor, None)
    uow.commit()
    return Changes.of(Area.SETTINGS, Area.REVIEW_RULES)
