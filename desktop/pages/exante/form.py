"""The 事前评估 scoring dialog: one 优/良/中/差 choice per item of the sheet, the live score and conclusion,
the recommended amount and the opinion; 保存 keeps a draft, 定稿 fixes it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.common import formatting
from core.common.errors import USER_ERRORS
from core.exante import service as exante
from core.exante.dto import AssessmentDetail
from core.exante.rules import KINDS, AmountError, conclude, item_score
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error


def parse_amount(text: str, what: str = "建议金额") -> Decimal:
    """An amount typed in 万元 (thousands separators allowed); a Chinese message naming `what` if it is not one."""
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("万元")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"{what}“{text.strip()}”不是有效的数值，请以万元为单位填写，例如 2000 或 1,234.56。") from exc
    if not value.is_finite():
        raise ValueError(f"{what}“{text.strip()}”不是有效的数值。")
    return value


class ExAnteFormDialog(QDialog):
    def __init__(self, ctx: AppContext, detail: AssessmentDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sheet = detail.sheet
        self.resize(900, 820)
        self.heading = QLabel(self)
        self.heading.setObjectName("pageHeading")
        self.heading.setWordWrap(True)
        self.kind = QComboBox(self)
        for code, label in KINDS.items():
            self.kind.addItem(label, code)
        self.combos: dict[str, QComboBox] = {}
        self.item_scores: dict[str, QLabel] = {}
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._sheet_grid())
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.summary.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.summary.setFont(bold)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText("万元")
        self.amount.textChanged.connect(lambda _t: self._update_live())
        self.opinion = QPlainTextEdit(self)
        self.opinion.setTabChangesFocus(True)
        self.opinion.setMaximumHeight(90)
        self.opinion.setPlaceholderText("评估意见：主要问题、核减理由和改进建议")
        form = QFormLayout()
        for text, widget in (("评估方式(&K)：", self.kind), ("建议金额（万元）(&M)：", self.amount),
                             ("评估意见(&Y)：", self.opinion)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.message = QLabel("", self)
        self.message.setObjectName("errorLabel")
        self.message.setWordWrap(True)
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("save", "保存(&S)"), ("finalise", "定稿(&F)…"), ("close", "关闭"))}
        self.buttons["save"].clicked.connect(self.save)
        self.buttons["finalise"].clicked.connect(self.ask_finalise)
        self.buttons["close"].clicked.connect(self.reject)
        self.buttons["save"].setDefault(True)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        for button in self.buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(row)
        # Tab runs down the grades first, then the fields below them and the buttons.
        chain = [*self.combos.values(), self.kind, self.amount, self.opinion, *self.buttons.values()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.show_detail(detail)

    def _sheet_grid(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        for column, title in enumerate(("维度", "评估要点", "分值", "等级", "得分")):
            header = QLabel(f"<b>{title}</b>", box)
            grid.addWidget(header, 0, column)
        row = 1
        for dimension in self.sheet.dimensions:
            grid.addWidget(QLabel(f"{dimension.name}（{dimension.points}分）", box), row, 0,
                           len(dimension.items), 1, Qt.AlignmentFlag.AlignTop)
            for item in dimension.items:
                name = QLabel(item.name, box)
                name.setToolTip(item.description)
                combo = QComboBox(box)
                combo.addItems(list(self.sheet.grade_names))
                combo.setPlaceholderText("请选择")
                combo.setCurrentIndex(-1)
                combo.setToolTip(f"{item.name}：{item.description}")
                combo.currentIndexChanged.connect(lambda _i: self._update_live())
                name.setBuddy(combo)
                self.combos[item.id] = combo
                self.item_scores[item.id] = QLabel("—", box)
                grid.addWidget(name, row, 1)
                grid.addWidget(QLabel(str(item.points), box), row, 2, Qt.AlignmentFlag.AlignRight)
                grid.addWidget(combo, row, 3)
                grid.addWidget(self.item_scores[item.id], row, 4, Qt.AlignmentFlag.AlignRight)
                row += 1
        grid.setColumnStretch(1, 1)
        return box

    def show_detail(self, detail: AssessmentDetail) -> None:
        self.detail = detail
        editable = detail.status != "final"
        self.setWindowTitle(f"事前绩效评估 — {detail.project_name}")
        self.heading.setText(f"{detail.project_code}  {detail.project_name}\n{detail.unit_name}　"
                             f"申请 {formatting.amount(detail.requested)} 万元　状态：{detail.status_label}")
        self.kind.setCurrentIndex(max(0, self.kind.findData(detail.kind)))
        for item_id, combo in self.combos.items():
            combo.setCurrentIndex(combo.findText(detail.grades[item_id]) if item_id in detail.grades else -1)
            combo.setEnabled(editable)
        shown = detail.recommended if detail.recommended is not None else detail.requested
        self.amount.setText(format(shown.normalize(), "f"))  # 1330.610000 → 1330.61, 2000 stays 2000
        self.opinion.setPlainText(detail.opinion)
        for widget in (self.kind, self.amount):
            widget.setEnabled(editable)
        self.opinion.setReadOnly(not editable)
        self.buttons["save"].setEnabled(editable)
        self.buttons["finalise"].setEnabled(editable)
        self._update_live()

    def grades(self) -> dict[str, str]:
        return {item_id: combo.currentText() for item_id, combo in self.combos.items() if combo.currentIndex() >= 0}

    def _update_live(self) -> None:
        grades = self.grades()
        score = Decimal(0)
        for item in self.sheet.items:
            earned = item_score(self.sheet, item, grades[item.id]) if item.id in grades else None
            self.item_scores[item.id].setText("—" if earned is None else str(earned))
            score += earned or 0
        if len(grades) < len(self.sheet.items):
            self.summary.setText(f"已评 {len(grades)}/{len(self.sheet.items)} 项，当前得分 {score} 分")
            return
        try:
            outcome = conclude(score, self.detail.requested, self._amount_for(score), self.sheet.pass_score)
        except (ValueError, AmountError) as exc:
            self.summary.setText(f"得分 {score} 分　{exc}")
            return
        self.summary.setText(f"得分 {score} 分　结论：{outcome.label}　建议 {formatting.amount(outcome.recommended)} 万元"
                             f"　核减 {formatting.amount(outcome.cut)} 万元")

    def _amount_for(self, score: Decimal) -> Decimal:
        if not self.amount.text().strip() and score < self.sheet.pass_score:
            return Decimal(0)
        if not self.amount.text().strip():
            raise ValueError("请填写建议金额（万元）。")
        return parse_amount(self.amount.text())

    def _collected(self) -> tuple[dict[str, str], Decimal] | None:
        """The grades and amount to send, or None after showing what is missing."""
        grades = self.grades()
        missing = [i for i in self.sheet.items if i.id not in grades]
        if missing:
            self.message.setText(f"“{missing[0].dimension}—{missing[0].name}”还没有评定等级。")
            self.combos[missing[0].id].setFocus()
            return None
        score = sum((item_score(self.sheet, i, grades[i.id]) for i in self.sheet.items), Decimal(0))
        try:
            return grades, self._amount_for(score)
        except ValueError as exc:
            self.message.setText(str(exc))
            self.amount.setFocus()
            return None

    def save(self, then_finalise: bool = False) -> None:
        collected = self._collected() if self.buttons["save"].isEnabled() else None
        if collected is None:
            return
        self.message.setText("")
        done = self._finalise_saved if then_finalise else (lambda _c: self._reload("已保存草稿。"))
        self.ctx.runner.write(exante.save_assessment, self.ctx.actor, self.detail.project_id, *collected,
                              self.opinion.toPlainText(), self.kind.currentData(), on_done=done,
                              on_error=self._failed)

    def ask_finalise(self) -> None:
        answer = QMessageBox.question(self, "定稿", "将先保存当前内容再定稿；定稿后评估结论不能再修改。确定定稿吗？")
        if answer == QMessageBox.StandardButton.Yes:
            self.save(then_finalise=True)

    def _finalise_saved(self, _changes: object) -> None:
        self.ctx.runner.write(exante.finalise, self.ctx.actor, self.detail.project_id,
                              on_done=lambda _c: self._reload("已定稿。"),
                              on_error=self._finalise_failed)

    def _finalise_failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self._reload(f"已保存草稿，但未定稿：{exc}")
        else:
            show_error(self, exc)

    def _reload(self, note: str) -> None:
        self.ctx.runner.read(exante.get_assessment, self.ctx.actor, self.detail.project_id,
                             on_done=lambda d: self._show_saved(d, note), on_error=self._failed)

    def _show_saved(self, detail: AssessmentDetail, note: str) -> None:
        self.show_detail(detail)
        self.message.setText(note)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)
