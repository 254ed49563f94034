"""从指标库插入: a dialog over the 指标库 list in which the clerk picks one or more entries for the goal table.

Keyboard: type to search, Enter jumps to the results, arrows (Shift/Ctrl for more rows) choose, Enter inserts.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from core.library.dto import LibraryRow
from desktop.pages.library.browser import LibraryBrowser
from desktop.shell.context import AppContext


class LibraryPickerDialog(QDialog):
    def __init__(self, ctx: AppContext, sector: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从指标库插入指标")
        self.resize(1000, 600)
        self.browser = LibraryBrowser(ctx, self, multi=True, sector=sector)
        self.browser.view.doubleClicked.connect(lambda _index: self.insert_chosen())
        self.hint = QLabel("可按住 Shift 或 Ctrl 选择多条；插入后请在“指标值”列填写本项目的目标值。", self)
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.insert_button = self.buttons.addButton("插入(&I)", QDialogButtonBox.ButtonRole.ActionRole)
        self.insert_button.setDefault(True)  # Enter, from the search box or the table, lands here
        self.insert_button.clicked.connect(self.insert_chosen)
        cancel = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.browser.search.setFocus()

    def insert_chosen(self) -> None:
        """With rows chosen: done. Without: go to the results first, so Enter after typing does not insert blind."""
        if self.browser.chosen():
            self.accept()
        else:
            self.browser.focus_results()

    def chosen(self) -> list[LibraryRow]:
        return self.browser.chosen()
