"""评价总览 and 自评核查 on a temporary database: the year's evaluations of every kind, the gap between a project's
final self-evaluation and final key evaluation, the inflation flag against the setting evaluation.inflation_points
(strictly more than it), departments ranked by average inflation; and the demo county's evaluations (every
grade, inflated self-scores, scores consistent with their lines and expert scores)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.common.errors import ValidationError
from core.common.runner import call
from core.demo import generate as demo
from core.evaluation import overview
from core.evaluation.common import framework_items, thresholds_json
from core.evaluation.rules.scoring import DEFAULT_GRADES, panel_score
from core.org import admin, settings
from core.org.dto import UnitInput
from core.org.rules.roles import Actor, Role
from db.database import Database, open_database
from db.models import Evaluation, EvaluationLine, ExpertScore, FiscalYear, Project
from tests.conftest import actor_of

D = Decimal
YEAR = 2024


@pytest.fixture
def county(db: Database, admin_actor: Actor, two_units: tuple[int, int]) -> dict[str, int]:
    """Two departments, a budget unit under the first, and projects P1-P5 with evaluations:
    P1 self 95 / key 80 (gap 15), P2 self 90 / key 80 (gap exactly 10), P3 self 70 / key 75 (gap −5, budget unit),
    P4 self 88 / key draft 60 (not final), P5 self only; the second department: P6 self 99 / key 85.99 (13.01)."""
    first, second = two_units
    call(db, admin.save_unit, admin_actor, UnitInput("B001", "县第一中学", "budget_unit", first))
    school = next(r.id for r in call(db, admin.list_units, admin_actor) if r.code == "B001")
    owners = {"P1": first, "P2": first, "P3": school, "P4": first, "P5": first, "P6": second}
    evaluations = [("P1", "self", "final", "95"), ("P1", "key", "final", "80"), ("P2", "self", "final", "90"),
                   ("P2", "key", "final", "80"), ("P3", "self", "final", "70"), ("P3", "key", "final", "75"),
                   ("P4", "self", "final", "88"), ("P4", "key", "draft", "60"), ("P5", "self", "final", "93"),
                   ("P6", "self", "final", "99"), ("P6", "key", "final", "85.99")]
    with db.unit_of_work() as uow:
        uow.write()
        s = uow.session
        s.add(FiscalYear(year=YEAR, is_current=True))
        ids = {}
        for code, unit in owners.items():
            p = Project(year=YEAR, code=code, name=f"项目{code}", unit_id=unit, attribute="new", nature="one_off",
                        fund_type="general", total_amount=D(100), fiscal_amount=D(100), carryover_amount=D(0),
                        other_amount=D(0))
            s.add(p)
            s.flush()
            ids[code] = p.id
        for code, kind, status, score in evaluations:
            final = status == "final"
            s.add(Evaluation(year=YEAR, kind=kind, subject_kind="project", project_id=ids[code],
                             unit_id=owners[code], title=f"{code}{kind}", status=status, score=D(score),
                             grade=_grade(D(score)) if final else None,
                             grades_json=thresholds_json(DEFAULT_GRADES) if final else None, created_by="t"))
        s.add(Evaluation(year=YEAR, kind="department", subject_kind="department", unit_id=second,
                         title="部门整体评价", status="draft", created_by="t"))
        uow.commit()
    return ids


def _grade(score: Decimal) -> str:
    return next(label for label, bound in DEFAULT_GRADES if score >= bound)


def test_cross_check_gaps_and_the_inflation_flag(db: Database, admin_actor: Actor, county: dict[str, int]) -> None:
    result = call(db, overview.cross_check, admin_actor, YEAR)
    assert result.threshold == D(10)
    assert [(r.project_code, r.self_score, r.key_score, r.gap, r.inflated) for r in result.rows] == [
        ("P1", D(95), D(80), D("15.00"), True),
        ("P6", D(99), D("85.99"), D("13.01"), True),
        ("P2", D(90), D(80), D("10.00"), False),  # more than 10 points is inflated; exactly 10 is not
        ("P3", D(70), D(75), D("-5.00"), False),
    ]  # P4's key evaluation is a draft and P5 has none: not compared
    assert result.inflated_count == 2
    p3 = next(r for r in result.rows if r.project_code == "P3")
    assert (p3.unit_name, p3.department, p3.self_grade, p3.key_grade) == ("县第一中学", "县教育局", "中", "中")


def test_departments_are_ranked_by_average_inflation(db: Database, admin_actor: Actor,
                                                     county: dict[str, int]) -> None:
    departments = call(db, overview.cross_check, admin_actor, YEAR).departments
    assert [(d.department, d.projects, d.average_gap, d.inflated) for d in departments] == [
        ("县卫生健康局", 1, D("13.01"), 1),
        ("县教育局", 3, D("6.67"), 1),  # (15 + 10 − 5) ÷ 3, the budget unit's project counted with its department
    ]


def test_the_inflation_threshold_is_a_setting(db: Database, admin_actor: Actor, county: dict[str, int]) -> None:
    call(db, settings.update_settings, admin_actor, {"evaluation.inflation_points": "9.99"})
    result = call(db, overview.cross_check, admin_actor, YEAR)
    assert result.threshold == D("9.99") and [r.project_code for r in result.rows if r.inflated] == ["P1", "P6", "P2"]
    call(db, settings.update_settings, admin_actor, {"evaluation.inflation_points": "20"})
    assert call(db, overview.cross_check, admin_actor, YEAR).inflated_count == 0


def test_list_evaluations_by_kind_with_grade_counts(db: Database, admin_actor: Actor,
                                                    county: dict[str, int]) -> None:
    rows = call(db, overview.list_evaluations, admin_actor, YEAR)
    assert [r.kind for r in rows] == ["self"] * 6 + ["key"] * 5 + ["department"]
    assert [r.project_code for r in rows[:6]] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert overview.grade_counts(rows) == {"优": 4, "良": 4, "中": 2, "差": 0}  # drafts are not counted
    keys = call(db, overview.list_evaluations, admin_actor, YEAR, "key")
    assert {r.kind_label for r in keys} == {"财政重点评价"} and len(keys) == 5
    department = call(db, overview.list_evaluations, admin_actor, YEAR, "department")[0]
    assert (department.subject, department.subject_kind_label, department.status_label, department.score) == (
        "县卫生健康局", "部门", "草稿", None)
    with pytest.raises(ValidationError, match="评价类型“policy”无法识别"):
        call(db, overview.list_evaluations, admin_actor, YEAR, "policy")


def test_a_clerk_sees_only_its_own_units_evaluations(db: Database, county: dict[str, int],
                                                     two_units: tuple[int, int]) -> None:
    clerk = actor_of(Role.CLERK, two_units[1])
    assert {r.project_code for r in call(db, overview.list_evaluations, clerk, YEAR)} == {"P6", None}
    assert [r.project_code for r in call(db, overview.cross_check, clerk, YEAR).rows] == ["P6"]


@pytest.fixture(scope="module")
def demo_county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    call(database, demo.generate_demo, actor_of(Role.ADMIN), scale=0.3)
    yield database
    database.close()


def test_the_demo_county_has_evaluations_in_every_grade(demo_county: Database) -> None:
    rows = call(demo_county, overview.list_evaluations, actor_of(Role.ADMIN), YEAR)
    assert {r.status for r in rows} == {"final"}
    kinds = Counter(r.kind for r in rows)
    assert kinds["department"] == 10 and kinds["key"] == 10 and kinds["self"] >= kinds["key"]
    assert all(n > 0 for n in overview.grade_counts(rows).values())
    assert {r.grade for r in rows if r.kind == "department"} == {"优", "良", "中", "差"}


def test_the_demo_county_has_inflated_self_scores(demo_county: Database) -> None:
    result = call(demo_county, overview.cross_check, actor_of(Role.ADMIN), YEAR)
    assert len(result.rows) == 10  # every key-evaluated project also evaluated itself
    inflated = [r for r in result.rows if r.inflated]
    assert 3 <= len(inflated) < len(result.rows) and all(r.gap > 10 for r in inflated)
    assert result.departments[0].average_gap == max(d.average_gap for d in result.departments)


def test_demo_scores_agree_with_their_lines_and_expert_scores(demo_county: Database) -> None:
    with demo_county.unit_of_work() as uow:
        s = uow.session
        evaluations = list(s.scalars(select(Evaluation)))
        lines: dict[int, list[EvaluationLine]] = defaultdict(list)
        for line in s.scalars(select(EvaluationLine)):
            lines[line.evaluation_id].append(line)
        scores: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
        for es in s.scalars(select(ExpertScore)):
            scores[es.evaluation_id][str(es.expert_id)][es.item_key] = es.score
        for ev in evaluations:
            assert ev.grades_json == thresholds_json(DEFAULT_GRADES) and ev.grade == _grade(ev.score)
            if ev.kind == "department":
                assert ev.score == sum(line.score for line in lines[ev.id])
            elif ev.kind == "key":
                items = framework_items(json.loads(ev.framework_json)["items"])
                assert len(scores[ev.id]) == 5 and panel_score(items, scores[ev.id])[0] == ev.score
            else:
                assert ev.project_id is not None and lines[ev.id] and ev.budget is not None
                assert all(line.score is not None and line.score <= line.weight for line in lines[ev.id])
