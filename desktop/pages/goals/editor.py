"""The goal table editor: goal texts, the indicator grid (rows typed or taken from the 指标库), save draft /
submit / adjust with a reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from core.goals import service as goals
from core.goals.dto import GoalTableDetail
from core.goals.rules.goal_table import TEXT_FIELDS, GoalContent, can_edit
from core.goals.rules.indicator_kind import undecided
from db.codes import GoalStatus
from desktop.pages.goals.indicator_grid import IndicatorGrid
from desktop.pages.goals.table_editor import TableEditorDialog
from desktop.shell.context import AppContext


class GoalEditorDialog(TableEditorDialog):
    def __init__(self, ctx: AppContext, detail: GoalTableDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.resize(1150, 760)
        self.texts = {key: QPlainTextEdit(self) for key in TEXT_FIELDS}
        form = QFormLayout()
        for key, label in TEXT_FIELDS.items():
            self.texts[key].setMaximumHeight(56)
            self.texts[key].setTabChangesFocus(True)
            form.addRow(f"{label}：", self.texts[key])
        self.indicators = IndicatorGrid(ctx, self.message, self)
        self._make_buttons()
        self._lay_out(form, QLabel("绩效指标（指标值可直接输入“≥50个”“≤90万元”“明显改善”等写法）：", self), self.indicators)
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
        self.indicators.sector = detail.sector
        self.indicators.set_rows(detail.content.indicators, editable or detail.status == GoalStatus.APPROVED)
        self._show_status(detail.status, detail.project_id)
        self.message.setText(self.undecided_note())

    def undecided_note(self) -> str:
        """Asks for the kinds nobody could infer (empty when every indicator has one)."""
        positions = undecided(self.content())
        if not positions:
            return ""
        return (f"第 {'、'.join(map(str, positions))} 条指标的指标类型待定（无法从度量单位和名称推断），"
                "请在“指标类型”列选择累计型、比率型、时点型或定性。")

    def content(self) -> GoalContent:
        texts = {key: edit.toPlainText().strip() or None for key, edit in self.texts.items()}
        return GoalContent(**texts, indicators=self.indicators.rows())

    def _run(self, service: object, *args: object) -> None:
        self.message.setText("")
        self.ctx.runner.write(service, *args, on_done=lambda _changes: self._reload(),  # type: ignore[arg-type]
                              on_error=self._failed)

    def _reload(self) -> None:
        self.ctx.runner.read(goals.get_table, self.ctx.actor, self.detail.project_id, on_done=self._saved)

    def _saved(self, detail: GoalTableDetail) -> None:
        self.show_detail(detail)
        self.message.setText(self.saved_note(detail.current_version, detail.status_label) + self.undecided_note())

    def save(self) -> None:
        if self.buttons["save"].isEnabled():
            self._run(goals.save_draft, self.ctx.actor, self.detail.project_id, self.content(), self.detail.updated_at)

    def submit(self) -> None:
        self._run(goals.save_and_submit, self.ctx.actor, self.detail.project_id, self.content(),
                  self.detail.updated_at)

    def adjust_with(self, reason: str) -> None:
        self._run(goals.adjust, self.ctx.actor, self.detail.project_id, self.content(), reason, self.detail.updated_at)
