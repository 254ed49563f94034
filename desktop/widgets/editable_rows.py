"""An editable grid's parts: a table model over a list of frozen rows that the user edits in place (the goal
editors' indicator and key-task grids), and a drop-down delegate for columns that take one of a list of texts.

A subclass gives `data` and `setData`; it reports an edit it cannot take through `problem` (a Chinese message,
empty after a good edit) and stores a good one with `store`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


class EditableRowsModel(QAbstractTableModel, Generic[R]):
    problem = Signal(str)  # a Chinese message about the last edit that could not be taken

    def __init__(self, columns: Sequence[str], rows: Iterable[R] = (), editable: bool = True,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[R] = list(rows)
        self.editable = editable

    def set_rows(self, rows: Iterable[R], editable: bool) -> None:
        self.beginResetModel()
        self.rows, self.editable = list(rows), editable
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < len(self.columns) else None
        return section + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base

    def row_of(self, index: Index) -> R | None:
        """The row under a valid index (None for an invalid one or one past the rows)."""
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        return self.rows[index.row()]

    def can_edit(self, index: Index, role: int) -> bool:
        """Whether `setData` may take an edit at all: an edit role on a valid index of an editable grid."""
        return role == Qt.ItemDataRole.EditRole and index.isValid() and self.editable

    def store(self, position: int, row: R) -> bool:
        """Put an edited row in place, refresh its cells and clear the last problem."""
        self.rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.columns) - 1))
        self.problem.emit("")
        return True

    def insert_row(self, position: int, row: R) -> None:
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.insert(position, row)
        self.endInsertRows()

    def append_rows(self, rows: Iterable[R]) -> int:
        """Add rows at the end; returns the position of the first one."""
        new = list(rows)
        first = len(self.rows)
        if new:
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self.rows.extend(new)
            self.endInsertRows()
        return first

    def remove_row(self, position: int) -> None:
        if 0 <= position < len(self.rows):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self.rows[position]
            self.endRemoveRows()


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down editor offering `choices(index)`; the cell's edit text is the current choice."""

    def choices(self, index: Index) -> list[str]:
        raise NotImplementedError

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(self.choices(index))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
