"""部门综合评分 tab: per department and township the four component scores (— where there is no data, its weight
going to the others), the audit/inspection and rectification deductions, the composite score and the adjustment
coefficient, with the calculation spelled out for the selected row."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from core.common import formatting
from core.common.changes import Area
from core.results import application as results
from core.results.dto import DepartmentScore, SuggestionTable
from core.results.rules.policy import COMPONENTS
from desktop.shell.context import AppContext
from desktop.shell.page import Page
from desktop.widgets.common import SearchableTable
from desktop.widgets.table_model import Column, RowTableModel


def _component(key: str) -> Column[DepartmentScore]:
    label = dict(COMPONENTS)[key]
    return Column(label, lambda r: next(c.score for c in r.components if c.key == key), align_right=True,
                  text=formatting.score)


def score_columns() -> list[Column[DepartmentScore]]:
    return [Column("单位编码", lambda r: r.code), Column("单位", lambda r: r.name),
            *(_component(key) for key, _ in COMPONENTS),
            Column("审计检查扣分", lambda r: r.finding_points, align_right=True, text=lambda v: f"{v:g}"),
            Column("整改扣分", lambda r: r.rectification_points, align_right=True, text=lambda v: f"{v:g}"),
            Column("综合得分", lambda r: r.composite, align_right=True, text=formatting.score),
            Column("调整系数", lambda r: r.coefficient, align_right=True, text=str,
                   colour=lambda r: "#b00020" if r.coefficient < 1 else "#1b5e20" if r.coefficient > 1 else None)]


class ScoresTab(Page):
    areas = frozenset({Area.EVALUATION, Area.EXANTE, Area.MONITORING, Area.RECTIFICATION, Area.RESULTS, Area.REVIEW})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[DepartmentScore] = []
        self.model: RowTableModel[DepartmentScore] = RowTableModel(score_columns())
        self.table = SearchableTable(self.model, "搜索单位…", self)
        self.table.view.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._explain())
        self.only_scored = QCheckBox("只看有绩效结果的单位", self)
        self.only_scored.setChecked(True)
        self.only_scored.toggled.connect(lambda _on: self._fill())
        self.counts = QLabel("", self)
        self.counts.setWordWrap(True)
        self.explanation = QLabel("选择一个单位查看综合得分的计算过程。", self)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.explanation)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.only_scored)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)


    def load(self) -> None:
        if self.ctx.year is not None:
            self.read(results.suggestions, self.ctx.actor, self.ctx.year, on_done=self._show,
                      on_error=self.failed)

    def _show(self, table: SuggestionTable) -> None:
        self.rows = [d.score for d in table.departments]
        self._fill()

    def _fill(self) -> None:
        shown = [r for r in self.rows if r.composite is not None or not self.only_scored.isChecked()]
        self.model.set_rows(shown)
        self.table.fit_columns()
        scored = [r for r in self.rows if r.composite is not None]
        by_coefficient: dict[Decimal, int] = {}
        for r in scored:
            by_coefficient[r.coefficient] = by_coefficient.get(r.coefficient, 0) + 1
        spread = "，".join(f"系数 {c}：{n} 个" for c, n in sorted(by_coefficient.items(), reverse=True))
        self.counts.setText(f"共 {len(self.rows)} 个部门（镇街），有绩效结果的 {len(scored)} 个"
                            + (f"（{spread}）" if spread else ""))

    def _explain(self) -> None:
        row = self.table.selected_row()
        if row is None:
            return
        basis = "；".join(f"{c.label}：{formatting.score(c.score)}（{c.basis}，权重 {c.weight:g}）" for c in row.components)
        self.explanation.setText(f"{row.name}\n{basis}\n{row.explanation}")
