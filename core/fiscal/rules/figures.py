"""A township's yearly fiscal figures (镇街财政运行数据, amounts in 万元): their fields and labels, reading one
amount as typed or as found in a workbook cell, and the checks a year's figures must pass (no negative amounts,
税收 within 一般公共预算收入, “三保”支出 within 一般公共预算支出, execution and carry-over within the budget)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

FIELDS: tuple[tuple[str, str], ...] = (
    ("general_revenue", "一般公共预算收入"),
    ("tax_revenue", "税收收入"),
    ("total_expenditure", "一般公共预算支出"),
    ("fiscal_capacity", "综合财力"),
    ("basic_needs", "“三保”支出需求"),
    ("basic_spent", "“三保”实际支出"),
    ("debt_balance", "政府债务余额"),
    ("budget_total", "支出预算数"),
    ("executed", "支出执行数"),
    ("carryover", "结转结余"),
)
FIELD_LABELS = dict(FIELDS)
MAX_PLACES = 6  # 万元 to the 分
# (part, whole): the part cannot exceed the whole
LIMITS: tuple[tuple[str, str], ...] = (
    ("tax_revenue", "general_revenue"),
    ("basic_spent", "total_expenditure"),
    ("executed", "budget_total"),
    ("carryover", "budget_total"),
)


def quoted(label: str) -> str:
    """A name in Chinese quotes for a message, unless it carries its own (“三保”支出需求)."""
    return label if "“" in label else f"“{label}”"


class FigureError(ValueError):
    """An amount that cannot be accepted; the message is Chinese and names the field."""


@dataclass(frozen=True)
class FiscalFigures:
    """One township's figures of one year, in 万元."""

    year: int
    general_revenue: Decimal
    tax_revenue: Decimal
    total_expenditure: Decimal
    fiscal_capacity: Decimal
    basic_needs: Decimal
    basic_spent: Decimal
    debt_balance: Decimal
    budget_total: Decimal
    executed: Decimal
    carryover: Decimal

    def amount(self, field: str) -> Decimal:
        value: Decimal = getattr(self, field)
        return value

    def amounts(self) -> dict[str, Decimal]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "year"}


def parse_amount(raw: object, label: str) -> Decimal:
    """An amount in 万元 from typed text (thousands separators and a trailing 万元 allowed) or a cell value."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise FigureError(f"{quoted(label)}未填写（万元，没有发生的填 0）。")
    if isinstance(raw, bool):
        raise FigureError(f"{quoted(label)}应为金额（万元），收到“{raw}”。")
    if isinstance(raw, float):
        text = repr(raw)  # the shortest text that reads back as the cell's float: 12.3, not 12.2999…
    elif isinstance(raw, int | Decimal):
        text = str(raw)
    else:
        text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("万元").strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise FigureError(f"{quoted(label)}应为金额（万元，如 1234.56），收到“{str(raw).strip()}”。") from exc
    if not value.is_finite():
        raise FigureError(f"{quoted(label)}应为金额（万元），收到“{raw}”。")
    if value < 0:
        raise FigureError(f"{quoted(label)}不能为负数，收到 {text}。")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES and value != value.quantize(Decimal(1).scaleb(-MAX_PLACES)):
        raise FigureError(f"{quoted(label)}最多精确到分（万元小数点后 {MAX_PLACES} 位），收到 {text}。")
    return value


def check_figures(amounts: Mapping[str, Decimal]) -> list[tuple[str, str]]:
    """(field, Chinese message) for every check a year's amounts fail; negative amounts and parts larger than
    their whole. Missing fields are the caller's concern."""
    problems = [(key, f"{quoted(label)}不能为负数，收到 {amounts[key]}。")
                for key, label in FIELDS if key in amounts and amounts[key] < 0]
    for part, whole in LIMITS:
        if part in amounts and whole in amounts and amounts[part] > amounts[whole]:
            problems.append((part, f"{quoted(FIELD_LABELS[part])}（{amounts[part]} 万元）不能大于"
                                   f"{quoted(FIELD_LABELS[whole])}（{amounts[whole]} 万元）。"))
    return problems
