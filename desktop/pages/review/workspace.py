"""The review view of the reviewer workspace: one goal table with its findings next to the fields, last year's
table, and the opinion form (per-dimension opinions, 88号 grade, overall opinion pre-filled from accepted
findings). Everything has a key: F7/F8 or Alt+P/Alt+N previous/next, A/D (or Alt+A/Alt+D) accept/dismiss the
current finding, Alt+1..4 grade 优良中差, Ctrl+S save draft, Ctrl+Enter decide and go on, Esc back to the queue."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.common.labels import GOAL_STATUSES
from core.review import workspace as review
from core.review.dto import ReviewBase, ReviewForm, ReviewView
from core.review.rules.model import DIMENSIONS, Finding
from core.review.rules.outcome import GRADES, finding_key, prefill_dimension_opinions, prefill_opinion
from db.codes import DraftStatus, GoalStatus
from desktop.pages.review.table_panel import SEVERITY_COLOURS, SEVERITY_LABELS, SEVERITY_MARKS, TablePanel
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error

MARK_TEXT = {"accepted": "✔ 采纳", "dismissed": "✘ 不采纳", "open": "　未处理"}


class FindingList(QListWidget):
    """The findings of the open table; A accepts, D dismisses, Space toggles the current one."""

    marked = Signal(str, str)  # finding key, mark

    def keyPressEvent(self, event: QKeyEvent) -> None:
        item = self.currentItem()
        keys = {Qt.Key.Key_A: "accepted", Qt.Key.Key_D: "dismissed"}
        if item is not None and event.key() in keys and not event.modifiers():
            self.marked.emit(item.data(Qt.ItemDataRole.UserRole), keys[event.key()])
            return
        if item is not None and event.key() == Qt.Key.Key_Space:
            now = item.data(Qt.ItemDataRole.UserRole + 1)
            self.marked.emit(item.data(Qt.ItemDataRole.UserRole), "dismissed" if now == "accepted" else "accepted")
            return
        super().keyPressEvent(event)


class ReviewWorkspace(QWidget):
    back = Signal()
    touched = Signal(int)  # a project whose review was saved or decided

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.order: list[int] = []
        self.index = -1
        self.base: ReviewBase | None = None
        self.view: ReviewView | None = None
        self.marks: dict[str, str] = {}
        self._auto_opinion = True  # the opinions follow the accepted findings until the reviewer types
        self._filling = False
        self._after = ""  # a message to show once the reloaded table is on screen
        self.title = QLabel("", self)
        self.title.setObjectName("pageHeading")
        self.title.setWordWrap(True)
        self.banner = QLabel("", self)
        self.banner.setObjectName("reviewBanner")
        self.banner.setWordWrap(True)
        self.current = TablePanel(self)
        self.previous = TablePanel(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.current, "本年目标表")
        self.tabs.addTab(self.previous, "上年目标表")
        self.findings = FindingList(self)
        self.findings.setObjectName("findings")
        self.findings.setWordWrap(True)
        self.findings.marked.connect(self.mark)
        self.findings.currentRowChanged.connect(self._focus_indicator)
        right = QWidget(self)
        form = QVBoxLayout(right)
        form.setContentsMargins(4, 0, 0, 0)
        findings_label = QLabel("预审发现的问题（A 采纳，D 不采纳，空格切换）(&F)：", right)
        findings_label.setBuddy(self.findings)
        form.addWidget(findings_label)
        form.addWidget(self.findings, 2)
        marks_row = QHBoxLayout()
        self.accept_button = QPushButton("采纳(&A)", right)
        self.accept_button.clicked.connect(lambda: self._mark_current("accepted"))
        self.dismiss_button = QPushButton("不采纳(&D)", right)
        self.dismiss_button.clicked.connect(lambda: self._mark_current("dismissed"))
        self.prefill_button = QPushButton("按采纳的问题生成意见(&G)", right)
        self.prefill_button.clicked.connect(self.prefill)
        for w in (self.accept_button, self.dismiss_button, self.prefill_button):
            marks_row.addWidget(w)
        marks_row.addStretch(1)
        form.addLayout(marks_row)
        fields = QFormLayout()
        self.dimension_edits: dict[str, QPlainTextEdit] = {}
        for n, (key, label) in enumerate(DIMENSIONS.items()):
            edit = QPlainTextEdit(right)
            edit.setObjectName(f"opinion_{key}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(52)
            edit.textChanged.connect(self._typed)
            self.dimension_edits[key] = edit
            name = QLabel(f"{label}意见(&{'KLMJ'[n]})：", right)
            name.setBuddy(edit)
            fields.addRow(name, edit)
        self.opinion = QPlainTextEdit(right)
        self.opinion.setObjectName("opinion")
        self.opinion.setTabChangesFocus(True)
        self.opinion.setFixedHeight(90)
        self.opinion.textChanged.connect(self._typed)
        opinion_label = QLabel("综合意见(&O)：", right)
        opinion_label.setBuddy(self.opinion)
        fields.addRow(opinion_label, self.opinion)
        grades = QHBoxLayout()
        self.grade_group = QButtonGroup(self)
        self.grade_buttons: dict[str, QRadioButton] = {}
        for code, grade in GRADES.items():
            button = QRadioButton(f"{grade.label}·{grade.outcome_label}（Alt+{grade.key}）", right)
            button.setToolTip(grade.meaning)
            self.grade_group.addButton(button)
            self.grade_buttons[code] = button
            grades.addWidget(button)
        grades.addStretch(1)
        fields.addRow(QLabel("审核结论：", right), grades)
        form.addLayout(fields, 3)
        self.message = QLabel("", right)
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form.addWidget(self.message)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("返回列表(&Q)", right)
        self.back_button.clicked.connect(self.back.emit)
        self.prev_button = QPushButton("上一张(&P)", right)
        self.prev_button.clicked.connect(lambda: self.go(-1))
        self.next_button = QPushButton("下一张(&N)", right)
        self.next_button.clicked.connect(lambda: self.go(1))
        self.save_button = QPushButton("保存草稿(&S)", right)
        self.save_button.clicked.connect(lambda: self.save(decide=False))
        self.decide_button = QPushButton("提交结论并下一张(&E)", right)
        self.decide_button.setDefault(True)
        self.decide_button.clicked.connect(lambda: self.save(decide=True))
        for w in (self.back_button, self.prev_button, self.next_button, self.save_button, self.decide_button):
            buttons.addWidget(w)
        form.addLayout(buttons)
        splitter = QSplitter(self)
        splitter.addWidget(self.tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        for keys, slot in (("F7", lambda: self.go(-1)), ("F8", lambda: self.go(1)),
                           ("Ctrl+S", lambda: self.save(decide=False)),
                           ("Ctrl+Return", lambda: self.save(decide=True)),
                           ("Ctrl+Enter", lambda: self.save(decide=True)), ("Escape", self.back.emit),
                           *((f"Alt+{g.key}", lambda code=code: self.choose_grade(code)) for code, g in GRADES.items())):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- navigation -------------------------------------------------------------------------------------------

    def start(self, order: list[int], index: int, base: ReviewBase | None) -> None:
        self.order, self.index, self.base = list(order), index, base
        self._load()

    def go(self, step: int) -> None:
        target = self.index + step
        if not (0 <= target < len(self.order)):
            self.message.setText("已是列表中的最后一张。" if step > 0 else "已是列表中的第一张。")
            return
        self.index = target
        self._load()

    def _load(self) -> None:
        self.message.setText("正在打开…")
        self.ctx.runner.read(review.open_review, self.ctx.actor, self.order[self.index], self.base,
                             on_done=self._show, on_error=self._failed)

    def _show(self, view: ReviewView) -> None:
        self.view = view
        t = view.table
        self.title.setText(f"第 {self.index + 1}/{len(self.order)} 张　{t.project_code}　{t.project_name}　"
                           f"（{view.department_name}，{formatting.amount(t.total_amount)} 万元，预审得分 {view.score}）")
        self.current.show_table(t, view.findings)
        if view.previous is not None:
            self.previous.show_table(view.previous)
        self.tabs.setTabEnabled(1, view.previous is not None)
        self.tabs.setTabText(1, "上年目标表" if view.previous is not None else "上年目标表（新增项目，无）")
        self.tabs.setCurrentIndex(0)
        self.marks = {finding_key(f): view.form.marks.get(finding_key(f), "open") for f in view.findings}
        self._fill_findings()
        self._filling = True
        for key, edit in self.dimension_edits.items():
            edit.setPlainText(view.form.dimension_opinions.get(key, ""))
        self.opinion.setPlainText(view.form.opinion)
        self._filling = False
        self._auto_opinion = view.review_status is None
        self.grade_group.setExclusive(False)
        for code, button in self.grade_buttons.items():
            button.setChecked(code == view.form.grade)
        self.grade_group.setExclusive(True)
        editable = view.table.status == GoalStatus.SUBMITTED and not view.decided
        for w in (*self.dimension_edits.values(), self.opinion):
            w.setReadOnly(not editable)
        for w in (*self.grade_buttons.values(), self.accept_button, self.dismiss_button, self.prefill_button,
                  self.save_button, self.decide_button):
            w.setEnabled(editable)
        if view.decided:
            grade = GRADES.get(view.form.grade or "")
            self.banner.setText(f"本版已审核：{grade.label + '（' + grade.outcome_label + '）' if grade else ''}，"
                                f"审核人 {view.reviewed_by}，{formatting.screen_time(view.decided_at)}"
                                if view.decided_at else "本版已审核。")
        elif not editable:
            self.banner.setText(f"该目标表当前状态为“{GOAL_STATUSES[view.table.status]}”，不在待审状态，只能查看。")
        else:
            self.banner.setText("草稿：已保存的意见尚未提交。" if view.review_status == DraftStatus.DRAFT else "")
        self.message.setText(self._after or ("" if view.findings else "预审未发现问题。"))
        self._after = ""
        self.findings.setFocus()
        if self.findings.count():
            self.findings.setCurrentRow(0)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            self.message.setText("")
            show_error(self, exc)

    # -- findings ---------------------------------------------------------------------------------------------

    def _finding_text(self, f: Finding) -> str:
        return (f"{MARK_TEXT[self.marks.get(finding_key(f), 'open')]}　{SEVERITY_MARKS[f.severity]}"
                f"{SEVERITY_LABELS[f.severity]}·{f.dimension}·{f.rule_id}　{f.message}")

    def _fill_findings(self) -> None:
        row = max(self.findings.currentRow(), 0)
        self.findings.clear()
        for f in self.view.findings if self.view else ():
            item = QListWidgetItem(self._finding_text(f))
            item.setData(Qt.ItemDataRole.UserRole, finding_key(f))
            item.setData(Qt.ItemDataRole.UserRole + 1, self.marks.get(finding_key(f), "open"))
            item.setForeground(Qt.GlobalColor.gray if self.marks.get(finding_key(f)) == "dismissed"
                               else QColor(SEVERITY_COLOURS[f.severity]))
            self.findings.addItem(item)
        if self.findings.count():
            self.findings.setCurrentRow(min(row, self.findings.count() - 1))

    def _mark_current(self, mark: str) -> None:
        item = self.findings.currentItem()
        if item is not None:
            self.mark(item.data(Qt.ItemDataRole.UserRole), mark)
        self.findings.setFocus()

    def mark(self, key: str, mark: str) -> None:
        if self.view is None or not self.save_button.isEnabled():
            return
        self.marks[key] = mark
        row = self.findings.currentRow()
        self._fill_findings()
        self.findings.setCurrentRow(min(row + 1, self.findings.count() - 1))
        if self._auto_opinion:
            self.prefill()
            self._auto_opinion = True

    def prefill(self) -> None:
        if self.view is None:
            return
        self._filling = True
        per = prefill_dimension_opinions(self.view.findings, self.marks)
        for key, edit in self.dimension_edits.items():
            edit.setPlainText(per[key])
        self.opinion.setPlainText(prefill_opinion(self.view.findings, self.marks))
        self._filling = False

    def _typed(self) -> None:
        if not self._filling:
            self._auto_opinion = False

    def _focus_indicator(self, row: int) -> None:
        if self.view is None or not (0 <= row < len(self.view.findings)):
            return
        position = self.view.findings[row].indicator_position
        if position is not None:
            for i in range(self.current.model.rowCount()):
                if self.current.model.row_at(i).position == position:
                    self.current.indicators.selectRow(i)
                    self.current.indicators.scrollTo(self.current.model.index(i, 0))

    def choose_grade(self, code: str) -> None:
        button = self.grade_buttons[code]
        if button.isEnabled():
            button.setChecked(True)

    # -- saving -----------------------------------------------------------------------------------------------

    def form(self) -> ReviewForm:
        grade = next((code for code, b in self.grade_buttons.items() if b.isChecked()), None)
        return ReviewForm(grade, {k: e.toPlainText() for k, e in self.dimension_edits.items()},
                                 self.opinion.toPlainText(), {k: v for k, v in self.marks.items() if v != "open"})

    def save(self, decide: bool) -> None:
        if self.view is None or not self.save_button.isEnabled():
            return
        pid = self.view.project_id
        self.message.setText("正在保存…")
        self.ctx.runner.write(review.save_review, self.ctx.actor, pid, self.form(), self.view.updated_at, decide,
                              self.base, on_done=lambda _changes: self._saved(pid, decide),
                              on_error=self._failed)

    def _saved(self, project_id: int, decided: bool) -> None:
        self.touched.emit(project_id)
        if decided and self.index + 1 < len(self.order):
            self.go(1)
            return
        self._after = "已提交结论。这是列表中的最后一张，按 Esc 返回列表。" if decided else "已保存草稿。"
        self._load()

