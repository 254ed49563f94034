"""数据交换 area: who this installation is, enrolment (the hub issues a unit's 登记包, a fresh installation enrols
from one, in `exchange_enrolment`), exporting a package or a blank template of any kind this installation
offers (in `exchange_export`), importing one (preview, problem list, then apply, in `exchange_import`) and the
ledger of packages sent and received."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common.changes import Area
from core.exchange import enrolment as exchange_enrolment
from core.exchange import ledger as exchange_ledger
from core.exchange.dto import LedgerRow, Profile
from core.monitoring import rounds as monitoring_rounds
from core.org import admin
from core.org.dto import UnitRow
from core.org.rules.roles import Permission
from desktop.pages.exchange.enrolment import EnrolmentPanel
from desktop.pages.exchange.export_page import ExportPanel
from desktop.pages.exchange.import_page import RED, ImportPanel
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel


class ExchangePage(Page):
    areas = frozenset({Area.EVALUATION, Area.EXCHANGE, Area.GOALS, Area.MONITORING, Area.RECTIFICATION, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profile: Profile | None = None
        self.fresh = False  # never enrolled, nothing exchanged, no units: enrolling is all there is to do
        self.can_exchange = ctx.actor.can(Permission.MANAGE_UNITS) or ctx.actor.can(Permission.EDIT_OWN_UNIT_DATA)
        heading = QLabel("数据交换", self)
        heading.setObjectName("pageHeading")
        self.header = QLabel("本机身份：…", self)
        self.exporter = ExportPanel(ctx, self)
        self.unit_box, self.message = self.exporter.unit_box, self.exporter.message
        self.import_button = QPushButton("导入交换包(&I)…", self)
        self.exporter.extra.addWidget(self.import_button)
        self.importer = ImportPanel(ctx, self)
        self.enrolment = EnrolmentPanel(ctx, self)
        self.import_button.clicked.connect(self.importer.choose_file)
        self.ledger: RowTableModel[LedgerRow] = RowTableModel([
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
        self.enrolment_box = QGroupBox("单位登记", self)
        QVBoxLayout(self.enrolment_box).addWidget(self.enrolment)
        self.enrolment_box.setVisible(False)
        layout.addWidget(self.enrolment_box)
        self.actions_box = QGroupBox("交换包", self)
        QVBoxLayout(self.actions_box).addWidget(self.exporter)
        layout.addWidget(self.actions_box)
        self.import_box = QGroupBox("导入预览", self)
        QVBoxLayout(self.import_box).addWidget(self.importer)
        layout.addWidget(self.import_box, 3)
        ledger_box = QGroupBox("交换台账", self)
        inner = QVBoxLayout(ledger_box)
        inner.addWidget(self.ledger_table)
        refresh_row = QHBoxLayout()
        refresh_row.addStretch(1)
        refresh_row.addWidget(refresh)
        inner.addLayout(refresh_row)
        layout.addWidget(ledger_box, 3)
        for widget in (self.exporter, self.import_button, self.import_box):
            widget.setVisible(self.can_exchange)


    def load(self) -> None:
        actor = self.ctx.actor
        self.read(exchange_ledger.current_profile, actor, on_done=self._show_profile)
        self.read(exchange_ledger.installation_label, actor,
                  on_done=lambda label: self.header.setText(f"本机身份：{label}"))
        self.read(exchange_ledger.list_ledger, actor, on_done=self._show_ledger)
        if self.can_exchange and self.ctx.year is not None:
            self.read(monitoring_rounds.list_rounds, actor, self.ctx.year, on_done=self.exporter.set_rounds)

    def _show_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.exporter.set_profile(profile, self.can_exchange)
        self.read(exchange_enrolment.accepts_enrolment, self.ctx.actor,
                  on_done=lambda accepts: self._show_enrolment(profile, accepts))
        if profile.role == "hub" and self.can_exchange:
            self.read(admin.list_units, self.ctx.actor, on_done=self._show_units)

    def _show_enrolment(self, profile: Profile, accepts: bool) -> None:
        self.enrolment.set_profile(profile, accepts)
        self.fresh = accepts and not self.enrolment.units
        self._arrange()

    def _show_units(self, units: list[UnitRow]) -> None:
        self.exporter.set_units(units)
        self.enrolment.set_units(units)
        self.fresh = self.fresh and not units
        self._arrange()

    def _arrange(self) -> None:
        """单位登记 while it applies; on a fresh installation no export or import (nothing to exchange yet)."""
        self.enrolment_box.setVisible(self.enrolment.wanted())
        self.actions_box.setVisible(not self.fresh)
        self.import_box.setVisible(self.can_exchange and not self.fresh)
        if self.fresh:  # the installation label answered "财政局" already: a fresh database counts as the hub
            self.header.setText("本机身份：新安装，尚未登记（乡镇、部门导入财政局发放的登记包后成为单位填报端；"
                                "财政局在“系统管理”中登记单位后即为汇总端）")

    def _show_ledger(self, rows: list[LedgerRow]) -> None:
        self.ledger.set_rows(rows)
        self.ledger_table.fit_columns()

    def export_to(self, target: Path) -> None:
        """Export the chosen kind for the chosen unit (hub) or this unit (spoke) to `target`."""
        self.exporter.export_to(target)
