"""系统管理 → 审核规则: the automatic pre-review rules in a table, an editor for the selected rule and the
deduction per finding; 保存 sends every rule edited since the last load at once, 恢复默认 drops the bureau's tuning.

Errors stay inline (a red label) so that the form keeps its input and tests never meet a modal dialog.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.changes import Area
from core.common.errors import USER_ERRORS
from core.review import rule_settings as review_rules
from core.review.dto import RuleChange, RuleChanges, RuleRow, RuleTable
from core.review.rule_settings import SEVERITY_LABELS
from core.review.rules.model import SEVERITIES
from desktop.pages.org.units import AdminTab, stretch_column
from desktop.shell.context import AppContext
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import ROW_ROLE, Column, RowTableModel

CHANGED_COLOUR = "#1a5fb4"  # rules that differ from the shipped settings
ERROR_STYLE = "color: #b22222;"
MNEMONICS = {"error": "1", "warning": "2", "info": "3"}
JSON_ERRORS = {  # the json module's messages in words a bureau clerk can act on
    "Expecting property name enclosed in double quotes": "参数名应加英文双引号，最后一项后面不能有逗号",
    "Expecting ',' delimiter": "两项之间缺少逗号",
    "Expecting ':' delimiter": "参数名后缺少冒号",
    "Expecting value": "缺少值，或多了逗号",
    "Unterminated string starting at": "引号没有配对",
    "Extra data": "花括号之后还有多余内容",
    "Invalid control character at": "文字中有换行等控制字符",
}


def params_text(params: Any) -> str:
    return json.dumps(params, ensure_ascii=False, indent=2)


def params_summary(params: Any) -> str:
    parts = [f"{k}={f'{len(v)} 项' if isinstance(v, list) else v}" for k, v in params.items()]
    return "，".join(parts) or "—"


def json_problem(exc: json.JSONDecodeError) -> str:
    return f"第 {exc.lineno} 行第 {exc.colno} 列：{JSON_ERRORS.get(exc.msg, exc.msg)}"


def amount(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Draft:
    """The editor's state for one rule, kept while the user looks at other rules; params still as typed."""

    enabled: bool
    severity: str
    params: str


