"""镇街财政运行健康指数 use cases: every township's index of a year with its components, ranked (ties share a
rank), each township's index over the years and the county's average, and the PDF and workbook built from them.
A clerk of a township sees its own row, with its rank among all townships."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from core.fiscal.dto import HistoryPoint, Ranking, RankingRow
from core.fiscal.figures import figures_history, method, township, townships
from core.fiscal.rules.figures import FiscalFigures
from core.fiscal.rules.index import HealthResult, Method, health_index, q
from core.org import settings
from core.org.rules.roles import Actor
from db.models import Unit
from db.uow import UnitOfWork


def _history(m: Method, figures: list[FiscalFigures]) -> tuple[dict[int, HealthResult], tuple[HistoryPoint, ...]]:
    results = {f.year: health_index(m, figures, f.year) for f in figures}
    points = tuple(HistoryPoint(y, r.index, r.level.label if r.level else None, r.level.tone if r.level else None)
                   for y, r in sorted(results.items()))
    return results, points


def _ranks(indexes: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking, highest index first: 1, 2, 2, 4."""
    ordered = sorted(indexes.values(), reverse=True)
    return {uid: ordered.index(value) + 1 for uid, value in indexes.items()}


def _county(m: Method, everything: dict[int, list[FiscalFigures]]) -> tuple[HistoryPoint, ...]:
    by_year: dict[int, list[Decimal]] = {}
    for figures in everything.values():
        for point in _history(m, figures)[1]:
            if point.index is not None:
                by_year.setdefault(point.year, []).append(point.index)
    points = []
    for y, values in sorted(by_year.items()):
        average = q(sum(values, Decimal(0)) / len(values))
        level = m.level_of(average)
        points.append(HistoryPoint(y, average, level.label, level.tone))
    return tuple(points)


def ranking(uow: UnitOfWork, actor: Actor, year: int) -> Ranking:
    """Every township's index of `year` with its components and history, ranked among all townships."""
    m = method()
    everyone = townships(uow.session, None)
    visible = {u.id for u in townships(uow.session, actor)}
    everything = figures_history(uow.session, [u.id for u in everyone])
    results: dict[int, HealthResult] = {}
    histories: dict[int, tuple[HistoryPoint, ...]] = {}
    for u in everyone:
        by_year, histories[u.id] = _history(m, everything[u.id])
        if year in by_year:
            results[u.id] = by_year[year]
    ranks = _ranks({uid: r.index for uid, r in results.items() if r.index is not None})
    rows = []
    for u in everyone:
        if u.id not in visible:
            continue
        rows.append(RankingRow(ranks.get(u.id), u.id, u.code, u.name, year, tuple(everything[u.id]),
                               results.get(u.id), histories[u.id]))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))
    return Ranking(year, m, tuple(rows), _county(m, everything), len(everyone))


def township_history(uow: UnitOfWork, actor: Actor, unit_id: int) -> tuple[HistoryPoint, ...]:
    """One township's index in every year it has figures for, oldest first."""
    unit: Unit = township(uow.session, actor, unit_id)
    return _history(method(), figures_history(uow.session, [unit.id])[unit.id])[1]


def fiscal_health_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """The year's 镇街财政运行健康指数 report: ranking with every component, raw values, trend and method."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.fiscal.report import build_fiscal_health_pdf
    return build_fiscal_health_pdf(ranking(uow, actor, year), target, settings.get(uow.session, "org.name"),
                                   date.today())


def fiscal_health_workbook(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """The same as a workbook: ranking with raw values and scores, the figures in 万元, and the method."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.fiscal.report import build_fiscal_health_workbook
    return build_fiscal_health_workbook(ranking(uow, actor, year), target, settings.get(uow.session, "org.name"),
                                        date.today())
