"""The keyboard-friendly form that registers one project into the library (储备): fields in reading order, Tab
between them, Enter to save; a refused entry keeps the form open with the message next to the field it names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from core.common.changes import Changed
from core.common.labels import PROJECT_ATTRIBUTES, PROJECT_NATURES
from core.projects import service
from core.projects.dto import ProjectInput
from desktop.shell.context import AppContext
from desktop.widgets.forms import ServiceDialog

AMOUNTS = (("fiscal_amount", "财政拨款（万元）(&F)："), ("carryover_amount", "上年结转（万元）："),
           ("other_amount", "其他资金（万元）："), ("total_amount", "合计（万元）(&T)："),
           ("span_total_amount", "项目总额（跨年度，万元）："))


def _choice(parent: QWidget, labels: dict[str, str]) -> QComboBox:
    box = QComboBox(parent)
    for code, label in labels.items():
        box.addItem(label, code)
    return box


class RegisterDialog(ServiceDialog):
    """登记项目: one project of the year into 储备 (a continuing one is linked to last year's at once)."""

    def __init__(self, ctx: AppContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "登记项目", parent)
        self.year = year
        self.registered: int | None = None
        self.code = self.add("项目编码(&C)：", "code", QLineEdit(self))
        self.name = self.add("项目名称(&N)：", "name", QLineEdit(self))
        self.department = self.add("主管部门（编码或名称）(&D)：", "department", QLineEdit(self))
        self.implementing = self.add("实施单位：", "implementing_unit", QLineEdit(self))
        self.attribute = self.add("项目属性(&A)：", "attribute", _choice(self, PROJECT_ATTRIBUTES))
        self.nature = self.add("项目性质：", "nature", _choice(self, PROJECT_NATURES))
        self.amounts = {key: self.add(label, key, QLineEdit(self)) for key, label in AMOUNTS}
        self.start_year = self.add("起始年度：", "start_year", self._year_box())
        self.end_year = self.add("结束年度(&E)：", "end_year", self._year_box())
        self.code.setFocus()

    def _year_box(self) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(2000, 2100)
        box.setValue(self.year)
        return box

    def _amount(self, key: str) -> Decimal | None:
        text = self.amounts[key].text().strip().replace(",", "")
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(key) from None

    def submit(self) -> None:
        try:
            values = {key: self._amount(key) for key, _ in AMOUNTS}
        except ValueError as exc:
            self.error.setText("金额应填数字（万元）。")
            self.amounts[str(exc)].setFocus()
            return
        zero = Decimal(0)
        entry = ProjectInput(
            self.year, self.code.text(), self.name.text(), self.department.text(), self.implementing.text() or None,
            self.attribute.currentData(), self.nature.currentData(), values["fiscal_amount"] or zero,
            values["carryover_amount"] or zero, values["other_amount"] or zero, values["total_amount"] or zero,
            self.start_year.value(), self.end_year.value(), values["span_total_amount"])
        self.run(service.register_project, entry)

    def _done(self, result: object) -> None:
        assert isinstance(result, Changed)  # register_project's answer; the runner announced its changes
        self.registered = result.value
        super()._done(result)
