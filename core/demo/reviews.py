"""The demo county's decided goal reviews: every goal table the demo marks approved, returned or rejected (this year
and the previous one) gets the final 88号 review that would have put it there, so the statistics, the composite
score's 目标管理 part and the rectification register see review outcomes. Submitted tables stay in the queue."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.review.rules.outcome import GRADES
from db.models import GoalReview, GoalTable, Project

EXCELLENT_SHARE = 0.6  # of approved tables graded 优 rather than 良
OPINIONS = {
    "excellent": ("绩效目标完整、相关、适当、可行，同意进入预算安排。",),
    "good": ("绩效目标基本合理，部分指标值请按审核意见细化后进入预算安排。",
             "产出指标偏少，已与单位协商补充数量指标。"),
    "fair": ("效益指标未量化，请补充可衡量的指标值后重新报送。", "指标值与资金规模不匹配，请修改完善后重新报送。",
             "年度目标表述笼统，请对照项目实施内容细化。"),
    "poor": ("绩效目标与项目内容不相关，指标无法衡量，不予通过。",),
}


def _grade(status: str, rng: random.Random) -> str:
    if status == "approved":
        return "excellent" if rng.random() < EXCELLENT_SHARE else "good"
    return "fair" if status == "returned" else "poor"


def add_reviews(s: Session, year: int, rng: random.Random) -> int:
    """Insert a final review for each decided table of `year` and `year - 1`; returns how many."""
    stmt = (select(GoalTable.id, GoalTable.status, GoalTable.current_version, GoalTable.updated_at)
            .join(Project, Project.id == GoalTable.project_id)
            .where(Project.year.in_((year - 1, year)), GoalTable.status.in_(("approved", "returned", "rejected")))
            .order_by(GoalTable.id))
    rows = []
    for table_id, status, version, updated_at in s.execute(stmt):
        grade = _grade(status, rng)
        decided = updated_at + timedelta(days=rng.randint(3, 20))
        rows.append({"goal_table_id": table_id, "version": version, "status": "final", "grade": grade,
                     "outcome": GRADES[grade].outcome, "opinion": rng.choice(OPINIONS[grade]), "findings_json": "[]",
                     "reviewed_by": "demo", "reviewed_at": decided, "decided_at": decided})
    if rows:
        s.execute(insert(GoalReview), rows)
    return len(rows)
