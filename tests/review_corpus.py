"""The hand-written corpus of goal tables (tests/corpus/goal_tables/, see its README) read into the pre-review's
`TableView` and `ReviewContext`, and the figures the pre-review reaches on it: recall of the labelled defects,
the share of clean tables with any error or warning, both per check."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.goals.rules.notation import IndicatorValue, norm, parse_indicator_value
from core.library.rules import load_default_library
from core.review.rules.engine import ReviewConfig, run_rules
from core.review.rules.model import Finding, IndicatorView, ReviewContext, TableView
from resources import path as resource_path

CORPUS = Path(__file__).resolve().parent / "corpus" / "goal_tables"
ATTRIBUTES = {"新增": "new", "延续": "continuing"}
NATURES = {"一次性": "one_off", "经常性": "recurring"}
DEFECT = ("error", "warning")


@dataclass(frozen=True)
class Case:
    id: str
    table: TableView
    context: ReviewContext
    expect: frozenset[str]  # rule ids a reviewer's findings map to (defects: error or warning)
    info: frozenset[str]  # notes that must be there too (unit read from the name, level label mapped)


def read_value(raw: str | list[str]) -> IndicatorValue:
    """A value as the paper form writes it, or split over cells (comparator | number | unit) and joined as a
    reader of the workbook does; deadlines, periods and recurring deadlines ("每月10日前") are read as their text,
    as the goals import reads them."""
    return parse_indicator_value("".join(raw) if isinstance(raw, list) else raw)


def _indicators(rows: list[list[Any]]) -> tuple[IndicatorView, ...]:
    """Rows [一级, 二级, 三级, 指标值, 权重?]; an empty level cell is a merged cell: the row above's label."""
    out: list[IndicatorView] = []
    level1 = level2 = ""
    for n, row in enumerate(rows, 1):
        level1, level2 = (row[0] or level1), (row[1] or level2)
        v = read_value(row[3])
        weight = Decimal(str(row[4])) if len(row) > 4 and row[4] is not None else None
        out.append(IndicatorView(n, level1, level2, row[2], v.comparator, v.target, v.target_text, v.unit_of_measure,
                                 weight))
    return tuple(out)


def _money(raw: dict[str, Any], key: str, default: str) -> Decimal:
    return Decimal(str(raw.get(key, default)))


def _case(raw: dict[str, Any], defaults: dict[str, Any], units: frozenset[str], threshold: Decimal) -> Case:
    total = Decimal(raw["total"])
    carry, other = _money(raw, "carry", "0"), _money(raw, "other", "0")
    year = int(raw.get("year", defaults["year"]))
    table = TableView(
        project_code=f"{year}-{raw['id']}", project_name=raw["name"], unit_name=raw["unit"],
        implementing_unit=raw["impl"], sector=raw["sector"], attribute=ATTRIBUTES[raw["attr"]],
        nature=NATURES[raw["nature"]], fund_type="general", total_amount=total,
        fiscal_amount=_money(raw, "fiscal", str(total - carry - other)), carryover_amount=carry, other_amount=other,
        start_date=date.fromisoformat(raw["start"]), end_date=date.fromisoformat(raw["end"]), year=year,
        manager=raw.get("manager", defaults["manager"]), phone=raw.get("phone", defaults["phone"]),
        overview=raw.get("overview"), basis=raw.get("basis"), schedule=raw.get("schedule"),
        long_term_goal=raw.get("long"), annual_goal=raw["goal"], status="submitted", indicators=_indicators(raw["i"]))
    prev = raw.get("prev")
    previous = None if prev is None else replace(
        table, project_code=f"{year - 1}-{raw['id']}", year=year - 1, annual_goal=prev["goal"],
        indicators=_indicators(prev["i"]), status="approved")
    actuals = {norm(k): Decimal(str(v)) for k, v in (prev or {}).get("actual", {}).items()}
    context = ReviewContext(unit_names=units, previous=previous, previous_actuals=actuals,
                            library=tuple(load_default_library()), exante_threshold=threshold,
                            has_exante=raw.get("exante", True))
    return Case(raw["id"], table, context, frozenset(raw["expect"]), frozenset(raw.get("info", ())))


