"""Report use cases: gather the figures a report needs and hand them to the report builders."""

from __future__ import annotations

from pathlib import Path

from core.reports.review_letter import build_department_letter, build_project_letter
from core.reports.year_summary import build_year_summary
from core.rules.roles import Actor
from core.services import settings
from core.services.review_letters import department_letters, project_letter
from core.services.stats import year_figures
from db.uow import UnitOfWork


def year_summary_pdf(uow: UnitOfWork, actor: Actor, year: int, target: Path) -> Path:
    """The year's work summary PDF, with the figures the actor may see."""
    figures = year_figures(uow, actor, year)
    return build_year_summary(figures, target, org_name=settings.get(uow.session, "org.name"))


def review_letter_pdf(uow: UnitOfWork, actor: Actor, project_id: int, target: Path) -> Path:
    """The 绩效目标审核意见书 of one project (its newest decided review)."""
    letter = project_letter(uow, actor, project_id)
    return build_project_letter(letter, target, org_name=settings.get(uow.session, "org.name"))


def department_review_letters_pdf(uow: UnitOfWork, actor: Actor, year: int, department_id: int,
                                  target: Path) -> Path:
    """The combined 绩效目标审核意见书 of a department or township and its budget units for the year."""
    letters = department_letters(uow, actor, year, department_id)
    return build_department_letter(letters, target, org_name=settings.get(uow.session, "org.name"))
