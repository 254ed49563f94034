"""Property: any monitoring table (budget part and indicator lines) written into a monitoring package and read back
(the workbook writer, the reader and the package parser of core.exchange.monitoring) comes back equal,
amounts to the 分, decimals, choices, texts and flags alike, and keeps the signed content hash."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exchange.monitoring import parse_entries
from core.exchange.rules.manifest import Manifest
from core.exchange.rules.monitoring_sheets import (
    ENTRY_SHEET,
    LINE_SHEET,
    MONITORING_SHEETS,
    entry_row_id,
    line_row_id,
)
from core.exchange.workbook import read_package, stamp, write_package
from core.monitoring.dto import EntryInput, LineInput
from core.monitoring.rules.lights import CAUSES, LIKELIHOODS, QUALITATIVE

ALPHABET = st.sampled_from(list("资金拨付滞后审批流程加快支付abcXYZ0123456789=+-@，。、（）%≥≤ \n"))
TEXT = st.text(ALPHABET, max_size=40).map(lambda s: s.strip() or None)
MONEY = st.decimals(min_value=Decimal("-100000"), max_value=Decimal("100000"), places=6, allow_nan=False)
AMOUNT = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), places=4, allow_nan=False)
LINE = st.builds(
    LineInput, st.just(0), st.none() | AMOUNT, st.none() | st.sampled_from(list(QUALITATIVE)), st.none() | AMOUNT,
    st.none() | st.sampled_from(list(LIKELIHOODS)), st.none() | st.sampled_from(CAUSES), TEXT, TEXT, st.booleans())
ENTRY = st.builds(EntryInput, MONEY, st.none() | MONEY.map(abs), st.none() | st.sampled_from(CAUSES), TEXT, TEXT,
                  st.lists(LINE, max_size=6).map(lambda lines: tuple(
                      LineInput(n, *(getattr(line, k) for k in list(LineInput.__dataclass_fields__)[1:]))
                      for n, line in enumerate(lines, 1))))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRY, st.booleans())
def test_a_monitoring_table_survives_the_package(form: EntryInput, submitted: bool) -> None:
    code, round_name = "2024-D001-0001", "1-7月"
    entry = {"row_id": entry_row_id(round_name, code), "version": 1, "deleted": False, "project_code": code,
             "project_name": "项目", "round": round_name, "budget": Decimal("100"), "spent": Decimal("12.34"),
             "budget_adjustment": form.budget_adjustment, "forecast_spent": form.forecast_spent,
             "budget_cause": form.budget_cause, "budget_analysis": form.budget_analysis,
             "corrective_measures": form.corrective_measures, "submitted": submitted, "as_of_month": 7}
    lines = [{"row_id": line_row_id(round_name, code, line.position), "version": 1, "deleted": False,
              "project_code": code, "position": line.position, "round": round_name, "name": "指标",
              "actual": line.actual, "actual_text": line.actual_text, "forecast": line.forecast,
              "likelihood": LIKELIHOODS[line.likelihood] if line.likelihood else None, "cause": line.cause,
              "analysis": line.analysis, "measures": line.measures,
              "needs_rectification": line.needs_rectification} for line in form.lines]
    sheets = [(ENTRY_SHEET, [entry]), (LINE_SHEET, lines)]
    manifest = stamp(Manifest("p", "monitoring", "D001", "BUREAU", 2024, 1), sheets)
    with TemporaryDirectory() as folder:
        read = read_package(write_package(Path(folder) / "p.xlsx", sheets, manifest, ()), MONITORING_SHEETS)
    assert read.problems == [] and read.content_hash == manifest.content_hash
    problems: list = []
    item = parse_entries(read, problems)[(round_name, code)]
    assert problems == []
    assert item.form() == form and item.submitted == submitted and item.month == 7
