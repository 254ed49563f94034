"""Runs the registered review rules over one table, isolates a failing rule, and scores the findings.

The tunable part (enabled, severity, thresholds, word lists) comes from review_rules.json via `parse_config`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from core.review.rules import (  # noqa: F401  (imported for their registrations)
    rules_appropriateness,
    rules_completeness,
    rules_cost,
    rules_feasibility,
    rules_goal_fit,
    rules_relevance,
)
from core.review.rules.model import RULES, SEVERITIES, Finding, ReviewContext, RuleSpec, TableView
from core.review.rules.reading import normalise
from resources import path as resource_path


class ConfigError(ValueError):
    """The review rule configuration is malformed (the message says where, in Chinese)."""


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool
    severity: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class ReviewConfig:
    rules: Mapping[str, RuleConfig]
    deductions: Mapping[str, Decimal]


def _deductions(raw: Any) -> dict[str, Decimal]:
    out = {"error": Decimal(10), "warning": Decimal(4), "info": Decimal(0)}
    if raw is None:
        return out
    if not isinstance(raw, dict) or set(raw) - set(SEVERITIES):
        raise ConfigError(f"扣分设置 severity_deductions 只能包含 {', '.join(SEVERITIES)}")
    for sev, value in raw.items():
        try:
            out[sev] = Decimal(str(value))
        except InvalidOperation as exc:
            raise ConfigError(f"扣分设置 {sev} 不是数字：{value!r}") from exc
        if out[sev] < 0:
            raise ConfigError(f"扣分设置 {sev} 不能为负：{value!r}")
    return out


def _rule_config(spec: RuleSpec, raw: Any, base: RuleConfig | None) -> RuleConfig:
    current = base or RuleConfig(True, spec.severity, dict(spec.params))
    if raw is None:
        return current
    if not isinstance(raw, dict) or set(raw) - {"enabled", "severity", "params", "title"}:
        raise ConfigError(f"规则 {spec.id} 的设置只能包含 enabled、severity、params")
    enabled = raw.get("enabled", current.enabled)
    severity = raw.get("severity", current.severity)
    if not isinstance(enabled, bool):
        raise ConfigError(f"规则 {spec.id} 的 enabled 应为 true/false")
    if severity not in SEVERITIES:
        raise ConfigError(f"规则 {spec.id} 的 severity 应为 error/warning/info，收到 {severity!r}")
    params = dict(current.params)
    extra = raw.get("params") or {}
    unknown = set(extra) - set(spec.params)
    if unknown:
        raise ConfigError(f"规则 {spec.id} 没有参数 {', '.join(sorted(unknown))}")
    for key, value in extra.items():
        if type(value) is not type(spec.params[key]) and not (
                isinstance(spec.params[key], str | int) and isinstance(value, str | int)):
            raise ConfigError(f"规则 {spec.id} 的参数 {key} 类型不对：{value!r}")
        params[key] = value
    return RuleConfig(enabled, severity, params)


def parse_config(raw: Mapping[str, Any], base: ReviewConfig | None = None) -> ReviewConfig:
    """Validate a configuration dict (the JSON file, or bureau overrides on top of `base`).

    Unknown rule ids and unknown parameters are refused; missing rules keep their defaults."""
    rules_raw = raw.get("rules", {})
    if not isinstance(rules_raw, dict):
        raise ConfigError("rules 应为对象（规则编号 → 设置）")
    unknown = set(rules_raw) - set(RULES)
    if unknown:
        raise ConfigError(f"未知的审核规则编号：{', '.join(sorted(unknown))}")
    rules = {rid: _rule_config(spec, rules_raw.get(rid), base.rules.get(rid) if base else None)
             for rid, spec in RULES.items()}
    deductions = dict(base.deductions) if base else _deductions(None)
    if "severity_deductions" in raw:
        deductions.update(_deductions(raw["severity_deductions"]))
    return ReviewConfig(rules, deductions)


def load_default_config() -> ReviewConfig:
    with resource_path("reference", "review_rules.json").open(encoding="utf-8") as f:
        return parse_config(json.load(f))


def run_rules(table: TableView, context: ReviewContext, config: ReviewConfig) -> list[Finding]:
    """Every enabled rule over the table read into the standard form (`reading.normalise`), in rule-id order;
    one broken rule never stops the others."""
    table = normalise(table)
    findings: list[Finding] = []
    for rid in sorted(RULES):
        spec, cfg = RULES[rid], config.rules.get(rid)
        if cfg is None or not cfg.enabled:
            continue
        try:
            hits = list(spec.check(table, context, cfg.params))
        # Rule isolation point: review data comes from imports and hand-typed tables, so any rule may meet
        # values nobody foresaw; one rule's bug must become a visible finding, never abort the whole batch.
        except Exception as exc:
            findings.append(Finding(rid, spec.dimension, "error", spec.field,
                                    f"规则 {rid}（{spec.title}）无法检查本表（内部错误：{type(exc).__name__}: {exc}），"
                                    f"请人工复核"))
            continue
        findings.extend(Finding(rid, spec.dimension, h.severity or cfg.severity, h.field, h.message, h.position)
                        for h in hits)
    return findings


def quality_score(findings: list[Finding] | tuple[Finding, ...], config: ReviewConfig) -> Decimal:
    """100 minus the configured deduction per finding's severity, never below 0."""
    lost = sum((config.deductions.get(f.severity, Decimal(0)) for f in findings), Decimal(0))
    return max(Decimal(100) - lost, Decimal(0))


def rule_table() -> list[RuleSpec]:
    """The registered rules in id order (for documentation and the GUI)."""
    return [RULES[rid] for rid in sorted(RULES)]
