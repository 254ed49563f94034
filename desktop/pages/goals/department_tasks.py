"""The editable grid of a department table's 重点工作任务: task, funds in 万元 (may be empty) and the codes of the
department's projects that carry it (separated by 、 or commas)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from core.common import formatting
from core.goals.rules.department import TaskRow, join_codes, split_codes
from desktop.pages.exante.form import parse_amount
from desktop.widgets.editable_rows import EditableRowsModel, Index

COLUMNS = ("重点工作任务", "资金（万元）", "对应项目编码")
TASK, AMOUNT, PROJECTS = range(len(COLUMNS))


class TaskModel(EditableRowsModel[TaskRow]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent=parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.task, formatting.amount(row.amount, missing=""), join_codes(row.projects) or "")[index.column()]
        if role == Qt.ItemDataRole.EditRole:
            return (row.task, formatting.plain(row.amount) or "", join_codes(row.projects) or "")[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == PROJECTS:
            return "本部门本年度项目的编码，多个以顿号或逗号分隔"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self.can_edit(index, role):
            return False
        text, row = str(value).strip(), self.rows[index.row()]
        try:
            if index.column() == TASK:
                row = replace(row, task=text)
            elif index.column() == AMOUNT:
                row = replace(row, amount=parse_amount(text, "资金") if text else None)
            else:
                row = replace(row, projects=split_codes(text))
        except ValueError as exc:
            self.problem.emit(f"第 {index.row() + 1} 项重点工作任务：{exc}")
            return False
        return self.store(index.row(), row)

    def add_row(self) -> int:
        return self.append_rows([TaskRow("")])
