"""指标库 → 新增指标: the form for an indicator the bureau adds; the service validates and names the field."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from core.common.labels import COMPARATORS, INDICATOR_TREE
from core.library import service as library
from core.library.dto import EntryAdded, LibraryEntryInput
from desktop.shell.context import AppContext
from desktop.widgets.forms import ServiceDialog

DEFAULT_SCORING = "完成目标值得满分，未完成按完成比例得分"


class LibraryEntryDialog(ServiceDialog):
    """Sector, place in the indicator tree, name, comparator and unit, typical target and unit cost ranges."""

    added = Signal(object)  # LibraryRow

    def __init__(self, ctx: AppContext, sectors: list[str], sector: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "新增指标库指标", parent)
        self.setMinimumWidth(560)
        self.sector = self.add("所属行业(&H)：", "sector", QComboBox(self))
        self.sector.setEditable(True)  # a new sector is typed in
        self.sector.addItems(sectors)
        self.sector.setCurrentText(sector or "")
        self.level1 = self.add("一级指标(&1)：", "level1", QComboBox(self))
        self.level1.addItems(list(INDICATOR_TREE))
        self.level2 = self.add("二级指标(&2)：", "level2", QComboBox(self))
        self.name = self.add("三级指标名称(&M)：", "name", QLineEdit(self))
        self.name.setPlaceholderText("如：新改建农村公路里程")
        self.comparator = self.add("指标性质(&X)：", "comparator", QComboBox(self))
        for code, label in COMPARATORS.items():
            self.comparator.addItem(label, code)
        self.unit = self.add("计量单位(&U)：", "unit", QLineEdit(self))
        self.unit.setPlaceholderText("如：公里、个、%、万元；定性指标不填")
        self.typical_min, self.typical_max = self._pair("常见目标值(&R)：", "typical_min", "typical_max")
        self.cost_min, self.cost_max = self._pair("单位成本（万元）(&C)：", "unit_cost_min_wan", "unit_cost_max_wan")
        self.scoring = self.add("评（扣）分标准(&S)：", "scoring", QLineEdit(DEFAULT_SCORING, self))
        self.note = self.add("备注(&B)：", "note", QLineEdit(self))
        self.level1.currentTextChanged.connect(self._fill_level2)
        self.level2.currentTextChanged.connect(lambda _text: self._enable())
        self.comparator.currentIndexChanged.connect(lambda _index: self._enable())
        self._fill_level2(self.level1.currentText())
        (self.name if sector else self.sector).setFocus()

    def _pair(self, label: str, low_field: str, high_field: str) -> tuple[QLineEdit, QLineEdit]:
        box = QWidget(self)
        low, high = QLineEdit(box), QLineEdit(box)
        low.setPlaceholderText("下限")
        high.setPlaceholderText("上限")
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(low)
        row.addWidget(QLabel("至", box))
        row.addWidget(high)
        box.setFocusProxy(low)
        self.add(label, low_field, box)
        self.fields[high_field] = high
        return low, high

    def _fill_level2(self, level1: str) -> None:
        self.level2.clear()
        self.level2.addItems(INDICATOR_TREE.get(level1, []))
        self._enable()

    def _enable(self) -> None:
        """A qualitative indicator has no unit or numbers; only a 数量指标 has a unit cost."""
        quantitative = self.comparator.currentData() != "qual"
        counted = quantitative and self.level2.currentText() == "数量指标"
        for edit, on in ((self.unit, quantitative), (self.typical_min, quantitative),
                         (self.typical_max, quantitative), (self.cost_min, counted), (self.cost_max, counted)):
            edit.setEnabled(on)

    def _value(self, edit: QLineEdit) -> str:
        return edit.text() if edit.isEnabled() else ""

    def submit(self) -> None:
        self.run(library.add_entry, LibraryEntryInput(
            sector=self.sector.currentText(), level1=self.level1.currentText(), level2=self.level2.currentText(),
            name=self.name.text(), comparator=self.comparator.currentData(), unit=self._value(self.unit),
            typical_min=self._value(self.typical_min), typical_max=self._value(self.typical_max),
            unit_cost_min_wan=self._value(self.cost_min), unit_cost_max_wan=self._value(self.cost_max),
            scoring=self.scoring.text(), note=self.note.text()))

    def _done(self, result: object) -> None:
        super()._done(result)
        if isinstance(result, EntryAdded):
            self.added.emit(result.row)
