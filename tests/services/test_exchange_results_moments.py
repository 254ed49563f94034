"""The 时间 notation of the results and feedback sheets (core.exchange.rules.results_sheets): what a clerk or
another spreadsheet program writes is read back as the same moment, a moment written and read back is exact to
the microsecond, and what is not a moment is refused with a Chinese message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.exchange.rules.results_sheets import format_moment, parse_moment


def _local(*parts: int) -> datetime:
    return datetime(*parts).astimezone().astimezone(UTC)  # the notation is local time, as format_moment writes


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-31 14:05:09", _local(2024, 3, 31, 14, 5, 9)),  # what format_moment writes
    ("2024-03-31 14:05:09.000250", _local(2024, 3, 31, 14, 5, 9, 250)),
    ("2024-03-31", _local(2024, 3, 31)),  # a date alone: its midnight
    ("2024/3/31 14:05", _local(2024, 3, 31, 14, 5)),  # Excel's and WPS's own way of typing it
    ("2024年3月31日 14:05", _local(2024, 3, 31, 14, 5)),
    ("2024.3.31", _local(2024, 3, 31)),
    ("２０２４-０３-３１ １４：０５", _local(2024, 3, 31, 14, 5)),  # full-width digits and colon
    ("2024-03-31 00:00:00", _local(2024, 3, 31)),  # a date cell another program turned into text
    ("2024-03-31T06:05:09+00:00", datetime(2024, 3, 31, 6, 5, 9, tzinfo=UTC)),  # an explicit offset wins
])
def test_moments_as_people_and_programs_write_them(text: str, expected: datetime) -> None:
    assert parse_moment(text) == expected


@pytest.mark.parametrize("text", ["下周一", "2024-13-01", "2024-02-30", "2024-03", "14:05", "2024-03-31 25:00"])
def test_what_is_not_a_moment_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="应填时间"):
        parse_moment(text)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)))
def test_a_moment_written_and_read_back_is_exact(moment: datetime) -> None:
    text = format_moment(moment)
    assert text is not None and parse_moment(text) == moment
