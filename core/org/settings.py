"""Settings: defaults from resources/reference/settings.json, overrides stored in the setting table."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import ValidationError
from core.org.access import require
from core.org.dto import SettingRow
from core.org.rules.roles import Actor, Permission
from db.models import Setting, utcnow
from db.uow import UnitOfWork
from resources import path


@cache
def _reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path("reference", "settings.json").read_text(encoding="utf-8"))
    return data


def definitions() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in _reference().items() if not k.startswith("_")}


def check_orders(values: dict[str, Any]) -> None:
    """Settings that must strictly increase in the listed order (e.g. red < yellow < blue thresholds)."""
    for keys in _reference().get("_orders", []):
        for low, high in pairwise(keys):
            if not values[low] < values[high]:
                spec = definitions()
                raise ValidationError(f"设置“{spec[low]['label']}”（{values[low]}）必须小于"
                                      f"“{spec[high]['label']}”（{values[high]}），请调整后再保存。", low)


def coerce_value(key: str, raw: Any) -> Any:
    """A raw setting value checked and converted per its definition (ValidationError naming the setting)."""
    spec = definitions()[key]
    kind = spec["kind"]
    label = spec["label"]
    try:
        if kind == "int":
            if isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip().lstrip("-").isdigit()):
                raise ValueError
            value: Any = int(raw)
            lo, hi = spec.get("min"), spec.get("max")
        elif kind == "decimal":
            if isinstance(raw, float):
                raise ValueError
            value = Decimal(str(raw).strip())
            if not value.is_finite():
                raise ValueError
            lo = Decimal(spec["min"]) if "min" in spec else None
            hi = Decimal(spec["max"]) if "max" in spec else None
        elif kind == "bool":
            value, lo, hi = bool(raw), None, None
        else:
            value, lo, hi = str(raw).strip(), None, None
            if not value:
                raise ValidationError(f"设置“{label}”不能为空。", key)
    except (ValueError, InvalidOperation) as exc:
        raise ValidationError(f"设置“{label}”的值“{raw}”不是有效的{'整数' if kind == 'int' else '数值'}。", key) from exc
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValidationError(f"设置“{label}”应在 {lo} 到 {hi} 之间，收到 {value}。", key)
    return value


def _stored(session: Session) -> dict[str, Any]:
    return {s.key: json.loads(s.value_json) for s in session.scalars(select(Setting))}


def get(session: Session, key: str) -> Any:
    spec = definitions()[key]
    row = session.get(Setting, key)
    return coerce_value(key, json.loads(row.value_json) if row else spec["default"])


def list_settings(uow: UnitOfWork, actor: Actor) -> list[SettingRow]:
    stored = _stored(uow.session)
    return [
        SettingRow(key, spec["label"], coerce_value(key, stored.get(key, spec["default"])),
                   coerce_value(key, spec["default"]), spec["kind"])
        for key, spec in definitions().items()
    ]


def update_settings(uow: UnitOfWork, actor: Actor, values: dict[str, Any]) -> Changes:
    """Validate every value first; then save all of them in one transaction, or none."""
    uow.write()
    require(actor, Permission.MANAGE_SETTINGS)
    unknown = [k for k in values if k not in definitions()]
    if unknown:
        raise ValidationError(f"未知的设置项：{', '.join(unknown)}", unknown[0])
    coerced = {k: coerce_value(k, v) for k, v in values.items()}
    stored = _stored(uow.session)
    check_orders({k: coerced.get(k, coerce_value(k, stored.get(k, spec["default"]))) for k, spec in definitions().items()})
    for key, value in coerced.items():
        row = uow.session.get(Setting, key)
        before = json.loads(row.value_json) if row else None
        saved = str(value) if isinstance(value, Decimal) else value
        if row is None:
            uow.session.add(Setting(key=key, value_json=json.dumps(saved, ensure_ascii=False)))
        else:
            row.value_json = json.dumps(saved, ensure_ascii=False)
            row.updated_at = utcnow()
        uow.audit(actor.username, "setting.update", "setting", key, before, saved)
    uow.commit()
    return Changes.of(Area.SETTINGS)
