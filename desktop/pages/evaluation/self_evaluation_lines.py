"""The indicator step of the 单位自评 wizard: one row per indicator of the approved goal table, where the unit types
the actual value (or, for a qualitative indicator, picks the level and a score inside its band), may mark it not
applicable or replace the score with a reason; the score and the level totals follow as it types. Next is
refused, on this page and at the row concerned, while a value is missing or wrong."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from core.common import formatting
from core.evaluation.dto import SelfEvaluationDraft
from core.evaluation.rules.scoring import QUAL_BANDS, ScoringError
from core.evaluation.rules.self_evaluation import (
    LEVEL_KEYS,
    LineInput,
    SheetLine,
    SheetResult,
    check_line,
    score_sheet,
)

COLUMNS = ("二级指标", "三级指标", "年度指标值", "分值", "实际完成值", "达成程度", "定性得分", "不适用", "得分",
           "调整得分", "调整理由")
ERROR_COLOUR = "#b22222"


class LineRow:
    """The widgets of one indicator row."""

    def __init__(self, line: SheetLine, parent: QWidget) -> None:
        self.line = line
        self.actual = QLineEdit(parent)
        self.actual.setPlaceholderText("完成情况描述" if line.qualitative else f"数值（{line.unit_of_measure or '无单位'}）")
        self.actual.setAccessibleName(f"{line.name}的实际完成值")
        self.level = QComboBox(parent)
        self.level.addItems(list(QUAL_BANDS))
        self.level.setPlaceholderText("请选择")
        self.level.setAccessibleName(f"{line.name}的达成程度")
        self.score = QLineEdit(parent)
        self.score.setPlaceholderText("得分")
        self.score.setAccessibleName(f"{line.name}的定性得分")
        for widget in (self.level, self.score):
            widget.setVisible(line.qualitative)
        self.not_applicable = QCheckBox(parent)
        self.not_applicable.setAccessibleName(f"{line.name}不适用")
        self.points = QLabel(formatting.score(line.weight), parent)
        self.earned = QLabel("—", parent)
        self.override = QLineEdit(parent)
        self.override.setPlaceholderText("可选")
        self.override.setAccessibleName(f"{line.name}的调整得分")
        self.reason = QLineEdit(parent)
        self.reason.setPlaceholderText("调整得分时必填")
        self.reason.setAccessibleName(f"{line.name}的调整理由")
        self.not_applicable.toggled.connect(self._enable)

    def inputs(self) -> list[QWidget]:
        return [self.actual, self.level, self.score, self.override, self.reason]

    def _enable(self, checked: bool) -> None:
        for widget in self.inputs():
            widget.setEnabled(not checked)

    def load(self, inp: LineInput) -> None:
        self.actual.setText(inp.actual)
        self.level.setCurrentIndex(self.level.findText(inp.level) if inp.level else -1)
        self.score.setText(inp.score)
        self.not_applicable.setChecked(not inp.applicable)
        self.override.setText(inp.override)
        self.reason.setText(inp.override_reason)
        self._enable(not inp.applicable)

    def value(self, analysis: str = "") -> LineInput:
        return LineInput(self.line.key, self.actual.text(), self.level.currentText() if self.level.currentIndex() >= 0
                         else "", self.score.text(), not self.not_applicable.isChecked(), self.override.text(),
                         self.reason.text(), analysis)

    def first_input(self) -> QWidget:
        if self.line.qualitative and self.level.currentIndex() < 0:
            return self.level
        if self.line.qualitative and self.level.currentIndex() >= 0 and not self.score.text().strip():
            return self.score
        if self.override.text().strip() and not self.reason.text().strip():
            return self.reason
        return self.actual

    def show_band(self) -> None:
        """A qualitative row's score box shows the band of the level chosen, e.g. 18.00–24.00."""
        if self.line.qualitative and self.level.currentIndex() >= 0:
            low, high = QUAL_BANDS[self.level.currentText()]
            self.score.setPlaceholderText(f"{formatting.score(self.line.weight * low)}–{formatting.score(self.line.weight * high)}")

    def show_score(self, applicable: bool, points: Decimal, earned: Decimal | None, error: str | None) -> None:
        self.points.setText(formatting.score(points) if applicable else "—")
        self.earned.setText("有误" if error else (formatting.score(earned) if applicable else "不计分"))
        self.earned.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")
        self.earned.setToolTip(error or "")


