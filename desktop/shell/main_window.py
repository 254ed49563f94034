"""The main window: navigation over the areas that do real work, year selector, user, status bar. An area's page
is built when it is first opened, so the window opens with only the home page built and loaded."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from core.common.changes import Area, Changes
from core.org import lookups
from core.org.rules.roles import Permission
from core.version import APP_NAME, __version__
from desktop.shell.context import AppContext
from desktop.widgets.lazy import LazyPages, LazySlot, imported


@dataclass(frozen=True)
class NavArea:
    key: str
    title: str
    page: str  # "module:Class", imported when the area is first opened (listed in packaging's hiddenimports)
    visible: Callable[[AppContext], bool] = lambda ctx: True

    def build(self, ctx: AppContext, _slot: QWidget) -> QWidget:
        page_class: Callable[[AppContext], QWidget] = imported(self.page)
        return page_class(ctx)


ADMIN_PERMISSIONS = (Permission.MANAGE_UNITS, Permission.MANAGE_USERS, Permission.MANAGE_SETTINGS,
                     Permission.BACKUP_RESTORE, Permission.VIEW_AUDIT)

# Only areas whose page does real work are listed; later issues add theirs here.
AREAS = (
    NavArea("home", "工作台", "desktop.pages.statistics.home:HomePage"),
    NavArea("goals", "绩效目标", "desktop.pages.goals.area:GoalsPage"),
    NavArea("projects", "项目库", "desktop.pages.projects.area:ProjectsPage",
            lambda ctx: ctx.actor.can(Permission.VIEW_ALL_UNITS)),
    NavArea("review", "目标审核", "desktop.pages.review.area:ReviewPage",
            lambda ctx: ctx.actor.can(Permission.REVIEW_GOALS) or ctx.actor.can(Permission.VIEW_ALL_UNITS)),
    NavArea("monitoring", "运行监控", "desktop.pages.monitoring.area:MonitoringPage"),
    NavArea("evaluation", "绩效评价", "desktop.pages.evaluation.area:EvaluationPage"),
    NavArea("results", "结果应用", "desktop.pages.results.area:ResultsPage"),
    NavArea("exante", "事前评估", "desktop.pages.exante.area:ExAntePage"),
    NavArea("library", "指标库", "desktop.pages.library.area:LibraryPage"),
    NavArea("reports", "报表中心", "desktop.pages.statistics.reports_center:ReportsCenterPage"),
    NavArea("exchange", "数据交换", "desktop.pages.exchange.area:ExchangePage"),
    NavArea("admin", "系统管理", "desktop.pages.org.area:AdminPage",
            lambda ctx: any(ctx.actor.can(p) for p in ADMIN_PERMISSIONS)),
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, db_label: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(1280, 800)
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget(self)
        self.areas = [a for a in AREAS if a.visible(ctx)]
        slots: dict[str, LazySlot] = {}
        for i, area in enumerate(self.areas):
            self.nav.addItem(area.title)
            slots[area.key] = LazySlot(functools.partial(area.build, ctx), self.stack)
            self.stack.addWidget(slots[area.key])
            self._shortcut(f"Ctrl+{i + 1}", functools.partial(self.nav.setCurrentRow, i))
        self.pages = LazyPages(slots)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self.busy = QLabel("", self)
        self.statusBar().addWidget(QLabel(f"数据库：{db_label}", self), 1)
        self.statusBar().addPermanentWidget(self.busy)
        ctx.runner.busy_changed.connect(self._show_busy)
        self.nav.setCurrentRow(0)
        self._reload_years()
        # Years appear through packages (an enrolment, a bureau package for a new year): the selector follows.
        ctx.hub.changes_applied.connect(self._on_changes)
        ctx.hub.year_changed.connect(lambda _year: self._reload_years())

    def _show_busy(self, busy: bool) -> None:
        self.busy.setText("正在处理…" if busy else "就绪")

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> None:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.addAction(action)

    def _build_toolbar(self) -> None:
        bar = QToolBar("常用", self)
        bar.setMovable(False)
        self.addToolBar(bar)
        year_label = QLabel(" 预算年度(&Y)：", self)
        bar.addWidget(year_label)
        self.year_box = QComboBox(self)
        year_label.setBuddy(self.year_box)
        self.year_box.currentIndexChanged.connect(self._year_chosen)
        bar.addWidget(self.year_box)
        spacer = QWidget(self)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        bar.addWidget(spacer)
        actor = self.ctx.actor
        unit = f" · {actor.unit_name}" if actor.unit_name else ""
        self.user_label = QLabel(f"当前用户：{actor.display_name}（{actor.role_label}{unit}） ", self)
        bar.addWidget(self.user_label)
        about = QAction("关于(&A)", self)
        about.triggered.connect(self.about)
        bar.addAction(about)

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(Area.EXCHANGE):
            self._reload_years()

    def _reload_years(self) -> None:
        self.ctx.runner.read(lookups.years, on_done=self._fill_years)

    def _fill_years(self, years: list[int]) -> None:
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for year in years:
            self.year_box.addItem(f"{year} 年", year)
        if self.ctx.year in years:
            self.year_box.setCurrentIndex(years.index(self.ctx.year))
        self.year_box.blockSignals(False)

    def _year_chosen(self, index: int) -> None:
        if index >= 0:
            self.ctx.set_year(self.year_box.itemData(index))

    def open_area(self, key: str) -> bool:
        for row, area in enumerate(self.areas):
            if area.key == key:
                self.nav.setCurrentRow(row)
                return True
        return False

    def about(self) -> None:
        QMessageBox.about(self, "关于", f"{APP_NAME}\n版本 {__version__}\n\n县级财政预算绩效全过程管理（离线桌面版）")
