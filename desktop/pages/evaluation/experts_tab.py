"""专家库 tab: the expert library (add, edit, deactivate; fields of expertise, the unit that makes an expert stand
aside, this year's workload) and the third-party agencies with the bureau's quality rating of each evaluation
they delivered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.evaluation import experts
from core.evaluation.dto import AgencyInput, AgencyRating, AgencyRow, ExpertInput, ExpertRow
from core.org import admin
from core.org.dto import UnitRow
from core.org.rules.roles import Permission
from desktop.pages.org.units import edit_on_activate
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.forms import ServiceDialog
from desktop.widgets.table_model import Column, RowTableModel


class ExpertDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, row: ExpertRow | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "编辑专家" if row else "新增专家", parent)
        self.row = row
        self.name = self.add("姓名(&N)：", "name", QLineEdit(row.name if row else "", self))
        self.employer = self.add("工作单位(&W)：", "employer", QLineEdit(row.employer if row else "", self))
        self.unit = self.add("所在单位（回避）(&U)：", "unit_id", QComboBox(self))
        self.unit.addItem("无（不属于本县预算单位）", None)
        self.unit.setToolTip("专家任职的本县单位：评价该单位所属部门时，专家应当回避。")
        self.fields_edit = self.add("专业领域(&F)：", "fields", QLineEdit(row.fields_text if row else "", self))
        self.fields_edit.setPlaceholderText("如 财政、农业、工程造价")
        self.title = self.add("职称(&T)：", "title", QLineEdit(row.title if row else "", self))
        self.phone = self.add("联系电话(&P)：", "phone", QLineEdit(row.phone if row else "", self))
        ctx.runner.read(admin.list_units, ctx.actor, on_done=self._units, on_error=lambda e: show_error(self, e))

    def _units(self, units: list[UnitRow]) -> None:
        for u in units:
            if u.kind != "bureau":
                self.unit.addItem(f"{u.code} {u.name}", u.id)
        if self.row is not None and self.row.unit_id is not None:
            self.unit.setCurrentIndex(max(0, self.unit.findData(self.row.unit_id)))

    def submit(self) -> None:
        self.run(experts.save_expert, ExpertInput(
            self.name.text(), self.employer.text(), self.unit.currentData(), self.fields_edit.text(), self.title.text(),
            self.phone.text(), self.row.id if self.row else None))


class AgencyDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, row: AgencyRow | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "编辑第三方机构" if row else "新增第三方机构", parent)
        self.row = row
        self.name = self.add("机构名称(&N)：", "name", QLineEdit(row.name if row else "", self))
        self.qualification = self.add("资质(&Q)：", "qualification", QLineEdit(row.qualification if row else "", self))
        self.contact = self.add("联系人及电话(&C)：", "contact", QLineEdit(row.contact if row else "", self))

    def submit(self) -> None:
        self.run(experts.save_agency, AgencyInput(self.name.text(), self.qualification.text(), self.contact.text(),
                                                  self.row.id if self.row else None))


def _bar(*widgets: QWidget) -> QHBoxLayout:
    bar = QHBoxLayout()
    for widget in widgets:
        bar.addWidget(widget)
    bar.addStretch(1)
    return bar


class ExpertsTab(Page):
    areas = frozenset({Area.EVALUATION, Area.EXPERTS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: ServiceDialog | None = None
        self.experts: RowTableModel[ExpertRow] = RowTableModel([
            Column("姓名", lambda r: r.name), Column("职称", lambda r: r.title), Column("工作单位", lambda r: r.employer),
            Column("所在单位（回避）", lambda r: r.unit_name), Column("专业领域", lambda r: r.fields_text),
            Column("联系电话", lambda r: r.phone), Column("本年评审", lambda r: r.panels, align_right=True),
            Column("其中任组长", lambda r: r.leads, align_right=True),
            Column("状态", lambda r: "在库" if r.active else "已停用", colour=lambda r: None if r.active else "#808080")])
        self.expert_table = SearchableTable(self.experts, "搜索姓名、单位…", self)
        edit_on_activate(self.expert_table, self.edit_expert)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("专业领域")
        self.field.textChanged.connect(lambda _t: self.reload())
        self.inactive = QCheckBox("显示已停用(&H)", self)
        self.inactive.toggled.connect(lambda _on: self.reload())
        buttons = {key: QPushButton(text, self) for key, text in (
            ("add", "新增专家(&A)…"), ("edit", "编辑(&E)…"), ("toggle", "停用/启用(&D)"),
            ("add_agency", "新增机构(&G)…"), ("edit_agency", "编辑机构(&T)…"), ("toggle_agency", "停用/启用机构(&S)"))}
        for button in buttons.values():  # reading the library is for the bureau; keeping it for evaluators
            button.setVisible(experts.may_edit_library(ctx.actor))
        buttons["add"].clicked.connect(lambda: self._open(ExpertDialog(ctx, None, self)))
        buttons["edit"].clicked.connect(self.edit_expert)
        buttons["toggle"].clicked.connect(self.toggle_expert)
        buttons["add_agency"].clicked.connect(lambda: self._open(AgencyDialog(ctx, None, self)))
        buttons["edit_agency"].clicked.connect(self.edit_agency)
        buttons["toggle_agency"].clicked.connect(self.toggle_agency)
        self.buttons = buttons
        field_label = QLabel("领域(&F)：", self)
        field_label.setBuddy(self.field)
        expert_box = QGroupBox("专家库", self)
        expert_layout = QVBoxLayout(expert_box)
        expert_layout.addLayout(_bar(buttons["add"], buttons["edit"], buttons["toggle"], field_label, self.field,
                                     self.inactive))
        expert_layout.addWidget(self.expert_table, 1)
        self.agencies: RowTableModel[AgencyRow] = RowTableModel([
            Column("机构名称", lambda r: r.name), Column("资质", lambda r: r.qualification),
            Column("联系人及电话", lambda r: r.contact), Column("承担评价", lambda r: r.evaluations, align_right=True),
            Column("平均质量评分", lambda r: r.average_rating, align_right=True),
            Column("状态", lambda r: "合作中" if r.active else "已停用")])
        self.agency_table = SearchableTable(self.agencies, "搜索机构…", self)
        edit_on_activate(self.agency_table, self.edit_agency)
        self.agency_table.view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._load_ratings())
        self.ratings: RowTableModel[AgencyRating] = RowTableModel([
            Column("年度", lambda r: r.year), Column("评价", lambda r: r.title), Column("得分", lambda r: r.score,
                                                                                  align_right=True),
            Column("等级", lambda r: r.grade), Column("质量评分", lambda r: r.rating_label)])
        self.rating_table = SearchableTable(self.ratings, "搜索评价…", self)
        agency_box = QGroupBox("第三方机构", self)
        agency_layout = QVBoxLayout(agency_box)
        agency_layout.addLayout(_bar(buttons["add_agency"], buttons["edit_agency"], buttons["toggle_agency"]))
        lower = QSplitter(Qt.Orientation.Horizontal, agency_box)
        lower.addWidget(self.agency_table)
        lower.addWidget(self.rating_table)
        agency_layout.addWidget(lower, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(expert_box)
        splitter.addWidget(agency_box)
        splitter.setSizes([500, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)


    def load(self) -> None:
        if not self.ctx.actor.can(Permission.VIEW_ALL_UNITS):  # the library is the bureau's; clerks see nothing
            self.setEnabled(False)
            return
        self.read(experts.list_experts, self.ctx.actor, self.ctx.year, self.field.text(),
                  self.inactive.isChecked(), on_done=self._show_experts,
                  on_error=lambda exc: show_error(self, exc))
        self.read(experts.list_agencies, self.ctx.actor, True, on_done=self._show_agencies,
                  on_error=lambda exc: show_error(self, exc))

    def _show_experts(self, rows: list[ExpertRow]) -> None:
        self.experts.set_rows(rows)
        self.expert_table.fit_columns()

    def _show_agencies(self, rows: list[AgencyRow]) -> None:
        self.agencies.set_rows(rows)
        self.agency_table.fit_columns()
        self._load_ratings()

    def _load_ratings(self) -> None:
        row = self.agency_table.selected_row()
        if row is None:
            self.ratings.set_rows([])
            return
        self.read(experts.agency_ratings, self.ctx.actor, row.id, on_done=self._show_ratings)

    def _show_ratings(self, rows: list[AgencyRating]) -> None:
        self.ratings.set_rows(rows)
        self.rating_table.fit_columns()

    def _open(self, dialog: ServiceDialog) -> None:
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def edit_expert(self) -> None:
        row = self.expert_table.selected_row()
        if row is not None:
            self._open(ExpertDialog(self.ctx, row, self))

    def toggle_expert(self) -> None:
        row = self.expert_table.selected_row()
        if row is not None:
            self.write(experts.set_expert_active, self.ctx.actor, row.id, not row.active,
                       on_error=lambda exc: show_error(self, exc))

    def edit_agency(self) -> None:
        row = self.agency_table.selected_row()
        if row is not None:
            self._open(AgencyDialog(self.ctx, row, self))

    def toggle_agency(self) -> None:
        row = self.agency_table.selected_row()
        if row is not None:
            self.write(experts.set_agency_active, self.ctx.actor, row.id, not row.active,
                       on_error=lambda exc: show_error(self, exc))