class IndicatorPage(QWizardPage):
    """Wizard step 3: the indicators."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("第三步：绩效指标完成情况")
        self.setSubTitle("逐项填写实际完成值；定性指标选择达成程度并在区间内打分。不适用的指标不计分，"
                         "其分值按比例分给同级其他指标；手工调整得分须写明理由。")
        self.rows: dict[str, LineRow] = {}
        self.draft: SelfEvaluationDraft | None = None
        self.figures: tuple[Decimal | None, Decimal | None] = (None, None)
        self.body = QWidget(self)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.body)
        self.totals = QLabel("", self)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.message)

    def load(self, draft: SelfEvaluationDraft) -> None:
        """Build one row per indicator (grouped under its 一级指标) and fill in what was saved."""
        self.draft = draft
        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setHorizontalSpacing(6)
        for column, title in enumerate(COLUMNS):
            grid.addWidget(QLabel(f"<b>{title}</b>", body), 0, column)
        self.rows = {}
        row = 1
        for level1 in LEVEL_KEYS:
            members = [line for line in draft.lines if line.level1 == level1]
            if not members:
                continue
            grid.addWidget(QLabel(f"<b>{level1}</b>", body), row, 0, 1, len(COLUMNS))
            row += 1
            for line in members:
                self.rows[line.key] = self._add_row(grid, row, line, body)
                self.rows[line.key].load(draft.input_for(line.key))
                row += 1
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(10, 2)
        self.scroll.setWidget(body)
        self.body = body
        self.message.setText("")
        self.refresh()

    def _add_row(self, grid: QGridLayout, row: int, line: SheetLine, body: QWidget) -> LineRow:
        widgets = LineRow(line, body)
        name = QLabel(line.name, body)
        name.setWordWrap(True)
        name.setBuddy(widgets.actual)
        name.setToolTip(f"{line.level1} / {line.level2} / {line.name}")
        cells: list[QWidget] = [QLabel(line.level2, body), name, QLabel(line.target_label, body), widgets.points,
                                widgets.actual, widgets.level, widgets.score, widgets.not_applicable, widgets.earned,
                                widgets.override, widgets.reason]
        for column, widget in enumerate(cells):
            grid.addWidget(widget, row, column)
        for widget in (widgets.actual, widgets.score, widgets.override, widgets.reason):
            widget.textChanged.connect(self.refresh)
        widgets.level.currentIndexChanged.connect(self.refresh)
        widgets.not_applicable.toggled.connect(self.refresh)
        widgets.actual.setMinimumWidth(90)
        widgets.override.setMaximumWidth(70)
        widgets.score.setMaximumWidth(90)
        return widgets

    def inputs(self) -> dict[str, LineInput]:
        return {key: row.value() for key, row in self.rows.items()}

    def sheet(self, complete: bool = False) -> SheetResult:
        assert self.draft is not None
        budget, executed = self.figures
        return score_sheet(self.draft.lines, self.inputs(), self.draft.weights, budget, executed, complete)

    def refresh(self) -> None:
        """Scores as typed: each row alone first (a wrong value marks only its row), then re-scaled."""
        if self.draft is None:
            return
        errors: dict[str, str] = {}
        for row in self.rows.values():
            try:
                alone = check_line(row.line, row.value())
            except ScoringError as exc:
                errors[row.line.key] = str(exc)
                alone = None
            row.show_band()
            row.show_score(not row.not_applicable.isChecked(), row.line.weight, alone.earned if alone else None,
                           errors.get(row.line.key))
        if errors:
            self.totals.setText("标为“有误”的指标填写不正确（鼠标停在“有误”上可看原因），改正后再计算合计。")
            return
        try:
            result = self.sheet()
        except ScoringError as exc:  # e.g. every line marked not applicable
            self.totals.setText(str(exc))
            return
        for key, row in self.rows.items():
            r = result.line(key)
            row.show_score(r.applicable, r.points, r.earned, None)
        parts = [f"{level1[:-2]} {formatting.score(result.level_earned.get(level1))} / {formatting.score(points)}"
                 for level1, points in result.level_points.items()]
        self.totals.setText("当前得分：" + "　".join(parts))

    def validatePage(self) -> bool:
        """Every line complete and right, checked row by row so the cursor lands on the row at fault."""
        for row in self.rows.values():
            try:
                check_line(row.line, row.value(), complete=True)
            except ScoringError as exc:
                self.message.setText(str(exc))
                widget = row.first_input()
                widget.setFocus()
                self.scroll.ensureWidgetVisible(widget)
                return False
        try:
            self.sheet(complete=True)
        except ScoringError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText("")
        return True

    def focus_first(self) -> None:
        first = next(iter(self.rows.values()), None)
        if first is not None:
            first.actual.setFocus(Qt.FocusReason.TabFocusReason)
