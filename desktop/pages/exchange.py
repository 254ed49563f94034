"""数据交换 area: who this installation is, exporting a 绩效目标表 package, importing one (preview, then apply,
in `exchange_import`) and the ledger of packages sent and received."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.dto import Changes, UnitRow
from core.errors import USER_ERRORS
from core.rules.roles import Permission
from core.services import admin, exchange_goals, exchange_ledger
from core.services.exchange_profile import Profile
from desktop.context import AppContext
from desktop.errors import show_error
from desktop.pages.exchange_import import FILE_FILTER, RED, ImportPanel
from desktop.table_model import Column, RowTableModel
from desktop.widgets import SearchableTable

RELOAD_ON = {"exchange", "goals", "demo", "units", "database"}


class ExchangePage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile: Profile | None = None
        self.can_exchange = ctx.actor.can(Permission.MANAGE_UNITS) or ctx.actor.can(Permission.EDIT_OWN_UNIT_DATA)
        heading = QLabel("数据交换", self)
        heading.setObjectName("pageHeading")
        self.header = QLabel("本机身份：…", self)
        self.unit_box = QComboBox(self)
        self.unit_box.setMinimumContentsLength(18)
        self.export_button = QPushButton("导出绩效目标包(&E)…", self)
        self.export_button.clicked.connect(self.choose_export)
        self.import_button = QPushButton("导入交换包(&I)…", self)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.importer = ImportPanel(ctx, self)
        self.import_button.clicked.connect(self.importer.choose_file)
        self.ledger: RowTableModel[exchange_ledger.LedgerRow] = RowTableModel([
            Column("方向", lambda r: r.direction), Column("类型", lambda r: r.kind),
            Column("发送方", lambda r: r.sender), Column("接收方", lambda r: r.receiver),
            Column("年度", lambda r: r.year), Column("序号", lambda r: r.sequence, align_right=True),
            Column("签名", lambda r: r.signed), Column("状态", lambda r: r.state,
                                                       colour=lambda r: RED if r.state == "已拒绝" else None),
            Column("记录时间", lambda r: r.recorded_at), Column("说明", lambda r: r.note),
            Column("交换包编号", lambda r: r.package_id)])
        self.ledger_table = SearchableTable(self.ledger, "搜索单位编码、状态…", self)
        refresh = QPushButton("刷新(&R)", self)
        refresh.clicked.connect(self.reload)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.header)
        layout.addWidget(self._actions_box())
        import_box = QGroupBox("导入预览", self)
        QVBoxLayout(import_box).addWidget(self.importer)
        layout.addWidget(import_box, 3)
        ledger_box = QGroupBox("交换台账", self)
        inner = QVBoxLayout(ledger_box)
        inner.addWidget(self.ledger_table)
        refresh_row = QHBoxLayout()
        refresh_row.addStretch(1)
        refresh_row.addWidget(refresh)
        inner.addLayout(refresh_row)
        layout.addWidget(ledger_box, 3)
        for widget in (self.unit_box, self.export_button, self.import_button, import_box):
            widget.setVisible(self.can_exchange)
        ctx.hub.changes_applied.connect(self._on_changes)
        ctx.hub.year_changed.connect(lambda _year: self.reload())
        self.reload()

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("交换包", self)
        row = QHBoxLayout()
        self.unit_label = QLabel("单位(&U)：", box)
        self.unit_label.setBuddy(self.unit_box)
        for widget in (self.unit_label, self.unit_box, self.export_button, self.import_button):
            row.addWidget(widget)
        row.addStretch(1)
        inner = QVBoxLayout(box)
        inner.addLayout(row)
        inner.addWidget(self.message)
        return box

    def _on_changes(self, changes: Changes) -> None:
        if changes.areas & RELOAD_ON:
            self.reload()

    def reload(self) -> None:
        runner, actor = self.ctx.runner, self.ctx.actor
        runner.submit(exchange_ledger.current_profile, actor, on_done=self._show_profile)
        runner.submit(exchange_ledger.installation_label, actor,
                      on_done=lambda label: self.header.setText(f"本机身份：{label}"))
        runner.submit(exchange_ledger.list_ledger, actor, on_done=self._show_ledger)

    def _show_profile(self, profile: Profile) -> None:
        self.profile = profile
        on_hub = profile.role == "hub"
        self.unit_label.setVisible(on_hub and self.can_exchange)
        self.unit_box.setVisible(on_hub and self.can_exchange)
        if on_hub and self.can_exchange:
            self.ctx.runner.submit(admin.list_units, self.ctx.actor, on_done=self._show_units)

    def _show_units(self, units: list[UnitRow]) -> None:
        current = self.unit_box.currentData()
        self.unit_box.clear()
        for unit in units:
            if unit.active:
                self.unit_box.addItem(f"{unit.code} {unit.name}", unit.code)
        if current is not None and self.unit_box.findData(current) >= 0:
            self.unit_box.setCurrentIndex(self.unit_box.findData(current))

    def _show_ledger(self, rows: list[exchange_ledger.LedgerRow]) -> None:
        self.ledger.set_rows(rows)
        self.ledger_table.fit_columns()

    def _export_unit(self) -> str | None:
        return None if self.profile is None or self.profile.role != "hub" else self.unit_box.currentData()

    def choose_export(self) -> None:
        if self.ctx.year is None:
            self._say("请先在工具栏选择预算年度。", error=True)
            return
        name = f"{self.ctx.year}年绩效目标表-{self._export_unit() or '本单位'}.xlsx"
        self.export_dialog = QFileDialog(self, "导出绩效目标表交换包", str(Path.home() / name), FILE_FILTER)
        self.export_dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        self.export_dialog.setDefaultSuffix("xlsx")
        self.export_dialog.fileSelected.connect(lambda target: self.export_to(Path(target)))
        self.export_dialog.open()

    def export_to(self, target: Path) -> None:
        """Export the chosen unit's (on the hub) or this unit's (on a spoke) tables of the year to `target`."""
        if self.ctx.year is None:
            self._say("请先在工具栏选择预算年度。", error=True)
            return
        self.export_button.setEnabled(False)
        self._say("正在导出…")
        self.ctx.runner.submit(exchange_goals.export_goals, self.ctx.actor, self.ctx.year, target,
                               self._export_unit(), on_done=self._exported, on_error=self._export_failed)

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self._say(f"已导出绩效目标表交换包：{path}")
        self.ctx.hub.announce(Changes(frozenset({"exchange", "audit"})))

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if not isinstance(exc, USER_ERRORS):
            self._say("")
            show_error(self, exc)
            return
        self._say(f"未能导出：{exc}", error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {RED};" if error else "")
        self.message.setText(text)
