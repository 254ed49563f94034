"""执行数据导入 dialog: choose a treasury payment export, map its columns (pre-filled from the source's saved
mapping or guessed from the headers), preview the per-row report and the period totals, then 确认导入.

Open it with `ExecutionImportDialog(ctx, parent).open()`; it never blocks on a modal box of its own (messages
are shown inline); the runner announces the import's `execution` change, with this dialog as the initiator.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.monitoring import execution_import as service
from core.monitoring.dto import ApplyResult, FileInfo, PeriodTotal, Preview
from core.monitoring.rules.execution_import import Problem
from core.monitoring.rules.payment_columns import FIELDS, REQUIRED, UNITS, ColumnMapping
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.tasks import Cancelled, Progress
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

FILE_FILTER = "Excel 工作簿 (*.xlsx *.xlsm);;CSV 文件 (*.csv);;所有文件 (*)"
NOT_IMPORTED = "（不导入）"
REFUSED_COLOUR, WARNING_COLOUR = "#b22222", "#b8860b"


def problem_columns() -> list[Column[Problem]]:
    return [
        Column("行号", lambda p: p.row, align_right=True),
        Column("列", lambda p: f"{p.column}（{p.title}）"),
        Column("处理", lambda p: "拒绝" if p.blocking else "警告（仍导入）",
               colour=lambda p: REFUSED_COLOUR if p.blocking else WARNING_COLOUR),
        Column("问题", lambda p: p.label),
        Column("说明", lambda p: p.message),
    ]


def total_columns() -> list[Column[PeriodTotal]]:
    return [
        Column("项目编码", lambda t: t.project_code),
        Column("项目名称", lambda t: t.project_name),
        Column("期间", lambda t: f"{t.year}年{t.month}月"),
        Column("笔数", lambda t: t.rows, align_right=True),
        Column("本次金额（万元）", lambda t: t.amount, align_right=True),
        Column("预算（万元）", lambda t: t.budget, align_right=True),
        Column("导入后执行率（%）", lambda t: t.rate_after, align_right=True),
    ]


class MappingForm(QGroupBox):
    """One combo of the file's columns per field, and the unit of the amounts."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("列对应关系", parent)
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout(self)
        for key, label in FIELDS.items():
            combo = QComboBox(self)
            combo.setPlaceholderText("请选择")
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.combos[key] = combo
            form.addRow(f"{label}{'' if key in REQUIRED else '（可选）'}：", combo)
        self.unit = QComboBox(self)
        self.unit.addItems(list(UNITS))
        self.unit.currentIndexChanged.connect(lambda _i: self.changed.emit())
        form.addRow("金额单位：", self.unit)

    def show_mapping(self, headers: tuple[str, ...], mapping: ColumnMapping) -> None:
        self.blockSignals(True)
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            if key not in REQUIRED:
                combo.addItem(NOT_IMPORTED, None)
            for title in headers:
                combo.addItem(title, title)
            chosen = getattr(mapping, key)
            combo.setCurrentIndex(combo.findData(chosen) if chosen else (-1 if key in REQUIRED else 0))
            combo.blockSignals(False)
        self.unit.setCurrentText(mapping.unit)
        self.blockSignals(False)

    def mapping(self) -> ColumnMapping:
        chosen = {key: combo.currentData() if combo.currentIndex() >= 0 else None
                  for key, combo in self.combos.items()}
        return ColumnMapping(**chosen, unit=self.unit.currentText())


