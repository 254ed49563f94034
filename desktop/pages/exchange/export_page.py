"""数据交换 → 导出交换包: choose the kind (only those this installation offers: on the bureau's hub a unit's 绩效目标表,
监控表, 自评表, 结果反馈 or a blank template, also of 整改反馈; on a unit installation its own 绩效目标表, 监控表, 自评表
and 整改反馈), the monitoring round for 监控表 and, on the hub, a unit or 全部单位 (one file per unit into a chosen
folder, with progress and cancel). `export_to(path)`, `template_to(path)` and `export_all_to(folder)` are what the
file dialogs call."""

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

from core.common.errors import USER_ERRORS
from core.exchange import kinds as exchange_kinds
from core.exchange.dto import Profile
from core.exchange.exported import Exported
from core.monitoring.dto import RoundRow
from core.org.dto import UnitRow
from desktop.pages.exchange.import_page import FILE_FILTER, RED
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.tasks import Cancelled, Progress

ALL_UNITS = "*"
NEWEST_ROUND = "最新一轮"


class ExportPanel(QWidget):
    """The kind, unit and round choosers with the export and 模板 buttons, a progress bar for 全部单位 and a message
    line."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile: Profile | None = None
        self._progress: Progress | None = None
        self._busy = False
        self.kind_box = QComboBox(self)
        self.kind_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # filled after the first show
        self.kind_box.currentIndexChanged.connect(lambda _index: self._update_actions())
        kind_label = QLabel("类型(&K)：", self)
        kind_label.setBuddy(self.kind_box)
        self.unit_box = QComboBox(self)
        self.unit_box.setMinimumContentsLength(18)
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit_label = QLabel("单位(&U)：", self)
        self.unit_label.setBuddy(self.unit_box)
        self.unit_box.currentIndexChanged.connect(lambda _index: self._update_actions())
        self.round_box = QComboBox(self)
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round_box.addItem(NEWEST_ROUND, None)
        self.round_label = QLabel("监控轮次(&O)：", self)
        self.round_label.setBuddy(self.round_box)
        self.export_button = QPushButton("导出交换包(&E)…", self)
        self.export_button.clicked.connect(self.choose_export)
        self.template_button = QPushButton("模板(&T)…", self)
        self.template_button.setToolTip("为所选单位导出空白模板（单位不用本程序也能填写，交回后按“未签名”导入）")
        self.template_button.clicked.connect(self.choose_template)
        self.bar = QProgressBar(self)
        self.cancel_button = QPushButton("取消", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.row = QHBoxLayout()
        for widget in (kind_label, self.kind_box, self.unit_label, self.unit_box, self.round_label, self.round_box,
                       self.export_button, self.template_button):
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
        """Offer the kinds this installation exports or hands out as templates."""
        self.profile = profile
        on_hub = profile.role == "hub" and can_exchange
        self.unit_label.setVisible(on_hub)
        self.unit_box.setVisible(on_hub)
        self.template_button.setVisible(on_hub)
        current = self.kind_box.currentData()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        for code in exchange_kinds.offered(profile.role):
            self.kind_box.addItem(exchange_kinds.LABELS[code], code)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(current), 0))
        self.kind_box.blockSignals(False)
        self._update_actions()

    def set_units(self, units: list[UnitRow]) -> None:
        current = self.unit_box.currentData()
        self.unit_box.clear()
        for unit in units:
            if unit.active:
                self.unit_box.addItem(f"{unit.code} {unit.name}", unit.code)
        self.unit_box.addItem("全部单位（每个单位一个文件）", ALL_UNITS)
        if current is not None and self.unit_box.findData(current) >= 0:
            self.unit_box.setCurrentIndex(self.unit_box.findData(current))

    def set_rounds(self, rounds: list[RoundRow]) -> None:
        """The year's monitoring rounds, newest first, after "最新一轮"."""
        current = self.round_box.currentData()
        self.round_box.clear()
        self.round_box.addItem(NEWEST_ROUND, None)
        for r in sorted(rounds, key=lambda r: (r.as_of_month, r.id), reverse=True):
            self.round_box.addItem(f"{r.name}（{'进行中' if r.status == 'open' else '已关闭'}）", r.name)
        self.round_box.setCurrentIndex(max(self.round_box.findData(current), 0))

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def round_name(self) -> str | None:
        """The chosen round of a kind exported by round (None: the newest), else None."""
        found = exchange_kinds.ENTRIES.get(self.kind())
        return self.round_box.currentData() if found is not None and found.by_round else None

    def _unit(self) -> str | None:
        return None if self.profile is None or self.profile.role != "hub" else self.unit_box.currentData()

    def _update_actions(self) -> None:
        """Export where this installation exports the kind; 模板 where the kind has one and one unit is chosen."""
        found = exchange_kinds.ENTRIES.get(self.kind())
        role = self.profile.role if self.profile is not None else ""
        by_round = found is not None and found.by_round
        self.round_label.setVisible(by_round)
        self.round_box.setVisible(by_round)
        self.export_button.setEnabled(not self._busy and found is not None and role in found.exporters)
        self.template_button.setEnabled(not self._busy and found is not None and found.template is not None
                                        and self._unit() not in (None, ALL_UNITS))

    def _label(self) -> str:
        return exchange_kinds.LABELS[self.kind()]

    def choose_export(self) -> None:
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        label = self._label()
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

    def choose_template(self) -> None:
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        unit = self._unit() or ""
        name = f"空白模板-{exchange_kinds.file_name(self.kind(), self.ctx.year, unit)}"
        self.template_dialog = QFileDialog(self, f"导出{self._label()}空白模板", str(Path.home() / name), FILE_FILTER)
        self.template_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.template_dialog.setDefaultSuffix("xlsx")
        self.template_dialog.fileSelected.connect(lambda target: self.template_to(Path(target)))
        self.template_dialog.open()

    def template_to(self, target: Path) -> None:
        """On the hub: a blank template of the chosen kind for the chosen unit, to `target`."""
        unit = self._unit()
        if self.ctx.year is None or unit in (None, ALL_UNITS):
            self.say("请先在工具栏选择预算年度，并选择一个单位（空白模板按单位导出）。", error=True)
            return
        self._set_busy(True, bar=False)
        self.say("正在导出空白模板…")
        self.ctx.runner.write(exchange_kinds.template_kind, self.ctx.actor, self.kind(), self.ctx.year, target, unit,
                              self.round_name(), on_done=self._templated, on_error=self._failed)

    def export_to(self, target: Path) -> None:
        """Export the chosen kind for the chosen unit (on the hub) or this unit (on a spoke) to `target`."""
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        self._set_busy(True, bar=False)
        self.say("正在导出…")
        self.ctx.runner.write(exchange_kinds.export_kind, self.ctx.actor, self.kind(), self.ctx.year, target,
                              self._unit(), self.round_name(), on_done=self._exported, on_error=self._failed)

    def export_all_to(self, folder: Path) -> None:
        """On the hub: one package of the chosen kind per department and township into `folder`."""
        if self.ctx.year is None:
            self.say("请先在工具栏选择预算年度。", error=True)
            return
        self._progress = self.ctx.runner.new_progress()
        self._set_busy(True)
        self.say("正在为全部单位导出…")
        self.ctx.runner.write(exchange_kinds.export_all_units, self.ctx.actor, self.kind(), self.ctx.year, folder,
                              self.round_name(), progress=self._progress, on_done=self._exported_all,
                              on_error=self._failed)

    def cancel(self) -> None:
        if self._progress is not None:
            self._progress.cancel()

    def _step(self, done: int, total: int, text: str) -> None:
        if self._progress is not None:
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)
            self.bar.setFormat(text or "%p%")

    def _set_busy(self, busy: bool, bar: bool = True) -> None:
        self._busy = busy
        self._update_actions()
        self.bar.setVisible(busy and bar)
        self.cancel_button.setVisible(busy and bar)
        if not busy:
            self._progress = None

    def _exported(self, done: Exported) -> None:
        self._set_busy(False)
        self.say(f"已导出{self._label()}交换包：{done.path}")

    def _templated(self, done: Exported) -> None:
        self._set_busy(False)
        self.say(f"已导出{self._label()}空白模板：{done.path}（单位填好交回后，导入时须确认按“未签名”导入）")

    def _exported_all(self, done: Exported) -> None:
        self._set_busy(False)
        folder = done.paths[0].parent if done.paths else ""
        self.say(f"已为 {len(done.paths)} 个单位导出{self._label()}交换包：{folder}")

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, (*USER_ERRORS, Cancelled)):
            self.say("")
            show_error(self, exc)
            return
        self.say(f"未能导出：{exc}", error=True)

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)
