"""工作台 (home): the year's figures at a glance and the year's work summary report."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common import formatting
from core.common.changes import Area
from core.common.labels import UNIT_KINDS
from core.statistics import overview as stats
from core.statistics import summary as reports
from core.statistics.dto import YearFigures
from desktop.pages.statistics.home_statistics import HomeStatistics
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import FigureCard, SearchableTable
from desktop.widgets.report_preview import ReportLauncher
from desktop.widgets.table_model import Column, RowTableModel


class HomePage(Page):
    areas = frozenset({Area.EXECUTION, Area.GOALS, Area.PROJECTS, Area.REVIEW, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.figures: YearFigures | None = None
        self.heading = QLabel("", self)
        self.heading.setObjectName("pageHeading")
        self.cards = {key: FigureCard(title, self) for key, title in (
            ("departments", "部门"), ("townships", "镇街"), ("projects", "项目"),
            ("funds", "项目资金（万元）"), ("goals", "绩效目标表"), ("execution", "预算执行率"))}
        grid = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
        self.status_model: RowTableModel[tuple[str, int]] = RowTableModel([
            Column("目标表状态", lambda r: r[0]), Column("数量", lambda r: r[1], align_right=True)])
        self.top_model: RowTableModel[tuple[str, int, Decimal]] = RowTableModel([
            Column("部门 / 镇街", lambda r: r[0]), Column("项目数", lambda r: r[1], align_right=True),
            Column("资金（万元）", lambda r: r[2], align_right=True)])
        self.status_table = SearchableTable(self.status_model, parent=self)
        self.status_table.search.hide()
        self.top_table = SearchableTable(self.top_model, "搜索部门…", self)
        tables = QHBoxLayout()
        tables.addWidget(self.status_table, 1)
        tables.addWidget(self.top_table, 2)
        self.report_button = QPushButton("生成年度工作汇总报告(&R)…", self)
        self.report_button.clicked.connect(self.open_summary_report)
        self.reports = ReportLauncher(self, ctx.runner, self.report_button)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        self.statistics = HomeStatistics(ctx, self)
        layout.addWidget(self.statistics)
        layout.addLayout(tables, 1)


    def load(self) -> None:
        if self.ctx.year is None:
            self.heading.setText("数据库中还没有年度数据")
            return
        self.read(stats.year_figures, self.ctx.actor, self.ctx.year, on_done=self.show_figures)

    def show_figures(self, f: YearFigures) -> None:
        self.figures = f
        scope = "" if self.ctx.actor.unit_name is None else f"（{self.ctx.actor.unit_name}）"
        self.heading.setText(f"{f.year} 年度预算绩效管理概况{scope}")
        self.cards["departments"].set_value(str(f.units_by_kind.get("department", 0)),
                                            f"另有{UNIT_KINDS['budget_unit']} {f.units_by_kind.get('budget_unit', 0)} 个")
        self.cards["townships"].set_value(str(f.units_by_kind.get("township", 0)))
        self.cards["projects"].set_value(str(f.projects), f"新增 {f.projects_new}，延续 {f.projects_continuing}")
        self.cards["funds"].set_value(formatting.amount(f.funds_total), f"已支出 {formatting.amount(f.spent_total)} 万元")
        submitted = f.goal_tables_by_status.get("已提交", 0)
        approved = f.goal_tables_by_status.get("已通过", 0)
        departments = sum(f.department_goals_by_status.values())
        self.cards["goals"].set_value(str(sum(f.goal_tables_by_status.values())),
                                      f"待审 {submitted}，已通过 {approved}，指标 {f.indicators} 条"
                                      + (f"；部门整体 {departments} 张" if departments else ""))
        self.cards["execution"].set_value(formatting.percent(f.execution_rate), "全年执行数 ÷ 项目资金")
        self.status_model.set_rows(list(f.goal_tables_by_status.items()))
        self.top_model.set_rows(f.top_departments)
        self.top_table.fit_columns()

    def open_summary_report(self) -> None:
        if self.ctx.year is not None:
            self.reports.build(f"{self.ctx.year}年度预算绩效管理工作情况汇总.pdf", reports.year_summary_pdf,
                               self.ctx.actor, self.ctx.year)
