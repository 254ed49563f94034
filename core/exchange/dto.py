"""Plain frozen records of data exchange that the GUI sees: this installation's profile, the ledger of
packages and the result of an enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.common.changes import NONE, Changes
from core.exchange.rules.manifest import HUB


@dataclass(frozen=True)
class Profile:
    role: str  # hub | spoke
    unit_code: str | None

    @property
    def me(self) -> str:
        """This installation's name in manifests: BUREAU, or the spoke's unit code."""
        return HUB if self.role == "hub" else str(self.unit_code)


@dataclass(frozen=True)
class LedgerRow:
    package_id: str
    kind: str  # the kind's label (绩效目标表 ...)
    direction: str  # 导出 | 导入
    sender: str  # 财政局 or a unit code
    receiver: str
    year: int
    sequence: int
    signed: bool
    state: str  # 已导出 | 已导入 | 未签名导入 | 已拒绝
    note: str
    recorded_at: datetime


@dataclass(frozen=True)
class Enrolled:
    unit_code: str
    unit_name: str
    year: int
    units: int
    settings: int
    library: int
    duplicate: bool = False  # the same package again: nothing changed
    changes: Changes = NONE  # what enrolling changed (nothing in a preview or for a duplicate)
