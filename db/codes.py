"""The closed code sets the database stores: every status and kind column, as StrEnums.

The models build their CHECK constraints from these (the schema defined once) and services, rules and pages
compare and assign the members instead of string literals. A member equals its string, so rows read back as
plain text still compare equal. This module imports only the standard library: the pure rules of every stage
may use it; the Chinese labels live in `core.common.labels`, keyed by these members.
"""

from __future__ import annotations

from enum import StrEnum


class IndicatorKind(StrEnum):
    """indicator.kind (指标类型, DOMAIN.md §3): how monitoring and evaluation read an indicator's progress.
    NULL in the column means 待定: the kind could not be inferred and a person has to decide it."""

    CUMULATIVE = "cumulative"  # 累计型: a quantity that grows over the year (公里, 人次, 万元 of output)
    RATE = "rate"  # 比率型: a rate or share (%, 合格率, 满意度), never pro-rated
    MILESTONE = "milestone"  # 时点型: a deadline or milestone (2025年11月30日前, 建成1座)
    QUALITATIVE = "qualitative"  # 定性: judged by level (达成 / 部分达成 / 未达成)
