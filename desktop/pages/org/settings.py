"""系统管理 → 系统设置: a form generated from the setting definitions; saving sends every changed value at once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.common.errors import USER_ERRORS
from core.org import settings
from core.org.dto import SettingRow
from desktop.pages.org.units import AdminTab
from desktop.shell.context import AppContext

SPIN_LIMIT = 1_000_000_000  # the service knows each setting's real range and explains a refusal
EDITOR_WIDTH = 320


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def make_editor(row: SettingRow, parent: QWidget) -> QWidget:
    editor: QWidget
    if row.kind == "int":
        editor = QSpinBox(parent)
        editor.setRange(-SPIN_LIMIT, SPIN_LIMIT)
    elif row.kind == "bool":
        editor = QCheckBox(parent)
    else:
        editor = QLineEdit(parent)
    editor.setMaximumWidth(EDITOR_WIDTH)
    return editor


def editor_value(editor: QWidget) -> object:
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()


def set_editor_value(editor: QWidget, value: object) -> None:
    if isinstance(editor, QSpinBox):
        editor.setValue(int(value))  # type: ignore[call-overload]
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QLineEdit):
        editor.setText(str(value))


def is_changed(row: SettingRow, value: object) -> bool:
    if row.kind != "decimal":
        return value != (row.value if row.kind in ("int", "bool") else str(row.value))
    try:
        return Decimal(str(value)) != row.value
    except InvalidOperation:
        return True  # not a number: send it, so the service explains what is wrong


class SettingsTab(AdminTab):
    """Each setting with its current value and default; 保存 validates and saves all changes, or none."""

    areas = frozenset({Area.SETTINGS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[SettingRow] = []
        self.editors: dict[str, QWidget] = {}
        intro = QLabel("修改后按“保存”生效；“恢复默认”只把表单填回默认值，保存后才生效。", self)
        intro.setWordWrap(True)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.save_button = QPushButton("保存(&S)", self)
        self.defaults_button = QPushButton("恢复默认(&D)", self)
        self.save_button.clicked.connect(self.save)
        self.defaults_button.clicked.connect(self.fill_defaults)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.defaults_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def load(self) -> None:
        self.read(settings.list_settings, self.ctx.actor, on_done=self._show, on_error=self.failed)

    def _show(self, rows: list[SettingRow]) -> None:
        self.rows = rows
        host = QWidget()
        grid = QGridLayout(host)
        grid.setColumnStretch(3, 1)
        self.editors = {}
        for i, row in enumerate(rows):
            editor = make_editor(row, host)
            set_editor_value(editor, row.value)
            label = QLabel(f"{row.label}：", host)
            label.setBuddy(editor)
            default = QLabel(f"默认：{shown(row.default)}", host)
            default.setObjectName("settingDefault")
            grid.addWidget(label, i, 0)
            grid.addWidget(editor, i, 1)
            grid.addWidget(default, i, 2)
            self.editors[row.key] = editor
        grid.setRowStretch(len(rows), 1)
        self.scroll.setWidget(host)  # deletes the previous form

    def changed_values(self) -> dict[str, object]:
        values = {row.key: editor_value(self.editors[row.key]) for row in self.rows}
        return {row.key: values[row.key] for row in self.rows if is_changed(row, values[row.key])}

    def fill_defaults(self) -> None:
        for row in self.rows:
            set_editor_value(self.editors[row.key], row.default)
        self.say("已填入默认值，按“保存”后生效。")

    def say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b22222;" if error else "")

    def save(self) -> None:
        values = self.changed_values()
        if not values:
            self.say("没有需要保存的修改。")
            return
        self.save_button.setEnabled(False)
        self.write(settings.update_settings, self.ctx.actor, values,
                   on_done=lambda _c: self._saved(len(values)), on_error=self._failed)

    def _saved(self, count: int) -> None:
        self.save_button.setEnabled(True)
        self.say(f"已保存 {count} 项设置。")

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if not isinstance(exc, USER_ERRORS):
            self.failed(exc)
            return
        self.say(f"未保存：{exc}", error=True)
        editor = self.editors.get(getattr(exc, "field", None) or "")
        if editor is not None:
            editor.setFocus()
