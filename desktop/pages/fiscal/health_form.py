"""录入/修改镇街财政数据: one township's figures of one year in 万元, typed with the keyboard (Tab from field to
field, Enter saves). Choosing another township or year loads what is stored; the service checks every field and
a refused one keeps the dialog open with the message next to it."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QWidget

from core.fiscal import figures as fiscal_health
from core.fiscal.dto import FiscalInput, FiscalRow
from core.fiscal.figures import FIRST_YEAR, LAST_YEAR
from core.fiscal.rules.figures import FIELDS
from desktop.shell.context import AppContext
from desktop.shell.errors import show_error
from desktop.widgets.forms import ServiceDialog


def amount_text(value: Decimal) -> str:
    """An amount as the field shows it: no thousands separators, no trailing zeros beyond the 分 it has."""
    text = format(value.normalize(), "f")
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}" if places else f"{whole}.00"


class FiscalFormDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, year: int, unit_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "录入/修改镇街财政数据", parent)
        self.setMinimumWidth(460)
        self.unit = self.add("镇街(&U)：", "unit_id", QComboBox(self))
        self.year = self.add("年度(&Y)：", "year", QSpinBox(self))
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(year)
        self.amounts: dict[str, QLineEdit] = {}
        for key, label in FIELDS:
            edit = QLineEdit(self)
            edit.setPlaceholderText("万元")
            edit.setToolTip(f"{label}，单位万元，最多精确到分；没有发生的填 0")
            self.amounts[key] = self.add(f"{label}（万元）：", key, edit)
        self._wanted = unit_id
        self._loaded = False
        self.unit.currentIndexChanged.connect(lambda _i: self.load())
        self.year.valueChanged.connect(lambda _v: self.load())
        self.load()

    def load(self) -> None:
        """The townships and the stored figures of the chosen year."""
        self.ctx.runner.read(fiscal_health.list_figures, self.ctx.actor, self.year.value(), on_done=self._show,
                             on_error=lambda exc: show_error(self, exc))

    def _show(self, rows: list[FiscalRow]) -> None:
        if not self._loaded:
            self.unit.blockSignals(True)
            for r in rows:
                self.unit.addItem(f"{r.unit_code} {r.unit_name}", r.unit_id)
            self.unit.setCurrentIndex(max(0, self.unit.findData(self._wanted)))
            self.unit.blockSignals(False)
            self._loaded = True
        row = next((r for r in rows if r.unit_id == self.unit.currentData()), None)
        for key, edit in self.amounts.items():
            edit.setText(amount_text(row.figures.amount(key)) if row and row.figures else "")
        self.error.setText("" if row is None or row.figures else f"{row.unit_name}{row.year} 年还没有数据，请录入。")
        first = next(iter(self.amounts.values()))
        first.setFocus()
        first.selectAll()

    def submit(self) -> None:
        unit_id = self.unit.currentData()
        if unit_id is None:
            self.error.setText("请选择镇街。")
            return
        self.run(fiscal_health.save_figures, FiscalInput(unit_id, self.year.value(),
                                                         {key: edit.text() for key, edit in self.amounts.items()}))
