"""数据交换 → 单位登记: on the bureau's hub, issue a department's or township's enrolment package (登记包) to a file;
on a fresh installation, pick a 登记包, see which unit, year and reference data it sets up, and only then enrol
this installation as that unit's, as `issue_to(path)`, `preview_file(path)` and `enrol_current()`."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.errors import USER_ERRORS
from core.exchange import enrolment as exchange_enrolment
from core.exchange.dto import Enrolled, Profile
from core.exchange.exported import Exported
from core.org.dto import UnitRow
from core.org.rules.roles import Permission
from desktop.pages.exchange.import_page import FILE_FILTER, RED
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.widgets.report_preview import ask_workbook_path

ENROLLED_KINDS = ("department", "township")  # the units that run an installation of their own
HANDOVER = "登记包含有该单位的签名密钥，请用 U 盘当面交给单位管理员，不要通过电子邮件、聊天工具或共享文件夹传送。"


def package_name(unit: UnitRow) -> str:
    """The proposed file name: 登记包-D001县教育局.xlsx (characters a file system refuses dropped)."""
    safe = "".join(c for c in f"{unit.code}{unit.name}" if c not in '\\/:*?"<>|').strip()
    return f"登记包-{safe}.xlsx"


class EnrolmentPanel(QWidget):
    """The hub's 发放登记包 row and a fresh installation's 导入登记包 row with its confirmation; the page shows the
    panel while either row applies or a message is to be read."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.units: dict[str, UnitRow] = {}
        self.issuer = False  # the hub, and a user who manages units
        self.path: Path | None = None
        self.pending: Enrolled | None = None  # the previewed package, until it is enrolled or another is chosen
        self.issuing = QWidget(self)
        self.unit_box = QComboBox(self.issuing)
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit_box.currentIndexChanged.connect(lambda _index: self._update_actions())
        unit_label = QLabel("登记单位(&N)：", self.issuing)
        unit_label.setBuddy(self.unit_box)
        self.issue_button = QPushButton("发放登记包(&G)…", self.issuing)
        self.issue_button.setToolTip("为所选部门或镇街导出登记包，单位用它把新安装的工作台设为本单位的填报端")
        self.issue_button.clicked.connect(self.choose_target)
        issue_row = QHBoxLayout(self.issuing)
        issue_row.setContentsMargins(0, 0, 0, 0)
        for widget in (unit_label, self.unit_box, self.issue_button):
            issue_row.addWidget(widget)
        issue_row.addStretch(1)
        self.enrolling = QWidget(self)
        hint = QLabel("本机尚未登记为单位。乡镇、部门的工作台请导入财政局当面交来的登记包：", self.enrolling)
        self.open_button = QPushButton("导入登记包(&L)…", self.enrolling)
        self.open_button.clicked.connect(self.choose_package)
        self.summary = QLabel("", self.enrolling)
        self.summary.setWordWrap(True)
        self.enrol_button = QPushButton("确认登记(&C)", self.enrolling)
        self.enrol_button.clicked.connect(self.enrol_current)
        open_row = QHBoxLayout()
        open_row.addWidget(hint)
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.summary, 1)
        confirm_row.addWidget(self.enrol_button)
        enrol_column = QVBoxLayout(self.enrolling)
        enrol_column.setContentsMargins(0, 0, 0, 0)
        enrol_column.addLayout(open_row)
        enrol_column.addLayout(confirm_row)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.issuing, self.enrolling, self.message):
            layout.addWidget(widget)
        self.issuing.setVisible(False)
        self.enrolling.setVisible(False)
        self._show_pending(None)
        self.say("")

    def wanted(self) -> bool:
        """Whether the page should show the panel."""
        return not self.issuing.isHidden() or not self.enrolling.isHidden() or bool(self.message.text())

    def set_profile(self, profile: Profile, accepts_enrolment: bool) -> None:
        """Issuing on the hub for a user who manages units (once there are units); enrolling where the installation
        is still fresh."""
        self.issuer = profile.role == "hub" and self.ctx.actor.can(Permission.MANAGE_UNITS)
        self.issuing.setVisible(self.issuer and bool(self.units))
        self.enrolling.setVisible(accepts_enrolment)
        self._update_actions()

    def set_units(self, units: list[UnitRow]) -> None:
        """The active departments and townships the hub may issue a 登记包 to."""
        current = self.unit_box.currentData()
        self.units = {u.code: u for u in units if u.active and u.kind in ENROLLED_KINDS}
        self.unit_box.clear()
        for unit in self.units.values():
            self.unit_box.addItem(f"{unit.code} {unit.name}（{unit.kind_label}）", unit.code)
        self.unit_box.setCurrentIndex(max(self.unit_box.findData(current), 0))
        self.issuing.setVisible(self.issuer and bool(self.units))
        self._update_actions()

    def _update_actions(self) -> None:
        self.issue_button.setEnabled(self.unit_box.currentData() is not None)
        ready = self.pending is not None and not self.pending.duplicate
        self.enrol_button.setVisible(ready)
        self.enrol_button.setEnabled(ready)

    # --- the hub issues ----------------------------------------------------------------------------------------

    def choose_target(self) -> None:
        unit = self.units.get(self.unit_box.currentData())
        if unit is not None:
            self.dialog = ask_workbook_path(self, f"发放{unit.name}的登记包", package_name(unit), self.issue_to)

    def issue_to(self, target: Path) -> None:
        """Write the chosen unit's 登记包 (with its signing key) to `target`."""
        unit = self.units.get(self.unit_box.currentData())
        if unit is None:
            self.say("请先选择要登记的部门或镇街。", error=True)
            return
        self.issue_button.setEnabled(False)
        self.say(f"正在导出“{unit.name}”的登记包…")
        self.ctx.runner.write(exchange_enrolment.export_enrolment, self.ctx.actor, unit.code, target,
                              on_done=functools.partial(self._issued, unit), on_error=self._failed)

    def _issued(self, unit: UnitRow, done: Exported) -> None:
        self._update_actions()
        self.say(f"已导出“{unit.code} {unit.name}”的登记包：{done.path}\n{HANDOVER}", warning=True)

    # --- a fresh installation enrols ---------------------------------------------------------------------------

    def choose_package(self) -> None:
        self.file_dialog = QFileDialog(self, "选择财政局发放的登记包", "", FILE_FILTER)
        self.file_dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.file_dialog.fileSelected.connect(lambda name: self.preview_file(Path(name)))
        self.file_dialog.open()

    def preview_file(self, path: Path) -> None:
        """Check the 登记包 and show what it sets up; nothing is written until 确认登记."""
        self.path = Path(path)
        self._show_pending(None)
        self.say("")
        self._summarise(f"正在检查登记包：{self.path.name}…")
        self.ctx.runner.read(exchange_enrolment.preview_enrolment, self.ctx.actor, self.path,
                             on_done=self._show_pending, on_error=self._failed)

    def _show_pending(self, found: Enrolled | None) -> None:
        self.pending = found
        self.enrol_button.setText("确认登记(&C)" if found is None else f"确认登记为“{found.unit_name}”(&C)")
        self.summary.setStyleSheet("")
        if found is None:
            self._summarise("")
        elif found.duplicate:
            self._summarise(f"该登记包已导入过，本机已是单位“{found.unit_code} {found.unit_name}”的工作台。")
        else:
            self._summarise(
                f"登记包：{self.path.name if self.path else ''}\n将把本机登记为单位“{found.unit_code} "
                f"{found.unit_name}”的工作台（{found.year} 年度），并导入单位名录 {found.units} 个单位、"
                f"系统设置 {found.settings} 项、财政局自建指标 {found.library} 条。\n"
                "登记后本机只填报和导出该单位的数据，不能再改登为其他单位。请核对单位无误后确认。")
        self._update_actions()

    def enrol_current(self) -> None:
        if self.pending is None or self.pending.duplicate or self.path is None:
            return
        self.enrol_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.say("正在登记…")
        self.ctx.runner.write(exchange_enrolment.enrol_from_package, self.ctx.actor, self.path,
                              on_done=self._enrolled, on_error=self._failed)

    def _enrolled(self, done: Enrolled) -> None:
        self.open_button.setEnabled(True)
        self._show_pending(None)
        self.say(f"本机已登记为单位“{done.unit_code} {done.unit_name}”（{done.year} 年度）：单位 {done.units} 个，"
                 f"设置 {done.settings} 项，财政局自建指标 {done.library} 条。")
        if self.ctx.year is None:
            self.ctx.set_year(done.year)  # a fresh installation had no year to choose until now

    def _failed(self, exc: BaseException) -> None:
        self.open_button.setEnabled(True)
        if self.pending is None:
            self._summarise("")
        self._update_actions()
        if not isinstance(exc, USER_ERRORS):
            self.say("")
            show_error(self, exc)
            return
        self.say(f"未能完成：{exc}", error=True)

    def say(self, text: str, error: bool = False, warning: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "font-weight: bold;" if warning else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _summarise(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setVisible(bool(text))
