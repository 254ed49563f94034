"""系统管理 → 审计日志: the audit entries newest first, searched in the database, with before/after details
and a check of the hash chain."""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Changes
from core.org import maintenance
from core.org.dto import AuditRow, AuditVerification
from desktop.pages.org.units import AdminTab
from desktop.shell.context import AppContext
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

PAGE_SIZE = 500
SUMMARY_CHARS = 80
ACTION_LABELS = {
    "unit.create": "新增单位", "unit.update": "修改单位", "user.create": "新增用户", "user.update": "修改用户",
    "user.reset_password": "重置密码", "user.unlock": "解锁用户", "user.change_password": "修改本人密码",
    "user.create_first_admin": "创建首个管理员", "auth.login": "登录", "auth.login_failed": "登录失败",
    "setting.update": "修改设置", "database.backup": "备份数据库", "database.restore": "恢复数据库",
}
ENTITY_LABELS = {"unit": "单位", "app_user": "用户", "setting": "设置", "database": "数据库"}
CODES_BY_LABEL = {label: code for code, label in (ACTION_LABELS | ENTITY_LABELS).items()}


def _load(text: str | None) -> object:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # shown as stored: the entry is evidence, not something to repair here


def summary(row: AuditRow) -> str:
    """One line: the fields that changed for an update, else the new state."""
    before, after = _load(row.before_json), _load(row.after_json)
    if isinstance(before, dict) and isinstance(after, dict):
        text = "；".join(f"{k}: {before.get(k)} → {after.get(k)}"
                        for k in sorted(before.keys() | after.keys()) if before.get(k) != after.get(k))
    elif before is not None and after is not None:
        text = f"{before} → {after}"
    else:
        value = after if after is not None else before
        text = ("；".join(f"{k}: {v}" for k, v in value.items() if v is not None) if isinstance(value, dict)
                else str(value or ""))
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"


def details(row: AuditRow) -> str:
    def pretty(text: str | None) -> str:
        value = _load(text)
        return "（无）" if value is None else json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)

    return (f"第 {row.id} 号记录　{ACTION_LABELS.get(row.action, row.action)}（{row.action}）\n"
            f"操作人：{row.actor}　对象：{ENTITY_LABELS.get(row.entity, row.entity)} {row.entity_id or ''}\n\n"
            f"变更前：\n{pretty(row.before_json)}\n\n变更后：\n{pretty(row.after_json)}\n")


class AuditTab(AdminTab):
    """Every write leaves an entry, so the list reloads on any change, but only while it is on screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowTableModel[AuditRow] = RowTableModel([
            Column("时间", lambda r: r.at), Column("操作人", lambda r: r.actor),
            Column("操作", lambda r: ACTION_LABELS.get(r.action, r.action)),
            Column("对象", lambda r: ENTITY_LABELS.get(r.entity, r.entity)),
            Column("编号", lambda r: r.entity_id), Column("变更内容", summary)])
        self.table = SearchableTable(self.model, parent=self)
        self.table.search.hide()  # the search below runs in the database, over all entries
        self.table.view.setSortingEnabled(False)  # a log reads in its own order: newest first, from the service
        self.table.proxy.sort(-1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("搜索操作人、操作、对象或内容（在全部记录中查找）…")
        self.search.setClearButtonEnabled(True)
        self.debounce = QTimer(self, singleShot=True, interval=400)
        self.debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self.debounce.start)
        self.search.returnPressed.connect(self.reload)
        self.count = QLabel("", self)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText("选择一条记录查看变更前后的完整内容。")
        self.refresh_button = QPushButton("刷新(&F)", self)
        self.verify_button = QPushButton("校验完整性(&V)", self)
        self.refresh_button.clicked.connect(self.reload)
        self.verify_button.clicked.connect(self.verify)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        self.table.view.selectionModel().currentRowChanged.connect(self._show_details)
        self._lay_out()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.verify_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([360, 240])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)

    def listens_to(self, changes: Changes, initiator: QObject | None) -> bool:
        return True  # every write appends to the audit log

    def load(self) -> None:
        self.debounce.stop()
        text = self.search.text().strip()
        self.read(maintenance.list_audit, self.ctx.actor, CODES_BY_LABEL.get(text, text),
                  PAGE_SIZE, on_done=self._show, on_error=self.failed)

    def _show(self, result: tuple[list[AuditRow], int]) -> None:
        rows, total = result
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.details.clear()
        shown = f"，显示最新 {len(rows)} 条" if total > len(rows) else ""
        self.count.setText(f"共 {total} 条记录{shown}。")

    def _show_details(self) -> None:
        row = self.table.selected_row()
        self.details.setPlainText(details(row) if row is not None else "")

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.read(maintenance.verify_audit, self.ctx.actor, on_done=self._verified,
                  on_error=self._verify_failed)

    def _verified(self, result: AuditVerification) -> None:
        self.verify_button.setEnabled(True)
        self.notify("info" if result.ok else "warning", "审计日志校验", result.message())

    def _verify_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.failed(exc)