class ExecutionImportDialog(QDialog):
    """Import a payment export; `imported` is emitted with the service's `ApplyResult` after an import."""

    imported = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today
        self.info: FileInfo | None = None
        self.preview: Preview | None = None
        self._progress: Progress | None = None
        self._inspected_source = ""
        self.setWindowTitle("导入执行数据（国库集中支付）")
        self.resize(1000, 760)
        self.path = QLineEdit(self)
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("请选择国库集中支付系统导出的 .xlsx 或 .csv 文件")
        self.browse = QPushButton("选择文件(&F)…", self)
        self.browse.clicked.connect(self.choose_file)
        self.sheet = QComboBox(self)
        self.sheet.activated.connect(lambda _i: self._inspect())
        self.source = QComboBox(self)
        self.source.setEditable(True)
        self.source.addItem(service.DEFAULT_SOURCE)
        self.source.activated.connect(lambda _i: self._inspect())
        self.source.lineEdit().editingFinished.connect(self._source_edited)
        top = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        top.addRow("文件：", file_row)
        top.addRow("工作表：", self.sheet)
        top.addRow("数据来源：", self.source)
        self.form = MappingForm(self)
        self.form.changed.connect(self._invalidate)
        self.problem_model: RowTableModel[Problem] = RowTableModel(problem_columns(), self)
        self.total_model: RowTableModel[PeriodTotal] = RowTableModel(total_columns(), self)
        self.problems = SearchableTable(self.problem_model, "搜索行号、问题…", self)
        self.totals = SearchableTable(self.total_model, "搜索项目…", self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.problems, "问题清单")
        self.tabs.addTab(self.totals, "分期汇总")
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.bar = QProgressBar(self)
        policy = self.bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the buttons keep their size and place while it is hidden
        self.bar.setSizePolicy(policy)
        self.bar.hide()
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("preview", "预览(&P)"), ("apply", "确认导入(&A)"), ("cancel", "取消"), ("close", "关闭"))}
        self.buttons["preview"].clicked.connect(self.run_preview)
        self.buttons["apply"].clicked.connect(self.run_apply)
        self.buttons["cancel"].clicked.connect(self.cancel_job)
        self.buttons["close"].clicked.connect(self.reject)
        self.buttons["cancel"].hide()
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        for button in self.buttons.values():
            row.addWidget(button)
        upper = QHBoxLayout()
        upper.addLayout(top, 3)
        upper.addWidget(self.form, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(upper)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(row)
        ctx.runner.progressed.connect(self._step)
        self._set_busy(False)
        if not service.can_import(ctx.actor):
            self.message.setText("导入国库支付数据是财政局的工作，当前角色不能导入。")
            for widget in (self.browse, self.source, self.form, *self.buttons.values()):
                widget.setEnabled(widget is self.buttons["close"])
            return
        ctx.runner.read(service.list_sources, ctx.actor, on_done=self._show_sources, on_error=self._failed)

    # -- file and mapping -------------------------------------------------------------------------------------

    def choose_file(self) -> None:
        self.file_dialog = QFileDialog(self, "选择国库支付数据文件", "", FILE_FILTER)
        self.file_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.file_dialog.fileSelected.connect(self.load_file)
        self.file_dialog.open()

    def load_file(self, path: str) -> None:
        self.path.setText(path)
        self.sheet.clear()
        self._inspect()

    def _show_sources(self, names: list[str]) -> None:
        current = self.source.currentText()
        self.source.clear()
        self.source.addItems(names)
        self.source.setCurrentText(current)

    def _source_edited(self) -> None:
        if self.info is not None and self.source.currentText().strip() != self._inspected_source:
            self._inspect()

    def _inspect(self) -> None:
        if not self.path.text():
            return
        self._invalidate()
        self.message.setText("")
        self._inspected_source = self.source.currentText().strip()
        sheet = self.sheet.currentText() or None
        self.ctx.runner.read(service.inspect_file, self.ctx.actor, self.path.text(), self._inspected_source,
                             sheet, on_done=self.show_file, on_error=self._failed)

    def show_file(self, info: FileInfo) -> None:
        self.info = info
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(info.sheets))
        self.sheet.setCurrentText(info.sheet)
        self.sheet.blockSignals(False)
        self.form.show_mapping(info.headers, info.mapping)
        how = (f"已按“{self._inspected_source}”上次保存的对应关系填好各列" if info.mapping_saved
               else "已按表头名称自动识别各列，请核对")
        self.summary.setText(f"表头在第 {info.header_row} 行，共 {len(info.headers)} 列；{how}，然后点“预览”。")
        self._set_busy(False)

    # -- preview and apply ------------------------------------------------------------------------------------

    def _invalidate(self) -> None:
        self.preview = None
        self.problem_model.set_rows([])
        self.total_model.set_rows([])
        self.buttons["apply"].setEnabled(False)

    def run_preview(self) -> None:
        if self.info is None:
            self.message.setText("请先选择要导入的文件。")
            return
        self._invalidate()
        self.message.setText("")
        self._start(service.preview, self.ctx.actor, self.info.path, self.source.currentText(), self.form.mapping(),
                    self.today, self.info.sheet, on_done=self.show_preview)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self._set_busy(False)
        self.problem_model.set_rows(preview.problems)
        self.total_model.set_rows(preview.totals)
        self.problems.fit_columns()
        self.totals.fit_columns()
        self.tabs.setCurrentWidget(self.problems if preview.problems else self.totals)
        self.summary.setText(
            f"“{preview.file_name}”工作表“{preview.sheet}”共 {preview.rows_read:,} 行：可导入 {len(preview.records):,} 行，"
            f"合计 {formatting.amount(preview.amount)} 万元（其中 {len(preview.warned_rows):,} 行超出预算，导入并标记）；"
            f"拒绝 {len(preview.refused_rows):,} 行，不导入。")
        self.message.setText(preview.blocked or "")

    def run_apply(self) -> None:
        if self.preview is None or self.preview.blocked:
            self.message.setText("请先预览，确认无误后再导入。")
            return
        self._start(service.apply, self.ctx.actor, self.preview, True, on_done=self.applied, writes=True)

    def applied(self, result: ApplyResult) -> None:
        self.preview = None
        self._set_busy(False)
        self.message.setText("")
        self.summary.setText(result.message)
        self.imported.emit(result)

    # -- background jobs ----------------------------------------------------------------------------------------

    def _start(self, job: Any, *args: Any, on_done: Any, writes: bool = False) -> None:
        self._progress = self.ctx.runner.new_progress()
        self._set_busy(True)
        run = self.ctx.runner.write if writes else self.ctx.runner.read
        run(job, *args, progress=self._progress, on_done=on_done, on_error=self._failed, initiator=self)

    def _step(self, done: int, total: int, text: str) -> None:
        if self._progress is not None:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)
            self.bar.setFormat(text or "%p%")

    def cancel_job(self) -> None:
        if self._progress is not None:
            self._progress.cancel()

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._progress = None
        self.bar.setVisible(busy)
        self.buttons["cancel"].setVisible(busy)
        self.buttons["preview"].setEnabled(not busy)
        self.buttons["apply"].setEnabled(not busy and self.preview is not None and self.preview.blocked is None)
        self.browse.setEnabled(not busy)
        self.form.setEnabled(not busy)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, (*USER_ERRORS, Cancelled)):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)

    def reject(self) -> None:
        self.cancel_job()
        super().reject()
