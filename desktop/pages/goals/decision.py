"""The reviewer's latest decision on a goal table, shown above a goal table editor (a project's or a department's)
when the table came back, was rejected or was approved: grade and outcome, reviewer and date, the opinions by
dimension and the overall opinion. Hidden while there is none."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from core.common import formatting
from core.review import workspace as review
from core.review.dto import Decision
from db.codes import GoalStatus
from desktop.shell.context import AppContext

DECIDED = (GoalStatus.RETURNED, GoalStatus.REJECTED, GoalStatus.APPROVED)


class DecisionNote(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("reviewDecision")
        self.setWordWrap(True)
        self.setVisible(False)

    def load(self, ctx: AppContext, status: str, queue_key: int) -> None:
        """Hide the note, then read and show the decision on the table of review queue key `queue_key` (a project
        id, or a department table's `core.review.department.queue_key`) if its status says it was decided."""
        self.setVisible(False)
        if status in DECIDED:
            ctx.runner.read(review.latest_decision, ctx.actor, queue_key, on_done=self.show_decision,
                            on_error=lambda _exc: None)

    def show_decision(self, decision: Decision | None) -> None:
        if decision is None:
            return
        lines = [f"审核意见（第 {decision.version} 版，{decision.grade_label}·{decision.outcome_label}，"
                 f"{decision.reviewed_by}，{formatting.screen_date(decision.decided_at.astimezone())}）："]
        lines += [f"{label}：{text}" for label, text in decision.dimension_opinions]
        if decision.opinion.strip():
            lines.append(decision.opinion.strip())
        self.setText("\n".join(lines))
        self.setVisible(True)
