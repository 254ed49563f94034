"""系统管理 → 备份与恢复: copy the database to a file of the user's choice, or replace it by such a copy."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from core.org import maintenance
from desktop.pages.org.units import AdminTab
from desktop.shell.context import AppContext

FILE_FILTER = "工作台数据库 (*.sqlite *.db);;所有文件 (*)"

BACKUP_TEXT = ("把当前数据库完整复制到您选择的文件（例如 U 盘或共享盘），复制过程中可以继续工作。"
               "建议每天下班前备份一次，并把备份文件另存到其他电脑或介质上。")
RESTORE_TEXT = ("用以前的备份文件替换当前数据库。恢复前，系统会先把当前数据另存为一份安全备份"
                "（保存在数据库所在目录的 backups 文件夹中），需要时可以再恢复回来。")


def default_backup_name(now: datetime) -> str:
    return f"workbench-备份-{now:%Y%m%d-%H%M}.sqlite"


class BackupTab(AdminTab):
    """立即备份 and 从备份恢复; the buttons ask for a file, then call `backup_to` / `restore_from`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.backup_button = QPushButton("立即备份(&B)…", self)
        self.restore_button = QPushButton("从备份恢复(&R)…", self)
        self.backup_button.clicked.connect(self.choose_backup)
        self.restore_button.clicked.connect(self.choose_restore)
        layout = QVBoxLayout(self)
        layout.addWidget(self._group("备份", BACKUP_TEXT, self.backup_button))
        layout.addWidget(self._group("恢复", RESTORE_TEXT, self.restore_button))
        layout.addStretch(1)

    def _group(self, title: str, text: str, button: QPushButton) -> QGroupBox:
        box = QGroupBox(title, self)
        label = QLabel(text, box)
        label.setWordWrap(True)
        inner = QVBoxLayout(box)
        inner.addWidget(label)
        inner.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _set_busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)

    def choose_backup(self) -> None:
        suggested = str(Path(self.folder) / default_backup_name(datetime.now()))
        name, _ = QFileDialog.getSaveFileName(self, "备份数据库到", suggested, FILE_FILTER)
        if name:
            self.backup_to(Path(name))

    def backup_to(self, target: Path) -> None:
        self.folder = str(target.parent)
        self._set_busy(True)
        self.write(maintenance.backup_database, self.ctx.actor, target, raw=True,
                   on_done=self._backed_up, on_error=self._failed)

    def _backed_up(self, done: maintenance.BackedUp) -> None:
        self._set_busy(False)
        self.notify("info", "备份完成", f"数据库已备份到：\n{done.path}")

    def choose_restore(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份文件", self.folder, FILE_FILTER)
        if name and self.confirm("确认恢复", f"将用备份文件\n{name}\n替换当前全部数据。\n\n"
                                 "恢复前会先把当前数据另存为一份安全备份。确定要恢复吗？"):
            self.restore_from(Path(name))

    def restore_from(self, backup: Path) -> None:
        self._set_busy(True)
        self.write(maintenance.restore_database, self.ctx.actor, backup, raw=True,
                   on_done=self._restored, on_error=self._failed)

    def _restored(self, done: maintenance.Restored) -> None:
        self._set_busy(False)
        self.notify("info", "恢复完成", f"数据已从备份恢复。\n恢复前的数据已另存为：\n{done.safety}")

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.failed(exc)
