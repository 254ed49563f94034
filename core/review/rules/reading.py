"""The pre-review's reading of a stored or published table into the standard form: the level labels and the unit in
the indicator's name as every goals reader reads them (core.goals.rules.published), and a value stored before
deadlines were read as such ("2023年底" held as 2023 of unit 年底) read as its deadline. The engine reads every
table through `normalise`, so each rule sees the standard form, and each indicator read differently carries a
note."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from core.goals.rules.notation import IndicatorValue, format_decimal
from core.goals.rules.published import level_note, standard_levels, with_unit_from_name
from core.review.rules.model import IndicatorView, TableView

# A number whose "unit" is the rest of a date: "2023年底" read as 2023 年底, "11月底前完成" as 11 月底前完成.
_DATE_UNIT = re.compile(r"^[年月](底|末|内|前|上旬|中旬|下旬)")


def _read(i: IndicatorView) -> IndicatorView:
    notes: list[str] = []
    changes: dict[str, object] = {}
    levels = standard_levels(i.level1, i.level2)
    if levels is not None and levels != (i.level1, i.level2):
        changes.update(level1=levels[0], level2=levels[1])
        notes.append(level_note(i.level1, i.level2, levels))
    unit = (i.unit_of_measure or "").strip()
    if i.comparator != "qual" and isinstance(i.target, Decimal) and _DATE_UNIT.match(unit):
        text = f"{format_decimal(i.target)}{unit}"
        changes.update(comparator="qual", target=None, target_text=text, unit_of_measure=None)
        notes.append(f"“{text}”按完成时限读取，而不是数值 {format_decimal(i.target)}、单位“{unit}”")
    elif isinstance(i.target, Decimal):
        value, note = with_unit_from_name(IndicatorValue(i.comparator, i.target, i.target_text, i.unit_of_measure),
                                          i.name)
        if note:
            changes["unit_of_measure"] = value.unit_of_measure
            notes.append(note)
    if not notes:
        return i
    return replace(i, **changes, read_note="；".join(notes))  # type: ignore[arg-type]


def normalise(table: TableView) -> TableView:
    """The table with every indicator in the standard form; unchanged indicators are the same objects."""
    read = tuple(_read(i) for i in table.indicators)
    if all(a is b for a, b in zip(read, table.indicators, strict=True)):
        return table
    return replace(table, indicators=read)
