"""The 单位自评 wizard: pick a project → budget execution → each indicator's completion → the overall goal and the
deviation analyses → the total and grade, then 完成 finalises. 保存草稿 on every page keeps a draft to resume;
cancelling leaves nothing (starting never writes). Each step refuses Next with its message in a label on the
page, checked with the same rules the service applies again on saving."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget, QWizard

from core.common.errors import USER_ERRORS
from core.evaluation import self_evaluation as se
from core.evaluation.dto import CandidateRow, SelfEvaluationDraft, SelfEvaluationForm
from core.evaluation.rules.self_evaluation import LineInput, SheetLine
from db.codes import DraftStatus
from desktop.pages.evaluation.self_evaluation_lines import IndicatorPage
from desktop.pages.evaluation.self_evaluation_steps import (
    AnalysisPage,
    BudgetPage,
    ProjectPage,
    StepPage,
    SummaryPage,
)
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error


class SelfEvaluationWizard(QWizard):
    """One project's self-evaluation; `finalised` is True once the service has finalised it."""

    def __init__(self, ctx: AppContext, project_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.draft: SelfEvaluationDraft | None = None
        self.finalised = False
        self._busy = False
        self.setWindowTitle("单位自评")
        self.resize(1220, 760)
        self.project_page, self.budget_page = ProjectPage(self), BudgetPage(self)
        self.lines_page, self.analysis_page, self.summary_page = IndicatorPage(self), AnalysisPage(self), SummaryPage(self)
        for page in (self.project_page, self.budget_page, self.lines_page, self.analysis_page, self.summary_page):
            self.addPage(page)
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        for button, text in ((QWizard.WizardButton.CustomButton1, "保存草稿(&S)"),
                             (QWizard.WizardButton.BackButton, "上一步(&B)"),
                             (QWizard.WizardButton.NextButton, "下一步(&N)"),
                             (QWizard.WizardButton.FinishButton, "完成(&F)"),
                             (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                              QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton])
        self.customButtonClicked.connect(lambda _which: self.save_draft())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_draft)
        self.currentIdChanged.connect(lambda _id: self._update_buttons())
        self._update_buttons()
        self._wanted = project_id
        ctx.runner.read(se.list_candidates, ctx.actor, ctx.year, on_done=self._show_candidates,
                        on_error=self._failed)

    def _show_candidates(self, rows: list[CandidateRow]) -> None:
        self.project_page.model.set_rows(rows)
        self.project_page.table.view.resizeColumnsToContents()
        self.project_page.table.view.setColumnWidth(1, min(self.project_page.table.view.columnWidth(1), 420))
        self.project_page.select(self._wanted)
        if not rows:
            self.project_page.message.setText("没有可以自评的项目：项目的绩效目标表批复后才能进行单位自评。")
        self.project_page.table.search.setFocus()

    def _update_buttons(self) -> None:
        button = self.button(QWizard.WizardButton.CustomButton1)
        button.setEnabled(self.draft is not None and self.draft.editable and self.currentId() > 0)

    def _page(self) -> StepPage | IndicatorPage:
        page = self.currentPage()
        assert isinstance(page, StepPage | IndicatorPage)
        return page

    def open_project(self, project_id: int) -> bool:
        """True when the project's sheet is loaded; otherwise load it and move on when it arrives."""
        if self.draft is not None and self.draft.project_id == project_id:
            return True
        if not self._busy:
            self._busy = True
            self.project_page.note.setText("正在读取项目的绩效目标和执行数据…")
            self.ctx.runner.read(se.start_or_resume, self.ctx.actor, project_id, on_done=self._opened,
                                 on_error=self._open_failed)
        return False

    def _opened(self, draft: SelfEvaluationDraft) -> None:
        self._busy = False
        self.project_page.note.setText("")
        if not draft.editable:  # finalised since the list was read
            self.project_page.message.setText(f"项目“{draft.project_name}”的单位自评已定稿，不能再修改。")
            return
        self.set_draft(draft)
        self.next()

    def _open_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.project_page.note.setText("")
        self._failed(exc)

    def set_draft(self, draft: SelfEvaluationDraft) -> None:
        self.draft = draft
        self.setWindowTitle(f"单位自评 — {draft.project_name}（{draft.status_label}）")
        self.budget_page.load(draft.initial_budget, draft.budget, draft.executed, draft.weights["execution"])
        self.lines_page.figures = (draft.budget, draft.executed)
        self.lines_page.load(draft)
        self.analysis_page.load(draft)
        self._update_buttons()

    def draft_lines(self) -> tuple[SheetLine, ...]:
        return self.draft.lines if self.draft is not None else ()

    def thresholds(self) -> tuple[tuple[str, Decimal], ...]:
        return self.draft.thresholds if self.draft is not None else ()

    def line_inputs(self) -> dict[str, LineInput]:
        return {key: row.value(self.analysis_page.analysis(key)) for key, row in self.lines_page.rows.items()}

    def form(self) -> SelfEvaluationForm:
        return SelfEvaluationForm(self.budget_page.budget.text(), self.budget_page.executed.text(),
                                     self.analysis_page.expected.toPlainText(), self.analysis_page.actual.toPlainText(),
                                     tuple(self.line_inputs().values()))

    def save_draft(self) -> None:
        if self.draft is None or not self.draft.editable:
            return
        page = self._page()
        page.message.setText("")
        self.ctx.runner.write(se.save_draft, self.ctx.actor, self.draft.project_id, self.form(),
                              on_done=lambda _c: self._saved(page), on_error=self._failed)

    def _saved(self, page: StepPage | IndicatorPage) -> None:
        if self.draft is not None and self.draft.status == "new":
            self.draft = replace(self.draft, status=DraftStatus.DRAFT)
        text = "已保存草稿，可随时从列表“继续自评”。"
        if isinstance(page, StepPage):
            page.note.setText(text)
        else:
            page.totals.setText(f"{page.totals.text()}　（{text}）")

    def finalise(self) -> bool:
        """The last page's Finish: True once finalised (then the wizard closes), otherwise ask the service."""
        if self.finalised:
            return True
        if self.draft is not None and not self._busy:
            self._busy = True
            self.summary_page.note.setText("正在定稿…")
            self.ctx.runner.write(se.finalise, self.ctx.actor, self.draft.project_id, self.form(),
                                  on_done=self._finalised, on_error=self._finalise_failed)
        return False

    def _finalised(self, _changes: object) -> None:
        self._busy, self.finalised = False, True
        self.summary_page.note.setText("已定稿。")
        self.accept()

    def _finalise_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.summary_page.note.setText("")
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self._page().message.setText(str(exc))
        else:
            show_error(self, exc)
