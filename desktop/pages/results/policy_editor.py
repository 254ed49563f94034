"""The result-application policy as editable tables (等级处理, 综合得分权重, 扣分规则, 系数表): every edit rebuilds
the policy value and shows its problems inline; the 政策设置 tab and the what-if panel both use it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.results.rules import policy as rules
from desktop.widgets.entry_grid import EntryGrid

Index = QModelIndex | QPersistentModelIndex
DEDUCTIONS = (("finding_cap", "审计检查扣分上限"), ("overdue_points", "每项逾期整改扣分"),
              ("failed_points", "每项整改不合格扣分"), ("rectification_cap", "整改扣分上限"))
SECTIONS = ("grades", "bands", "weights", "deductions")
ROW_HEIGHT = 24


class TextGridModel(QAbstractTableModel):
    """Rows of text cells; the columns in `editable` can be typed into. `edited` fires after every change."""

    edited = Signal()

    def __init__(self, headers: list[str], editable: set[int], numeric: set[int], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.editable = editable
        self.numeric = numeric
        self.cells: list[list[str]] = []

    def set_cells(self, cells: list[list[str]]) -> None:
        self.beginResetModel()
        self.cells = [list(r) for r in cells]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cells):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in self.editable else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in self.editable:
            return False
        self.cells[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return section + 1 if orientation == Qt.Orientation.Vertical else None

    def add_row(self, cells: list[str]) -> None:
        self.beginInsertRows(QModelIndex(), len(self.cells), len(self.cells))
        self.cells.append(cells)
        self.endInsertRows()
        self.edited.emit()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.cells):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.cells[row]
            self.endRemoveRows()
            self.edited.emit()


def _grid(model: TextGridModel, parent: QWidget) -> EntryGrid:
    view = EntryGrid(parent)
    view.setModel(model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


class PolicyEditor(QWidget):
    """Edits a policy; `changed` carries the new policy, or None while a cell or a rule is wrong."""

    changed = Signal(object)

    def __init__(self, sections: tuple[str, ...] = SECTIONS, columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base: rules.Policy | None = None
        self.grades = TextGridModel(["等级", "处理办法", "增减比例（%）"], {1, 2}, {2}, self)
        self.weights = TextGridModel(["组成部分", "权重"], {1}, {1}, self)
        self.deductions = TextGridModel(["扣分规则", "分值"], {1}, {1}, self)
        self.bands = TextGridModel(["起始分（含）", "截止分（不含）", "调整系数"], {0, 1, 2}, {0, 1, 2}, self)
        self.views: dict[str, EntryGrid] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        boxes = QGridLayout()
        titles = {"grades": ("等级处理（项目）", self.grades), "weights": ("综合得分权重（合计 100）", self.weights),
                  "deductions": ("扣分规则", self.deductions), "bands": ("综合得分 → 调整系数", self.bands)}
        for n, key in enumerate(sections):
            title, model = titles[key]
            box = QGroupBox(title, self)
            inner = QVBoxLayout(box)
            self.views[key] = _grid(model, box)
            inner.addWidget(self.views[key])
            if key == "bands":
                inner.addLayout(self._band_buttons(box))
            boxes.addWidget(box, n // columns, n % columns, Qt.AlignmentFlag.AlignTop)
            model.edited.connect(self._edited)
        layout.addLayout(boxes)
        self.problems = QLabel("", self)
        self.problems.setObjectName("errorLabel")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        layout.addWidget(self.problems)

    def _band_buttons(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        add = QPushButton("添加一行", parent)
        add.clicked.connect(lambda: self.bands.add_row(["", "", ""]))
        remove = QPushButton("删除所选行", parent)
        remove.clicked.connect(lambda: self.bands.remove_row(self.views["bands"].currentIndex().row()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        return row

    def set_policy(self, policy: rules.Policy) -> None:
        self.base = policy
        self.grades.set_cells([[a.grade, a.label, f"{a.percent:g}"] for a in policy.grade_actions])
        self.weights.set_cells([[rules.COMPONENT_LABELS[k], f"{w:g}"] for k, w in policy.weights])
        self.deductions.set_cells([[label, f"{getattr(policy, key):g}"] for key, label in DEDUCTIONS])
        self.bands.set_cells([[f"{b.low:g}", f"{b.high:g}", str(b.coefficient)] for b in policy.bands])
        self.problems.setText("")

    def _edited(self) -> None:
        policy, problems = self.current()
        self.problems.setText("\n".join(problems))
        self.changed.emit(policy)

    def current(self) -> tuple[rules.Policy | None, list[str]]:
        """The policy in the tables, or None with every problem (naming table, row and column)."""
        if self.base is None:
            return None, ["政策尚未载入。"]
        problems: list[str] = []

        def number(model: TextGridModel, table: str, row: int, column: int) -> Decimal:
            text = model.cells[row][column]
            try:
                value = Decimal(text)
                if value.is_finite():
                    return value
            except InvalidOperation:
                pass
            problems.append(f"{table}第 {row + 1} 行“{model.headers[column]}”：“{text}”不是数值。")
            return Decimal(0)

        actions = tuple(replace(a, label=self.grades.cells[i][1], percent=number(self.grades, "等级处理表", i, 2))
                        for i, a in enumerate(self.base.grade_actions))
        weights = tuple((k, number(self.weights, "权重表", i, 1)) for i, (k, _) in enumerate(self.base.weights))
        points = {key: number(self.deductions, "扣分规则", i, 1) for i, (key, _) in enumerate(DEDUCTIONS)}
        bands = tuple(rules.Band(number(self.bands, "系数表", i, 0), number(self.bands, "系数表", i, 1),
                                 number(self.bands, "系数表", i, 2)) for i in range(len(self.bands.cells)))
        if problems:
            return None, problems
        policy = replace(self.base, grade_actions=actions, weights=weights, bands=bands, **points)
        found = rules.problems(policy)
        return (None, found) if found else (policy, [])
