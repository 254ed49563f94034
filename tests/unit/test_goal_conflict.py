"""When a goals package may not change a goal table here: a table no longer editable here, or changed here since
the last import of the sender's package (core.exchange.rules.goal_conflict)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.exchange.rules.goal_conflict import local_conflict

BASE = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "updated_at", "baseline", "expected"), [
    ("draft", LATER, None, None),  # never imported from this sender: nothing to compare with
    ("draft", BASE, BASE, None),  # unchanged since the last import
    ("returned", BASE, LATER, None),
    ("draft", LATER, BASE, "本机在上次导入之后修改过该表"),
    ("submitted", BASE, None, "本机目标表状态为“已提交”，交换包不能修改。"),
    ("approved", BASE, None, "本机目标表状态为“已通过”，交换包不能修改，请走调整程序。"),
    ("submitted", LATER, BASE, "交换包不能修改"),  # not editable wins over changed since
])
def test_local_conflict(status: str, updated_at: datetime, baseline: datetime | None, expected: str | None) -> None:
    reason = local_conflict("目标表", status, updated_at, baseline)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason
