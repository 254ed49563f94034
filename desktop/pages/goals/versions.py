"""Version history of a goal table and the differences between two chosen versions."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.goals import service as goals
from core.goals.dto import GoalTableDetail, VersionInfo
from core.goals.rules.goal_table import Change
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

KIND_LABELS = {"changed": "修改", "added": "新增", "removed": "删除"}


class VersionsDialog(QDialog):
    def __init__(self, ctx: AppContext, detail: GoalTableDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setWindowTitle(f"版本对比 — {detail.project_name}")
        self.resize(1000, 600)
        self.history: RowTableModel[VersionInfo] = RowTableModel([
            Column("版本", lambda v: v.version, align_right=True), Column("原因", lambda v: v.reason),
            Column("填报人", lambda v: v.created_by), Column("创建时间", lambda v: v.created_at),
            Column("提交时间", lambda v: v.submitted_at)])
        self.history.set_rows(detail.versions)
        self.old = QComboBox(self)
        self.new = QComboBox(self)
        for box in (self.old, self.new):
            for v in detail.versions:
                box.addItem(f"第 {v.version} 版", v.version)
            box.currentIndexChanged.connect(self.compare)
        self.old.setCurrentIndex(max(0, len(detail.versions) - 2))
        self.new.setCurrentIndex(len(detail.versions) - 1)
        self.changes: RowTableModel[Change] = RowTableModel([
            Column("类型", lambda c: KIND_LABELS[c.kind]), Column("位置", lambda c: c.place),
            Column("原内容", lambda c: c.before), Column("新内容", lambda c: c.after)])
        self.summary = QLabel("", self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("比较(&O)：", self))
        pick.addWidget(self.old)
        pick.addWidget(QLabel("与", self))
        pick.addWidget(self.new)
        pick.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        history = SearchableTable(self.history, parent=self)
        history.search.hide()
        history.setMaximumHeight(160)
        layout.addWidget(history)
        layout.addLayout(pick)
        layout.addWidget(SearchableTable(self.changes, "搜索变更…", self), 1)
        self.compare()

    def compare(self) -> None:
        old, new = self.old.currentData(), self.new.currentData()
        if old is None or new is None:
            return
        self.ctx.runner.read(goals.compare_versions, self.ctx.actor, self.detail.project_id, old, new,
                             on_done=self._show, on_error=lambda exc: show_error(self, exc))

    def _show(self, changes: list[Change]) -> None:
        self.changes.set_rows(changes)
        self.summary.setText(f"共 {len(changes)} 处不同" if changes else "两个版本内容相同")
