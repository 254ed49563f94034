"""The what-if panel of the 预算安排建议 tab: edit the grade percentages and the coefficient bands and watch
本年合计 / 建议合计 / 增减 move at once — nothing is stored until 保存政策; 放弃 goes back to the stored policy."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.common import formatting
from core.results.dto import SuggestionTotals
from core.results.rules import policy as rules
from desktop.pages.results.policy_editor import PolicyEditor


class WhatIfPanel(QGroupBox):
    """`policy_changed` carries the edited policy (None while it has problems); `save_requested` the policy to
    store; `discarded` asks for the stored policy back."""

    policy_changed = Signal(object)
    save_requested = Signal(object)
    discarded = Signal()

    def __init__(self, may_save: bool, parent: QWidget | None = None) -> None:
        super().__init__("模拟测算（修改后立即重算，保存前不写入）", parent)
        self.may_save = may_save
        self.stored: rules.Policy | None = None
        self.editor = PolicyEditor(("grades", "bands"), columns=1, parent=self)
        self.editor.changed.connect(self._edited)
        self.this_year = QLabel("—", self)
        self.suggested = QLabel("—", self)
        self.change = QLabel("—", self)
        self.state = QLabel("", self)
        self.state.setWordWrap(True)
        figures = QFormLayout()
        figures.addRow("本年合计（万元）：", self.this_year)
        figures.addRow("建议合计（万元）：", self.suggested)
        figures.addRow("增减（万元）：", self.change)
        self.save_button = QPushButton("保存政策(&S)", self)
        self.save_button.clicked.connect(self._save)
        self.discard_button = QPushButton("放弃(&D)", self)
        self.discard_button.clicked.connect(self.discarded.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addLayout(figures)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._set_dirty(False)

    def set_policy(self, policy: rules.Policy) -> None:
        """Show the stored policy (after loading or 放弃)."""
        self.stored = policy
        self.editor.set_policy(policy)
        self._set_dirty(False)

    def show_totals(self, totals: SuggestionTotals) -> None:
        self.this_year.setText(rules.wan(totals.this_year))
        self.suggested.setText(rules.wan(totals.suggested))
        self.change.setText(formatting.amount(totals.change, formatting.YUAN_PLACES, signed=True))

    def _edited(self, policy: rules.Policy | None) -> None:
        self._set_dirty(policy != self.stored, policy is None)
        self.policy_changed.emit(policy)

    def _set_dirty(self, dirty: bool, invalid: bool = False) -> None:
        self.save_button.setEnabled(self.may_save and dirty and not invalid)
        self.discard_button.setEnabled(dirty)
        if invalid:
            self.state.setText("政策有误，合计未更新（见上方提示）。")
        else:
            self.state.setText("模拟中：表中金额按修改后的政策计算，尚未保存。" if dirty else "当前为已生效的政策。")

    def _save(self) -> None:
        policy, _problems = self.editor.current()
        if policy is not None:
            self.save_requested.emit(policy)
