"""Department goal tables (部门整体绩效目标): the department's year with its 预算 totals by source, linked to a
goal table (the same versions, indicators, statuses and review as a project's), and the 重点工作任务 of each version."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base
from db.models.projects import GoalTable
from db.types import Money


class DepartmentGoal(Base):
    """One department's (or township's) goal table of a year, with its budget totals in 万元 by source."""

    __tablename__ = "department_goal"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(ForeignKey("fiscal_year.year"), index=True)
    goal_table_id: Mapped[int] = mapped_column(ForeignKey("goal_table.id"), unique=True)
    total_amount: Mapped[Decimal] = mapped_column(Money())
    fiscal_amount: Mapped[Decimal] = mapped_column(Money())
    carryover_amount: Mapped[Decimal] = mapped_column(Money())
    other_amount: Mapped[Decimal] = mapped_column(Money())
    manager: Mapped[str | None] = mapped_column(String(32))  # 负责人
    phone: Mapped[str | None] = mapped_column(String(32))  # 联系电话

    goal_table: Mapped[GoalTable] = relationship()
    unit = relationship("Unit")


class DepartmentTask(Base):
    """A 重点工作任务 of one version of a department goal table: the task, its funds and its projects' codes."""

    __tablename__ = "department_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("goal_table_version.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Money())
    project_codes: Mapped[str | None] = mapped_column(Text)  # 、-separated project codes of the year
