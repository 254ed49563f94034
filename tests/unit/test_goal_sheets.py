"""The goals package's sheets: what the instructions promise about indicator values really reads back, and cells
a spreadsheet program turned into numbers or formulas are read as the clerk meant them, with a note."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.exchange.rules.goal_sheets import (
    DEADLINE_EXAMPLES,
    INDICATOR_SHEET,
    NUMBER_EXAMPLES,
    TEXT_EXAMPLES,
    VALUE_NOTE,
)
from core.exchange.rules.spec import read_cell, read_notation_cell
from core.goals.rules.notation import IndicatorValue, deadline_of

VALUE = INDICATOR_SHEET.column("value")


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
