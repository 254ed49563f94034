"""The 运行监控 period selector (a round, or a month for the budget part only) and the filter bar: department, light (综合, 预算灯 or 目标灯), amount band, fund type, key monitoring only,
quick search, and saved views (a name for a filter and sort, kept in the user's local settings), with the
legend of the lights under it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.common.labels import FUND_TYPES, ROUND_STATUSES
from core.monitoring.dto import GridRow, RoundRow
from desktop.pages.monitoring.columns import (
    AMOUNT_BANDS,
    LIGHT_BACKGROUNDS,
    LIGHT_KINDS,
    LIGHT_TEXT,
    light_text,
)
from desktop.pages.monitoring.model import GridFilter

VIEWS_GROUP = "monitoring/views"
LIGHT_CHOICES = ("red", "yellow", "blue", "green", "none")


def views_settings() -> QSettings:
    """Where saved views live: the user's local settings (tests point this at a temporary file)."""
    return QSettings()


class SavedViews:
    """Named filter + sort states, stored as JSON under one settings group."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def names(self) -> list[str]:
        self.settings.beginGroup(VIEWS_GROUP)
        try:
            return sorted(self.settings.childKeys())
        finally:
            self.settings.endGroup()

    def load(self, name: str) -> tuple[GridFilter, int, Qt.SortOrder] | None:
        raw = self.settings.value(f"{VIEWS_GROUP}/{name}")
        try:
            data = json.loads(str(raw))
            return (GridFilter(**data["filter"]), int(data["sort"][0]), Qt.SortOrder(int(data["sort"][1])))
        except (TypeError, ValueError, KeyError):
            return None  # missing, or written by another version: the view is simply not offered

    def save(self, name: str, grid_filter: GridFilter, column: int, order: Qt.SortOrder) -> None:
        self.settings.setValue(f"{VIEWS_GROUP}/{name}", json.dumps(
            {"filter": asdict(grid_filter), "sort": [column, order.value]}, ensure_ascii=False))
        self.settings.sync()

    def remove(self, name: str) -> None:
        self.settings.remove(f"{VIEWS_GROUP}/{name}")
        self.settings.sync()


def legend_html(red_below: Decimal, yellow_below: Decimal, blue_from: Decimal) -> str:
    parts = [("red", f"执行进度比或指标完成比 &lt; {red_below}%"), ("yellow", f"{red_below}%–{yellow_below}%"),
             ("green", f"≥ {yellow_below}%（指标 &lt; {blue_from}%）"),
             ("blue", f"指标完成比 ≥ {blue_from}%，目标可能定低了")]
    cells = "".join(f'<span style="background:{LIGHT_BACKGROUNDS[k]}; color:{LIGHT_TEXT[k]}">&nbsp;{light_text(k)}'
                    f'&nbsp;</span> {text}　' for k, text in parts)
    return f"{cells}<span style='color:#5f6368'>执行进度比 = 执行率 ÷ 序时进度；综合灯取最差的一盏。</span>"


def default_month(year: int, today: date) -> int:
    """The latest month that may be monitored: December of a past year, the current month of this year."""
    return 12 if year < today.year else today.month if year == today.year else 1


class PeriodSelector(QWidget):
    """The rounds of the year, then 按月份（仅预算） with a month; `changed` when the choice changes."""

    changed = Signal()

    def __init__(self, year: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.round_box = QComboBox(self)
        self.round_box.setObjectName("roundSelector")
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_box = QSpinBox(self)
        self.month_box.setRange(1, 12)
        self.month_box.setPrefix("1-")
        self.month_box.setSuffix(" 月")
        self.month_box.setValue(default_month(year or date.today().year, date.today()))
        label = QLabel("监控期间(&P)：", self)
        label.setBuddy(self.round_box)
        self.round_box.activated.connect(lambda _i: self._changed())
        self.month_box.valueChanged.connect(lambda _v: self._changed())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (label, self.round_box, self.month_box):
            layout.addWidget(w)

    def period(self) -> tuple[int | None, int | None]:
        """(round id, None) for a round, (None, month) for the budget-only view of a month."""
        round_id = self.round_box.currentData()
        return (round_id, None) if round_id is not None else (None, self.month_box.value())

    def fill(self, rounds: Sequence[RoundRow], year: int) -> None:
        """Keep the chosen round if it is still there, else take the latest round (or the month if none)."""
        chosen = self.round_box.currentData()
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for r in rounds:
            self.round_box.addItem(f"{r.name}（{ROUND_STATUSES[r.status]}）", r.id)
        self.round_box.addItem("按月份（仅预算）", None)
        index = self.round_box.findData(chosen) if chosen is not None else -1
        self.round_box.setCurrentIndex(index if index >= 0 else max(len(rounds) - 1, 0))
        self.round_box.blockSignals(False)
        if not rounds:
            self.month_box.blockSignals(True)
            self.month_box.setValue(default_month(year, date.today()))
            self.month_box.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self.month_box.setEnabled(self.round_box.currentData() is None)
        self.changed.emit()


class FilterBar(QWidget):
    changed = Signal()  # the filter state changed
    view_chosen = Signal(object, int, object)  # GridFilter, sort column, sort order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.views = SavedViews(views_settings())
        self.sort_state: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)  # the page keeps it current
        self.department = QComboBox(self)
        self.department.setObjectName("departmentFilter")
        self.department.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.department.setMinimumContentsLength(8)
        self.light = QComboBox(self)
        self.light.addItem("全部灯色", None)
        for light in LIGHT_CHOICES:
            self.light.addItem(light_text(light) if light != "none" else "— 无灯", light)
        self.light_kind = QComboBox(self)
        for key, label in LIGHT_KINDS.items():
            self.light_kind.addItem(label, key)
        self.band = QComboBox(self)
        self.band.addItem("全部金额", None)
        for i, (label, _lo, _hi) in enumerate(AMOUNT_BANDS):
            self.band.addItem(label, i)
        self.fund = QComboBox(self)
        self.fund.addItem("全部资金", None)
        for key, label in FUND_TYPES.items():
            self.fund.addItem(label, key)
        self.key_only = QCheckBox("仅重点监控(&Z)", self)
        self.search = QLineEdit(self)
        self.search.setObjectName("monitoringSearch")
        self.search.setPlaceholderText("搜索项目编码、名称、单位…（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.saved = QComboBox(self)
        self.saved.setObjectName("savedViews")
        self.saved.setMinimumContentsLength(12)
        self.saved.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.save_button = QPushButton("保存视图(&V)…", self)
        self.save_button.clicked.connect(self.ask_view_name)
        self.delete_button = QPushButton("删除视图", self)
        self.delete_button.clicked.connect(self.delete_view)
        self.legend = QLabel(legend_html(Decimal(60), Decimal(80), Decimal(120)), self)
        self.legend.setObjectName("lightLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        for combo in (self.department, self.light, self.light_kind, self.band, self.fund):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.key_only.toggled.connect(lambda _on: self.changed.emit())
        self.search.textChanged.connect(lambda _t: self.changed.emit())
        self.saved.activated.connect(self._view_activated)
        first, second = QHBoxLayout(), QHBoxLayout()
        for line, pairs in ((first, (("部门(&B)：", self.department), ("灯色(&L)：", self.light), ("按(&A)：", self.light_kind),
                                     ("金额(&J)：", self.band), ("资金(&F)：", self.fund))),
                            (second, (("搜索(&S)：", self.search), ("视图(&W)：", self.saved)))):
            for text, widget in pairs:
                label = QLabel(text, self)
                label.setBuddy(widget)
                line.addWidget(label)
                line.addWidget(widget)
        first.addWidget(self.key_only)
        first.addStretch(1)
        second.addWidget(self.save_button)
        second.addWidget(self.delete_button)
        second.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addWidget(self.legend)
        self._fill_views()

    # -- state ------------------------------------------------------------------------------------------------

    def state(self) -> GridFilter:
        return GridFilter(self.department.currentData(), self.light.currentData(), self.light_kind.currentData(),
                          self.band.currentData(), self.fund.currentData(), self.key_only.isChecked(),
                          self.search.text())

    def set_state(self, f: GridFilter) -> None:
        widgets = (self.department, self.light, self.light_kind, self.band, self.fund, self.key_only, self.search)
        for w in widgets:
            w.blockSignals(True)
        for combo, value in ((self.department, f.department_id), (self.light, f.light),
                             (self.light_kind, f.light_kind), (self.band, f.band), (self.fund, f.fund_type)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.key_only.setChecked(f.key_only)
        self.search.setText(f.search)
        for w in widgets:
            w.blockSignals(False)
        self.changed.emit()

    def fill_departments(self, rows: Sequence[GridRow]) -> None:
        chosen = self.department.currentData()
        names = sorted({(r.department_name, r.department_id) for r in rows})
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItem("全部部门", None)
        for name, dept_id in names:
            self.department.addItem(name, dept_id)
        self.department.setCurrentIndex(max(self.department.findData(chosen), 0))
        self.department.blockSignals(False)

    def set_thresholds(self, red_below: Decimal, yellow_below: Decimal, blue_from: Decimal) -> None:
        self.legend.setText(legend_html(red_below, yellow_below, blue_from))

    # -- saved views ------------------------------------------------------------------------------------------

    def _fill_views(self, chosen: str | None = None) -> None:
        self.saved.clear()
        self.saved.addItem("（选择已保存的视图）", None)
        for name in self.views.names():
            self.saved.addItem(name, name)
        self.saved.setCurrentIndex(max(self.saved.findData(chosen), 0))
        self.delete_button.setEnabled(chosen is not None)

    def _view_activated(self, index: int) -> None:
        name = self.saved.itemData(index)
        self.delete_button.setEnabled(name is not None)
        found = self.views.load(name) if name else None
        if found is not None:
            self.set_state(found[0])
            self.view_chosen.emit(*found)

    def ask_view_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("保存视图")
        dialog.setLabelText("视图名称（同名覆盖）：")
        dialog.setTextValue(self.saved.currentData() or "")
        dialog.textValueSelected.connect(self.save_view)
        dialog.open()

    def save_view(self, name: str) -> None:
        name = name.strip().replace("/", "／")
        if name:
            self.views.save(name, self.state(), *self.sort_state)
            self._fill_views(name)

    def delete_view(self) -> None:
        name = self.saved.currentData()
        if name:
            self.views.remove(name)
            self._fill_views()
