"""Steps 5 and 6 of the key-evaluation wizard: the aggregation (each item's scores with the mean of those used,
the dropped extremes in brackets, the spread, outliers highlighted) and the written findings, causes,
recommendations and the report's other texts, saved by 下一步."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
)

from core.evaluation import key as key_evaluation
from core.evaluation.key_base import TEXT_PARTS
from core.evaluation.key_dto import AggregateRow, KeyEvaluationDetail
from desktop.pages.evaluation.key_evaluation_step import StepPage

if TYPE_CHECKING:
    from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard

Index = QModelIndex | QPersistentModelIndex
OUTLIER = QColor("#f8d7da")
DROPPED = QColor("#6b6b6b")
WIDE = QColor("#fff4ce")
TEXT_LABELS = {"overview": "项目概况(&O)：", "experience": "主要经验及做法(&J)：", "findings": "存在的问题(&W)：",
               "causes": "原因分析(&Y)：", "recommendations": "有关建议(&R)：", "other": "其他需要说明的问题(&Q)："}


class AggregationModel(QAbstractTableModel):
    """Read-only: 评价指标 | 分值 | each expert | 平均分 | 极差."""

    def __init__(self) -> None:
        super().__init__()
        self.detail: KeyEvaluationDetail | None = None

    def set_detail(self, detail: KeyEvaluationDetail) -> None:
        self.beginResetModel()
        self.detail = detail
        self.endResetModel()

    def _experts(self) -> int:
        return 0 if self.detail is None else len(self.detail.panel)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.detail is None else len(self.detail.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.detail is None else 4 + self._experts()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.detail is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        names = [p.name for p in self.detail.panel]
        return ["评价指标", "分值", *names, "平均分", "极差"][section]

    def _cell(self, row: AggregateRow, column: int) -> tuple[str, int | None]:
        """The text of a cell and, for an expert's score, the expert's position."""
        experts = self._experts()
        if column == 0:
            return f"{row.item.level1}—{row.item.name}", None
        if column == 1:
            return str(row.item.weight), None
        if column < 2 + experts:
            position = column - 2
            score = row.scores[position]
            if score is None:
                return "—", position
            text = f"({score})" if position in row.dropped else str(score)
            return text + (" ▲" if position in row.outliers else ""), position
        value = row.mean if column == 2 + experts else row.spread
        return ("—" if value is None else str(value)), None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.detail is None:
            return None
        row = self.detail.rows[index.row()]
        text, position = self._cell(row, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if position is not None and position in row.outliers:
                return QBrush(OUTLIER)
            if index.column() == self.columnCount() - 1 and row.outliers:
                return QBrush(WIDE)
        if role == Qt.ItemDataRole.ForegroundRole and position is not None and position in row.dropped:
            return QBrush(DROPPED)
        if role == Qt.ItemDataRole.FontRole and index.column() == 2 + self._experts():
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and position is not None:
            notes = (["计算平均分时去掉"] if position in row.dropped else []) + (
                ["离群：偏离中位数超过该项分值的 20%"] if position in row.outliers else [])
            return "；".join(notes) or None
        return None


class AggregationPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评分汇总", "各指标得分取专家评分的平均值；专家达到 5 名及以上时去掉一个最高分和一个最低分"
                                         "（括号内）。红底 ▲ 为离群评分（偏离中位数超过该项分值的 20%），请核实。")
        self.model = AggregationModel()
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setTabKeyNavigation(False)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.total = QLabel("", self)
        self.total.setWordWrap(True)
        font = self.total.font()
        font.setBold(True)
        self.total.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        detail = self.wiz.detail
        if detail is None:
            return
        self.model.set_detail(detail)
        self.view.setColumnWidth(0, 200)
        outliers = sum(len(r.outliers) for r in detail.rows)
        flagged = f"；{outliers} 个离群评分已标出" if outliers else ""
        if detail.score is not None:
            self.total.setText(f"综合得分 {detail.score} 分，评价等级“{detail.grade}”{flagged}。")
        else:
            missing = sum(1 for r in detail.rows for s in r.scores if s is None)
            self.total.setText(f"尚有 {missing} 个评分未录入，暂不能汇总得分{flagged}。")


class TextsPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评价发现与建议", "填写报告的文字部分：存在的问题和有关建议为定稿所必需。"
                                             "在文本框中按 Tab 键移到下一项。")
        self.edits: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        for key in TEXT_PARTS:
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(72)
            label = QLabel(TEXT_LABELS[key], self)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.edits[key] = edit
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.message)
        self.fields = dict(self.edits)

    def initializePage(self) -> None:
        detail = self.wiz.detail
        if detail is not None:
            for key, edit in self.edits.items():
                if edit.toPlainText() != detail.texts.get(key, ""):
                    edit.setPlainText(detail.texts.get(key, ""))

    def texts(self) -> dict[str, str]:
        return {key: edit.toPlainText() for key, edit in self.edits.items()}

    def submit(self) -> None:
        detail = self.wiz.detail
        if detail is None:
            return
        texts = self.texts()
        if all(texts[k].strip() == detail.texts.get(k, "") for k in texts):
            self.advance()
            return
        self.run(key_evaluation.save_texts, detail.id, texts)
