"""The header of the 项目支出绩效目标申报表 in the goals package (实施单位, 项目属性, 起止时间, 项目负责人, 联系电话 and
the amounts by source): written out from the project, and read back from a unit's workbook on the bureau's hub.

The header is the project's basic data. A unit's change to it is a normal change of its goal table while the
table is not yet approved, written to the project with the table; it conflicts only when the bureau changed the
same field since the package's base (the last goals package from that unit applied here), which the audit log
of the project says. 项目名称 and 主管部门 travel for checking only: they are the bureau's.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.labels import PROJECT_ATTRIBUTES
from core.exchange.rules.goal_sheets import GOAL_TABLE_SHEET, HEADER_KEYS
from core.org.access import require_unit
from core.org.rules.roles import Actor
from db.models import AuditEntry, Project, Unit
from db.uow import UnitOfWork

ACTION = "project.exchange_header"  # the audit action of a header written from a unit's package
_ATTRIBUTE_CODES = {label: code for code, label in PROJECT_ATTRIBUTES.items()}


def department_name(unit: Unit) -> str:
    """The 主管部门 of a project's unit: the department above a budget unit, else the unit itself."""
    return unit.parent.name if unit.kind == "budget_unit" and unit.parent is not None else unit.name


def header_row(project: Project, unit: Unit) -> dict[str, Any]:
    """The header cells of a project's row on 绩效目标表, by column key."""
    row = {k: getattr(project, k) for k in HEADER_KEYS}
    row["attribute"] = PROJECT_ATTRIBUTES.get(project.attribute, project.attribute)
    return {**row, "department": department_name(unit)}


def header_values(values: dict[str, Any]) -> dict[str, Any]:
    """The header fields of a read row with the project's codes; a field left empty is not given (unchanged)."""
    out = {k: values[k] for k in HEADER_KEYS if values.get(k) is not None}
    if "attribute" in out:
        out["attribute"] = _ATTRIBUTE_CODES[out["attribute"]]
    return out


def changed_fields(project: Project, theirs: dict[str, Any]) -> dict[str, Any]:
    """The header fields the unit wrote differently from the project, with the unit's values."""
    return {k: v for k, v in theirs.items() if getattr(project, k) != v}


def touched_since(s: Session, project_ids: list[int], since: datetime | None) -> dict[int, set[str]]:
    """Project id → the fields the bureau changed since `since`: every audited change of the project with a
    before and an after (creating it is no change), but the headers written from packages; empty without a base."""
    if since is None or not project_ids:
        return {}
    touched: dict[int, set[str]] = {}
    rows = s.execute(select(AuditEntry.entity_id, AuditEntry.before_json, AuditEntry.after_json).where(
        AuditEntry.entity == "project", AuditEntry.at > since, AuditEntry.action != ACTION,
        AuditEntry.entity_id.in_([str(i) for i in project_ids])))
    for entity_id, before_json, after_json in rows:
        before = json.loads(before_json) if before_json else None
        after = json.loads(after_json) if after_json else None
        if isinstance(before, dict) and isinstance(after, dict):
            touched.setdefault(int(str(entity_id)), set()).update(
                k for k in before if k in after and before[k] != after[k])
    return touched


def clash_reason(fields: set[str]) -> str:
    headers = "、".join(GOAL_TABLE_SHEET.column(k).header for k in HEADER_KEYS if k in fields)
    return f"财政局在上次导入之后修改过该项目的{headers}，单位也改了同一项，请人工核对。"


def write_header(uow: UnitOfWork, actor: Actor, project: Project, changed: dict[str, Any]) -> None:
    """Write the unit's header changes to the project, audited."""
    if not changed:
        return
    require_unit(uow.session, actor, project.unit_id)
    before = {k: getattr(project, k) for k in changed}
    for k, v in changed.items():
        setattr(project, k, v)
    uow.audit(actor.username, ACTION, "project", project.id, before, {"code": project.code, **changed})
