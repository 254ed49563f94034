"""Framework templates of key evaluations: the shipped reference table (resources/reference/
evaluation_frameworks.json, DOMAIN.md §4) and the bureau's own copies, which can be edited. Every framework that
is saved, as a template or for an evaluation, passes `check_items`: weights summing to 100 (refused otherwise),
a warning when 产出 + 效益 is below 60."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.evaluation.common import framework_items, frameworks, require_evaluator
from core.evaluation.key_base import framework_snapshot
from core.evaluation.key_dto import TemplateRow, TemplateSaved
from core.evaluation.rules.scoring import FrameworkItem, ScoringError, check_framework
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import EvaluationTemplate
from db.uow import UnitOfWork

KIND = "key"
TEMPLATES = Changes.of(Area.EVALUATION)
MAX_NAME = 100


def check_items(items: Sequence[FrameworkItem]) -> list[str]:
    """Refuse an unusable framework with a message naming the item; return the warnings."""
    if not items:
        raise ValidationError("评价指标体系至少需要一项指标。", "items")
    for n, item in enumerate(items, start=1):
        for value, label in ((item.level1, "一级指标"), (item.name, "三级指标名称")):
            if not value.strip():
                raise ValidationError(f"第 {n} 项指标缺少{label}。", "items")
        if not item.key.strip():
            raise ValidationError(f"第 {n} 项指标“{item.name}”缺少编号。", "items")
    try:
        return check_framework(items)
    except ScoringError as exc:
        raise ValidationError(str(exc), "weights") from exc


def shipped() -> TemplateRow:
    raw = frameworks()[KIND]
    items = framework_items(raw["items"])
    return TemplateRow(None, str(raw["name"]), True, tuple(items), tuple(check_framework(items)), "系统")


def _row(t: EvaluationTemplate) -> TemplateRow:
    items = framework_items(json.loads(t.framework_json).get("items", []))
    try:
        warnings = tuple(check_framework(items))
    except ScoringError as exc:  # a stored template is checked when saved; say so if it was not
        warnings = (str(exc),)
    return TemplateRow(t.id, t.name, t.builtin, tuple(items), warnings, t.created_by)


def list_templates(uow: UnitOfWork, actor: Actor) -> list[TemplateRow]:
    """The shipped reference table first, then the saved templates by name."""
    require(actor, Permission.VIEW_ALL_UNITS)
    stmt = select(EvaluationTemplate).where(EvaluationTemplate.kind == KIND).order_by(EvaluationTemplate.name)
    return [shipped(), *(_row(t) for t in uow.session.scalars(stmt))]


def get_template(uow: UnitOfWork, template_id: int | None) -> TemplateRow:
    if template_id is None:
        return shipped()
    t = uow.session.get(EvaluationTemplate, template_id)
    if t is None or t.kind != KIND:
        raise NotFound(f"评价指标模板（编号 {template_id}）不存在。")
    return _row(t)


def _check_name(uow: UnitOfWork, name: str, own_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("请填写模板名称。", "name")
    if len(name) > MAX_NAME:
        raise ValidationError(f"模板名称最多 {MAX_NAME} 个字。", "name")
    if name == shipped().name:
        raise ValidationError(f"“{name}”是内置参考模板的名称，请另起一个名称。", "name")
    same = uow.session.scalar(select(EvaluationTemplate.id).where(EvaluationTemplate.kind == KIND,
                                                                  EvaluationTemplate.name == name))
    if same is not None and same != own_id:
        raise ValidationError(f"已有名为“{name}”的评价指标模板。", "name")
    return name


def save_template(uow: UnitOfWork, actor: Actor, template_id: int | None, name: str,
                  items: Sequence[FrameworkItem]) -> TemplateSaved:
    """Save an edited framework as a new template (id None) or over a saved one; the shipped and built-in
    templates are not changed (copy them). Weights are checked as for an evaluation."""
    uow.write()
    require_evaluator(actor)
    warnings = check_items(items)
    name = _check_name(uow, name, template_id)
    before = None
    if template_id is None:
        t = EvaluationTemplate(kind=KIND, builtin=False, created_by=actor.username)
        uow.session.add(t)
    else:
        found = uow.session.get(EvaluationTemplate, template_id)
        if found is None or found.kind != KIND:
            raise NotFound(f"评价指标模板（编号 {template_id}）不存在。")
        if found.builtin:
            raise ValidationError(f"“{found.name}”是内置模板，不能修改；请复制为新模板后再编辑。", "name")
        t, before = found, {"name": found.name, "framework": json.loads(found.framework_json)}
    t.name = name
    t.framework_json = framework_snapshot(t.name, items, warnings)
    uow.session.flush()
    uow.audit(actor.username, "evaluation.template.save", "evaluation_template", t.id, before,
              {"name": t.name, "framework": json.loads(t.framework_json)})
    uow.commit()
    return TemplateSaved(_row(t))


def copy_template(uow: UnitOfWork, actor: Actor, source_id: int | None, name: str) -> TemplateSaved:
    """A new, editable template with the items of `source_id` (None: the shipped reference table)."""
    uow.write()
    require_evaluator(actor)
    source = get_template(uow, source_id)
    return save_template(uow, actor, None, name, source.items)
