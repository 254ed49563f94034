"""审核 area, the reviewer workspace: the queue of goal tables that reached review, with counters (待审/已审/退回),
filters (department, stage, severity, amount) and search; Enter opens the review view on the filtered order;
batch approval of a department's clean tables; opinion letters (审核意见书) per project and per department.

The queue is loaded once per year on the background helper; filtering and sorting happen in the proxy, and a
decision refreshes only the rows it touched, so the queue stays responsive with thousands of tables.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.changes import Area, Changes
from core.org.rules.roles import Permission
from core.review import letter_pdfs as reports
from core.review import workspace as review
from core.review.dto import Queue, QueueRow
from desktop.pages.review.table_panel import SEVERITY_COLOURS
from desktop.pages.review.workspace import ReviewWorkspace
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.report_preview import ReportLauncher
from desktop.widgets.table_model import ROW_ROLE, Column, RowTableModel

SEVERITY_FILTERS = (("全部问题", None), ("有错误", "error"), ("有警告（无错误）", "warning"),
                    ("仅提示", "info"), ("无问题", "none"))


class QueueFilter(QSortFilterProxyModel):
    """Text search plus the queue's own filters: department, stage, worst severity, minimum amount."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.department: int | None = None
        self.stage: str | None = None
        self.severity: str | None = None
        self.min_amount: Decimal | None = None

    def set_filters(self, department: int | None, stage: str | None, severity: str | None,
                    min_amount: Decimal | None) -> None:
        self.beginFilterChange()
        self.department, self.stage, self.severity, self.min_amount = department, stage, severity, min_amount
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row: QueueRow = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if self.department is not None and row.department_id != self.department:
            return False
        if self.stage is not None and row.stage != self.stage:
            return False
        if self.severity is not None and row.severity != self.severity:
            return False
        if self.min_amount is not None and row.total_amount < self.min_amount:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def _severity_colour(row: QueueRow) -> str | None:
    return SEVERITY_COLOURS.get(row.severity)


