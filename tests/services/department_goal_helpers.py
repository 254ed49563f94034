"""A department with two projects of the year and its department goal table (部门整体绩效目标), for the service,
review, evaluation and GUI tests."""

from __future__ import annotations

from decimal import Decimal

from core.common.runner import call
from core.goals import department as dg
from core.goals.rules.department import Budget, Contact, TaskRow
from core.goals.rules.goal_table import GoalContent, IndicatorRow
from core.org.rules.roles import Actor, Role
from db.database import Database
from db.models import FiscalYear, Project
from tests.conftest import actor_of

D = Decimal
YEAR = 2024
BUDGET = Budget(D(3000), D(2800), D(150), D(50))
CONTACT = Contact("王建国", "0735-1234567")
TASKS = (TaskRow("义务教育均衡发展", D(1200), ("P1",)), TaskRow("学前教育普惠扩容", D(800), ("P2",)))
INDICATORS = (
    IndicatorRow("产出指标", "数量指标", "新建改建幼儿园", ">=", D(4), unit_of_measure="所", weight=D(20)),
    IndicatorRow("产出指标", "质量指标", "义务教育巩固率", ">=", D(98), unit_of_measure="%", weight=D(20)),
    IndicatorRow("产出指标", "时效指标", "重点工作按期完成率", "=", D(100), unit_of_measure="%", weight=D(10)),
    IndicatorRow("产出指标", "成本指标", "生均公用经费", "<=", D("0.12"), unit_of_measure="万元", weight=D(10)),
    IndicatorRow("效益指标", "社会效益指标", "适龄儿童入学率", ">=", D(99), unit_of_measure="%", weight=D(20)),
    IndicatorRow("满意度指标", "服务对象满意度指标", "服务对象满意度", ">=", D(95), unit_of_measure="%",
                 weight=D(10)),
)
CONTENT = GoalContent("县教育局负责全县学前教育、义务教育和高中教育的管理。", None, None,
                      "到2025年全县义务教育优质均衡发展。",
                      "推进义务教育均衡发展，新建改建幼儿园4所，实现学前教育普惠扩容，适龄儿童入学率达到99%以上。",
                      INDICATORS)


def add_year_and_projects(db: Database, unit_id: int) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        uow.session.add_all([FiscalYear(year=YEAR - 1, status="closed"), FiscalYear(year=YEAR, is_current=True)])
        uow.session.flush()
        uow.session.add_all([Project(year=YEAR, code=f"P{k}", name=f"项目{k}", unit_id=unit_id, attribute="continuing",
                                     nature="recurring", fund_type="general", total_amount=D(amount),
                                     fiscal_amount=D(amount) - D(100), carryover_amount=D(100), other_amount=D(0))
                             for k, amount in ((1, 1200), (2, 800))])
        uow.commit()


def clerk_of(unit_id: int) -> Actor:
    return actor_of(Role.CLERK, unit_id)


def submitted_table(db: Database, unit_id: int) -> int:
    """The department's table created, filled and submitted by its clerk; returns the goal table id."""
    clerk = clerk_of(unit_id)
    table_id = call(db, dg.create, clerk, unit_id, YEAR)
    detail = call(db, dg.get, clerk, table_id)
    call(db, dg.save_and_submit, clerk, table_id, BUDGET, CONTENT, TASKS, detail.updated_at, CONTACT)
    return table_id
