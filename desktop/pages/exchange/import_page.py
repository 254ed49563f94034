"""数据交换 → 导入交换包: preview a package of any kind on the helper (the kind detected from the workbook, the
decision, each project's status, every located problem), export the problem list as a workbook for the unit,
then apply it after an automatic backup, as `preview_file(path)`, `export_problems(path)` and `apply_current()`.
Previewing, the backup and applying are core.exchange.intake's use case, the one the command line calls too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.errors import USER_ERRORS
from core.exchange import intake
from core.exchange import kinds as exchange_kinds
from core.exchange import problems as exchange_problems
from core.exchange.package import PackagePreview, RowChange
from core.exchange.rules.manifest import HUB
from core.exchange.workbook import Problem
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

FILE_FILTER = "Excel 交换包 (*.xlsx);;所有文件 (*)"
RED = "#b00020"
STATUS_LABELS = {"new": "新增", "changed": "有修改", "unchanged": "无变化", "conflicting": "有冲突"}
DECISION_LABELS = {"new": "新交换包，可以导入", "duplicate": "该交换包已导入过，不会重复导入",
                   "edited": "签名后被修改过，须经审核人确认后作为“未签名”导入",
                   "unsigned": "未签名，须经审核人确认后作为“未签名”导入", "refused": "已拒绝"}


def _party(name: str) -> str:
    return "财政局" if name == HUB else name


class ImportPanel(QWidget):
    """The preview of one package and the 应用 button; `applied` is emitted after a successful import."""

    applied = Signal(object)  # intake.PackageImport

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: PackagePreview | None = None
        self.shown: PackagePreview | None = None  # the last preview shown, kept after applying for its problems
        self.file_label = QLabel("尚未选择交换包。", self)
        self.decision = QLabel("", self)
        self.decision.setWordWrap(True)
        self.projects: RowTableModel[RowChange] = RowTableModel([
            Column("编码", lambda r: r.code), Column("名称", lambda r: r.name),
            Column("状态", lambda r: STATUS_LABELS.get(r.status, r.status),
                   colour=lambda r: RED if r.status == "conflicting" else None),
            Column("工作表", lambda r: r.sheet), Column("行", lambda r: r.line, align_right=True),
            Column("说明", lambda r: r.reason)])
        self.problems: RowTableModel[Problem] = RowTableModel([
            Column("工作表", lambda r: r.sheet), Column("行", lambda r: r.row, align_right=True),
            Column("列", lambda r: f"{r.column}（{r.header}）" if r.header else r.column),
            Column("问题", lambda r: r.message, colour=lambda _r: RED)])
        self.project_table = SearchableTable(self.projects, "搜索编码、名称…", self)
        self.problem_table = SearchableTable(self.problems, "搜索问题…", self)
        self.problem_title = QLabel("", self)
        self.confirm = QCheckBox("确认按“未签名”导入（已核对交换包内容）", self)
        self.confirm.toggled.connect(lambda _on: self._update_apply())
        self.problems_button = QPushButton("导出问题清单(&P)…", self)
        self.problems_button.clicked.connect(self.choose_problems_file)
        self.apply_button = QPushButton("应用(&A)", self)
        self.apply_button.clicked.connect(self.apply_current)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.confirm)
        bar.addStretch(1)
        bar.addWidget(self.problems_button)
        bar.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.file_label, self.decision):
            layout.addWidget(widget)
        layout.addWidget(self.project_table, 2)
        layout.addWidget(self.problem_title)
        layout.addWidget(self.problem_table, 1)
        layout.addLayout(bar)
        layout.addWidget(self.result)
        self._show(None)

    def choose_file(self) -> None:
        self.file_dialog = QFileDialog(self, "选择要导入的交换包", "", FILE_FILTER)
        self.file_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.file_dialog.fileSelected.connect(lambda name: self.preview_file(Path(name)))
        self.file_dialog.open()

    def preview_file(self, path: Path) -> None:
        self.path = Path(path)
        self.file_label.setText(f"交换包：{self.path}")
        self.result.setText("")
        self._show(None)
        self.decision.setText("正在检查交换包…")
        self.ctx.runner.read(intake.preview, self.ctx.actor, self.path, on_done=self._show,
                             on_error=self._failed)

    def _show(self, preview: PackagePreview | None) -> None:
        self.preview = self.shown = preview
        self.problems_button.setEnabled(preview is not None and (preview.blocked or bool(preview.problems)
                                                                 or bool(preview.by_status("conflicting"))))
        self.projects.set_rows(preview.changes if preview else [])
        notes = [replace(n, message=f"（提示，不影响导入）{n.message}") for n in preview.notes] if preview else []
        self.problems.set_rows([*preview.problems, *notes] if preview else [])
        self.confirm.setChecked(False)
        self.confirm.setVisible(preview is not None and preview.decision in ("edited", "unsigned"))
        self.problem_title.setText(self._problem_text(preview))
        self.decision.setText("" if preview is None else self._decision_text(preview))
        refused = preview is not None and preview.decision == "refused"
        self.decision.setStyleSheet(f"color: {RED};" if refused else "")
        if preview is not None:
            self.project_table.fit_columns()
            self.problem_table.fit_columns()
        self._update_apply()

    @staticmethod
    def _problem_text(preview: PackagePreview | None) -> str:
        if preview is None or not (preview.problems or preview.notes):
            return "问题：无"
        notes = f"（另有 {len(preview.notes)} 条读取提示）" if preview.notes else ""
        if not preview.problems:
            return f"问题：无{notes}"
        refused = preview.refused_codes
        if refused and not preview.blocked:
            return (f"{len(refused)} 张表有 {len(preview.problems)} 处问题，将随问题清单退回单位，其余照常导入"
                    f"{notes}：")
        return f"发现 {len(preview.problems)} 处问题，须改正后重新导入{notes}："

    @staticmethod
    def _decision_text(preview: PackagePreview) -> str:
        kind = f"{preview.label}交换包，" if preview.label else ""
        text = f"{kind}判定：{DECISION_LABELS.get(preview.decision, preview.decision)}"
        if preview.refusal:
            text += f"。{preview.refusal}"
        m = preview.manifest
        if m is not None:
            text += f"\n发送方 {_party(m.sender)} → 接收方 {_party(m.receiver)}，{m.year} 年度，序号 {m.sequence}。"
        counts = "，".join(f"{label} {len(preview.by_status(s))} 个" for s, label in STATUS_LABELS.items())
        return f"{text}\n{counts}。"

    def can_apply(self) -> bool:
        p = self.preview
        if p is None or p.blocked or p.decision == "duplicate":
            return False
        return p.decision == "new" or self.confirm.isChecked()

    def _update_apply(self) -> None:
        self.apply_button.setEnabled(self.can_apply())

    def apply_current(self) -> None:
        if not self.can_apply() or self.path is None:
            return
        self.apply_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText("正在备份数据库并导入…")
        self.ctx.runner.write(intake.import_package, self.ctx.actor, self.path, self.preview,
                              self.confirm.isChecked(), raw=True, on_done=self._applied, on_error=self._failed)

    def _applied(self, done: intake.PackageImport) -> None:
        saved = f"导入前已备份数据库：{done.backup}" if done.backup else "未自动备份（数据库在数据库服务器上，由服务器备份）"
        self.preview = None  # applied: the rows stay for reference, applying again is not offered
        self.confirm.setVisible(False)
        self._update_apply()
        self.decision.setStyleSheet("")
        self.decision.setText("已导入，交换包已记入交换台账（下表为导入前的预览）。")
        unit = exchange_kinds.counting_word(done.preview.kind)
        self.result.setText(f"已导入{done.preview.label}：写入 {len(done.written)} {unit}，"
                            f"冲突未导入 {len(done.preview.by_status('conflicting'))} {unit}。{saved}。")
        self.applied.emit(done)

    def choose_problems_file(self) -> None:
        name = f"问题清单-{self.path.stem}.xlsx" if self.path else "问题清单.xlsx"
        folder = self.path.parent if self.path else Path.home()
        self.problems_dialog = QFileDialog(self, "导出问题清单", str(folder / name), FILE_FILTER)
        self.problems_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.problems_dialog.setDefaultSuffix("xlsx")
        self.problems_dialog.fileSelected.connect(lambda target: self.export_problems(Path(target)))
        self.problems_dialog.open()

    def export_problems(self, target: Path) -> None:
        """Write the shown preview's problems (refusal and conflicts too) as a workbook for the unit."""
        if self.shown is None:
            return
        source = self.path.name if self.path else ""
        self.ctx.runner.read(exchange_problems.problems_workbook, self.ctx.actor, self.shown, target, source,
                             on_done=lambda path: self.result.setText(f"问题清单已导出：{path}"),
                             on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if self.preview is None:
            self.decision.setText("")
        self._update_apply()
        if not isinstance(exc, USER_ERRORS):
            self.result.setText("")
            show_error(self, exc)
            return
        self.result.setStyleSheet(f"color: {RED};")
        self.result.setText(f"未能完成：{exc}")