def load_corpus() -> list[Case]:
    meta = json.loads((CORPUS / "_registry.json").read_text(encoding="utf-8"))
    settings = json.loads(resource_path("reference", "settings.json").read_text(encoding="utf-8"))
    threshold = Decimal(settings["exante.threshold_wan"]["default"])
    units = frozenset(meta["units"])
    cases = [_case(raw, meta["defaults"], units, threshold)
             for path in sorted(CORPUS.glob("[!_]*.json"))
             for raw in json.loads(path.read_text(encoding="utf-8"))]
    ids = Counter(c.id for c in cases)
    if max(ids.values()) > 1:
        raise ValueError(f"corpus ids repeated: {[k for k, n in ids.items() if n > 1]}")
    return cases


@dataclass
class CheckFigures:
    labelled: int = 0
    caught: int = 0
    clean_alarms: int = 0  # clean tables where this check gave an error or warning
    extra: int = 0  # defective tables where it gave an error or warning nobody labelled


@dataclass(frozen=True)
class Figures:
    tables: int
    clean: int
    labelled: int
    caught: int
    clean_flagged: int
    per_check: dict[str, CheckFigures]
    missed: list[tuple[str, str]]
    alarms: list[tuple[str, Finding]]
    extras: list[tuple[str, Finding]]

    @property
    def recall(self) -> float:
        return self.caught / self.labelled

    @property
    def clean_alarm_share(self) -> float:
        return self.clean_flagged / self.clean


def measure(cases: list[Case], config: ReviewConfig) -> tuple[Figures, dict[str, list[Finding]]]:
    per: dict[str, CheckFigures] = {}
    found: dict[str, list[Finding]] = {}
    missed: list[tuple[str, str]] = []
    alarms: list[tuple[str, Finding]] = []
    extras: list[tuple[str, Finding]] = []
    caught = clean_flagged = 0
    for case in cases:
        findings = run_rules(case.table, case.context, config)
        found[case.id] = findings
        defects = {f.rule_id for f in findings if f.severity in DEFECT}
        for rid in case.expect:
            per.setdefault(rid, CheckFigures()).labelled += 1
            if rid in defects:
                per[rid].caught += 1
                caught += 1
            else:
                missed.append((case.id, rid))
        for rid in defects - case.expect:
            fig = per.setdefault(rid, CheckFigures())
            if case.expect:
                fig.extra += 1
                extras.extend((case.id, f) for f in findings if f.rule_id == rid and f.severity in DEFECT)
            else:
                fig.clean_alarms += 1
        if not case.expect and defects:
            clean_flagged += 1
            alarms.extend((case.id, f) for f in findings if f.severity in DEFECT)
    clean = sum(1 for c in cases if not c.expect)
    labelled = sum(len(c.expect) for c in cases)
    return Figures(len(cases), clean, labelled, caught, clean_flagged, dict(sorted(per.items())), missed,
                   alarms, extras), found


def report(fig: Figures, titles: dict[str, str]) -> str:
    lines = [f"corpus: {fig.tables} tables, {fig.clean} clean, {fig.labelled} labelled defects",
             f"recall {fig.recall:.1%} ({fig.caught}/{fig.labelled}); clean tables with an error or warning "
             f"{fig.clean_alarm_share:.1%} ({fig.clean_flagged}/{fig.clean})",
             f"{'check':<6}{'labelled':>9}{'caught':>8}{'recall':>8}{'clean FA':>9}{'extra':>7}  title"]
    for rid, c in fig.per_check.items():
        rec = f"{c.caught / c.labelled:.0%}" if c.labelled else "-"
        lines.append(f"{rid:<6}{c.labelled:>9}{c.caught:>8}{rec:>8}{c.clean_alarms:>9}{c.extra:>7}  {titles.get(rid, '')}")
    lines += [f"missed {cid} {rid}" for cid, rid in fig.missed]
    lines += [f"clean alarm {cid} {f.rule_id}: {f.message}" for cid, f in fig.alarms]
    lines += [f"unlabelled on a defective table {cid} {f.rule_id}: {f.message}" for cid, f in fig.extras]
    return "\n".join(lines)
