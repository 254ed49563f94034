"""A table view for typing figures into a grid with the keyboard, as the key-evaluation wizard's weight and
score tables need: typing starts editing the cell under the cursor, Enter confirms and moves down (to the top of
the next editable column after the last row), Enter on a cell not being edited moves down too instead of
pressing the dialog's default button, Delete clears a cell, and Tab leaves the grid for the next field."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EntryGrid(QTableView):
    """Connect the model's refusal signal to `note_problem`, so that a refused entry keeps the cursor on its cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refused = False
        self.setTabKeyNavigation(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)

    def note_problem(self, text: str) -> None:
        self.refused = bool(text)

    def _editable(self, index: QModelIndex) -> bool:
        return index.isValid() and bool(index.flags() & Qt.ItemFlag.ItemIsEditable)

    def first_editable(self) -> QModelIndex:
        model = self.model()
        for column in range(model.columnCount()):
            index = model.index(0, column)
            if self._editable(index):
                return index
        return QModelIndex()

    def start(self) -> None:
        """Put the cursor on the first editable cell, if it is elsewhere, and take the focus."""
        if not self._editable(self.currentIndex()):
            self.setCurrentIndex(self.first_editable())
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def advance(self) -> None:
        """Move down one row; after the last row, to the first row of the next editable column."""
        index = self.currentIndex()
        model = self.model()
        if not index.isValid():
            self.setCurrentIndex(self.first_editable())
            return
        if index.row() + 1 < model.rowCount():
            self.setCurrentIndex(model.index(index.row() + 1, index.column()))
            return
        for column in range(index.column() + 1, model.columnCount()):
            if self._editable(model.index(0, column)):
                self.setCurrentIndex(model.index(0, column))
                return

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS and self.state() != QAbstractItemView.State.EditingState:
            self.advance()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._editable(self.currentIndex()):
            self.model().setData(self.currentIndex(), "", Qt.ItemDataRole.EditRole)
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and not self.refused:  # closed with Enter
            self.advance()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid():  # typing must land in a cell, not nowhere
            self.setCurrentIndex(self.first_editable())
