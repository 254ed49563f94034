"""Goal table content as plain values: validation of a draft, status transitions, and the diff of two versions."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

from core.common.labels import COMPARATORS, GOAL_STATUSES, INDICATOR_KINDS, INDICATOR_TREE, KIND_UNDECIDED

TEXT_FIELDS = {
    "overview": "项目概况",
    "basis": "立项依据",
    "schedule": "实施进度计划",
    "long_term_goal": "长期目标",
    "annual_goal": "年度总体目标",
}
EDITABLE_STATUSES = frozenset({"draft", "returned"})


@dataclass(frozen=True)
class IndicatorRow:
    level1: str
    level2: str
    name: str
    comparator: str
    target: Decimal | None = None
    target_text: str | None = None
    unit_of_measure: str | None = None
    weight: Decimal | None = None
    scoring_standard: str | None = None
    note: str | None = None
    kind: str | None = None  # IndicatorKind; None: 待定 (see core.goals.rules.indicator_kind)
    # A person chose `kind` (kept when the value changes); otherwise it is inferred on every save. Not part of
    # the content's equality: the same kind, chosen or inferred, is the same table.
    kind_chosen: bool = field(default=False, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.level1, self.level2, self.name.strip())


@dataclass(frozen=True)
class GoalContent:
    """What a version holds: the goal texts and the indicator tree, in order."""

    overview: str | None
    basis: str | None
    schedule: str | None
    long_term_goal: str | None
    annual_goal: str | None
    indicators: tuple[IndicatorRow, ...]


class ContentError(ValueError):
    """A draft that cannot be saved; `field` names the place, the message says what to fix."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def validate_content(content: GoalContent) -> None:
    """Refuse what can never be saved (structure and types); quality problems are the review's job."""
    for i, row in enumerate(content.indicators, 1):
        where = f"indicators[{i}]"
        label = f"第 {i} 条指标“{row.name or '（未命名）'}”"
        if not row.name.strip():
            raise ContentError(f"第 {i} 条指标没有填写三级指标名称。", f"{where}.name")
        if row.level1 not in INDICATOR_TREE:
            raise ContentError(f"{label}的一级指标“{row.level1}”无效，应为：{'、'.join(INDICATOR_TREE)}。",
                               f"{where}.level1")
        if row.level2 not in INDICATOR_TREE[row.level1]:
            raise ContentError(f"{label}的二级指标“{row.level2}”不属于“{row.level1}”，应为："
                               f"{'、'.join(INDICATOR_TREE[row.level1])}。", f"{where}.level2")
        if row.comparator not in COMPARATORS:
            raise ContentError(f"{label}的指标性质“{row.comparator}”无效，应为 ≥、≤、=、>、< 或 定性。",
                               f"{where}.comparator")
        if row.comparator == "qual":
            if row.target is not None or not (row.target_text or "").strip():
                raise ContentError(f"{label}是定性指标，应填写文字目标（如“明显改善”），不能填数值。",
                                   f"{where}.target")
        elif row.target is None:
            raise ContentError(f"{label}的指标性质为“{COMPARATORS[row.comparator]}”，必须填写数值目标"
                               f"（如“{COMPARATORS[row.comparator]}50个”）。", f"{where}.target")
        if row.weight is not None and row.weight < 0:
            raise ContentError(f"{label}的权重不能为负数。", f"{where}.weight")
        if row.kind is not None and row.kind not in INDICATOR_KINDS:
            raise ContentError(f"{label}的指标类型“{row.kind}”无效，应为：{'、'.join(INDICATOR_KINDS.values())}。",
                               f"{where}.kind")


def can_edit(status: str) -> bool:
    return status in EDITABLE_STATUSES


def status_label(status: str) -> str:
    return GOAL_STATUSES.get(status, status)


@dataclass(frozen=True)
class Change:
    """One difference between two versions: where, what it was, what it became."""

    kind: str  # changed | added | removed
    place: str  # Chinese description of the field or indicator
    before: str | None
    after: str | None


def _show(value: object) -> str | None:
    if value is None:
        return None
    return str(value)


def diff_contents(old: GoalContent, new: GoalContent) -> list[Change]:
    """Texts field by field; indicators matched by (一级, 二级, 名称), then field by field."""
    changes = [Change("changed", label, getattr(old, key), getattr(new, key))
               for key, label in TEXT_FIELDS.items() if (getattr(old, key) or "") != (getattr(new, key) or "")]
    before = {row.key: row for row in old.indicators}
    after = {row.key: row for row in new.indicators}
    indicator_fields = [f.name for f in fields(IndicatorRow)
                        if f.name not in ("level1", "level2", "name", "kind_chosen")]
    for key, row in after.items():
        place = f"{key[0]} / {key[1]} / {key[2]}"
        if key not in before:
            changes.append(Change("added", place, None, describe(row)))
            continue
        for name in indicator_fields:
            a, b = getattr(before[key], name), getattr(row, name)
            if a != b:
                shown = (kind_label(a), kind_label(b)) if name == "kind" else (_show(a), _show(b))
                changes.append(Change("changed", f"{place}：{FIELD_LABELS[name]}", *shown))
    changes.extend(Change("removed", f"{k[0]} / {k[1]} / {k[2]}", describe(r), None)
                   for k, r in before.items() if k not in after)
    return changes


FIELD_LABELS = {
    "comparator": "指标性质", "target": "指标值", "target_text": "指标值（文字）",
    "unit_of_measure": "度量单位", "weight": "权重", "scoring_standard": "评（扣）分标准", "note": "备注",
    "kind": "指标类型",
}


def kind_label(kind: str | None) -> str:
    """累计型 / 比率型 / 时点型 / 定性, or 待定 for an indicator whose kind is not decided."""
    return KIND_UNDECIDED if kind is None else INDICATOR_KINDS.get(kind, kind)


def describe(row: IndicatorRow) -> str:
    if row.comparator == "qual":
        return f"{row.name}：{row.target_text}"
    return f"{row.name}：{COMPARATORS[row.comparator]}{row.target}{row.unit_of_measure or ''}"