class ReviewPage(Page):
    areas = frozenset({Area.EXANTE, Area.GOALS, Area.SETTINGS, Area.UNITS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.queue: Queue | None = None
        self._touched: set[int] = set()
        self.model: RowTableModel[QueueRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("部门/镇街", lambda r: r.department_name),
            Column("金额（万元）", lambda r: r.total_amount, align_right=True),
            Column("预审得分", lambda r: r.score, align_right=True, text=lambda v: f"{v}",
                   colour=_severity_colour),
            Column("错误", lambda r: r.errors, align_right=True, colour=_severity_colour),
            Column("警告", lambda r: r.warnings, align_right=True),
            Column("提示", lambda r: r.infos, align_right=True),
            Column("环节", lambda r: r.stage), Column("结论", lambda r: r.grade_label),
            Column("属性", lambda r: r.attribute_label), Column("单位", lambda r: r.unit_name),
            Column("审核人", lambda r: r.reviewed_by), Column("版本", lambda r: r.version, align_right=True)])
        self.filter = QueueFilter(self)
        self.table = SearchableTable(self.model, "搜索项目编码、名称、单位…（Ctrl+F）", self, proxy=self.filter)
        self.table.view.verticalHeader().setVisible(False)
        self.table.view.activated.connect(lambda _index: self.open_selected())
        self.table.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.department = QComboBox(self)
        self.department.setObjectName("departmentFilter")
        self.department.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.department.setMinimumContentsLength(8)
        self.stage = QComboBox(self)
        for label, value in (("全部环节", None), ("待审", "待审"), ("已审", "已审"), ("退回", "退回")):
            self.stage.addItem(label, value)
        self.stage.setCurrentIndex(1)
        self.severity = QComboBox(self)
        for label, value in SEVERITY_FILTERS:
            self.severity.addItem(label, value)
        self.min_amount = QLineEdit(self)
        self.min_amount.setPlaceholderText("如 100")
        self.min_amount.setFixedWidth(80)
        for combo in (self.department, self.stage, self.severity):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.min_amount.textChanged.connect(lambda _t: self.apply_filters())
        self.counters = QLabel("", self)
        self.counters.setObjectName("reviewCounters")
        self.shown = QLabel("", self)  # how many rows the filters show
        self.notice = QLabel("", self)  # the outcome of the last action; a reload's count does not replace it
        self.notice.setObjectName("reviewNotice")
        filters = QHBoxLayout()
        for text, widget in (("部门(&B)：", self.department), ("环节(&H)：", self.stage),
                             ("问题(&W)：", self.severity), ("金额≥(&J)：", self.min_amount)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.shown)
        self.open_button = QPushButton("开始审核(&R)", self)
        self.open_button.clicked.connect(self.open_selected)
        self.batch_button = QPushButton("批量通过无问题的表(&T)…", self)
        self.batch_button.clicked.connect(self.ask_batch_approve)
        self.letter_button = QPushButton("审核意见书(&Y)", self)
        self.letter_button.clicked.connect(self.project_letter)
        self.department_letter_button = QPushButton("部门汇总意见书(&U)", self)
        self.department_letter_button.clicked.connect(self.department_letter)
        self.reload_button = QPushButton("重新预审(&E)", self)
        self.reload_button.clicked.connect(self.reload)
        can_review = ctx.actor.can(Permission.REVIEW_GOALS)
        self.open_button.setText("开始审核(&R)" if can_review else "查看(&R)")
        self.batch_button.setVisible(can_review)
        actions = QHBoxLayout()
        for w in (self.open_button, self.batch_button, self.letter_button, self.department_letter_button,
                  self.reload_button):
            actions.addWidget(w)
        actions.addWidget(self.notice)
        actions.addStretch(1)
        actions.addWidget(self.counters)
        self.letters = ReportLauncher(self, ctx.runner, self.letter_button)
        self.department_letters = ReportLauncher(self, ctx.runner, self.department_letter_button)
        queue_page = QWidget(self)
        queue_layout = QVBoxLayout(queue_page)
        heading = QLabel("绩效目标审核", queue_page)
        heading.setObjectName("pageHeading")
        queue_layout.addWidget(heading)
        queue_layout.addLayout(actions)
        queue_layout.addLayout(filters)
        queue_layout.addWidget(self.table, 1)
        self.workspace = ReviewWorkspace(ctx, self)
        self.workspace.back.connect(self.show_queue)
        self.workspace.touched.connect(self._touched.add)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(queue_page)
        self.stack.addWidget(self.workspace)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.batch_dialog: QMessageBox | None = None

    # -- loading ----------------------------------------------------------------------------------------------

    def listens_to(self, changes: Changes, initiator: QObject | None) -> bool:
        """Decisions come from this page and its workspace, which refresh the rows they touched (`_touched`)
        instead of pre-reviewing the whole year again."""
        return not changes.touches(Area.REVIEW) and super().listens_to(changes, initiator)

    def load(self) -> None:
        if self.ctx.year is None:
            return
        self.counters.setText("正在预审…")
        self.read(review.load_queue, self.ctx.actor, self.ctx.year, on_done=self._show,
                  on_error=self.failed)

    def _show(self, queue: Queue) -> None:
        self.queue = queue
        self._touched.clear()
        self.model.set_rows(queue.rows)
        self._fill_departments(queue)
        self._update_counters()
        self.apply_filters()
        view = self.table.view
        view.resizeColumnsToContents()
        view.setColumnWidth(1, min(view.columnWidth(1), 340))
        view.setColumnWidth(2, min(view.columnWidth(2), 150))

    def _fill_departments(self, queue: Queue) -> None:
        chosen = self.department.currentData()
        names = sorted({(r.department_name, r.department_id) for r in queue.rows})
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("全部部门", None)
        for name, dept_id in names:
            self.department.addItem(name, dept_id)
        index = self.department.findData(chosen)
        self.department.setCurrentIndex(max(index, 0))
        self.department.blockSignals(False)

    def _update_counters(self) -> None:
        counts = Queue(self.ctx.year or 0, tuple(self.model.rows())).counters()
        self.counters.setText("　".join(f"{k} {v}" for k, v in counts.items()))

    def apply_filters(self) -> None:
        try:
            amount = Decimal(self.min_amount.text().strip()) if self.min_amount.text().strip() else None
            self.min_amount.setStyleSheet("")
        except InvalidOperation:
            amount = None
            self.min_amount.setStyleSheet("color: #b00020;")
        self.filter.set_filters(self.department.currentData(), self.stage.currentData(), self.severity.currentData(),
                                amount)
        self.shown.setText(f"显示 {self.filter.rowCount()} / {self.model.rowCount()} 张")

    def visible_rows(self) -> list[QueueRow]:
        return [self.filter.index(i, 0).data(ROW_ROLE) for i in range(self.filter.rowCount())]

    # -- review view ------------------------------------------------------------------------------------------

    def open_selected(self) -> None:
        rows = self.visible_rows()
        if not rows:
            return
        current = self.table.view.currentIndex()
        index = current.row() if current.isValid() else 0
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.start([r.project_id for r in rows], index, self.queue.base if self.queue else None)

    def show_queue(self) -> None:
        self.stack.setCurrentIndex(0)
        self.table.view.setFocus()
        if self._touched and self.queue is not None:
            touched, self._touched = sorted(self._touched), set()
            self.read(review.queue_rows, self.ctx.actor, self.queue.year, touched, self.queue.base,
                      on_done=self._refresh_rows, on_error=self.failed)

    def _refresh_rows(self, rows: list[QueueRow]) -> None:
        self.model.replace_rows(rows, key=lambda r: r.project_id)
        self._update_counters()
        self.apply_filters()

    # -- batch approval ---------------------------------------------------------------------------------------

    def clean_rows(self) -> list[QueueRow]:
        """Visible tables waiting for review whose pre-review found nothing but reminders."""
        return [r for r in self.visible_rows() if r.stage == "待审" and r.severity in ("info", "none")]

    def ask_batch_approve(self) -> None:
        rows = self.clean_rows()
        if self.department.currentData() is None:
            self.notice.setText("批量通过请先在“部门”中选择一个部门或镇街，逐部门过目后再通过。")
            return
        if not rows:
            self.notice.setText("当前筛选下没有预审无错误、无警告的待审目标表。")
            return
        amount = sum((r.total_amount for r in rows), Decimal(0))
        box = QMessageBox(QMessageBox.Icon.Question, "批量通过",
                          f"将以“优·审核通过”通过 {self.department.currentText()} 的 {len(rows)} 张目标表"
                          f"（合计 {formatting.amount(amount)} 万元），它们的预审没有错误和警告。\n\n"
                          + "\n".join(f"· {r.project_code} {r.project_name}" for r in rows[:12])
                          + ("\n……" if len(rows) > 12 else ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText("全部通过(&Y)")
        box.button(QMessageBox.StandardButton.No).setText("取消(&N)")
        box.accepted.connect(lambda: self.batch_approve(rows))
        self.batch_dialog = box
        box.open()

    def batch_approve(self, rows: list[QueueRow]) -> None:
        tokens = {r.project_id: r.updated_at for r in rows}
        self._touched.update(tokens)
        self.write(review.batch_approve, self.ctx.actor, tokens, self.queue.base if self.queue else None,
                   on_done=self._batched, on_error=self.failed)

    def _batched(self, done: review.BatchApproved) -> None:
        self.notice.setText(f"已批量通过 {done.count} 张目标表。")
        self.show_queue()

    # -- letters ----------------------------------------------------------------------------------------------

    def project_letter(self) -> None:
        row = self.table.selected_row()
        if row is not None:
            self.letters.build(f"审核意见书-{row.project_code}.pdf", reports.review_letter_pdf, self.ctx.actor,
                               row.project_id)

    def department_letter(self) -> None:
        row = self.table.selected_row()
        dept = self.department.currentData() or (row.department_id if row else None)
        if dept is not None and self.ctx.year is not None:
            self.department_letters.build(f"审核意见书-部门-{dept}.pdf", reports.department_review_letters_pdf,
                                          self.ctx.actor, self.ctx.year, dept)
