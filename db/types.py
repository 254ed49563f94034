"""Column types that keep money and exact decimals out of floats.

Money is stored as whole 分 in an integer column; the code sees `Decimal` amounts in 万元
(1 万元 = 1,000,000 分), the unit every national form uses.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import BigInteger, String
from sqlalchemy.types import TypeDecorator

FEN_PER_WAN = Decimal(1_000_000)
WAN_QUANTUM = Decimal("0.000001")


class MoneyPrecisionError(ValueError):
    """An amount finer than one 分 cannot be stored exactly."""


def wan_to_fen(value: Decimal) -> int:
    """Convert a Decimal amount in 万元 to whole 分, refusing anything finer than 分."""
    if isinstance(value, float):
        raise TypeError("金额不能使用浮点数")
    fen = Decimal(value) * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise MoneyPrecisionError(f"金额 {value} 万元 精度超过 1 分")
    return int(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Convert whole 分 to a Decimal amount in 万元 with six places."""
    return (Decimal(fen) / FEN_PER_WAN).quantize(WAN_QUANTUM)


class Money(TypeDecorator[Decimal]):
    """Decimal 万元 in Python, integer 分 in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> int | None:
        return None if value is None else wan_to_fen(value)

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        return None if value is None else fen_to_wan(int(value))


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal (indicator targets, weights) stored as its canonical text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("数值不能使用浮点数")
        try:
            return str(Decimal(value))
        except InvalidOperation as exc:
            raise ValueError(f"不是数值: {value!r}") from exc

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)
