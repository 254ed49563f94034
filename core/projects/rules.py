"""The project library's rules as plain values: the lifecycle (储备 → 入库 → 已安排 → 执行中 → 已完成 / 已终止, with
a unit's 新项目申请 accepted into 储备 or declined), the checks of one registry entry (sources adding up to 合计,
years in order, the budget year inside them, the multi-year total covering the year's amount) and the name
similarity that links a continuing project to last year's."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from core.common.labels import PROJECT_STATUSES
from db.codes import ProjectStatus

S = ProjectStatus
TRANSITIONS: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    S.APPLIED: frozenset({S.RESERVE, S.DECLINED}),
    S.DECLINED: frozenset(),
    S.RESERVE: frozenset({S.LIBRARY, S.TERMINATED}),
    S.LIBRARY: frozenset({S.ARRANGED, S.RESERVE, S.TERMINATED}),
    S.ARRANGED: frozenset({S.EXECUTING, S.LIBRARY, S.TERMINATED}),  # back to 入库 when the budget drops it
    S.EXECUTING: frozenset({S.COMPLETED, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow; the message says which ones it does."""


def check_transition(current: str, target: str) -> ProjectStatus:
    """The target status when the lifecycle allows moving there from `current`, else TransitionError."""
    try:
        here, there = ProjectStatus(current), ProjectStatus(target)
    except ValueError as exc:
        raise TransitionError(f"未知的项目状态“{target if current in PROJECT_STATUSES else current}”。") from exc
    allowed = TRANSITIONS[here]
    if there not in allowed:
        hint = "、".join(f"“{PROJECT_STATUSES[s]}”" for s in ProjectStatus if s in allowed) or "无（已是最终状态）"
        raise TransitionError(f"项目状态不能从“{PROJECT_STATUSES[here]}”改为“{PROJECT_STATUSES[there]}”；可改为：{hint}。")
    return there


@dataclass(frozen=True)
class Amounts:
    """A project's money in 万元 as registered: the year's amount by source and 合计, and the multi-year total."""

    fiscal: Decimal
    carryover: Decimal
    other: Decimal
    total: Decimal
    span_total: Decimal | None = None


def entry_problems(year: int, amounts: Amounts, start_year: int | None,
                   end_year: int | None) -> list[tuple[str, str]]:
    """What is wrong with one registry entry, as (field, message): sources that do not add up to 合计, negative
    amounts, an end before the start, a budget year outside the years, a multi-year total below the year's
    amount. A project spanning several years is normal."""
    problems: list[tuple[str, str]] = []
    for key, label, value in (("fiscal_amount", "财政拨款", amounts.fiscal),
                              ("carryover_amount", "上年结转", amounts.carryover),
                              ("other_amount", "其他资金", amounts.other), ("total_amount", "合计", amounts.total)):
        if value < 0:
            problems.append((key, f"“{label}”不能为负数，收到 {value}。"))
    parts = amounts.fiscal + amounts.carryover + amounts.other
    if parts != amounts.total:
        problems.append(("total_amount", f"资金来源之和 {parts} 万元（财政拨款 {amounts.fiscal} + 上年结转 "
                                         f"{amounts.carryover} + 其他资金 {amounts.other}）与合计 {amounts.total} 万元不符。"))
    if start_year is not None and end_year is not None and end_year < start_year:
        problems.append(("end_year", f"结束年度 {end_year} 早于起始年度 {start_year}。"))
    elif (start_year is not None and year < start_year) or (end_year is not None and year > end_year):
        problems.append(("year", f"预算年度 {year} 不在项目起止年度 {start_year or '?'}-{end_year or '?'} 之内。"))
    if amounts.span_total is not None and amounts.span_total < amounts.total:
        problems.append(("span_total_amount", f"项目总额 {amounts.span_total} 万元小于本年度合计 {amounts.total} 万元。"))
    return problems


_NOISE = re.compile(r"[\s（）()\[\]【】《》“”\"'、，,。.\-—_·:：]|(19|20)\d{2}年?度?")


def name_key(name: str) -> str:
    """A project name without the year, spaces and punctuation, for comparing across years."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", name))


def name_similarity(a: str, b: str) -> Decimal:
    """How alike two project names are, 0 to 1 (two places), ignoring years and punctuation."""
    left, right = name_key(a), name_key(b)
    if not left or not right:
        return Decimal(0)
    return Decimal(str(round(SequenceMatcher(None, left, right).ratio(), 2)))
