"""The second button row of 运行监控: open or close a round, fill the selected project's monitoring table, and the
outputs (summary workbook of the grid as shown, the list of warnings, the monitoring report PDF).

Workbooks are saved where the user chooses (a non-blocking file dialog); the PDF opens in the report preview.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from core.monitoring import rounds as monitoring_rounds
from core.monitoring import summary as monitoring_report
from core.monitoring.dto import EntryView, RoundRow
from desktop.pages.monitoring.entry import MonitoringEntryDialog
from desktop.shell.progress import ProgressJob
from desktop.shell.tasks import Cancelled
from desktop.widgets.report_preview import ReportLauncher, ask_workbook_path

if TYPE_CHECKING:
    from desktop.pages.monitoring.area import MonitoringPage


class OpenRoundDialog(QDialog):
    """Month, name and (for a second round for laggards) the round it follows."""

    def __init__(self, rounds: list[RoundRow], default_month: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("开启监控轮次")
        self.month = QSpinBox(self)
        self.month.setRange(1, 12)
        self.month.setValue(default_month)
        self.month.setSuffix(" 月")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(f"默认为“1-{default_month}月”")
        self.follows = QComboBox(self)
        self.follows.addItem("（首轮）", None)
        for r in rounds:
            self.follows.addItem(f"{r.name}（针对该轮的滞后项目）", r.id)
        form = QFormLayout(self)
        form.addRow("监控截止月份(&M)：", self.month)
        form.addRow("轮次名称(&N)：", self.name)
        form.addRow("后续轮次(&F)：", self.follows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[int, str | None, int | None]:
        return self.month.value(), self.name.text().strip() or None, self.follows.currentData()


class MonitoringTools(QWidget):
    def __init__(self, page: MonitoringPage, manage: bool) -> None:
        super().__init__(page)
        self.page = page
        self.rounds: list[RoundRow] = []
        self.dialog: QDialog | None = None
        self.entry_button = QPushButton("填报监控表(&M)…", self)
        self.open_round_button = QPushButton("开启轮次(&N)…", self)
        self.close_round_button = QPushButton("关闭轮次", self)
        self.workbook_button = QPushButton("导出汇总表(&X)…", self)
        self.warnings_button = QPushButton("导出预警清单(&W)…", self)
        self.report_button = QPushButton("监控报告(&P)", self)
        self.report = ReportLauncher(page, page.ctx.runner, self.report_button)
        for button, slot in ((self.entry_button, self.fill_entry), (self.open_round_button, self.ask_open_round),
                             (self.close_round_button, self.close_round), (self.workbook_button, self.ask_workbook),
                             (self.warnings_button, self.ask_warnings), (self.report_button, self.open_report)):
            button.clicked.connect(slot)
        for button in (self.open_round_button, self.close_round_button, self.warnings_button, self.report_button):
            button.setVisible(manage)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.entry_button, self.open_round_button, self.close_round_button, self.workbook_button,
                       self.warnings_button, self.report_button):
            row.addWidget(button)
        row.addStretch(1)

    def set_rounds(self, rounds: list[RoundRow]) -> None:
        self.rounds = list(rounds)

    def _say(self, text: str) -> None:
        self.page.message.setText(text)

    def _submit(self, service: Callable[..., Any], *args: Any, done: str) -> None:
        """A writing service; `done` is said once it succeeded (the page reloads through the hub)."""
        self.page.ctx.runner.write(service, self.page.ctx.actor, *args, on_done=functools.partial(self._finished, done),
                                   on_error=self.page._failed, initiator=self.page)

    def _export(self, title: str, service: Callable[..., Any], *args: Any, done: str) -> None:
        """A workbook of up to 80,000 projects: steps shown, 取消 stops it (nothing is written to the database)."""
        self._say("正在导出…")
        ProgressJob(self.page, self.page.ctx.runner, title).start(
            service, self.page.ctx.actor, *args, writes=False, on_done=functools.partial(self._finished, done),
            on_error=self._export_failed, initiator=self.page)

    def _finished(self, done: str, _result: object) -> None:
        self._say(done)

    def _export_failed(self, exc: BaseException) -> None:
        self._say("已取消导出。" if isinstance(exc, Cancelled) else "")
        if not isinstance(exc, Cancelled):
            self.page.failed(exc)

    # -- rounds -----------------------------------------------------------------------------------------------

    def ask_open_round(self) -> None:
        month = self.page.grid.month if self.page.grid else 6
        dialog = OpenRoundDialog(self.rounds, month, self.page)
        dialog.accepted.connect(lambda: self.open_round(*dialog.values()))
        self.dialog = dialog
        dialog.open()

    def open_round(self, month: int, name: str | None, follows: int | None) -> None:
        if self.page.ctx.year is not None:
            self._submit(monitoring_rounds.open_round, self.page.ctx.year, month, name, follows,
                         done=f"已开启监控轮次“{name or f'1-{month}月'}”。")

    def close_round(self) -> None:
        round_id, _month = self.page.period()
        if round_id is None:
            self._say("请先在“监控期间”中选择要关闭的轮次。")
            return
        self._submit(monitoring_rounds.close_round, round_id, done="已关闭该监控轮次，单位不能再修改填报。")

    # -- the monitoring table of one project ------------------------------------------------------------------

    def fill_entry(self) -> None:
        row, (round_id, _month) = self.page.current_row(), self.page.period()
        if row is None or round_id is None:
            self._say("请先选择监控轮次，再在表格中选择项目。")
            return
        self.page.ctx.runner.read(monitoring_rounds.get_entry, self.page.ctx.actor, round_id, row.project_id,
                                  on_done=self._show_entry, on_error=self.page._failed)

    def _show_entry(self, view: EntryView) -> None:
        self.dialog = MonitoringEntryDialog(self.page.ctx, view, self.page)
        self.dialog.open()

    # -- outputs ----------------------------------------------------------------------------------------------

    def _period_name(self) -> str:
        grid = self.page.grid
        return f"{grid.year}年1-{grid.month}月" if grid else "监控"

    def ask_workbook(self) -> None:
        self.dialog = ask_workbook_path(self.page, "导出运行监控汇总表", f"{self._period_name()}运行监控汇总表.xlsx",
                                        self.export_workbook)

    def export_workbook(self, target: Path) -> None:
        """The grid as shown (filter and sort kept) with colours and the legend."""
        grid = self.page.grid
        if grid is None:
            return
        self._export("导出运行监控汇总表", monitoring_report.monitoring_workbook, grid.year, target, grid.round_id,
                     None if grid.round_id else grid.month, self.page.export_rows(),
                     done=f"已导出 {len(self.page.export_rows())} 个项目到 {target}")

    def ask_warnings(self) -> None:
        self.dialog = ask_workbook_path(self.page, "导出预警清单", f"{self._period_name()}运行监控预警清单.xlsx",
                                        self.export_warnings)

    def export_warnings(self, target: Path) -> None:
        grid = self.page.grid
        if grid is not None:
            self._export("导出预警清单", monitoring_report.warnings_workbook, grid.year, target, grid.round_id,
                         None if grid.round_id else grid.month, done=f"已导出预警清单到 {target}")

    def open_report(self) -> None:
        grid = self.page.grid
        if grid is not None:
            self.report.build(f"{self._period_name()}运行监控报告.pdf", _report_pdf, self.page.ctx.actor, grid.year,
                              grid.round_id, None if grid.round_id else grid.month)


def _report_pdf(uow: Any, actor: Any, year: int, round_id: int | None, month: int | None, target: Path) -> Path:
    """ReportLauncher hands the target last; the service takes it fourth."""
    return monitoring_report.monitoring_report_pdf(uow, actor, year, target, round_id, month)
