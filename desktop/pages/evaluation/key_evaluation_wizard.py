"""The key evaluation wizard (财政重点评价 / 部门评价): subject → framework → panel → scores → aggregation →
findings → summary, where 完成 finalises with the score and grade. The evaluation is created at the first step
and every step saves as it is left, so closing the wizard keeps a draft that 继续 reopens. Everything is
reachable with the keyboard: Tab and the mnemonics, Alt+N for 下一步, Alt+B for 上一步, Alt+F for 完成."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from core.common import formatting
from core.common.labels import SUBJECT_KINDS
from core.evaluation import key as key_evaluation
from core.evaluation.dto import RATINGS
from core.evaluation.key_dto import Created, KeyEvaluationDetail, SubjectOption, Subjects
from desktop.pages.evaluation.key_evaluation_framework import FrameworkPage
from desktop.pages.evaluation.key_evaluation_panel import PanelPage
from desktop.pages.evaluation.key_evaluation_results import AggregationPage, TextsPage
from desktop.pages.evaluation.key_evaluation_scores import ScoresPage
from desktop.pages.evaluation.key_evaluation_step import StepPage
from desktop.shell.context import AppContext
from desktop.widgets.table_model import ROW_ROLE, Column, RowTableModel

SUBJECT, FRAMEWORK, PANEL, SCORES, AGGREGATION, TEXTS, SUMMARY = range(7)


class SubjectPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评价对象", "选择被评价的项目、部门，或填写被评价的政策并选择其主管部门。")
        self.subjects = Subjects([], [])
        self.kind = QComboBox(self)
        for code, label in SUBJECT_KINDS.items():
            self.kind.addItem(label, code)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_options())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("输入编码或名称查找")
        self.model: RowTableModel[SubjectOption] = RowTableModel([
            Column("编码", lambda r: r.code), Column("名称", lambda r: r.name), Column("主管单位", lambda r: r.unit_name)])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.search.textChanged.connect(self._filter)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()  # the code identifies the row; source row numbers would confuse
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("政策名称，如 农机购置补贴政策")
        self.fixed = QLabel("", self)
        self.fixed.setWordWrap(True)
        self.list_label = QLabel("评价对象(&O)：", self)
        self.list_label.setBuddy(self.view)
        form = QFormLayout()
        for text, widget in (("对象类型(&K)：", self.kind), ("查找(&F)：", self.search)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.list_label, self.view)
        title_label = QLabel("政策名称(&T)：", self)
        title_label.setBuddy(self.title)
        form.addRow(title_label, self.title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fixed)
        layout.addLayout(form, 1)
        layout.addWidget(self.message)
        self.fields = {"subject": self.view, "title": self.title, "subject_kind": self.kind, "year": self.kind}

    def initializePage(self) -> None:
        detail = self.wiz.detail
        for widget in (self.kind, self.search, self.view, self.title):
            widget.setEnabled(detail is None)
        if detail is not None:
            self.fixed.setText(f"评价对象：{detail.subject}（{detail.subject_kind_label}，{detail.department_name}），"
                               f"已建立评价，不能更改。")
            return
        self.ctx.runner.read(key_evaluation.subjects, self.ctx.actor, self.wiz.year, on_done=self._loaded,
                             on_error=self.failed)

    def _loaded(self, subjects: Subjects) -> None:
        self.subjects = subjects
        self._show_options()

    def _show_options(self) -> None:
        kind = self.kind.currentData()
        self.title.setEnabled(kind == "policy" and self.wiz.detail is None)
        self.list_label.setText("评价对象(&O)：" if kind != "policy" else "主管部门(&O)：")
        self.model.set_rows(self.subjects.projects if kind == "project" else self.subjects.departments)
        self.view.resizeColumnsToContents()
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount() and not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)

    def selected(self) -> SubjectOption | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def submit(self) -> None:
        if self.wiz.detail is not None:
            self.advance()
            return
        option, kind = self.selected(), self.kind.currentData()
        if option is None:
            self.message.setText("请在列表中选择评价对象。" if kind != "policy" else "请选择政策的主管部门。")
            self.view.setFocus()
            return
        self.run(key_evaluation.create, self.wiz.year, kind, option.id, None, title=self.title.text(),
                 then=self._created)

    def _created(self, created: Created) -> None:
        self.wiz.evaluation_id = created.evaluation_id


class SummaryPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评价结论", "核对得分和等级；按“完成”定稿，定稿后评分和报告内容不能再修改。")
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.result = QLabel("", self)
        self.result.setObjectName("pageHeading")
        font = self.result.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.result.setFont(font)
        self.missing = QLabel("", self)
        self.missing.setWordWrap(True)
        self.rating = QComboBox(self)
        self.rating.addItem("暂不评价", None)
        for value, label in sorted(RATINGS.items(), reverse=True):
            self.rating.addItem(f"{value} 分（{label}）", value)
        self.rating_label = QLabel("机构工作质量(&Q)：", self)
        self.rating_label.setBuddy(self.rating)
        form = QFormLayout()
        form.addRow(self.rating_label, self.rating)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(12)
        layout.addWidget(self.result)
        layout.addSpacing(12)
        layout.addWidget(self.missing)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self.fields = {"agency_rating": self.rating}
        self.setFinalPage(True)

    def initializePage(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        d = self.wiz.detail
        if d is None:
            return
        money = f"，预算 {formatting.amount(d.budget)} 万元" if d.budget is not None else ""
        lead = next((p.name for p in d.panel if p.role == "lead"), "未设")
        self.summary.setText(
            f"评价对象：{d.subject}（{d.subject_kind_label}，{d.department_name}{money}）\n"
            f"指标体系：{d.template_name}，{len(d.items)} 项指标\n"
            f"评价组：{len(d.panel)} 名专家，组长 {lead}" + (f"；第三方机构：{d.agency_name}" if d.agency_name else ""))
        self.result.setText(f"综合得分 {d.score} 分　评价等级：{d.grade}" if d.score is not None
                            else "评分尚未完成，暂无得分和等级")
        self.missing.setText("尚未完成：\n" + "\n".join(f"• {m}" for m in d.missing) if d.missing
                             else "各步骤已完成，可以定稿。")
        self.missing.setStyleSheet("color: #9a6700;" if d.missing else "")
        has_agency = d.agency_id is not None
        self.rating.setVisible(has_agency)
        self.rating_label.setVisible(has_agency)
        self.rating.setCurrentIndex(max(0, self.rating.findData(d.agency_rating)))

    def submit(self) -> None:
        d = self.wiz.detail
        if d is None:
            return
        rating = self.rating.currentData()
        if d.agency_id is not None and rating != d.agency_rating:
            self.wiz.set_busy(True)
            self.ctx.runner.write(key_evaluation.rate_agency, self.ctx.actor, d.id, rating,
                                  on_done=lambda _c: self.run(key_evaluation.finalise, d.id), on_error=self.failed)
            return
        self.run(key_evaluation.finalise, d.id)

    def failed(self, exc: BaseException) -> None:
        super().failed(exc)
        self.wiz.refresh(self.show_detail)  # a rating may have been saved before finalising was refused


class KeyEvaluationWizard(QWizard):
    """`detail` None starts a new evaluation of `ctx.year`; otherwise the draft is continued."""

    def __init__(self, ctx: AppContext, detail: KeyEvaluationDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.evaluation_id: int | None = detail.id if detail else None
        self.year = detail.year if detail else ctx.year or 0
        self.busy = False
        self.setWindowTitle("财政重点评价" + (f" — {detail.subject}" if detail else ""))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in ((QWizard.WizardButton.NextButton, "下一步(&N) >"),
                             (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
                             (QWizard.WizardButton.FinishButton, "完成(&F)"),
                             (QWizard.WizardButton.CancelButton, "关闭")):
            self.setButtonText(button, text)
        self.resize(1000, 720)
        self.pages: list[StepPage] = [SubjectPage(self), FrameworkPage(self), PanelPage(self), ScoresPage(self),
                                      AggregationPage(self), TextsPage(self), SummaryPage(self)]
        for n, page in enumerate(self.pages):
            self.setPage(n, page)

    def set_busy(self, busy: bool) -> None:
        if busy and not self.busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        elif self.busy and not busy:
            QApplication.restoreOverrideCursor()
        self.busy = busy

    def refresh(self, then: Callable[[], object]) -> None:
        """Reload the evaluation, then `then()`."""
        if self.evaluation_id is None:
            then()
            return
        self.set_busy(True)

        def loaded(detail: KeyEvaluationDetail) -> None:
            self.detail = detail
            self.set_busy(False)
            then()

        self.ctx.runner.read(key_evaluation.get_evaluation, self.ctx.actor, self.evaluation_id, on_done=loaded,
                             on_error=self.pages[self.currentId()].failed)

    def done(self, result: int) -> None:
        if self.busy:
            self.set_busy(False)
        super().done(result)
