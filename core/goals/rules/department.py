"""Department goal tables (部门整体绩效目标) as plain values: the budget totals, the key tasks (重点工作任务), their
validation, and which key tasks the annual goal (年度总体目标) does not mention. Pure: standard library only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from core.goals.rules.notation import norm

# Words every task and goal share; they say nothing about whether a task is covered.
GENERIC = ("推进", "加强", "完成", "开展", "做好", "落实", "提升", "实施", "强化", "持续", "全面", "深入", "工作",
           "建设", "进一步", "全力", "稳步", "积极", "有序", "扎实", "年度", "全年")
COVERED_SHARE = Decimal("0.5")  # a task is covered when half its word pairs appear in the annual goal


@dataclass(frozen=True)
class Budget:
    """The department's budget of the year in 万元: total and by source."""

    total: Decimal
    fiscal: Decimal
    carryover: Decimal
    other: Decimal


@dataclass(frozen=True)
class Contact:
    """Who answers for the department's table: 负责人 and 联系电话 (both may be empty in a draft)."""

    manager: str | None = None
    phone: str | None = None

    def cleaned(self) -> Contact:
        return Contact((self.manager or "").strip() or None, (self.phone or "").strip() or None)


@dataclass(frozen=True)
class TaskRow:
    """A 重点工作任务: what, its funds (万元, may be empty) and the codes of the projects that carry it."""

    task: str
    amount: Decimal | None = None
    projects: tuple[str, ...] = ()


class DepartmentError(ValueError):
    """A department table that cannot be saved; `field` names the place."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def split_codes(text: str | None) -> tuple[str, ...]:
    """Project codes written as one cell: separated by 、，, ; or spaces."""
    return tuple(c for c in re.split(r"[、，,;；\s]+", text or "") if c)


def join_codes(codes: tuple[str, ...]) -> str | None:
    return "、".join(codes) or None


CONTACT_LENGTH = 32  # the columns' width


def validate(budget: Budget, tasks: tuple[TaskRow, ...], known_codes: frozenset[str],
             contact: Contact = Contact()) -> None:
    """Refuse budgets that do not add up, negative amounts, empty or repeated tasks, unknown project codes,
    contacts too long to keep."""
    for key, label in (("manager", "负责人"), ("phone", "联系电话")):
        if len(getattr(contact, key) or "") > CONTACT_LENGTH:
            raise DepartmentError(f"{label}不能超过 {CONTACT_LENGTH} 个字。", key)
    amounts = {"total": budget.total, "fiscal": budget.fiscal, "carryover": budget.carryover, "other": budget.other}
    for key, value in amounts.items():
        if value < 0:
            raise DepartmentError("部门预算金额不能为负数。", f"budget.{key}")
    if budget.fiscal + budget.carryover + budget.other != budget.total:
        raise DepartmentError(f"部门预算合计 {budget.total} 万元与分来源之和 "
                              f"{budget.fiscal + budget.carryover + budget.other} 万元不一致。", "budget.total")
    seen: set[str] = set()
    for i, row in enumerate(tasks, 1):
        where = f"tasks[{i}]"
        name = row.task.strip()
        if not name:
            raise DepartmentError(f"第 {i} 项重点工作任务没有填写任务名称。", f"{where}.task")
        if name in seen:
            raise DepartmentError(f"重点工作任务“{name}”重复填写。", f"{where}.task")
        seen.add(name)
        if row.amount is not None and row.amount < 0:
            raise DepartmentError(f"重点工作任务“{name}”的资金不能为负数。", f"{where}.amount")
        unknown = [c for c in row.projects if c not in known_codes]
        if unknown:
            raise DepartmentError(f"重点工作任务“{name}”所列项目 {'、'.join(unknown)} 不是本部门本年度的项目。",
                                  f"{where}.projects")
    funded = sum((r.amount for r in tasks if r.amount is not None), Decimal(0))
    if funded > budget.total:
        raise DepartmentError(f"重点工作任务资金合计 {funded} 万元超过部门预算 {budget.total} 万元。", "tasks")


def word_pairs(text: str) -> set[str]:
    plain = norm(text)
    for word in GENERIC:
        plain = plain.replace(word, " ")
    return {a + b for part in plain.split() for a, b in pairwise(part)}


def uncovered_tasks(annual_goal: str | None, tasks: tuple[TaskRow, ...]) -> list[str]:
    """The key tasks the annual goal does not speak of (fewer than half of a task's word pairs appear in it)."""
    goal = norm(annual_goal or "")
    out = []
    for row in tasks:
        pairs = word_pairs(row.task)
        if not pairs:
            continue
        found = sum(1 for p in pairs if p in goal)
        if Decimal(found) / Decimal(len(pairs)) < COVERED_SHARE:
            out.append(row.task.strip())
    return out
