"""A demo county (scale 0.1, year 2024) prepared for 单位自评 tests: one project with an approved goal table is
cleared of the demo's own self-evaluation and given a known indicator set, so every formula case of
DOMAIN.md §4 can be reached through the service and the wizard.

The known set (weights left empty, so points are shared equally within each 一级指标):
I1 产出 ≥ 100 户, I2 产出 ≤ 10 天, I3 产出 = 0 起 → 16.67 / 16.67 / 16.66 of 产出's 50;
I4 效益 定性 “明显改善” → 30; I5 满意度 ≥ 90 % → 10; 预算执行率 10.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import delete, select

from core.common.runner import call
from core.demo import generate as demo
from core.evaluation import self_evaluation
from core.evaluation.dto import SelfEvaluationDraft, SelfEvaluationForm
from core.evaluation.rules.self_evaluation import LineInput
from core.org.rules.roles import Actor
from db.database import Database
from db.models import Evaluation, EvaluationLine, GoalTable, GoalTableVersion, Indicator, Project

YEAR = 2024
INDICATORS = (
    ("产出指标", "数量指标", "改造农村危房户数", ">=", Decimal(100), None, "户"),
    ("产出指标", "时效指标", "审批办理时限", "<=", Decimal(10), None, "天"),
    ("产出指标", "质量指标", "安全责任事故", "=", Decimal(0), None, "起"),
    ("效益指标", "社会效益指标", "群众居住条件", "qual", None, "明显改善", None),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", ">=", Decimal(90), None, "%"),
)
FULL = {"I1": "100", "I2": "10", "I3": "0", "I5": "95"}  # every quantitative line at its target
GOAL_ACTUAL = "全年改造危房 100 户，群众居住条件明显改善。"


@dataclass(frozen=True)
class County:
    project_id: int
    unit_id: int
    other_unit_id: int  # the unit of another approved project
    other_project_id: int


def _clear_self_evaluations(db: Database, project_ids: list[int]) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        ids = list(s.scalars(select(Evaluation.id).where(Evaluation.kind == "self",
                                                         Evaluation.project_id.in_(project_ids))))
        s.execute(delete(EvaluationLine).where(EvaluationLine.evaluation_id.in_(ids)))
        s.execute(delete(Evaluation).where(Evaluation.id.in_(ids)))
        uow.commit()


def _known_indicators(db: Database, project_id: int) -> None:
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
        assert table is not None and table.status == "approved"
        version = s.scalar(select(GoalTableVersion).where(GoalTableVersion.goal_table_id == table.id,
                                                          GoalTableVersion.version == table.current_version))
        assert version is not None
        s.execute(delete(Indicator).where(Indicator.version_id == version.id))
        for position, (l1, l2, name, comparator, target, text, unit) in enumerate(INDICATORS, 1):
            s.add(Indicator(version_id=version.id, position=position, level1=l1, level2=l2, name=name,
                            comparator=comparator, target=target, target_text=text, unit_of_measure=unit))
        uow.commit()


def build_county(db: Database, admin: Actor) -> County:
    call(db, demo.generate_demo, admin, scale=0.1)
    with db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Project.id, Project.unit_id).join(GoalTable, GoalTable.project_id == Project.id)
            .where(Project.year == YEAR, GoalTable.status == "approved").order_by(Project.code)).all()
    (pid, unit), (other_pid, other_unit) = rows[0], next(r for r in rows if r[1] != rows[0][1])
    _clear_self_evaluations(db, [pid, other_pid])
    _known_indicators(db, pid)
    return County(pid, unit, other_unit, other_pid)


def form(draft: SelfEvaluationDraft, budget: str = "100", executed: str = "100", goal_actual: str = GOAL_ACTUAL,
         **lines: LineInput) -> SelfEvaluationForm:
    """A complete form at full marks (every target met, 达成年度指标 at full points), with `lines` replacing
    single lines by key."""
    full = {"I4": LineInput("I4", "居住条件明显改善", "达成年度指标", "30")}
    inputs = [lines.get(line.key) or full.get(line.key) or LineInput(line.key, FULL[line.key]) for line in draft.lines]
    return SelfEvaluationForm(budget, executed, draft.goal_expected, goal_actual, tuple(inputs))


def start(db: Database, actor: Actor, county: County) -> SelfEvaluationDraft:
    return call(db, self_evaluation.start_or_resume, actor, county.project_id)


def with_line(f: SelfEvaluationForm, line: LineInput) -> SelfEvaluationForm:
    return replace(f, lines=tuple(line if i.key == line.key else i for i in f.lines))
