"""The registry import's preview: every row of the list with what importing does to it (新增 / 修改 / 未变 / 不予导入)
and every located problem (file, sheet, row, column); "导入合格的行" applies the good rows, nothing of a refused one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.exchange.registry import STATUS_LABELS, RegistryLine, RegistryPreview
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel


class RegistryPreviewDialog(QDialog):
    def __init__(self, preview: RegistryPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"导入项目清单：{preview.file}")
        self.resize(900, 600)
        counts = "，".join(f"{label} {preview.count(status)} 行" for status, label in STATUS_LABELS.items())
        summary = QLabel(counts, self)
        self.model: RowTableModel[RegistryLine] = RowTableModel([
            Column("行", lambda x: x.line, True), Column("预算年度", lambda x: x.year),
            Column("项目编码", lambda x: x.code), Column("项目名称", lambda x: x.name),
            Column("结果", lambda x: x.status_label,
                   colour=lambda x: "#b00020" if x.status == "refused" else None),
            Column("修改的列", lambda x: "、".join(x.changed))])
        self.model.set_rows(preview.lines)
        table = SearchableTable(self.model, "搜索项目编码、名称…", self)
        problems = QPlainTextEdit("\n".join(preview.located()) or "没有发现问题。", self)
        problems.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("导入合格的行(&Y)")
        ok.setEnabled(any(x.status in ("new", "changed") for x in preview.lines))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(table, 3)
        layout.addWidget(QLabel("问题（不予导入的行）：", self))
        layout.addWidget(problems, 1)
        layout.addWidget(buttons)
