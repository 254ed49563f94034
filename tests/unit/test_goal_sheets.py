"""The goals package's sheets: what the instructions promise about indicator values really reads back, and cells
a spreadsheet program turned into numbers or formulas are read as the clerk meant them, with a note, and so is
the wording of published tables (level labels such as 产出值, the unit in the indicator's name)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from core.exchange.rules.goal_sheets import (
    DEADLINE_EXAMPLES,
    INDICATOR_SHEET,
    NUMBER_EXAMPLES,
    TEXT_EXAMPLES,
    VALUE_NOTE,
)
from core.exchange.rules.manifest import Manifest
from core.exchange.rules.spec import read_cell, read_notation_cell, read_row
from core.exchange.workbook import read_package, stamp, write_package
from core.goals.rules.notation import IndicatorValue, deadline_of

VALUE = INDICATOR_SHEET.column("value")
D = Decimal


@pytest.mark.parametrize("example", [*NUMBER_EXAMPLES, *DEADLINE_EXAMPLES, *TEXT_EXAMPLES])
def test_every_example_the_instructions_show_imports(example: str) -> None:
    assert f"“{example}”" in VALUE_NOTE
    value = read_cell(VALUE, example)
    assert isinstance(value, IndicatorValue)
    if example in NUMBER_EXAMPLES:
        assert value.comparator != "qual" and value.target is not None
    if example in DEADLINE_EXAMPLES:
        assert value.target_text == example and deadline_of(example, 2025) is not None


@pytest.mark.parametrize(("raw", "fmt", "meant"), [
    (1, "0%", "100%"), (0.9, "0%", "90%"), (0.955, "0.0%", "95.5%"), (Decimal("0.05"), "0.00%", "5%"),
])
def test_a_number_shown_as_a_percentage_is_that_percentage(raw: object, fmt: str, meant: str) -> None:
    text, note = read_notation_cell(VALUE, raw, False, fmt)
    assert text == meant and "百分比" in note
    assert read_cell(VALUE, text) == IndicatorValue("=", Decimal(meant.removesuffix("%")), None, "%")


def test_a_plain_number_stays_a_number_without_a_note() -> None:
    assert read_notation_cell(VALUE, 50, False, "General") == (50, "")


def test_a_formula_that_is_an_indicator_value_is_its_text_and_any_other_formula_is_left_to_refuse() -> None:
    text, note = read_notation_cell(VALUE, "=100%", True, "General")
    assert text == "=100%" and "公式" in note
    assert read_notation_cell(VALUE, "=A1*2", True, "General") == ("=A1*2", "")
    assert read_notation_cell(VALUE, "=SUM(B2:B9)", True, "General") == ("=SUM(B2:B9)", "")


def _row(level1: object, level2: object, name: str, value: object) -> dict[str, object]:
    return {"project_code": "P1", "level1": level1, "level2": level2, "name": name, "value": value}


@pytest.mark.parametrize(("row", "levels", "value", "noted"), [
    (_row("产出值", "数量值", "营造林面积(亩)", 80000), ("产出指标", "数量指标"), ("=", D(80000), "亩"),
     ["level1", "value"]),
    (_row(None, "时效指标", "完成时间", "第三季度"), ("产出指标", "时效指标"), ("qual", None, None), ["level1"]),
    (_row("产出指标", "数量指标", "改造里程", "≥50公里"), ("产出指标", "数量指标"), (">=", D(50), "公里"), []),
    (_row("产出指标", "质量指标", "合格率(≥**%)", "≥95"), ("产出指标", "质量指标"), (">=", D(95), "%"), ["value"]),
    (_row("产出指标", "质量指标", "合格率", "≥95"), ("产出指标", "质量指标"), (">=", D(95), None), []),
])
def test_published_wording_is_read_into_the_standard_form_with_a_note_per_cell(
        row: dict[str, object], levels: tuple[str, str], value: tuple[object, ...], noted: list[str]) -> None:
    notes: list[tuple[str, str]] = []
    values, problems = read_row(INDICATOR_SHEET, row, notes)
    assert problems == []
    assert (values["level1"], values["level2"]) == levels
    v = values["value"]
    assert (v.comparator, v.target, v.unit_of_measure) == value
    assert [key for key, _ in notes] == noted


@pytest.mark.parametrize(("level1", "level2", "column"), [
    ("产出值", "其他值", "level2"), ("效果值", "数量指标", "level1"),
])
def test_a_label_in_neither_the_tree_nor_the_mapping_is_a_problem_naming_the_accepted_labels(
        level1: str, level2: str, column: str) -> None:
    _, problems = read_row(INDICATOR_SHEET, _row(level1, level2, "路面平整度", "≥90%"), [])
    assert [key for key, _ in problems] == [column]
    accepted = "产出指标、效益指标、满意度指标" if column == "level1" else "数量指标、质量指标、时效指标"
    assert "只能填" in problems[0][1] and accepted in problems[0][1]


def test_a_package_hashes_what_its_reader_reads(tmp_path: Path) -> None:
    """A value stored without a unit whose name holds one is read with the unit by the stamp and the workbook
    reader alike, so a signed package's hash still matches what arrives."""
    row = {"row_id": "P1:1", "version": 1, "deleted": False,
           **_row("产出指标", "数量指标", "营造林面积(亩)", IndicatorValue("=", D(80000)))}
    manifest = stamp(Manifest("PKG-1", "goals", "U1", "BUREAU", 2025, 1), [(INDICATOR_SHEET, [row])])
    read = read_package(write_package(tmp_path / "p.xlsx", [(INDICATOR_SHEET, [row])], manifest, []),
                        [INDICATOR_SHEET])
    assert read.content_hash == manifest.content_hash and not read.problems
    assert read.rows(INDICATOR_SHEET.kind)[0]["value"].unit_of_measure == "亩"
    assert [(n.row, n.header) for n in read.notes] == [(2, "指标值")]
