"""The 绩效目标审核意见书 PDFs as use cases: gather one project's (or a department's) decided reviews and print them."""

from __future__ import annotations

from pathlib import Path

from core.org import settings
from core.org.rules.roles import Actor
from core.review.letters import department_letters, project_letter
from db.uow import UnitOfWork


def review_letter_pdf(uow: UnitOfWork, actor: Actor, project_id: int, target: Path) -> Path:
    """The 绩效目标审核意见书 of one project (its newest decided review)."""
    letter = project_letter(uow, actor, project_id)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.review.letter_report import build_project_letter
    return build_project_letter(letter, target, org_name=settings.get(uow.session, "org.name"))


def department_review_letters_pdf(uow: UnitOfWork, actor: Actor, year: int, department_id: int,
                                  target: Path) -> Path:
    """The combined 绩效目标审核意见书 of a department or township and its budget units for the year."""
    letters = department_letters(uow, actor, year, department_id)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.review.letter_report import build_department_letter
    return build_department_letter(letters, target, org_name=settings.get(uow.session, "org.name"))
