"""Column mapping of payment exports: which header holds each field of an execution record, guessed from the
Chinese header names treasury systems use and remembered per source as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

FIELDS = {"project_code": "项目编码", "period": "支付日期或月份", "amount": "支付金额", "voucher": "凭证号",
          "payee": "收款人"}
REQUIRED = ("project_code", "period", "amount")
UNITS = ("元", "万元")
# Header names seen in treasury payment exports, best first; a header matches exactly, else by containing one.
SYNONYMS = {
    "project_code": ("项目编码", "项目代码", "项目编号", "预算项目编码", "预算项目代码", "项目号"),
    "period": ("支付日期", "记账日期", "支付月份", "月份", "会计期间", "期间", "清算日期", "交易日期", "日期"),
    "amount": ("支付金额", "实际支付金额", "支出金额", "金额", "发生额"),
    "voucher": ("支付凭证号", "凭证号", "凭证编号", "支付令号", "单据号"),
    "payee": ("收款人", "收款单位", "收款人名称", "收款人全称", "收款方"),
}
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


class MappingError(ValueError):
    """A column mapping that cannot be used with this file; `field` names the field to fix."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ColumnMapping:
    """Which header holds each field (None: not chosen) and the unit of the amounts; remembered per source."""

    project_code: str | None = None
    period: str | None = None
    amount: str | None = None
    voucher: str | None = None
    payee: str | None = None
    unit: str = "元"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        try:
            data = json.loads(text)
            return cls(**{k: data.get(k) for k in FIELDS}, unit=str(data.get("unit") or "元"))
        except (ValueError, TypeError, AttributeError) as exc:
            raise MappingError("保存的列对应关系已损坏，请重新选择各列。") from exc


@dataclass(frozen=True)
class Column:
    index: int  # 0-based position in a row
    letter: str
    title: str


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def header_titles(cells: Sequence[object]) -> tuple[str, ...]:
    """Header texts, unique: an empty header becomes “（C列）”, a repeated one gets its letter appended."""
    titles: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        title = text or f"（{column_letter(i)}列）"
        titles.append(f"{title}（{column_letter(i)}列）" if title in titles else title)
    return tuple(titles)


def _norm(header: str) -> str:
    return _BRACKETS.sub("", header).replace(" ", "").replace("\u3000", "")


def _match(field: str, header: str) -> int | None:
    """How well a header fits a field (lower is better), None if not at all."""
    name = _norm(header)
    for rank, synonym in enumerate(SYNONYMS[field]):
        if name == synonym:
            return rank
    for rank, synonym in enumerate(SYNONYMS[field]):
        if synonym in name and not (field == "period" and "凭证" in name):
            return 100 + rank
    return None


def suggest(headers: Sequence[str]) -> ColumnMapping:
    """Guess the mapping from header names; each header serves one field at most."""
    chosen: dict[str, str | None] = {}
    used: set[str] = set()
    for field in FIELDS:
        scored = [(rank, i, h) for i, h in enumerate(headers) if h not in used
                  and (rank := _match(field, h)) is not None]
        best = min(scored)[2] if scored else None
        chosen[field] = best
        if best is not None:
            used.add(best)
    amount = chosen["amount"]
    unit = "万元" if amount is not None and "万元" in amount else "元"
    return ColumnMapping(**chosen, unit=unit)


def header_score(cells: Sequence[object]) -> int:
    """How many known header names a row holds, to find the header row below a title."""
    texts = [str(c) for c in cells if isinstance(c, str) and c.strip()]
    return sum(1 for field in FIELDS if any(_match(field, t) is not None for t in texts))


def resolve(mapping: ColumnMapping, headers: Sequence[str]) -> dict[str, Column]:
    """The chosen fields' columns in this file; a Chinese message naming the field if one cannot be used."""
    if mapping.unit not in UNITS:
        raise MappingError(f"金额单位“{mapping.unit}”无效，应为“元”或“万元”。", "unit")
    columns: dict[str, Column] = {}
    for field, label in FIELDS.items():
        title = getattr(mapping, field)
        if not title:
            if field in REQUIRED:
                raise MappingError(f"请为“{label}”选择文件中的一列。", field)
            continue
        if title not in headers:
            raise MappingError(f"文件中没有名为“{title}”的列（“{label}”原先对应此列），请重新选择。", field)
        index = list(headers).index(title)
        clash = next((FIELDS[f] for f, c in columns.items() if c.index == index), None)
        if clash is not None:
            raise MappingError(f"“{clash}”和“{label}”不能使用同一列“{title}”。", field)
        columns[field] = Column(index, column_letter(index), title)
    return columns


