"""Plain frozen records of units, users, settings and the audit trail that the org services hand to the GUI
and the command line, and the inputs their forms hand back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class UnitInput:
    code: str
    name: str
    kind: str
    parent_id: int | None = None
    sector: str | None = None
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    role: str
    unit_id: int | None = None
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class AuditVerification:
    entries: int
    broken_at: int | None
    reason: str | None
    missing_triggers: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.missing_triggers

    def message(self) -> str:
        if self.ok:
            return f"审计日志完整：共 {self.entries} 条记录，哈希链校验通过。"
        parts = []
        if self.broken_at is not None:
            parts.append(f"第 {self.broken_at} 号记录处哈希链断裂：{self.reason}")
        if self.missing_triggers:
            parts.append(f"保护审计表的触发器缺失：{', '.join(self.missing_triggers)}（审计表可能被改动过）")
        return "审计日志校验失败：" + "；".join(parts) + "。"


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    parent_name: str | None
    sector: str | None
    active: bool


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str | None
    active: bool
    locked: bool
    last_login_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before_json: str | None
    after_json: str | None


@dataclass(frozen=True)
class SettingRow:
    key: str
    label: str
    value: object
    default: object
    kind: str  # int | decimal | text | bool | list
