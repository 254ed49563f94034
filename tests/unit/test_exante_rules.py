"""事前绩效评估 rules: scores from grades, the 60-point line, conclusions and amounts (DOMAIN.md §2)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.exante.rules import (
    AmountError,
    GradeError,
    SheetError,
    conclude,
    needs_assessment,
    parse_sheet,
    score_lines,
    total_score,
)
from resources import path

DATA = json.loads(path("reference", "exante_sheet.json").read_text(encoding="utf-8"))
SHEET = parse_sheet(DATA)
PASS = SHEET.pass_score


def all_graded(grade: str, **overrides: str) -> dict[str, str]:
    grades = {item.id: grade for item in SHEET.items}
    grades.update({k.replace("__", "."): v for k, v in overrides.items()})
    return grades


def test_sheet_shape() -> None:
    """Five dimensions of 20 points each (DOMAIN.md §2), 2-4 items each, graded 优/良/中/差."""
    assert [d.name for d in SHEET.dimensions] == ["立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性",
                                                  "筹资合规性"]
    assert all(d.points == 20 and 2 <= len(d.items) <= 4 for d in SHEET.dimensions)
    assert SHEET.grade_names == ("优", "良", "中", "差")
    assert (SHEET.full_score, PASS) == (Decimal(100), Decimal(60))


@pytest.mark.parametrize(("grade", "expected"), [
    ("优", "100.00"),  # 100 % of every item's points
    ("良", "80.00"),
    ("中", "60.00"),  # exactly the pass line
    ("差", "30.00"),
])
def test_uniform_grades_score_their_share(grade: str, expected: str) -> None:
    assert total_score(SHEET, all_graded(grade)) == Decimal(expected)


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"necessity__policy": "差"}, "58.20"),  # 60 - 6 × (0.6 - 0.3): one poor item fails the project
    ({"necessity__policy": "良"}, "61.20"),  # 60 + 6 × 0.2
    ({"goals__completeness": "优", "funding__risk": "差"}, "61.00"),  # 60 + 7 × 0.4 - 6 × 0.3
])
def test_mixed_grades(overrides: dict[str, str], expected: str) -> None:
    assert total_score(SHEET, all_graded("中", **overrides)) == Decimal(expected)


def test_score_lines_add_up_to_the_score() -> None:
    grades = all_graded("良", economy__costing="差", feasibility__risk="优")
    lines = score_lines(SHEET, grades)
    assert len(lines) == len(SHEET.items)
    assert sum(line.score for line in lines) == total_score(SHEET, grades)
    assert all(isinstance(line.score, Decimal) for line in lines)


@pytest.mark.parametrize(("changes", "item_id", "message"), [
    ({"necessity.policy": ""}, "necessity.policy", "“立项必要性—政策相关性”还没有评定等级"),
    ({"goals.clarity": "甲"}, "goals.clarity", "“绩效目标合理性—目标明确性”的等级“甲”无效"),
    ({"no.such": "优"}, "no.such", "评估要点“no.such”不在评分表中"),
])
def test_bad_grades_name_the_item(changes: dict[str, str], item_id: str, message: str) -> None:
    grades = {**all_graded("优"), **changes}
    with pytest.raises(GradeError, match=message) as info:
        total_score(SHEET, grades)
    assert info.value.item_id == item_id


@pytest.mark.parametrize(("score", "requested", "recommended", "conclusion", "cut"), [
    ("59.99", "500", "500", "reject", "500"),  # below the line: nothing recommended whatever was typed
    ("59.99", "500", "0", "reject", "500"),
    ("60.00", "500", "500", "support", "0"),  # exactly 60 passes (≥ 60 → 予以支持)
    ("60.00", "500", "499.99", "partial", "0.01"),
    ("88.5", "120.000001", "120.000001", "support", "0"),
    # The seeds' example (DOMAIN.md §2): land consolidation asked 7091.21万元, held to 2000万元.
    ("72.40", "7091.21", "2000", "partial", "5091.21"),
])
def test_conclusions(score: str, requested: str, recommended: str, conclusion: str, cut: str) -> None:
    outcome = conclude(Decimal(score), Decimal(requested), Decimal(recommended), PASS)
    assert outcome.conclusion == conclusion
    assert outcome.cut == Decimal(cut)
    assert outcome.recommended + outcome.cut == Decimal(requested)


def test_seeds_example_is_exact() -> None:
    outcome = conclude(Decimal("72.40"), Decimal("7091.21"), Decimal("2000"), PASS)
    assert (outcome.label, outcome.recommended, outcome.cut) == ("部分支持", Decimal("2000"), Decimal("5091.21"))
    assert str(outcome.cut) == "5091.21"


@pytest.mark.parametrize(("recommended", "message"), [
    ("7091.22", "不能超过申请金额"),
    ("-1", "不能为负数"),
    ("0", "请填写大于 0 的建议金额"),  # a passing project is supported with some money
    ("100.0000001", "精度超过 1 分"),
])
def test_refused_amounts(recommended: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        conclude(Decimal("75"), Decimal("7091.21"), Decimal(recommended), PASS)


def test_float_amounts_refused() -> None:
    with pytest.raises(TypeError):
        conclude(Decimal("75"), Decimal("100"), 50.0, PASS)  # type: ignore[arg-type]


@pytest.mark.parametrize(("attribute", "amount", "threshold", "needed"), [
    ("new", "100", "100", True),  # default rule: new projects ≥ 100万元
    ("new", "99.999999", "100", False),
    ("continuing", "5000", "100", False),
    ("new", "150", "200", False),  # some counties use 200万元
    ("new", "0", "0", True),  # or every new project
])
def test_needs_assessment(attribute: str, amount: str, threshold: str, needed: bool) -> None:
    assert needs_assessment(attribute, Decimal(amount), Decimal(threshold)) is needed


def test_pass_score_comes_from_the_sheet() -> None:
    stricter = parse_sheet({**DATA, "pass_score": "70"})
    assert conclude(Decimal("65"), Decimal("10"), Decimal("10"), stricter.pass_score).conclusion == "reject"


@pytest.mark.parametrize("change", [
    lambda d: d["dimensions"][0]["items"][0].update(points="7"),  # items no longer add up to 20
    lambda d: d.update(full_score="90"),
    lambda d: d["grades"][0].update(share="1.5"),
    lambda d: d["grades"][0].update(share=1.0),  # floats are refused
    lambda d: d.pop("pass_score"),
])
def test_inconsistent_sheets_refused(change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(DATA))
    change(data)
    with pytest.raises(SheetError):
        parse_sheet(data)
