"""A read-only goal table as the reviewer reads it: header facts, the texts, and the indicator grid, with each
automatic finding shown next to the field or indicator it concerns (mark, colour, tooltip and a 问题 column)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QTableView, QVBoxLayout, QWidget

from core.common import formatting
from core.common.labels import FUND_TYPES, PROJECT_ATTRIBUTES, PROJECT_NATURES
from core.goals.rules.goal_table import kind_label
from core.goals.rules.notation import IndicatorValue, NotationError, format_indicator_value
from core.review.rules.model import Finding, IndicatorView, TableView
from desktop.widgets.table_model import Column, RowTableModel

SEVERITY_MARKS = {"error": "✖", "warning": "▲", "info": "●"}
SEVERITY_COLOURS = {"error": "#b00020", "warning": "#b36b00", "info": "#1f5fa8"}
UNDECIDED_COLOUR = "#b36b00"  # 待定: the kind still has to be decided
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
HEADER_FIELDS = (  # (finding field, label, value)
    ("project_name", "项目名称", lambda t: t.project_name),
    ("unit_name", "主管部门", lambda t: t.unit_name),
    ("implementing_unit", "实施单位", lambda t: t.implementing_unit),
    ("attribute", "项目属性", lambda t: PROJECT_ATTRIBUTES.get(t.attribute, t.attribute)),
    ("nature", "项目性质", lambda t: PROJECT_NATURES.get(t.nature, t.nature)),
    ("fund_type", "资金类型", lambda t: FUND_TYPES.get(t.fund_type or "", t.fund_type)),
    ("total_amount", "资金总额（万元）", lambda t: t.total_amount),
    ("fiscal_amount", "其中：财政拨款", lambda t: t.fiscal_amount),
    ("carryover_amount", "上年结转", lambda t: t.carryover_amount),
    ("other_amount", "其他资金", lambda t: t.other_amount),
    ("start_date", "开始时间", lambda t: t.start_date),
    ("end_date", "结束时间", lambda t: t.end_date),
    ("manager", "项目负责人", lambda t: t.manager),
    ("phone", "联系电话", lambda t: t.phone),
)
TEXT_FIELDS = (("overview", "项目概况"), ("basis", "立项依据"), ("schedule", "实施计划"),
               ("long_term_goal", "中长期目标"), ("annual_goal", "年度目标"))


def _text(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, Decimal):
        return formatting.amount(value)
    return str(value)


def value_notation(row: IndicatorView) -> str:
    """The value as the forms write it ("≥50个"); whatever was entered when it cannot be printed that way."""
    try:
        return format_indicator_value(IndicatorValue(row.comparator, row.target, row.target_text,
                                                     row.unit_of_measure))
    except NotationError:
        number = "" if row.target is None else str(row.target)
        return f"{row.comparator}{number}{row.target_text or ''}{row.unit_of_measure or ''}（格式有误）"


def worst(findings: list[Finding]) -> str | None:
    for severity in ("error", "warning", "info"):
        if any(f.severity == severity for f in findings):
            return severity
    return None


class TablePanel(QWidget):
    """Shows one TableView; `show(table, findings)` replaces what is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._by_position: dict[int, list[Finding]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.header_labels: dict[str, QLabel] = {}
        for i, (key, title, _value) in enumerate(HEADER_FIELDS):
            name = QLabel(title + "：", self)
            name.setObjectName("fieldName")
            value = QLabel("", self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.header_labels[key] = value
            grid.addWidget(name, i // 2, (i % 2) * 2)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.texts = QLabel("", self)
        self.texts.setWordWrap(True)
        self.texts.setTextFormat(Qt.TextFormat.RichText)
        self.texts.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.model: RowTableModel[IndicatorView] = RowTableModel([
            Column("序", lambda r: r.position, align_right=True),
            Column("一级指标", lambda r: r.level1), Column("二级指标", lambda r: r.level2),
            Column("三级指标", lambda r: r.name, colour=self._colour),
            Column("指标值", value_notation, colour=self._colour),
            Column("指标类型", lambda r: kind_label(r.kind), colour=lambda r: None if r.kind else UNDECIDED_COLOUR),
            Column("权重", lambda r: r.weight, align_right=True),
            Column("问题", self._problems, colour=self._colour),
            Column("评分标准", lambda r: r.scoring_standard)])
        self.indicators = QTableView(self)
        self.indicators.setObjectName("reviewIndicators")
        self.indicators.setModel(self.model)
        self.indicators.setAlternatingRowColors(True)
        self.indicators.setWordWrap(True)
        self.indicators.verticalHeader().setVisible(False)
        self.indicators.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(grid)
        layout.addWidget(self.texts)
        layout.addWidget(self.indicators, 1)

    def _colour(self, row: IndicatorView) -> str | None:
        severity = worst(self._by_position.get(row.position, []))
        return SEVERITY_COLOURS.get(severity or "")

    def _problems(self, row: IndicatorView) -> str:
        found = self._by_position.get(row.position, [])
        return "；".join(f"{SEVERITY_MARKS[f.severity]}{f.rule_id}" for f in found)

    def show_table(self, table: TableView, findings: tuple[Finding, ...] = ()) -> None:
        by_field: dict[str, list[Finding]] = defaultdict(list)
        self._by_position = defaultdict(list)
        for f in findings:
            if f.indicator_position is not None:
                self._by_position[f.indicator_position].append(f)
            else:
                by_field[f.field.split("[")[0]].append(f)
        for key, _title, value in HEADER_FIELDS:
            label = self.header_labels[key]
            here = by_field.get(key, [])
            severity = worst(here)
            mark = f" {SEVERITY_MARKS[severity]}" if severity else ""
            label.setText(_text(value(table)) + mark)
            label.setStyleSheet(f"color: {SEVERITY_COLOURS[severity]}; font-weight: bold;" if severity else "")
            label.setToolTip("\n".join(f.message for f in here))
        parts = []
        for key, title in TEXT_FIELDS:
            here = by_field.get(key, [])
            severity = worst(here)
            colour = f' style="color:{SEVERITY_COLOURS[severity]}"' if severity else ""
            value = getattr(table, key) or "（空）"
            parts.append(f"<b{colour}>{title}{' ' + SEVERITY_MARKS[severity] if severity else ''}：</b>"
                         f"{_escape(value)}")
        self.texts.setText("<br>".join(parts))
        self.model.set_rows(list(table.indicators))
        self.indicators.resizeColumnsToContents()
        self.indicators.setColumnWidth(3, min(self.indicators.columnWidth(3), 260))
        self.indicators.setColumnWidth(7, min(self.indicators.columnWidth(7), 160))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
