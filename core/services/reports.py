"""Report use cases: gather the figures a report needs and hand them to the report builders."""

from __future__ import annotations

from pathlib import Path

from core.reports.year_summary import build_year_summary
from core.rules.roles import Actor
from core.services import settings
from core.services.stats import year_figures
from db.uow import UnitOfWork


def year_summary_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """The year's work summary PDF, with the figures the actor may see."""
    figures = year_figures(uow, actor, year)
    return build_year_summary(figures, target, org_name=settings.get(uow.session, "org.name"))
