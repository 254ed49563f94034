"""财政健康指数 tab (报表中心): the townships' fiscal health index of the chosen year, ranked, with the level
coloured and every component's score; the selected township's components and its index over the years below.
Bureau users enter or import the figures and download the blank template; everyone may export the PDF and the
workbook. A clerk of a township sees its own row."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.fiscal import figures as fiscal_health
from core.fiscal import index as fiscal_health_index
from core.fiscal.dto import ImportResult, Ranking, RankingRow
from core.fiscal.rules.index import Component, number_text
from desktop.pages.fiscal.health_detail import TONE_COLOURS, TownshipDetail
from desktop.pages.fiscal.health_form import FiscalFormDialog
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher
from desktop.widgets.table_model import Column, RowTableModel

XLSX = "Excel 工作簿 (*.xlsx)"


def _score(component: Component) -> Column[RankingRow]:
    def value(r: RankingRow) -> Decimal | None:
        return r.result.component(component.key).score if r.result else None

    return Column(component.short, value, align_right=True, text=lambda v: "—" if v is None else number_text(v))


def choose_open_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "导入镇街财政数据", str(Path.home()), XLSX)
    return path


def choose_save_path(parent: QWidget, name: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "保存", str(Path.home() / name), XLSX)
    return path


class FiscalHealthTab(Page):
    """Its own year selector lists the years with figures; a switch of the working year shows that year."""

    areas = frozenset({Area.FISCAL, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.wanted_year: int | None = None
        self.choose_open = choose_open_path  # replaced in tests, where no file dialog can be answered
        self.choose_save = choose_save_path
        self.ranking: Ranking | None = None
        self.dialog: FiscalFormDialog | None = None
        scores = [_score(c) for c in fiscal_health.method().components]
        self.model: RowTableModel[RankingRow] = RowTableModel([
            Column("排名", lambda r: r.rank, align_right=True), Column("镇街", lambda r: r.unit_name),
            Column("健康指数", lambda r: r.index, align_right=True),
            Column("等级", lambda r: r.level or ("未录入" if r.result is None else "—"),
                   colour=lambda r: TONE_COLOURS.get(r.tone or "")),
            *scores, Column("说明", lambda r: r.note)])
        self.table = SearchableTable(self.model, "搜索镇街名称…", self)
        self.table.view.verticalHeader().hide()  # the rank column numbers the rows
        self.table.view.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self.show_selected())
        self.year = QComboBox(self)
        self.year.setObjectName("fiscalYear")
        self.year.currentIndexChanged.connect(lambda _i: self.show_ranking())
        year_label = QLabel("年度(&Y)：", self)
        year_label.setBuddy(self.year)
        self.edit_button = self._button("录入/修改数据(&E)…", self.edit_figures, "录入或修改所选镇街某一年度的财政数据（万元）")
        self.import_button = self._button("导入工作簿(&I)…", self.import_workbook,
                                          "按模板填好的工作簿一次导入多个镇街、多个年度的数据；有任何错误则不导入")
        self.template_button = self._button("下载模板(&T)…", self.save_template, "空白的镇街财政数据工作簿，每个镇街一行")
        self.pdf_button = self._button("导出 PDF(&P)", self.export_pdf, "排名、各项指标得分、变化趋势和计算方法（PDF 预览）")
        self.workbook_button = self._button("导出工作簿(&W)…", self.export_workbook, "排名、原始值和得分、财政数据、计算方法")
        editable = fiscal_health.can_edit(ctx.actor)
        for button in (self.edit_button, self.import_button, self.template_button):
            button.setVisible(editable)
        self.reports = ReportLauncher(self, ctx.runner, self.pdf_button)
        self.counts = QLabel("", self)
        self.counts.setObjectName("fiscalCounts")
        # What the last import or save did: its own line, so the ranking reload that follows does not wipe it.
        self.message = QLabel("", self)
        self.message.setObjectName("fiscalMessage")
        self.detail = TownshipDetail(self)
        bar = QHBoxLayout()
        bar.addWidget(year_label)
        bar.addWidget(self.year)
        bar.addStretch(1)
        for button in (self.edit_button, self.import_button, self.template_button, self.pdf_button,
                       self.workbook_button):
            bar.addWidget(button)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        status = QHBoxLayout()
        status.addWidget(self.counts, 1)
        status.addWidget(self.message)
        layout.addLayout(status)

    def _button(self, text: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _year_changed(self, year: int) -> None:
        self.wanted_year = year  # the working year changed: show it
        super()._year_changed(year)

    def load(self) -> None:
        show, self.wanted_year = self.wanted_year, None
        self.load_years(show)

    def selected_year(self) -> int | None:
        data = self.year.currentData()
        return int(data) if data is not None else None

    def load_years(self, show: int | None = None) -> None:
        """The years to choose from; `show` one of them, else the one shown (at first the working year)."""
        self.read(fiscal_health.fiscal_years, self.ctx.actor, on_done=functools.partial(self._show_years, show=show),
                  on_error=self.failed)

    def _show_years(self, years: list[int], show: int | None) -> None:
        keep = show or self.selected_year() or self.ctx.year
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y} 年", y)
        self.year.setCurrentIndex(max(0, self.year.findData(keep)))
        self.year.blockSignals(False)
        self.show_ranking()

    def show_ranking(self) -> None:
        year = self.selected_year()
        if year is not None:
            self.read(fiscal_health_index.ranking, self.ctx.actor, year, on_done=self._show, on_error=self.failed)

    def _show(self, ranking: Ranking) -> None:
        selected = self.detail.unit_id
        self.ranking = ranking
        self.model.set_rows(list(ranking.rows))
        self.table.view.resizeColumnsToContents()
        self.table.view.setColumnWidth(self.model.columnCount() - 1, 260)
        counts = "、".join(f"{label} {n} 个" for label, n in ranking.level_counts().items())
        average = f"，全县平均 {ranking.average} 分" if ranking.average is not None else ""
        self.counts.setText(f"{ranking.year} 年：{len(ranking.rows)} 个镇街，已计算指数 {len(ranking.ranked)} 个"
                            f"（{counts}）{average}")
        if not (selected is not None and self.select_unit(selected)):
            self.detail.clear()

    def show_selected(self) -> None:
        row = self.table.selected_row()
        if row is not None and self.ranking is not None:
            self.detail.show_row(row, self.ranking.county, self.ranking.townships_total)

    def select_unit(self, unit_id: int) -> bool:
        for n, r in enumerate(self.model.rows()):
            if r.unit_id == unit_id:
                self.table.view.setCurrentIndex(self.table.proxy.mapFromSource(self.model.index(n, 0)))
                return True
        return False

    def edit_figures(self) -> None:
        row = self.table.selected_row()
        year = self.selected_year() or self.ctx.year
        if year is None:
            return
        self.dialog = FiscalFormDialog(self.ctx, year, row.unit_id if row else None, self)
        self.dialog.open()

    def import_workbook(self) -> None:
        path = self.choose_open(self)
        if path:
            self.import_button.setEnabled(False)
            # openpyxl loads when a workbook is read, not when the page opens
            from core.fiscal import workbook as fiscal_health_workbook

            self.write(fiscal_health_workbook.import_workbook, self.ctx.actor, Path(path),
                       on_done=self._imported, on_error=self._import_failed)

    def _imported(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        years = "、".join(str(y) for y in result.years)
        self.message.setText(f"已导入 {result.rows} 行（{years} 年）：新增 {result.created} 行，更新 {result.updated} 行，"
                            f"未变 {result.unchanged} 行。")

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        show_error(self, exc, "工作簿未导入")

    def _save_to(self, name: str, service: Callable[..., Any], *args: Any) -> None:
        path = self.choose_save(self, name)
        if path:
            self.read(service, self.ctx.actor, *args, Path(path),
                      on_done=lambda p: self.message.setText(f"已保存：{p}"), on_error=self.failed)

    def save_template(self) -> None:
        year = self.selected_year() or self.ctx.year
        if year is not None:
            # openpyxl loads when a workbook is made, not when the page opens
            from core.fiscal import workbook as fiscal_health_workbook

            self._save_to(f"镇街财政数据模板-{year}.xlsx", fiscal_health_workbook.template_workbook, year)

    def export_workbook(self) -> None:
        year = self.selected_year()
        if year is not None:
            self._save_to(f"镇街财政运行健康指数-{year}.xlsx", fiscal_health_index.fiscal_health_workbook, year)

    def export_pdf(self) -> None:
        year = self.selected_year()
        if year is not None:
            self.reports.build(f"镇街财政运行健康指数-{year}.pdf", fiscal_health_index.fiscal_health_pdf,
                               self.ctx.actor, year)
