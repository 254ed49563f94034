"""A small demo county with decided goal reviews, shared by the review-letter service and report tests.

One department gets a budget unit of its own, and one of the department's tables is moved to it (the demo
files every project under a department or township), so a department letter must collect both.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from core.common.runner import call
from core.demo import generate as demo
from core.org import admin
from core.org.dto import UnitInput, UserInput
from core.org.rules.roles import Actor, Role
from core.review import workspace as review
from core.review.dto import ReviewForm
from core.review.rules.outcome import finding_key, prefill_dimension_opinions, prefill_opinion
from db.database import Database
from db.models import GoalReview, GoalTable, Project, Unit

YEAR = 2024
REVIEWER = Actor("rev1", "审核员甲", Role.REVIEWER)
GRADES = ("good", "fair", "excellent", "poor")  # given in turn to the department's waiting tables
TRICKY_OPINION = "测算依据不足，<b>单价</b>偏高 & 需压减。"


@dataclass(frozen=True)
class County:
    department_id: int
    department_name: str
    budget_unit_id: int
    moved_project_id: int  # the department's project now filed under its budget unit
    decided: dict[int, str]  # project id → grade given
    undecided_project_id: int  # a submitted table of another department, never decided
    earlier_decisions: int  # the demo's own decided reviews of the year, numbered before the test's


def decide(db: Database, project_id: int, grade: str, opinion: str | None = None) -> None:
    """Open the table as the reviewer, accept all findings, and decide it with `grade`."""
    view = call(db, review.open_review, REVIEWER, project_id)
    marks = {finding_key(f): "accepted" for f in view.findings}
    dims = prefill_dimension_opinions(view.findings, marks) if grade != "excellent" else {}
    text = opinion if opinion is not None else prefill_opinion(view.findings, marks)
    if grade != "excellent" and not text.strip():
        text = "指标设置不够细化，请补充可衡量的数量和质量指标。"
    form = ReviewForm(grade, dims, text, marks)
    call(db, review.save_review, REVIEWER, project_id, form, view.updated_at, True)


def build_county(db: Database, admin_actor: Actor) -> County:
    call(db, demo.generate_demo, admin_actor, scale=0.1)
    call(db, admin.create_user, admin_actor, UserInput(REVIEWER.username, REVIEWER.display_name, "reviewer"),
         "Passw0rd!", "Passw0rd!")
    with db.unit_of_work() as uow:
        s = uow.session
        dept_id = s.scalar(select(Project.unit_id).join(GoalTable, GoalTable.project_id == Project.id)
                           .join(Unit, Unit.id == Project.unit_id)
                           .where(Project.year == YEAR, GoalTable.status == "submitted", Unit.kind == "department")
                           .group_by(Project.unit_id).order_by(func.count().desc(), Project.unit_id))
        dept_name = s.get(Unit, dept_id).name
        mine = list(s.scalars(select(Project.id).join(GoalTable, GoalTable.project_id == Project.id)
                              .where(Project.unit_id == dept_id, Project.year == YEAR,
                                     GoalTable.status == "submitted").order_by(Project.code)))
        other = s.scalar(select(Project.id).join(GoalTable, GoalTable.project_id == Project.id)
                         .where(Project.unit_id != dept_id, Project.year == YEAR, GoalTable.status == "submitted")
                         .order_by(Project.code))
    call(db, admin.save_unit, admin_actor, UnitInput("B9901", f"{dept_name}下属服务中心", "budget_unit",
                                                           parent_id=dept_id))
    with db.unit_of_work() as uow:
        uow.write()
        unit_id = uow.session.scalar(select(Unit.id).where(Unit.code == "B9901"))
        # No service moves a project between units; the test data does it directly.
        uow.session.execute(update(Project).where(Project.id == mine[-1]).values(unit_id=unit_id))
        uow.commit()
    with db.unit_of_work() as uow:
        earlier = uow.session.scalar(select(func.count()).select_from(GoalReview).join(GoalTable).join(Project)
                                     .where(Project.year == YEAR, GoalReview.status == "final"))
    decided = {}
    for n, pid in enumerate(mine):
        grade = GRADES[n % len(GRADES)]
        decide(db, pid, grade, TRICKY_OPINION if n == 0 else None)
        decided[pid] = grade
    assert other is not None
    return County(dept_id, dept_name, unit_id, mine[-1], decided, other, earlier or 0)
