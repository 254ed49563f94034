"""When a goals package may not change a goal table here (a project's or a department's): the table is no longer
editable here (submitted or decided), or it was changed here since the last import of that sender's package."""

from __future__ import annotations

from datetime import datetime

from core.common import formatting
from core.goals.rules.goal_table import can_edit, status_label


def local_conflict(table_name: str, status: str, updated_at: datetime, baseline: datetime | None) -> str | None:
    """The reason the package's version of a table here (called `table_name` in the message) conflicts, or None
    when the package may change it."""
    if not can_edit(status):
        return (f"本机{table_name}状态为“{status_label(status)}”，交换包不能修改"
                + ("，请走调整程序" if status == "approved" else "") + "。")
    if baseline is not None and updated_at > baseline:
        return f"本机在上次导入之后修改过该表（{formatting.screen_time(updated_at)}），请人工核对。"
    return None
