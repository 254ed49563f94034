"""The editable grid of a department table's 重点工作任务: task, funds in 万元 (may be empty) and the codes of the
department's projects that carry it (separated by 、 or commas)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from core.common import formatting
from core.goals.rules.department import TaskRow, join_codes, split_codes
from desktop.pages.exante.form import parse_amount

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("重点工作任务", "资金（万元）", "对应项目编码")
TASK, AMOUNT, PROJECTS = range(len(COLUMNS))


class TaskModel(QAbstractTableModel):
    problem = Signal(str)  # a Chinese message about the last edit that could not be taken

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TaskRow] = []
        self.editable = True

    def set_rows(self, rows: tuple[TaskRow, ...], editable: bool) -> None:
        self.beginResetModel()
        self.rows, self.editable = list(rows), editable
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return section + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row = self.rows[index.row()]
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
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.editable:
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
        self.rows[index.row()] = row
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(COLUMNS) - 1))
        self.problem.emit("")
        return True

    def add_row(self) -> int:
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(TaskRow(""))
        self.endInsertRows()
        return position

    def remove_row(self, position: int) -> None:
        if 0 <= position < len(self.rows):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self.rows[position]
            self.endRemoveRows()
