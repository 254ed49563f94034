"""Money is whole 分 behind a Decimal 万元 adapter; floats and sub-分 amounts are refused."""

from decimal import Decimal

import pytest

from db.types import MoneyPrecisionError, fen_to_wan, wan_to_fen


@pytest.mark.parametrize(
    ("wan", "fen"),
    [
        (Decimal("7091.21"), 7_091_210_000),  # the seed's land consolidation project, 万元
        (Decimal("5091.21"), 5_091_210_000),
        (Decimal("0.000001"), 1),  # one 分
        (Decimal("0"), 0),
        (Decimal("-12.5"), -12_500_000),
        (Decimal("247900"), 247_900_000_000),  # 24.79 亿元, the seed's monitored funds
    ],
)
def test_round_trip(wan: Decimal, fen: int) -> None:
    assert wan_to_fen(wan) == fen
    assert fen_to_wan(fen) == wan


def test_sub_fen_refused() -> None:
    with pytest.raises(MoneyPrecisionError, match="精度超过 1 分"):
        wan_to_fen(Decimal("0.0000001"))


def test_float_refused() -> None:
    with pytest.raises(TypeError, match="浮点"):
        wan_to_fen(0.1)  # type: ignore[arg-type]
