"""A demo county (scale 0.1, year 2024) prepared for key-evaluation tests: a project without a key evaluation,
its department and a budget unit under that department (conflicts of interest), another department, six
library experts (five free to judge, one working in a budget unit of the evaluated department) and an agency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from core.common.runner import call
from core.demo import generate as demo
from core.evaluation import experts
from core.evaluation.dto import AgencyInput, ExpertInput
from core.org.rules.roles import Actor
from db.database import Database
from db.models import Evaluation, Project, Unit

YEAR = 2024
PANEL = ("林晓", "黄建军", "何平", "罗敏", "高远")
INSIDER = "郭冲"  # works in a budget unit of the evaluated department


@dataclass(frozen=True)
class County:
    project_id: int
    project_name: str
    department_id: int
    budget_unit_id: int
    other_department_id: int
    experts: tuple[int, ...]  # the five of PANEL, in that order
    insider: int
    agency_id: int


def _ids(db: Database) -> tuple[int, str, int, int, int]:
    with db.unit_of_work() as uow:
        s = uow.session
        evaluated = set(s.scalars(select(Evaluation.project_id).where(Evaluation.kind == "key")))
        with_units = set(s.scalars(select(Unit.parent_id).where(Unit.kind == "budget_unit")))
        project = next(p for p in s.scalars(select(Project).where(Project.year == YEAR).order_by(Project.code))
                       if p.id not in evaluated and p.unit_id in with_units)
        budget_unit = s.scalar(select(Unit.id).where(Unit.parent_id == project.unit_id).order_by(Unit.id))
        other = s.scalar(select(Unit.id).where(Unit.kind == "department", Unit.id != project.unit_id)
                         .order_by(Unit.code))
        assert budget_unit is not None and other is not None
        return project.id, project.name, project.unit_id, budget_unit, other


def build(db: Database, actor: Actor) -> County:
    call(db, demo.generate_demo, actor, year=YEAR, scale=0.1)
    project_id, name, department, budget_unit, other = _ids(db)
    for n, expert in enumerate(PANEL):
        call(db, experts.save_expert, actor, ExpertInput(
            expert, employer="市财经学院" if n % 2 else "县审计局", fields="财政、绩效管理" if n < 3 else "农业、工程造价",
            title="副教授", unit_id=other if n == 0 else None))
    call(db, experts.save_expert, actor, ExpertInput(INSIDER, employer="本部门下属单位", fields="财政",
                                                             unit_id=budget_unit))
    call(db, experts.save_agency, actor, AgencyInput("华信会计师事务所", "财政部门备案第三方机构"))
    rows = {r.name: r.id for r in call(db, experts.list_experts, actor)}
    agency = call(db, experts.list_agencies, actor)[0].id
    return County(project_id, name, department, budget_unit, other, tuple(rows[n] for n in PANEL), rows[INSIDER],
                  agency)


def full_scores(weights: dict[str, Decimal], share: Decimal) -> dict[str, Decimal]:
    """Every item scored at `share` of its points, rounded to 0.01."""
    return {key: (w * share).quantize(Decimal("0.01")) for key, w in weights.items()}
