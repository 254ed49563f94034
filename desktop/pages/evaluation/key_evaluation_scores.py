"""Step 4 of the key-evaluation wizard: the experts' scores, a grid of framework items × panel experts typed with
the keyboard (a score outside 0 to the item's points is refused in place). An expert's scoring workbook can be
generated to be filled outside, and a filled one imported (checked by the service; importing an expert who has
scores asks before replacing them). 下一步 saves the grid as shown, replacing the scores it changed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.common.errors import USER_ERRORS, ValidationError
from core.evaluation import key as key_evaluation
from core.evaluation.key_base import parse_score
from core.evaluation.key_dto import KeyEvaluationDetail, WorkbookImport
from desktop.pages.evaluation.key_evaluation_step import StepPage
from desktop.shell.errors import show_error
from desktop.widgets.entry_grid import EntryGrid

if TYPE_CHECKING:
    from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard

Index = QModelIndex | QPersistentModelIndex
FIXED = 2  # 评价指标, 分值; the experts' columns follow
MISSING = QColor("#fff4ce")


class ScoreGridModel(QAbstractTableModel):
    """Items × experts; `scores[(row, expert position)]` is what the grid shows; edited experts are `dirty`."""

    problem = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.detail: KeyEvaluationDetail | None = None
        self.scores: dict[tuple[int, int], Decimal | None] = {}
        self.dirty: set[int] = set()

    def set_detail(self, detail: KeyEvaluationDetail) -> None:
        self.beginResetModel()
        self.detail = detail
        self.scores = {(r, e): row.scores[e] for r, row in enumerate(detail.rows) for e in range(len(detail.panel))}
        self.dirty = set()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.detail is None else len(self.detail.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.detail is None else FIXED + len(self.detail.panel)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.detail is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        if section < FIXED:
            return ("评价指标", "分值")[section]
        expert = self.detail.panel[section - FIXED]
        return expert.name + ("（组长）" if expert.role == "lead" else "")

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() >= FIXED else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.detail is None:
            return None
        item, column = self.detail.items[index.row()], index.column()
        score = self.scores.get((index.row(), column - FIXED)) if column >= FIXED else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return f"{item.level1}—{item.name}"
            if column == 1:
                return str(item.weight)
            return "" if score is None else str(score)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column >= FIXED and score is None:
            return QBrush(MISSING)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.name}（{item.weight} 分）：{item.standard}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.detail is None or index.column() < FIXED:
            return False
        position = index.column() - FIXED
        expert, item = self.detail.panel[position], self.detail.items[index.row()]
        text = str(value).strip()
        try:
            score = parse_score(text, item, expert.name) if text else None
        except ValidationError as exc:
            self.problem.emit(str(exc))
            return False
        self.problem.emit("")
        if self.scores.get((index.row(), position)) != score:
            self.scores[(index.row(), position)] = score
            self.dirty.add(expert.expert_id)
            self.dataChanged.emit(index, index)
        return True

    def changed_scores(self) -> dict[int, dict[str, Decimal | None]]:
        """The edited experts' scores as the grid shows them (None: cleared)."""
        if self.detail is None:
            return {}
        out: dict[int, dict[str, Decimal | None]] = {}
        for position, expert in enumerate(self.detail.panel):
            if expert.expert_id in self.dirty:
                out[expert.expert_id] = {item.key: self.scores.get((r, position))
                                         for r, item in enumerate(self.detail.items)}
        return out


def choose_open_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "导入专家评分表", str(Path.home()), "Excel 工作簿 (*.xlsx)")
    return path


def choose_save_path(parent: QWidget, name: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "生成专家评分表", str(Path.home() / name), "Excel 工作簿 (*.xlsx)")
    return path


class ScoresPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "专家评分", "每位专家一列：直接键入分数，回车确认并移到下一格，Delete 清除；"
                                         "也可以为专家生成评分表，填好后导入。")
        self.choose_open = choose_open_path  # replaced in tests, where no file dialog can be answered
        self.choose_save = choose_save_path
        self.model = ScoreGridModel()
        self.model.problem.connect(self.message.setText)
        self.model.dataChanged.connect(lambda *_a: self._show_progress())
        self.grid = EntryGrid(self)
        self.grid.setModel(self.model)
        self.model.problem.connect(self.grid.note_problem)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.expert = QComboBox(self)
        self.generate = QPushButton("生成评分表(&G)…", self)
        self.generate.clicked.connect(self.generate_workbook)
        self.import_button = QPushButton("导入专家评分表(&I)…", self)
        self.import_button.clicked.connect(lambda: self.import_workbook())
        self.progress = QLabel("", self)
        grid_label = QLabel("评分(&S)：", self)
        grid_label.setBuddy(self.grid)
        expert_label = QLabel("专家(&X)：", self)
        expert_label.setBuddy(self.expert)
        bar = QHBoxLayout()
        bar.addWidget(expert_label)
        bar.addWidget(self.expert)
        for button in (self.generate, self.import_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(grid_label)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.progress)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        self.fields = {"score": self.grid, "path": self.import_button, "expert": self.expert}

    def initializePage(self) -> None:
        self.message.setText("")
        self.show_detail()
        self.grid.start()

    def show_detail(self) -> None:
        detail = self.wiz.detail
        if detail is None:
            return
        self.model.set_detail(detail)
        for column, width in enumerate((220, 50, *([96] * len(detail.panel)))):
            self.grid.setColumnWidth(column, width)
        self.expert.clear()
        for p in detail.panel:
            self.expert.addItem(p.name, p.expert_id)
        self._show_progress()

    def _show_progress(self) -> None:
        detail = self.model.detail
        if detail is None:
            return
        missing = sum(1 for v in self.model.scores.values() if v is None)
        total = len(detail.items) * len(detail.panel)
        self.progress.setText(f"已评 {total - missing}/{total} 格" + ("（有未保存的修改）" if self.model.dirty else ""))

    def submit(self) -> None:
        detail = self.wiz.detail
        changed = self.model.changed_scores()
        if detail is None or not changed:
            self.advance()
            return
        self.run(key_evaluation.enter_panel_scores, detail.id, changed)

    def _after_saving(self, then: Any) -> None:
        """Save the grid's edits first (an import or a workbook must not lose them), then `then()`."""
        detail, changed = self.wiz.detail, self.model.changed_scores()
        if detail is None or not changed:
            then()
            return
        self.ctx.runner.write(key_evaluation.enter_panel_scores, self.ctx.actor, detail.id, changed,
                              on_done=lambda _c: self.wiz.refresh(lambda: (self.show_detail(), then())),
                              on_error=self.failed)

    def generate_workbook(self) -> None:
        detail, expert_id = self.wiz.detail, self.expert.currentData()
        if detail is None or expert_id is None:
            return
        path = self.choose_save(self, f"{self.expert.currentText()}评分表.xlsx")
        if path:
            self.ctx.runner.read(key_evaluation.expert_workbook, self.ctx.actor, detail.id, expert_id, Path(path),
                                 on_done=lambda p: self.message.setText(f"已生成评分表：{p}"), on_error=self.failed)

    def import_workbook(self, path: str | None = None, replace: bool = False) -> None:
        detail = self.wiz.detail
        path = path or self.choose_open(self)
        if detail is None or not path:
            return
        self.message.setText("")
        self._after_saving(lambda: self.ctx.runner.write(
           key_evaluation.read_expert_workbook, self.ctx.actor, detail.id, Path(path), replace=replace,
           on_done=self._imported, on_error=lambda exc: self._import_failed(exc, path)))

    def _imported(self, result: WorkbookImport) -> None:
        self.wiz.refresh(lambda: (self.show_detail(), self.message.setText(
            f"已导入专家“{result.expert_name}”的 {result.scored} 项评分。")))

    def _import_failed(self, exc: BaseException, path: str) -> None:
        if isinstance(exc, ValidationError) and exc.field == "replace":  # the expert has scores already
            answer = QMessageBox.question(self, "替换评分", f"{exc}\n\n要用评分表中的分数替换该专家已录入的评分吗？")
            if answer == QMessageBox.StandardButton.Yes:
                self.import_workbook(path, replace=True)
            return
        if isinstance(exc, USER_ERRORS):
            self.message.setText(str(exc))
        else:
            show_error(self, exc)
