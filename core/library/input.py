"""The 新增指标 form of the 指标库 as typed, and its validation into clean values with Chinese messages that
name the field (the same consistency rules the shipped reference file is held to)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.common.errors import ValidationError
from core.common.labels import COMPARATORS, INDICATOR_TREE
from core.goals.rules.notation import normalise_text, normalise_unit
from core.library.dto import CleanEntry, LibraryEntryInput

FIELD_LABELS = {
    "sector": "所属行业", "level1": "一级指标", "level2": "二级指标", "name": "三级指标名称",
    "comparator": "指标性质", "unit": "计量单位", "typical_min": "常见目标值下限", "typical_max": "常见目标值上限",
    "unit_cost_min_wan": "单位成本下限（万元）", "unit_cost_max_wan": "单位成本上限（万元）",
    "scoring": "评（扣）分标准", "note": "备注",
}
MAX_LENGTHS = {"sector": 32, "name": 200, "unit": 16}  # the columns of library_entry
_SYMBOLS = {label: code for code, label in COMPARATORS.items()}


def _fail(field: str, problem: str) -> ValidationError:
    return ValidationError(f"{FIELD_LABELS[field]}：{problem}", field)


def _text(form: LibraryEntryInput, field: str, required: bool = True) -> str:
    value = " ".join((getattr(form, field) or "").split())
    if required and not value:
        raise _fail(field, "请填写。")
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise _fail(field, f"不能超过 {limit} 个字（现为 {len(value)} 个）。")
    return value


def _number(form: LibraryEntryInput, field: str) -> Decimal | None:
    value = getattr(form, field)
    if isinstance(value, Decimal):
        number = value
    else:
        text = normalise_text(value or "").replace(",", "").strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise _fail(field, f"“{value}”不是数值，请填写数字（如 1000 或 0.5）。") from exc
    if not number.is_finite():
        raise _fail(field, f"“{value}”不是有限数值。")
    return number


def _comparator(form: LibraryEntryInput) -> str:
    raw = _text(form, "comparator")
    code = _SYMBOLS.get(normalise_text(raw), normalise_text(raw))
    if code not in COMPARATORS:
        raise _fail("comparator", f"“{raw}”无法识别，应为 {'、'.join(COMPARATORS.values())}。")
    return code


def _tree(form: LibraryEntryInput) -> tuple[str, str]:
    level1, level2 = _text(form, "level1"), _text(form, "level2")
    if level1 not in INDICATOR_TREE:
        raise _fail("level1", f"“{level1}”无效，应为 {'、'.join(INDICATOR_TREE)}。")
    if level2 not in INDICATOR_TREE[level1]:
        raise _fail("level2", f"“{level2}”不属于{level1}，应为 {'、'.join(INDICATOR_TREE[level1])}。")
    return level1, level2


def _ranges(form: LibraryEntryInput, comparator: str, level2: str) -> dict[str, Decimal | None]:
    nums = {f: _number(form, f) for f in ("typical_min", "typical_max", "unit_cost_min_wan", "unit_cost_max_wan")}
    if comparator == "qual":
        filled = next((f for f, v in nums.items() if v is not None), None)
        if filled is not None:
            raise _fail(filled, "定性指标没有数值，请留空。")
        return nums
    lo, hi = nums["typical_min"], nums["typical_max"]
    if lo is not None and hi is not None and lo > hi:
        raise _fail("typical_min", f"下限 {lo} 大于上限 {hi}。")
    cost_lo, cost_hi = nums["unit_cost_min_wan"], nums["unit_cost_max_wan"]
    if (cost_lo is None) != (cost_hi is None):
        raise _fail("unit_cost_min_wan" if cost_lo is None else "unit_cost_max_wan",
                    "单位成本的上下限应同时填写或同时留空。")
    if cost_lo is not None and cost_hi is not None:
        if level2 != "数量指标":
            raise _fail("unit_cost_min_wan", f"只有数量指标才有单位成本，本条是{level2}，请留空。")
        if cost_lo <= 0:
            raise _fail("unit_cost_min_wan", f"{cost_lo} 应大于 0。")
        if cost_lo > cost_hi:
            raise _fail("unit_cost_min_wan", f"下限 {cost_lo} 大于上限 {cost_hi}。")
    return nums


def validated(form: LibraryEntryInput) -> CleanEntry:
    """Clean values, or a ValidationError whose message starts with the field's Chinese label."""
    name, sector = _text(form, "name"), _text(form, "sector")
    level1, level2 = _tree(form)
    comparator = _comparator(form)
    unit = normalise_unit(_text(form, "unit", required=False))
    if comparator == "qual" and unit is not None:
        raise _fail("unit", "定性指标没有计量单位，请留空。")
    if comparator != "qual" and unit is None:
        raise _fail("unit", f"指标性质为“{COMPARATORS[comparator]}”的定量指标必须填写计量单位（如 个、公里、%）。")
    nums = _ranges(form, comparator, level2)
    scoring = _text(form, "scoring")
    note = (form.note or "").strip() or None
    return CleanEntry(sector, level1, level2, name, comparator, unit, nums["typical_min"], nums["typical_max"],
                      nums["unit_cost_min_wan"], nums["unit_cost_max_wan"], scoring, note)
