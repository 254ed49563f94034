"""Step 3 of the key-evaluation wizard: the panel. Experts are picked from the library (Space ticks the one under
the cursor; a filter narrows the list by field of expertise) with each one's workload this year and any conflict
of interest shown; the lead and an optional third-party agency are chosen. 下一步 saves the panel, and the
service's refusal (an expert of the evaluated department, two leads …) is shown in place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
)

from core.common.errors import ValidationError
from core.evaluation import experts
from core.evaluation import key as key_evaluation
from core.evaluation.dto import AgencyRow
from core.evaluation.key_dto import Candidate
from desktop.pages.evaluation.key_evaluation_step import StepPage

if TYPE_CHECKING:
    from desktop.pages.evaluation.key_evaluation_wizard import KeyEvaluationWizard

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("选入", "姓名", "工作单位", "职称", "专业领域", "本年评审", "回避")
FIELDS_COLUMN = 4
CONFLICT = QColor("#b00020")


class CandidatesModel(QAbstractTableModel):
    """The library's experts with a tick for those chosen; the choice lives in `chosen` (expert id, in order)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Candidate] = []
        self.chosen: list[int] = []

    def set_rows(self, rows: list[Candidate]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.chosen = [c.expert_id for c in rows if c.role is not None]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if c.expert_id in self.chosen else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return ("", c.name, c.employer, c.title, c.fields, c.panels, "应回避" if c.conflict else "")[column]
        if role == Qt.ItemDataRole.ForegroundRole and c.conflict:
            return QBrush(CONFLICT)
        if role == Qt.ItemDataRole.ToolTipRole and c.conflict:
            return c.conflict
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        expert_id = self.rows[index.row()].expert_id
        if Qt.CheckState(value) == Qt.CheckState.Checked and expert_id not in self.chosen:
            self.chosen.append(expert_id)
        elif Qt.CheckState(value) != Qt.CheckState.Checked and expert_id in self.chosen:
            self.chosen.remove(expert_id)
        self.dataChanged.emit(index, index)
        return True

    def toggle(self, row: int) -> None:
        index = self.index(row, 0)
        ticked = self.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        self.setData(index, Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)

    def name(self, expert_id: int) -> str:
        return next((c.name for c in self.rows if c.expert_id == expert_id), str(expert_id))


class CandidatesView(QTableView):
    """Space ticks or unticks the expert of the row under the cursor, whichever cell it is on."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() == Qt.Key.Key_Space and index.isValid():
            proxy = self.model()
            assert isinstance(proxy, QSortFilterProxyModel)
            source = proxy.sourceModel()
            assert isinstance(source, CandidatesModel)
            source.toggle(proxy.mapToSource(index).row())
            event.accept()
            return
        super().keyPressEvent(event)


class PanelPage(StepPage):
    def __init__(self, wizard: KeyEvaluationWizard) -> None:
        super().__init__(wizard, "评价组", "从专家库中选择评价专家（空格键勾选），确定组长；委托第三方机构的请选择机构。"
                                        "被评价部门（含下属单位）的专家应当回避。")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("按专业领域筛选，如 财政、农业")
        self.model = CandidatesModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(FIELDS_COLUMN)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = CandidatesView(self)
        self.view.setModel(self.proxy)
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.model.dataChanged.connect(lambda *_a: self._fill_leads())
        self.lead = QComboBox(self)
        self.agency = QComboBox(self)
        self.chosen_label = QLabel("", self)
        form = QFormLayout()
        for text, widget in (("专业领域(&F)：", self.filter), ("专家(&E)：", self.view), ("组长(&L)：", self.lead),
                             ("第三方机构(&G)：", self.agency)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.message)
        self.fields = {"panel": self.view, "agency": self.agency}

    def initializePage(self) -> None:
        self.message.setText("")
        detail = self.wiz.detail
        if detail is None:
            return
        self.ctx.runner.read(key_evaluation.panel_candidates, self.ctx.actor, detail.id, on_done=self._show,
                             on_error=self.failed)
        self.ctx.runner.read(experts.list_agencies, self.ctx.actor, on_done=self._show_agencies,
                             on_error=self.failed)

    def _show(self, rows: list[Candidate]) -> None:
        self.model.set_rows(rows)
        self._fill_leads(next((c.expert_id for c in rows if c.role == "lead"), None))
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 1))

    def _show_agencies(self, rows: list[AgencyRow]) -> None:
        detail = self.wiz.detail
        self.agency.clear()
        self.agency.addItem("无（财政局自行组织）", None)
        for row in rows:
            self.agency.addItem(row.name, row.id)
        if detail is not None and detail.agency_id is not None and self.agency.findData(detail.agency_id) < 0:
            self.agency.addItem(detail.agency_name or "", detail.agency_id)  # deactivated since it was chosen
        self.agency.setCurrentIndex(max(0, self.agency.findData(detail.agency_id if detail else None)))

    def _fill_leads(self, lead: int | None = None) -> None:
        keep = lead if lead is not None else self.lead.currentData()
        self.lead.blockSignals(True)
        self.lead.clear()
        self.lead.addItem("（不设组长）", None)
        for expert_id in self.model.chosen:
            self.lead.addItem(self.model.name(expert_id), expert_id)
        self.lead.setCurrentIndex(max(0, self.lead.findData(keep)) if keep is not None else
                                  (1 if self.model.chosen else 0))
        self.lead.blockSignals(False)
        names = "、".join(self.model.name(e) for e in self.model.chosen)
        self.chosen_label.setText(f"已选 {len(self.model.chosen)} 名专家：{names}" if names else "尚未选择专家。")

    def members(self) -> list[tuple[int, str]]:
        lead = self.lead.currentData()
        return [(e, "lead" if e == lead else "member") for e in self.model.chosen]

    def submit(self, drop_scores: bool = False) -> None:
        detail = self.wiz.detail
        if detail is None:
            return
        members, agency = self.members(), self.agency.currentData()
        current = [(p.expert_id, p.role) for p in detail.panel]
        if members and sorted(members) == sorted(current) and agency == detail.agency_id:
            self.advance()
            return
        self.run(key_evaluation.set_panel, detail.id, members, agency, drop_scores=drop_scores)

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field == "drop_scores":
            self.wiz.set_busy(False)
            answer = QMessageBox.question(self, "移出专家", f"{exc}\n\n确定移出并删除其评分吗？")
            if answer == QMessageBox.StandardButton.Yes:
                self.submit(drop_scores=True)
            return
        super().failed(exc)
