"""The bureau's reference data as it travels in the enrolment package and the results package (bureau → unit), on
the sheets 系统设置 and 指标库 of core.exchange.rules.enrolment_sheets: the rows the hub writes, each row read back
into a setting value or a clean library entry (a ValidationError naming the column when it is not one), and a
library entry stored by its code. Both packages use these, so a row means the same in either.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import ValidationError
from core.exchange.rules.enrolment_sheets import EXCLUDED_SETTING_PREFIX
from core.library.dto import CleanEntry, LibraryEntryInput
from core.library.input import validated
from core.org import settings as st
from core.org.rules.roles import Actor
from db.models import LibraryEntry, utcnow

LIBRARY_NUMBERS = ("typical_min", "typical_max", "unit_cost_min_wan", "unit_cost_max_wan")
# 指标库 column key → LibraryEntry attribute (CleanEntry's fields are the column keys)
ENTRY_FIELDS = {"sector": "sector", "level1": "level1", "level2": "level2", "name": "name",
                "comparator": "comparator", "unit": "unit_of_measure", **{k: k for k in LIBRARY_NUMBERS},
                "scoring": "scoring", "note": "note"}


def setting_text(value: Any) -> str:
    """A setting's value as the JSON text the 系统设置 sheet and the settings table hold."""
    return json.dumps(str(value) if isinstance(value, Decimal) else value, ensure_ascii=False)


def setting_rows(s: Session) -> list[dict[str, Any]]:
    """The 系统设置 rows: every setting a unit shares with the bureau (all but auth.*), its value as JSON text."""
    return [{"row_id": key, "version": 1, "deleted": False, "key": key, "value": setting_text(st.get(s, key))}
            for key in st.definitions() if not key.startswith(EXCLUDED_SETTING_PREFIX)]


def library_rows(s: Session, retired: bool) -> list[dict[str, Any]]:
    """The 指标库 rows: the bureau's own entries by code; with `retired`, a retired entry as a deletion marker
    (the results package retires it on the unit too), else only the entries in use (the enrolment package)."""
    stmt = select(LibraryEntry).order_by(LibraryEntry.code)
    if not retired:
        stmt = stmt.where(LibraryEntry.active.is_(True))
    return [{"row_id": e.code, "version": 1, "deleted": not e.active, "code": e.code,
             **{k: getattr(e, attr) for k, attr in ENTRY_FIELDS.items()}} for e in s.scalars(stmt)]


def read_setting(key: str, text: str) -> Any:
    """The value of a 系统设置 row; ValidationError on the column "key" (unknown or not importable) or "value"."""
    if key not in st.definitions() or key.startswith(EXCLUDED_SETTING_PREFIX):
        raise ValidationError(f"未知或不允许导入的设置项“{key}”。", "key")
    try:
        return st.coerce_value(key, json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise ValidationError(f"设置项“{key}”的值“{text}”无效：{exc}", "value") from exc


def read_entry(values: dict[str, Any]) -> CleanEntry:
    """The clean library entry of a 指标库 row, checked by the library's own rules (ValidationError naming the
    field, whose names are the sheet's column keys)."""
    return validated(LibraryEntryInput(values["sector"], values["level1"], values["level2"], values["name"],
                                       values["comparator"], values["unit"], **{k: values[k] for k in LIBRARY_NUMBERS},
                                       scoring=values["scoring"] or "", note=values["note"]))


def entry_state(row: LibraryEntry) -> CleanEntry:
    """A stored entry as the clean values a row is compared with."""
    return CleanEntry(*(getattr(row, attr) for attr in ENTRY_FIELDS.values()))


def store_entry(s: Session, actor: Actor, code: str, clean: CleanEntry) -> LibraryEntry:
    """Create the entry with this code or overwrite it, in use; flushed, so that it has its id."""
    values = {attr: getattr(clean, k) for k, attr in ENTRY_FIELDS.items()}
    row = s.scalar(select(LibraryEntry).where(LibraryEntry.code == code))
    if row is None:
        row = LibraryEntry(code=code, created_by=actor.username, created_at=utcnow(), active=True, **values)
        s.add(row)
    else:
        for attr, value in values.items():
            setattr(row, attr, value)
        row.active = True
    s.flush()
    return row
