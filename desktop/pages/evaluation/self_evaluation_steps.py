"""The steps of the 单位自评 wizard other than the indicators (desktop.pages.evaluation.self_evaluation_lines): the project,
the budget execution, the overall goal with the deviation analyses, and the summary. Each refuses Next with its
message in a red label on the page and the cursor on the field at fault."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from core.common import formatting
from core.evaluation.dto import CandidateRow, SelfEvaluationDraft
from core.evaluation.rules.scoring import ScoringError, execution_points, grade
from core.evaluation.rules.self_evaluation import LEVEL_KEYS, check_texts, money_or_error
from db.codes import DraftStatus
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel

if TYPE_CHECKING:  # the wizard imports these pages
    from desktop.pages.evaluation.self_evaluation_wizard import SelfEvaluationWizard


class StepPage(QWizardPage):
    """A step with its error line (red) and a note line (e.g. 已保存草稿) under its content."""

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.note = QLabel("", self)
        self.content = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.content, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.note)

    def wiz(self) -> SelfEvaluationWizard:
        return cast("SelfEvaluationWizard", self.wizard())

    def fail(self, text: str, widget: QWidget | None = None) -> bool:
        self.message.setText(text)
        if widget is not None:
            widget.setFocus()
        return False


class ProjectPage(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("第一步：选择项目", "列出绩效目标表已批复、可以自评的项目；已有草稿的项目将继续上次的填写。", parent)
        self.model: RowTableModel[CandidateRow] = RowTableModel([
            Column("项目编码", lambda r: r.project_code), Column("项目名称", lambda r: r.project_name),
            Column("单位", lambda r: r.unit_name), Column("年初预算（万元）", lambda r: r.amount, align_right=True),
            Column("自评状态", lambda r: r.status_label)])
        self.table = SearchableTable(self.model, "搜索项目编码、名称、单位…", self)
        self.table.view.activated.connect(lambda _index: self.wiz().next())
        self.content.addWidget(self.table)

    def select(self, project_id: int | None) -> None:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).project_id == project_id or (project_id is None and i == 0):
                index = self.table.proxy.mapFromSource(self.model.index(i, 0))
                self.table.view.setCurrentIndex(index)
                self.table.view.selectRow(index.row())
                return

    def validatePage(self) -> bool:
        row = self.table.selected_row()
        if row is None:
            return self.fail("请先在列表中选择一个项目。", self.table.view)
        if row.status == DraftStatus.FINAL:
            return self.fail(f"项目“{row.project_name}”的单位自评已定稿，不能再修改；可在列表中查看自评表。")
        self.message.setText("")
        return self.wiz().open_project(row.project_id)


class BudgetPage(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("第二步：预算执行情况", "全年预算数按年初预算加年中调整预填，全年执行数按本年支付记录预填，"
                         "均可修改（单位：万元）。预算执行率得分 = 全年执行数 ÷ 全年预算数 × 分值，最高为满分。", parent)
        self.initial = QLabel("", self)
        self.budget = QLineEdit(self)
        self.executed = QLineEdit(self)
        self.live = QLabel("", self)
        form = QFormLayout()
        form.addRow("年初预算数（万元）：", self.initial)
        for text, widget in (("全年预算数（万元）(&Y)：", self.budget), ("全年执行数（万元）(&Z)：", self.executed)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
            widget.textChanged.connect(self._update)
            widget.setMaximumWidth(260)
        form.addRow("预算执行率得分：", self.live)
        self.content.addLayout(form)
        self.content.addStretch(1)
        self.weight = Decimal(10)

    def load(self, initial: Decimal, budget: Decimal | None, executed: Decimal | None, weight: Decimal) -> None:
        self.weight = weight
        self.initial.setText(formatting.amount(initial))
        self.budget.setText("" if budget is None else format(budget.normalize(), "f"))
        self.executed.setText("" if executed is None else format(executed.normalize(), "f"))

    def figures(self) -> tuple[Decimal, Decimal]:
        budget = money_or_error(self.budget.text(), "全年预算数")
        if budget <= 0:
            raise ScoringError("全年预算数应大于 0，才能计算预算执行率。")
        return budget, money_or_error(self.executed.text(), "全年执行数")

    def _update(self) -> None:
        try:
            budget, executed = self.figures()
        except ScoringError:
            self.live.setText("—（请填写有效的金额）")
            return
        rate = executed / budget * 100
        self.live.setText(f"执行率 {formatting.percent(rate, 2)}，得分 {execution_points(executed, budget, self.weight)} / "
                          f"{formatting.score(self.weight)} 分")

    def validatePage(self) -> bool:
        try:
            figures = self.figures()
        except ScoringError as exc:
            return self.fail(str(exc), self.executed if "执行数" in str(exc) else self.budget)
        self.message.setText("")
        self.wiz().lines_page.figures = figures
        self.wiz().lines_page.refresh()
        return True


class AnalysisPage(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("第四步：总体目标完成情况与偏差分析", "填写年度总体目标的实际完成情况；失分或不适用的指标须说明偏差原因"
                         "并提出改进措施。", parent)
        self.expected = self._text_box("预期目标（绩效目标表的年度总体目标）(&E)：", 70)
        self.actual = self._text_box("实际完成情况(&A)：", 70)
        self.box = QWidget(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.box)
        self.none_needed = QLabel("所有指标均得满分，无需填写偏差原因分析。", self)
        self.content.addWidget(QLabel("<b>偏差原因分析及改进措施</b>", self))
        self.content.addWidget(self.none_needed)
        self.content.addWidget(self.scroll, 1)
        self.editors: dict[str, tuple[QLabel, QPlainTextEdit]] = {}

    def _text_box(self, title: str, height: int) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(height)
        label = QLabel(title, self)
        label.setBuddy(edit)
        self.content.addWidget(label)
        self.content.addWidget(edit)
        return edit

    def load(self, draft: SelfEvaluationDraft) -> None:
        self.expected.setPlainText(draft.goal_expected)
        self.actual.setPlainText(draft.goal_actual)
        self.box = QWidget(self)
        layout = QVBoxLayout(self.box)
        self.editors = {}
        for line in draft.lines:
            label = QLabel(line.name, self.box)
            edit = QPlainTextEdit(draft.input_for(line.key).analysis, self.box)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(60)
            edit.setAccessibleName(f"{line.name}的偏差原因分析及改进措施")
            label.setBuddy(edit)
            layout.addWidget(label)
            layout.addWidget(edit)
            self.editors[line.key] = (label, edit)
        layout.addStretch(1)
        self.scroll.setWidget(self.box)

    def analysis(self, key: str) -> str:
        return self.editors[key][1].toPlainText() if key in self.editors else ""

    def initializePage(self) -> None:
        """Show an analysis box for each line that lost points or is not applicable, as scored now."""
        result = self.wiz().lines_page.sheet(complete=True)
        for line in self.wiz().draft_lines():
            label, edit = self.editors[line.key]
            r = result.line(line.key)
            label.setText(f"{line.name}（不适用，请说明原因）" if not r.applicable else
                          f"{line.name}（得分 {formatting.score(r.earned)} / 分值 {formatting.score(r.points)}）")
            for widget in (label, edit):
                widget.setVisible(r.needs_analysis)
        self.none_needed.setVisible(not any(result.line(k).needs_analysis for k in self.editors))
        self.message.setText("")

    def validatePage(self) -> bool:
        wizard = self.wiz()
        inputs = wizard.line_inputs()
        try:
            check_texts(wizard.draft_lines(), inputs, wizard.lines_page.sheet(complete=True), self.actual.toPlainText())
        except ScoringError as exc:
            empty = next((edit for _label, edit in self.editors.values()
                          if edit.isVisibleTo(self) and not edit.toPlainText().strip()), None)
            return self.fail(str(exc), self.actual if not self.actual.toPlainText().strip() else empty)
        self.message.setText("")
        return True


class SummaryPage(StepPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("第五步：汇总", "核对各部分得分；点击“完成”后自评表定稿，不能再修改。", parent)
        self.form = QFormLayout()
        self.values = {key: QLabel("", self) for key in (*LEVEL_KEYS, "execution", "total", "grade")}
        for key, value in self.values.items():
            title = {"execution": "预算执行率", "total": "总分", "grade": "自评等级"}.get(key, key)
            self.form.addRow(f"{title}：", value)
        big = self.values["total"].font()
        big.setBold(True)
        big.setPointSizeF(big.pointSizeF() * 1.4)
        for key in ("total", "grade"):
            self.values[key].setFont(big)
        self.content.addLayout(self.form)
        self.content.addStretch(1)

    def initializePage(self) -> None:
        wizard = self.wiz()
        result = wizard.lines_page.sheet(complete=True)
        for level1, points in result.level_points.items():
            self.values[level1].setText(f"{formatting.score(result.level_earned[level1])} / {formatting.score(points)} 分")
        for level1 in LEVEL_KEYS:
            self.values[level1].setVisible(level1 in result.level_points)
        self.values["execution"].setText(f"{formatting.score(result.execution_points)} / "
                                         f"{formatting.score(result.execution_weight)} 分（执行率 {formatting.percent(result.execution_rate, 2)}）")
        total = result.total or Decimal(0)
        thresholds = wizard.thresholds()
        bands = "、".join(f"{label} ≥ {bound}" for label, bound in thresholds[:-1])
        self.values["total"].setText(f"{formatting.score(total)} 分")
        self.values["grade"].setText(f"{grade(total, thresholds)}（现行标准：{bands}）")
        self.message.setText("")

    def validatePage(self) -> bool:
        return self.wiz().finalise()
