"""Audit and inspection findings of the demo county: a handful of departments (half of them among those with an
overall evaluation) carry one or two findings each (审计 and 检查, with a 文号 and a deduction), so the composite
scores show deductions next to the results."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import AuditFinding, Evaluation, Unit

DEPARTMENTS = 8
PROBLEMS = {
    "audit": ("部分项目资金未按预算用途使用，存在超范围支出。", "政府采购程序不规范，个别项目未按规定公开招标。",
              "专项资金结转结余较大，资金使用效益不高。", "往来款项长期挂账未及时清理。"),
    "inspection": ("绩效目标设置不够细化，部分指标无法量化考核。", "绩效自评流于形式，自评结果与实际偏差较大。",
                   "整改台账不完整，部分问题未见整改佐证材料。", "项目管理制度不健全，资金拨付审批手续缺失。"),
}
REFERENCES = {"audit": "县审报〔{year}〕{n}号", "inspection": "县委巡〔{year}〕{n}号"}
DEDUCTIONS = (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2), Decimal(3))


def add_results(s: Session, year: int, rng: random.Random) -> int:
    """Insert the findings for `year`; returns how many."""
    units = list(s.scalars(select(Unit.id).where(Unit.kind == "department", Unit.active.is_(True)).order_by(Unit.code)))
    # Half of them among the departments with an overall evaluation, so that deductions move composite scores.
    evaluated = sorted(set(s.scalars(select(Evaluation.unit_id).where(Evaluation.year == year,
                                                                      Evaluation.kind == "department"))) & set(units))
    chosen = rng.sample(evaluated, min(DEPARTMENTS // 2, len(evaluated)))
    others = [u for u in units if u not in chosen]
    chosen += rng.sample(others, min(DEPARTMENTS - len(chosen), len(others)))
    rows = []
    for unit_id in chosen:
        for _ in range(rng.randint(1, 2)):
            source = rng.choice(tuple(PROBLEMS))
            found_on = date(year, rng.randint(3, 11), rng.randint(1, 28))
            rows.append({"year": year, "unit_id": unit_id, "source": source,
                         "reference": REFERENCES[source].format(year=year, n=rng.randint(3, 60)),
                         "description": rng.choice(PROBLEMS[source]), "deduction": rng.choice(DEDUCTIONS),
                         "found_on": found_on, "entered_by": "demo",
                         "entered_at": datetime(found_on.year, found_on.month, found_on.day, 2, tzinfo=UTC)})
    if rows:
        s.execute(insert(AuditFinding), rows)
    return len(rows)
