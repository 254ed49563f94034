"""政策设置 tab: the year's result-application policy (grade actions, composite weights, deduction rules,
coefficient bands) in editable tables, its problems shown inline as one types, saved for the year (audited)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from core.common import formatting
from core.common.changes import Area
from core.org.rules.roles import Permission
from core.results import application as results
from core.results.dto import PolicyView
from desktop.pages.results.policy_editor import PolicyEditor
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.shell.page import Page


class ResultPolicyTab(Page):
    areas = frozenset({Area.RESULTS})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view: PolicyView | None = None
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        note = QLabel("本年度（Y）的评价、审核、监控和事前评估结果用于 Y+1 年度预算安排。项目按评价等级增减；"
                      "部门按综合得分查系数表，部门建议总额 = 项目建议合计 × 调整系数（按元四舍五入）。"
                      "缺少数据的组成部分不参与计算，其权重按比例分配给其余各项。", self)
        note.setWordWrap(True)
        self.editor = PolicyEditor(parent=self)
        self.editor.changed.connect(self._edited)
        self.save_button = QPushButton("保存政策(&S)", self)
        self.save_button.clicked.connect(self.save)
        self.defaults_button = QPushButton("恢复默认值", self)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.discard_button = QPushButton("放弃修改", self)
        self.discard_button.clicked.connect(self.reload)
        may_edit = ctx.actor.can(Permission.EVALUATE)
        for button in (self.save_button, self.defaults_button, self.discard_button):
            button.setEnabled(may_edit)
        for view in self.editor.views.values():
            view.setEnabled(may_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.addWidget(note)
        inner.addWidget(self.editor, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(results.policy_view, self.ctx.actor, self.ctx.year, on_done=self._show,
                      on_error=self.failed)

    def _show(self, view: PolicyView) -> None:
        self.view = view
        self.editor.set_policy(view.policy)
        if view.stored and view.updated_at is not None:
            self.status.setText(f"{view.year} 年度政策，{view.updated_by} 于 "
                                f"{formatting.screen_time(view.updated_at)} 保存")
        else:
            self.status.setText(f"{view.year} 年度尚未保存政策，显示默认值")
        self.save_button.setEnabled(self.ctx.actor.can(Permission.EVALUATE))

    def restore_defaults(self) -> None:
        """Put the shipped defaults in the tables; nothing is stored until 保存政策."""
        self.editor.set_policy(results.default_policy())
        self._edited(self.editor.base)

    def _edited(self, policy: object) -> None:
        self.save_button.setEnabled(policy is not None and self.ctx.actor.can(Permission.EVALUATE))

    def save(self) -> None:
        policy, problems = self.editor.current()
        if policy is None or self.ctx.year is None:
            self.editor.problems.setText("\n".join(problems))
            return
        self.save_button.setEnabled(False)
        self.write(results.save_policy, self.ctx.actor, self.ctx.year, policy,
                   on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_error(self, exc, "政策未保存")