class RuleEditor(QGroupBox):
    """启用, 严重程度 and 参数 (JSON) of one rule, with its shipped defaults beside them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("所选规则", parent)
        self.heading = QLabel("请在上表中选择一条规则。", self)
        self.heading.setStyleSheet("font-weight: bold;")
        self.enabled = QCheckBox("启用(&E)", self)
        self.severity = QComboBox(self)
        for code in SEVERITIES:
            self.severity.addItem(SEVERITY_LABELS[code], code)
        severity_label = QLabel("严重程度(&L)：", self)
        severity_label.setBuddy(self.severity)
        self.default_severity = QLabel("", self)
        self.params = QPlainTextEdit(self)
        self.params.setTabChangesFocus(True)  # Tab leaves the box: the form stays keyboard-friendly
        self.params.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.params.setFixedHeight(120)
        params_label = QLabel("参数(&P)：", self)
        params_label.setBuddy(self.params)
        self.default_params = QLabel("", self)
        self.default_params.setWordWrap(True)
        self.default_params.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid = QGridLayout(self)
        grid.addWidget(self.heading, 0, 0, 1, 4)
        grid.addWidget(self.enabled, 1, 0)
        grid.addWidget(severity_label, 1, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.severity, 1, 2)
        grid.addWidget(self.default_severity, 1, 3)
        grid.addWidget(params_label, 2, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.params, 2, 1, 1, 3)
        grid.addWidget(self.default_params, 3, 1, 1, 3)
        grid.setColumnStretch(3, 1)
        self.show_rule(None, None)

    def show_rule(self, row: RuleRow | None, draft: Draft | None) -> None:
        for widget in (self.enabled, self.severity, self.params):
            widget.setEnabled(row is not None)
        if row is None:
            return
        state = draft or Draft(row.enabled, row.severity, params_text(dict(row.params)))
        self.heading.setText(f"{row.id}  {row.title}（{row.dimension}）")
        self.enabled.setChecked(state.enabled)
        self.severity.setCurrentIndex(max(self.severity.findData(state.severity), 0))
        self.default_severity.setText(f"默认：{'启用' if row.default_enabled else '停用'}，"
                                      f"{SEVERITY_LABELS[row.default_severity]}")
        self.params.setPlainText(state.params)
        self.params.setReadOnly(not row.default_params)
        self.default_params.setText(
            f"默认参数：{json.dumps(dict(row.default_params), ensure_ascii=False)}（数值写成带引号的文字，如 \"90\"）"
            if row.default_params else "本规则没有可调参数。")

    def draft(self) -> Draft:
        return Draft(self.enabled.isChecked(), self.severity.currentData(), self.params.toPlainText())


class RulesTab(AdminTab):
    """The rule table, the editor of the selected rule and the deductions; saves all edits or none."""

    areas = frozenset({Area.REVIEW_RULES})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rules: dict[str, RuleRow] = {}
        self.deductions: dict[str, Decimal] = {}
        self.drafts: dict[str, Draft] = {}
        self.current_id: str | None = None
        intro = QLabel("自动预审按下列规则检查绩效目标表。可停用规则、调整严重程度和参数；"
                       "蓝色为已调整过的规则。修改后按“保存”生效，“恢复默认”恢复出厂设置。", self)
        intro.setWordWrap(True)
        self.model: RowTableModel[RuleRow] = RowTableModel([
            Column("编号", lambda r: r.id, colour=self._colour), Column("维度", lambda r: r.dimension),
            Column("名称", lambda r: r.title, colour=self._colour), Column("启用", lambda r: r.enabled),
            Column("严重程度", lambda r: SEVERITY_LABELS[r.severity], colour=self._colour),
            Column("参数", lambda r: params_summary(r.params))])
        self.table = SearchableTable(self.model, "搜索编号、名称、维度…", self)
        stretch_column(self.table, 5)
        self.table.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.editor = RuleEditor(self)
        self.deduction_edits: dict[str, QLineEdit] = {}
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.save_button = QPushButton("保存(&S)", self)
        self.reset_button = QPushButton("恢复默认(&R)", self)
        self.save_button.clicked.connect(self.save)
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self._deduction_box())
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _deduction_box(self) -> QGroupBox:
        box = QGroupBox("每条问题的扣分（质量分 = 100 − 扣分合计）", self)
        row = QHBoxLayout(box)
        for code in SEVERITIES:
            edit = QLineEdit(box)
            edit.setMaximumWidth(80)
            label = QLabel(f"{SEVERITY_LABELS[code]}(&{MNEMONICS[code]})：", box)
            label.setBuddy(edit)
            row.addWidget(label)
            row.addWidget(edit)
            row.addSpacing(16)
            self.deduction_edits[code] = edit
        self.default_deductions = QLabel("", box)
        row.addWidget(self.default_deductions)
        row.addStretch(1)
        return box

    def _colour(self, row: RuleRow) -> str | None:
        return CHANGED_COLOUR if row.overridden else None

    def load(self) -> None:
        self.read(review_rules.list_rules, self.ctx.actor, on_done=self._show, on_error=self.failed)

    def _show(self, table: RuleTable) -> None:
        keep = self.current_id
        self.current_id = None
        self.drafts = {}
        self.rules = {r.id: r for r in table.rules}
        self.deductions = dict(table.deductions)
        self.model.set_rows(table.rules)
        self.table.fit_columns()
        for code, edit in self.deduction_edits.items():
            edit.setText(amount(table.deductions[code]))
        self.default_deductions.setText("默认：" + "、".join(
            f"{SEVERITY_LABELS[c]} {amount(v)}" for c, v in table.default_deductions.items()))
        if table.problem:
            self.say(table.problem, error=True)
        self.select_rule(keep or (table.rules[0].id if table.rules else ""))

    def select_rule(self, rule_id: str) -> None:
        proxy = self.table.proxy
        for r in range(proxy.rowCount()):
            if proxy.index(r, 0).data(ROW_ROLE).id == rule_id:
                self.table.view.setCurrentIndex(proxy.index(r, 0))
                return

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._stash()
        row: RuleRow | None = current.data(ROW_ROLE) if current.isValid() else None
        self.current_id = row.id if row else None
        self.editor.show_rule(row, self.drafts.get(row.id) if row else None)

    def _stash(self) -> None:
        """Keep the editor's state of the rule being left, if the user changed anything."""
        row = self.rules.get(self.current_id or "")
        if row is None:
            return
        draft = self.editor.draft()
        if draft != Draft(row.enabled, row.severity, params_text(dict(row.params))):
            self.drafts[row.id] = draft
        else:
            self.drafts.pop(row.id, None)

    def say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")

    def _parsed(self) -> dict[str, RuleChange] | None:
        """The edited rules with their parameters parsed; None (and the reason shown) if some JSON is malformed."""
        out = {}
        for rule_id, draft in sorted(self.drafts.items()):
            try:
                params = json.loads(draft.params or "{}", parse_float=Decimal)
            except json.JSONDecodeError as exc:
                self._refuse(f"规则 {rule_id} 的参数不是有效的 JSON（{json_problem(exc)}）。"
                             f"请按默认参数的写法修改，例如 {{\"名称\": \"90\"}}。", f"{rule_id}.params")
                return None
            if not isinstance(params, dict):
                self._refuse(f"规则 {rule_id} 的参数应为用花括号括起的 JSON 对象，例如 {{\"名称\": \"90\"}}。",
                             f"{rule_id}.params")
                return None
            out[rule_id] = RuleChange(draft.enabled, draft.severity, params)
        return out

    def save(self) -> None:
        self._stash()
        rules = self._parsed()
        if rules is None:
            return
        deductions = {code: edit.text().strip() for code, edit in self.deduction_edits.items()}
        if not rules and deductions == {c: amount(v) for c, v in self.deductions.items()}:
            self.say("没有需要保存的修改。")
            return
        self.save_button.setEnabled(False)
        self.write(review_rules.save_rules, self.ctx.actor, RuleChanges(rules, deductions),
                   on_done=lambda _c: self._done(f"已保存审核规则（修改了 {len(rules)} 条规则）。"),
                   on_error=self._failed)

    def reset(self) -> None:
        self.reset_button.setEnabled(False)
        self.write(review_rules.reset_rules, self.ctx.actor,
                   on_done=lambda _c: self._done("已恢复出厂的审核规则和扣分（原设置已记入审计日志）。"),
                   on_error=self._failed)

    def _done(self, text: str) -> None:
        self.save_button.setEnabled(True)
        self.reset_button.setEnabled(True)
        self.say(text)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.reset_button.setEnabled(True)
        if not isinstance(exc, USER_ERRORS):
            self.failed(exc)
            return
        self._refuse(f"未保存：{exc}", getattr(exc, "field", None) or "")

    def _refuse(self, text: str, field: str) -> None:
        """Show why nothing was saved and put the cursor where the problem is."""
        self.say(text, error=True)
        target, _, part = field.partition(".")
        if target == "deductions" and part in self.deduction_edits:
            self.deduction_edits[part].setFocus()
        elif target in self.rules:
            self.select_rule(target)
            {"enabled": self.editor.enabled, "severity": self.editor.severity}.get(
                part, self.editor.params).setFocus()
