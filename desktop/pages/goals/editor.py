"""The goal table editor: goal texts, the indicator grid (rows typed or taken from the 指标库), save draft /
submit / adjust with a reason."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.goals import service as goals
from core.goals.dto import GoalTableDetail
from core.goals.rules.goal_table import TEXT_FIELDS, GoalContent, can_edit
from core.goals.rules.indicator_kind import undecided
from core.review import workspace as review
from core.review.dto import Decision
from db.codes import GoalStatus
from desktop.pages.goals.indicators import (
    KIND,
    LEVEL1,
    LEVEL2,
    VALUE,
    IndicatorModel,
    KindDelegate,
    TreeLevelDelegate,
    blank_row,
    from_library,
)
from desktop.pages.library.picker import LibraryPickerDialog
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error


class GoalEditorDialog(QDialog):
    def __init__(self, ctx: AppContext, detail: GoalTableDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.resize(1150, 760)
        self.heading = QLabel(self)
        self.heading.setObjectName("pageHeading")
        self.decision = QLabel("", self)  # the reviewer's opinion when the table came back (or was decided)
        self.decision.setObjectName("reviewDecision")
        self.decision.setWordWrap(True)
        self.decision.setVisible(False)
        self.texts = {key: QPlainTextEdit(self) for key in TEXT_FIELDS}
        form = QFormLayout()
        for key, label in TEXT_FIELDS.items():
            self.texts[key].setMaximumHeight(56)
            self.texts[key].setTabChangesFocus(True)
            form.addRow(f"{label}：", self.texts[key])
        self.model = IndicatorModel()
        self.model.problem.connect(self._show_problem)
        self.grid = QTableView(self)
        self.grid.setModel(self.model)
        self.grid.setItemDelegateForColumn(LEVEL1, TreeLevelDelegate(self.model, LEVEL1, self))
        self.grid.setItemDelegateForColumn(LEVEL2, TreeLevelDelegate(self.model, LEVEL2, self))
        self.grid.setItemDelegateForColumn(KIND, KindDelegate(self))
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.picker: LibraryPickerDialog | None = None
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("add", "添加指标(&A)"), ("library", "从指标库插入(&L)…"), ("remove", "删除指标(&D)"),
            ("save", "保存草稿(&S)"), ("submit", "提交审核(&T)"), ("adjust", "调整(&J)…"), ("close", "关闭"))}
        self.buttons["library"].setToolTip("打开指标库，选择常用指标插入（Ctrl+L）")
        for key, slot in (("add", self.add_row), ("library", self.insert_from_library), ("remove", self.remove_row),
                          ("save", self.save), ("submit", self.submit), ("adjust", self.adjust), ("close", self.reject)):
            self.buttons[key].clicked.connect(slot)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+L"), self, self.insert_from_library)
        row = QHBoxLayout()
        for key in ("add", "library", "remove"):
            row.addWidget(self.buttons[key])
        row.addStretch(1)
        for key in ("save", "submit", "adjust", "close"):
            row.addWidget(self.buttons[key])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.decision)
        layout.addLayout(form)
        layout.addWidget(QLabel("绩效指标（指标值可直接输入“≥50个”“≤90万元”“明显改善”等写法）：", self))
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.show_detail(detail)

    def show_detail(self, detail: GoalTableDetail) -> None:
        self.detail = detail
        editable = can_edit(detail.status)
        self.setWindowTitle(f"绩效目标表 — {detail.project_name}")
        self.heading.setText(f"{detail.project_code}  {detail.project_name}（{detail.unit_name}）  "
                             f"状态：{detail.status_label}  第 {detail.current_version} 版")
        for key, edit in self.texts.items():
            edit.setPlainText(getattr(detail.content, key) or "")
            edit.setReadOnly(not editable and detail.status != GoalStatus.APPROVED)
        self.model.beginResetModel()
        self.model.rows = list(detail.content.indicators)
        self.model.editable = editable or detail.status == GoalStatus.APPROVED
        self.model.endResetModel()
        self.grid.resizeColumnsToContents()
        for key in ("add", "library", "remove"):
            self.buttons[key].setEnabled(self.model.editable)
        self.buttons["save"].setEnabled(editable)
        self.buttons["submit"].setEnabled(editable)
        self.buttons["adjust"].setVisible(detail.status == GoalStatus.APPROVED)
        self.decision.setVisible(False)
        self.message.setText(self.undecided_note())
        if detail.status in (GoalStatus.RETURNED, GoalStatus.REJECTED, GoalStatus.APPROVED):
            self.ctx.runner.read(review.latest_decision, self.ctx.actor, detail.project_id,
                                 on_done=self._show_decision, on_error=lambda _exc: None)

    def _show_decision(self, decision: Decision | None) -> None:
        if decision is None:
            return
        lines = [f"审核意见（第 {decision.version} 版，{decision.grade_label}·{decision.outcome_label}，"
                 f"{decision.reviewed_by}，{formatting.screen_date(decision.decided_at.astimezone())}）："]
        lines += [f"{label}：{text}" for label, text in decision.dimension_opinions]
        if decision.opinion.strip():
            lines.append(decision.opinion.strip())
        self.decision.setText("\n".join(lines))
        self.decision.setVisible(True)

    def undecided_note(self) -> str:
        """Asks for the kinds nobody could infer (empty when every indicator has one)."""
        positions = undecided(self.content())
        if not positions:
            return ""
        return (f"第 {'、'.join(map(str, positions))} 条指标的指标类型待定（无法从度量单位和名称推断），"
                "请在“指标类型”列选择累计型、比率型、时点型或定性。")

    def content(self) -> GoalContent:
        texts = {key: edit.toPlainText().strip() or None for key, edit in self.texts.items()}
        return GoalContent(**texts, indicators=tuple(self.model.rows))

    def add_row(self) -> None:
        current = self.grid.currentIndex()
        position = current.row() + 1 if current.isValid() else len(self.model.rows)
        level1 = self.model.rows[current.row()].level1 if current.isValid() else "产出指标"
        self.model.insert_row(position, blank_row(level1))
        self.grid.setCurrentIndex(self.model.index(position, 2))
        self.grid.edit(self.model.index(position, 2))

    def insert_from_library(self) -> None:
        if not self.buttons["library"].isEnabled():
            return
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = LibraryPickerDialog(self.ctx, self.detail.sector, self)
        self.picker.accepted.connect(self._insert_chosen)
        self.picker.open()

    def _insert_chosen(self) -> None:
        assert self.picker is not None
        present = {row.key for row in self.model.rows}
        rows = [row for row in map(from_library, self.picker.chosen()) if row.key not in present]
        skipped = len(self.picker.chosen()) - len(rows)
        note = f"（{skipped} 条表中已有，未重复插入）" if skipped else ""
        if not rows:
            self.message.setText(f"所选的 {skipped} 条指标表中已有，未重复插入。" if skipped else "")
            return
        first = self.model.append_rows(rows)
        self.grid.resizeColumnToContents(VALUE)
        self.grid.scrollToBottom()
        self.grid.setCurrentIndex(self.model.index(first, VALUE))
        self.grid.setFocus()
        self.message.setText(f"已从指标库插入 {len(rows)} 条指标{note}，请在“指标值”列填写目标值（输入数值即可）。")

    def remove_row(self) -> None:
        current = self.grid.currentIndex()
        if current.isValid():
            self.model.remove_row(current.row())

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)

    def _run(self, service: object, *args: object) -> None:
        self.message.setText("")
        self.ctx.runner.write(service, *args, on_done=lambda _changes: self._reload(),  # type: ignore[arg-type]
                              on_error=self._failed)

    def _reload(self) -> None:
        self.ctx.runner.read(goals.get_table, self.ctx.actor, self.detail.project_id, on_done=self._saved)

    def _saved(self, detail: GoalTableDetail) -> None:
        self.show_detail(detail)
        self.message.setText(f"已保存（第 {detail.current_version} 版，状态：{detail.status_label}）。"
                             + self.undecided_note())

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)

    def save(self) -> None:
        if self.buttons["save"].isEnabled():
            self._run(goals.save_draft, self.ctx.actor, self.detail.project_id, self.content(), self.detail.updated_at)

    def submit(self) -> None:
        self._run(goals.save_and_submit, self.ctx.actor, self.detail.project_id, self.content(),
                  self.detail.updated_at)

    def adjust(self) -> None:
        reason, ok = QInputDialog.getText(self, "调整绩效目标", "调整原因（将记入新版本）：")
        if ok:
            self.adjust_with(reason)

    def adjust_with(self, reason: str) -> None:
        self._run(goals.adjust, self.ctx.actor, self.detail.project_id, self.content(), reason, self.detail.updated_at)
