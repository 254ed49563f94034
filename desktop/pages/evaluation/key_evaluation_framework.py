"""Step 2 of the key-evaluation wizard: the framework. A template is chosen (the shipped reference table or a
saved one), its items are edited in a grid (weights typed with the keyboard, a scoring standard per item, rows
added or removed) with the running total and the 产出 + 效益 warning shown live; 下一步 saves it to the
evaluation, and weights not summing to 100 are refused in place. An edited framework can be saved as a template."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from core.evaluation import key as key_evaluation
from core.evaluation.key_dto import TemplateRow
from core.evaluation.key_templates import TemplateSaved
from core.evaluation.rules.scoring import FrameworkItem, ScoringError, check_framework
from desktop.pages.evaluation.key_evaluation_step import StepPage
from desktop.widgets.entry_grid import EntryGrid

if TYPE_CHECKING:
    from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("编号", "一级指标", "二级指标", "三级指标", "分值", "评分标准")
FIELDS = ("key", "level1", "level2", "name", "weight", "standard")
WEIGHT = 4


class FrameworkModel(QAbstractTableModel):
    """The framework's items, every cell editable; a weight that is not a number is refused with `problem`."""

    problem = Signal(str)
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[FrameworkItem] = []

    def set_items(self, items: list[FrameworkItem]) -> None:
        self.beginResetModel()
        self.rows = list(items)
        self.endResetModel()
        self.edited.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return str(getattr(item, FIELDS[index.column()]))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == WEIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.standard
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        item, column, text = self.rows[index.row()], index.column(), str(value).strip()
        if column == WEIGHT:
            try:
                weight = Decimal(text or "0")
                if not weight.is_finite() or weight != weight.quantize(Decimal("0.01")):
                    raise InvalidOperation
            except InvalidOperation:
                self.problem.emit(f"第 {index.row() + 1} 项“{item.name}”的分值“{text}”不是有效的数字（最多两位小数）。")
                return False
            self.rows[index.row()] = dataclasses.replace(item, weight=weight)
        else:
            self.rows[index.row()] = dataclasses.replace(item, **{FIELDS[column]: text})
        self.problem.emit("")
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def add_after(self, row: int) -> int:
        """A blank item after `row` with a fresh key (N1, N2 …); returns its row."""
        keys = {i.key for i in self.rows}
        key = next(f"N{n}" for n in range(1, len(keys) + 2) if f"N{n}" not in keys)
        level1 = self.rows[row].level1 if 0 <= row < len(self.rows) else "效益"
        at = min(max(row + 1, 0), len(self.rows))
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.insert(at, FrameworkItem(key, level1, "", "", Decimal(0), ""))
        self.endInsertRows()
        self.edited.emit()
        return at

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.edited.emit()


def framework_status(items: list[FrameworkItem]) -> tuple[str, str]:
    """(text, level) for the running total: level is ok, warning or error."""
    by_level: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        by_level[item.level1 or "（未填一级指标）"] += item.weight
    total = sum(by_level.values(), Decimal(0))
    split = " · ".join(f"{name} {points}" for name, points in by_level.items())
    head = f"分值合计 {total} 分（{split}）。"
    try:
        warnings = check_framework(items)
    except ScoringError as exc:
        return f"{head}{exc}", "error"
    return (f"{head}{''.join(warnings)}", "warning") if warnings else (head, "ok")


class FrameworkPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评价指标体系", "选择模板，按需要调整指标、分值和评分标准；分值合计必须为 100 分，"
                                           "产出和效益合计一般不低于 60 分。")
        self.templates: list[TemplateRow] = []
        self.template = QComboBox(self)
        self.template.currentIndexChanged.connect(self._template_chosen)
        self.model = FrameworkModel()
        self.grid = EntryGrid(self)
        self.grid.setModel(self.model)
        self.grid.setWordWrap(True)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((52, 70, 80, 140, 56)):
            self.grid.setColumnWidth(column, width)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.model.edited.connect(self._show_status)
        self.model.problem.connect(self.message.setText)
        self.model.problem.connect(self.grid.note_problem)
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("add", "增加指标(&A)"), ("remove", "删除指标(&D)"), ("save_as", "另存为模板(&S)…"),
            ("save", "保存到模板(&U)"))}
        self.buttons["add"].clicked.connect(self._add)
        self.buttons["remove"].clicked.connect(lambda: self.model.remove(self.grid.currentIndex().row()))
        self.buttons["save_as"].clicked.connect(self._save_as)
        self.buttons["save"].clicked.connect(self._save_over)
        label = QLabel("模板(&M)：", self)
        label.setBuddy(self.template)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.template, 1)
        grid_label = QLabel("指标及分值(&W)：", self)
        grid_label.setBuddy(self.grid)
        bar = QHBoxLayout()
        for button in self.buttons.values():
            button.setAutoDefault(False)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(grid_label)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.status)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        self.fields = {"weights": self.grid, "items": self.grid, "name": self.template}

    def initializePage(self) -> None:
        self.message.setText("")
        detail = self.wiz.detail
        if detail is not None:
            self.model.set_items(list(detail.items))
        self.ctx.runner.read(key_evaluation.list_templates, self.ctx.actor, on_done=self._show_templates,
                             on_error=self.failed)

    def _show_templates(self, rows: list[TemplateRow], select: str | None = None) -> None:
        self.templates = rows
        wanted = select or (self.wiz.detail.template_name if self.wiz.detail else "")
        self.template.blockSignals(True)  # showing the list must not replace the evaluation's items
        self.template.clear()
        for row in rows:
            self.template.addItem(row.name + ("（内置）" if row.builtin else ""), row.id)
        found = next((n for n, r in enumerate(rows) if r.name == wanted), 0)
        self.template.setCurrentIndex(found)
        self.template.blockSignals(False)
        self._show_status()

    def _template_chosen(self, index: int) -> None:
        if 0 <= index < len(self.templates):
            self.model.set_items(list(self.templates[index].items))

    def _chosen(self) -> TemplateRow | None:
        index = self.template.currentIndex()
        return self.templates[index] if 0 <= index < len(self.templates) else None

    def _show_status(self) -> None:
        text, level = framework_status(self.model.rows)
        colour = {"ok": "", "warning": "color: #9a6700;", "error": "color: #b00020;"}[level]
        self.status.setStyleSheet(colour)
        self.status.setText(text)
        chosen = self._chosen()
        self.buttons["save"].setEnabled(chosen is not None and chosen.id is not None and not chosen.builtin)

    def _add(self) -> None:
        row = self.model.add_after(self.grid.currentIndex().row())
        self.grid.setCurrentIndex(self.model.index(row, 3))
        self.grid.setFocus()

    def _save_as(self) -> None:
        name, ok = QInputDialog.getText(self, "另存为模板", "模板名称：")
        if ok:
            self._save_template(None, name)

    def _save_over(self) -> None:
        chosen = self._chosen()
        if chosen is not None and chosen.id is not None:
            self._save_template(chosen.id, chosen.name)

    def _save_template(self, template_id: int | None, name: str) -> None:
        self.message.setText("")
        self.ctx.runner.write(key_evaluation.save_template, self.ctx.actor, template_id, name, list(self.model.rows),
                              on_done=self._template_saved, on_error=self.failed)

    def _template_saved(self, saved: TemplateSaved) -> None:
        row = saved.row
        self.message.setText(f"已保存模板“{row.name}”。")
        self.ctx.runner.read(key_evaluation.list_templates, self.ctx.actor,
                             on_done=lambda rows: self._show_templates(rows, row.name), on_error=self.failed)

    def template_name(self) -> str:
        chosen = self._chosen()
        if chosen is None:
            return self.wiz.detail.template_name if self.wiz.detail else ""
        return chosen.name if list(chosen.items) == self.model.rows else f"{chosen.name}（调整）"

    def submit(self) -> None:
        detail = self.wiz.detail
        if detail is None:
            return
        items = list(self.model.rows)
        if items == list(detail.items):
            self.advance()
            return
        self.run(key_evaluation.update_framework, detail.id, self.template_name(), items)
