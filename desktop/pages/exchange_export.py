"""数据交换 → 导出交换包: choose the kind (绩效目标表 / 监控表 / 自评表) and, on the bureau's hub, a unit or 全部单位
(one file per unit into a chosen folder, with progress and cancel); a unit installation exports its own data.
`export_to(path)` and `export_all_to(folder)` are what the file dialogs call."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.dto import Changes, UnitRow
from core.errors import USER_ERRORS
from core.services import exchange_kinds
from core.services.exchange_profile import Profile
from desktop.context import AppContext
from desktop.errors import show_error
from desktop.pages.exchange_import import FILE_FILTER, RED
from desktop.tasks import Cancelled, Progress

ALL_UNITS = "*"
EXPORTED = Changes(frozenset({"exchange", "audit"}))


class ExportPanel(QWidget):
    """The kind and unit choosers with the export button, a progress bar for 全部单位 and a message line."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile: Profile | None = None
        self._progress: Progress | None = None
        self.kind_box = QComboBox(self)
        for code, label in exchange_kinds.LABELS.items():
            self.kind_box.addItem(label, code)
        kind_label = QLabel("类型(&K)：", self)
        kind_label.setBuddy(self.kind_box)
        self.unit_box = QComboBox(self)
        self.unit_box.setMinimumContentsLength(18)
        self.unit_label = QLabel("单位(&U)：", self)
        self.unit_label.setBuddy(self.unit_box)
        self.export_button = QPushButton("导出交换包(&E)…", self)
        self.export_button.clicked.connect(self.choose_export)
        self.bar = QProgressBar(self)
        self.cancel_button = QPushButton("取消", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.row = QHBoxLayout()
        for widget in (kind_label, self.kind_box, self.unit_label, self.unit_box, self.export_button):
            self.row.addWidget(widget)
        self.extra = QHBoxLayout()  # the page adds the import button here
        self.row.addLayout(self.extra)
        self.row.addStretch(1)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.bar, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.row)
        layout.addLayout(progress_row)
        layout.addWidget(self.message)
        ctx.runner.progressed.connect(self._step)
        self._set_busy(False)

    def set_profile(self, profile: Profile, can_exchange: bool) -> None:
        self.profile = profile
        on_hub = profile.role == "hub" and can_exchange
        self.unit_label.setVisible(on_hub)
        self.unit_box.setVisible(on_hub)

    def set_units(self, units: list[UnitRow]) -> None:
        current = self.unit_box.currentData()
        self.unit_box.clear()
        for unit in units:
            if unit.active:
                self.unit_box.addItem(f"{unit.code} {unit.name}", unit.code)
        self.unit_box.addItem("全部单位（每个单位一个文件）", ALL_UNITS)
        if current is not None and self.unit_box.findData(current) >= 0:
            self.unit_box.setCurrentIndex(self.unit_box.findData(current))

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def _unit(self) -> str | None:
        return None if self.profile is None or self.profile.role != "hub" else self.unit_box.currentData()

    def choose_export(self) -> None:
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        label = exchange_kinds.LABELS[self.kind()]
        if self._unit() == ALL_UNITS:
            self.folder_dialog = QFileDialog(self, f"选择存放各单位{label}交换包的文件夹", str(Path.home()))
            self.folder_dialog.setFileMode(QFileDialog.FileMode.Directory)
            self.folder_dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            self.folder_dialog.fileSelected.connect(lambda folder: self.export_all_to(Path(folder)))
            self.folder_dialog.open()
            return
        name = exchange_kinds.file_name(self.kind(), self.ctx.year, self._unit() or "本单位")
        self.export_dialog = QFileDialog(self, f"导出{label}交换包", str(Path.home() / name), FILE_FILTER)
        self.export_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.export_dialog.setDefaultSuffix("xlsx")
        self.export_dialog.fileSelected.connect(lambda target: self.export_to(Path(target)))
        self.export_dialog.open()

    def export_to(self, target: Path) -> None:
        """Export the chosen kind for the chosen unit (on the hub) or this unit (on a spoke) to `target`."""
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        self._set_busy(True, bar=False)
        self.say("正在导出…")
        self.ctx.runner.submit(exchange_kinds.export_kind, self.ctx.actor, self.kind(), self.ctx.year, target,
                               self._unit(), on_done=self._exported, on_error=self._failed)

    def export_all_to(self, folder: Path) -> None:
        """On the hub: one package of the chosen kind per department and township into `folder`."""
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        self._progress = self.ctx.runner.new_progress()
        self._set_busy(True)
        self.say("正在为全部单位导出…")
        self.ctx.runner.submit(exchange_kinds.export_all_units, self.ctx.actor, self.kind(), self.ctx.year, folder,
                               progress=self._progress, on_done=self._exported_all, on_error=self._failed)

    def cancel(self) -> None:
        if self._progress is not None:
            self._progress.cancel()

    def _step(self, done: int, total: int, text: str) -> None:
        if self._progress is not None:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)
            self.bar.setFormat(text or "%p%")

    def _set_busy(self, busy: bool, bar: bool = True) -> None:
        self.export_button.setEnabled(not busy)
        self.bar.setVisible(busy and bar)
        self.cancel_button.setVisible(busy and bar)
        if not busy:
            self._progress = None

    def _exported(self, path: Path) -> None:
        self._set_busy(False)
        self.say(f"已导出{exchange_kinds.LABELS[self.kind()]}交换包：{path}")
        self.ctx.hub.announce(EXPORTED)

    def _exported_all(self, paths: list[Path]) -> None:
        self._set_busy(False)
        folder = paths[0].parent if paths else ""
        self.say(f"已为 {len(paths)} 个单位导出{exchange_kinds.LABELS[self.kind()]}交换包：{folder}")
        self.ctx.hub.announce(EXPORTED)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.ctx.hub.announce(EXPORTED)  # 全部单位: the files written before a failure or cancel are in the ledger
        if not isinstance(exc, (*USER_ERRORS, Cancelled)):
            self.say("")
            show_error(self, exc)
            return
        self.say(f"未能导出：{exc}", error=True)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)
