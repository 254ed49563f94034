"""The editable indicator grid of a goal table: a table model over `IndicatorRow`s and its combo-box delegates.

Typing the paper notation ("≥50个", "≤90万元", "明显改善") into 指标值 fills comparator, value and unit.
A row taken from the 指标库 arrives without a target ("≥（待填）公里"); typing just "50" there keeps the
library's comparator and unit. 指标类型 follows the row's content (core.goals.rules.indicator_kind) until a kind is
chosen from its drop-down; 待定 (nothing could be inferred) is highlighted for the clerk to choose.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QWidget

from core.common.labels import COMPARATORS, INDICATOR_KINDS, INDICATOR_TREE
from core.goals.rules.goal_table import IndicatorRow, kind_label
from core.goals.rules.indicator_kind import settle_kind
from core.goals.rules.notation import (
    IndicatorValue,
    NotationError,
    format_indicator_value,
    normalise_text,
    parse_indicator_value,
)
from core.library.dto import LibraryRow
from desktop.widgets.editable_rows import ChoiceDelegate, EditableRowsModel, Index

COLUMNS = ("一级指标", "二级指标", "三级指标", "指标值", "指标类型", "权重", "评（扣）分标准", "备注")
LEVEL1, LEVEL2, NAME, VALUE, KIND, WEIGHT, SCORING, NOTE = range(len(COLUMNS))
KIND_AUTO = "自动（按指标推断）"  # the drop-down's first choice: let the kind follow the row's content
UNDECIDED_BRUSH = QColor("#fff2cc")


def pending(row: IndicatorRow) -> bool:
    """The row still waits for its target (it came from the 指标库 with comparator and unit only)."""
    if row.comparator == "qual":
        return not (row.target_text or "").strip()
    return row.target is None


def value_text(row: IndicatorRow) -> str:
    if pending(row):
        return f"{COMPARATORS.get(row.comparator, row.comparator)}（待填）{row.unit_of_measure or ''}"
    return format_indicator_value(IndicatorValue(row.comparator, row.target, row.target_text, row.unit_of_measure))


def blank_row(level1: str = "产出指标") -> IndicatorRow:
    return settle_kind(IndicatorRow(level1, INDICATOR_TREE[level1][0], "", ">=", Decimal(0), None, None))


def from_library(entry: LibraryRow) -> IndicatorRow:
    """A new row from a library entry: its tree place, name, comparator, unit and scoring; the target is left
    for the clerk (a typical range is not this project's target)."""
    return settle_kind(IndicatorRow(entry.level1, entry.level2, entry.name, entry.comparator, None, None,
                                    entry.unit, None, entry.scoring or None, None))


def _new_value(row: IndicatorRow, text: str) -> IndicatorValue:
    parsed = parse_indicator_value(text)
    if not pending(row) or row.comparator == "qual" or parsed.comparator == "qual":
        return parsed
    written = re.match(r"\s*[0-9.]", normalise_text(text)) is None  # a bare number means "as the library says"
    return replace(parsed, comparator=parsed.comparator if written else row.comparator,
                   unit_of_measure=parsed.unit_of_measure or row.unit_of_measure)


class IndicatorModel(EditableRowsModel[IndicatorRow]):
    def __init__(self, rows: tuple[IndicatorRow, ...] = (), editable: bool = True, parent: Any = None) -> None:
        super().__init__(COLUMNS, rows, editable, parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is None:
            return None
        if role == Qt.ItemDataRole.EditRole and index.column() == VALUE and pending(row):
            return ""
        if role == Qt.ItemDataRole.EditRole and index.column() == KIND:
            return kind_label(row.kind) if row.kind_chosen else KIND_AUTO
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, index.column())
        if index.column() == KIND:
            return self._kind_data(row, role)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == VALUE:
            return ("可直接输入纸质表写法，如 ≥50个、≤90万元、=100%、明显改善（定性）"
                    + ("；来自指标库的行只输入数值即可，指标性质和单位沿用指标库" if pending(row) else ""))
        return None

    @staticmethod
    def _text(row: IndicatorRow, column: int) -> str:
        values = [row.level1, row.level2, row.name, value_text(row), kind_label(row.kind),
                  "" if row.weight is None else str(row.weight), row.scoring_standard or "", row.note or ""]
        return values[column]

    @staticmethod
    def _kind_data(row: IndicatorRow, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and row.kind is None:
            return QBrush(UNDECIDED_BRUSH)
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.kind is None:
                return "无法从度量单位和指标名称推断指标类型，请选择累计型、比率型、时点型或定性"
            return "人工选定" if row.kind_chosen else "按度量单位和指标名称自动推断；可在下拉框中改选"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self.can_edit(index, role):
            return False
        text = str(value).strip()
        if index.column() == VALUE and not text and pending(self.rows[index.row()]):
            return False  # the editor was opened and left empty: still waiting, nothing to complain about
        try:
            updated = self._updated(self.rows[index.row()], index.column(), text)
        except (NotationError, InvalidOperation) as exc:
            self.problem.emit(f"第 {index.row() + 1} 行“{COLUMNS[index.column()]}”：{exc}")
            return False
        return self.store(index.row(), updated)

    @staticmethod
    def _updated(row: IndicatorRow, column: int, text: str) -> IndicatorRow:
        """The row after an edit; a kind nobody chose follows the new content."""
        return settle_kind(IndicatorModel._edited(row, column, text))

    @staticmethod
    def _edited(row: IndicatorRow, column: int, text: str) -> IndicatorRow:
        if column == KIND:
            codes = {label: code for code, label in INDICATOR_KINDS.items()}
            return replace(row, kind=codes.get(text), kind_chosen=text in codes)
        if column == LEVEL1:
            level2 = row.level2 if row.level2 in INDICATOR_TREE.get(text, []) else INDICATOR_TREE[text][0]
            return replace(row, level1=text, level2=level2)
        if column == LEVEL2:
            return replace(row, level2=text)
        if column == NAME:
            return replace(row, name=text)
        if column == VALUE:
            parsed = _new_value(row, text)
            return replace(row, comparator=parsed.comparator, target=parsed.target, target_text=parsed.target_text,
                           unit_of_measure=parsed.unit_of_measure)
        if column == WEIGHT:
            if not text:
                return replace(row, weight=None)
            weight = Decimal(text)
            if not weight.is_finite():
                raise InvalidOperation
            return replace(row, weight=weight)
        if column == SCORING:
            return replace(row, scoring_standard=text or None)
        return replace(row, note=text or None)


class TreeLevelDelegate(ChoiceDelegate):
    """A drop-down of 一级 names, or of the 二级 names under the row's 一级."""

    def __init__(self, model: IndicatorModel, level: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._level = level

    def choices(self, index: Index) -> list[str]:
        if self._level == LEVEL1:
            return list(INDICATOR_TREE)
        return list(INDICATOR_TREE.get(self._model.rows[index.row()].level1, []))


class KindDelegate(ChoiceDelegate):
    """The 指标类型 drop-down: 自动 (follow the content) or one of the four kinds."""

    def choices(self, index: Index) -> list[str]:
        return [KIND_AUTO, *INDICATOR_KINDS.values()]
