"""The year's work summary PDF as a use case: the home page figures the actor may see, printed."""

from __future__ import annotations

from pathlib import Path

from core.org import settings
from core.org.rules.roles import Actor
from core.statistics.overview import year_figures
from db.uow import UnitOfWork


def year_summary_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """The year's work summary PDF, with the figures the actor may see."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.statistics.summary_report import build_year_summary

    figures = year_figures(uow, actor, year)
    return build_year_summary(figures, target, org_name=settings.get(uow.session, "org.name"))
