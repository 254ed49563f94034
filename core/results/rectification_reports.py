"""The rectification PDFs and workbook as background-task services: issue notices and print them in one
transaction (no notice stays numbered without its PDF), re-print issued notices, and export the register."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.common.changes import Changes
from core.org import settings
from core.org.rules.roles import Actor
from core.results.dto import ItemRow, NoticeDocument
from core.results.rectification_notices import NOTICES, notice_documents, prepare_notices
from db.uow import UnitOfWork


def issue_and_print(uow: UnitOfWork, actor: Actor, year: int, kind: str | None, unit_ids: list[int] | None,
                    issued_on: date, target: Path) -> list[NoticeDocument]:
    """Issue the notices (see rectification_notices.issue_notices) and write them as one PDF to `target`;
    committed only once the PDF is written. Returns what was issued."""
    documents = prepare_notices(uow, actor, year, kind, unit_ids, issued_on)
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.notice_report import build_notices
    build_notices(documents, target)
    uow.commit()
    return documents


@dataclass(frozen=True)
class NoticesPrinted:
    path: Path  # the one PDF of the notices issued
    changes: Changes = NOTICES


def issue_notices_pdf(uow: UnitOfWork, actor: Actor, year: int, kind: str | None, unit_ids: list[int] | None,
                      issued_on: date, target: Path) -> NoticesPrinted:
    """issue_and_print for the report preview, which wants the PDF's path."""
    issue_and_print(uow, actor, year, kind, unit_ids, issued_on, target)
    return NoticesPrinted(target)


def reprint_pdf(uow: UnitOfWork, actor: Actor, notice_ids: list[int], target: Path) -> Path:
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.notice_report import build_notices
    return build_notices(notice_documents(uow, actor, notice_ids), target)


def register_pdf(uow: UnitOfWork, actor: Actor, year: int, rows: Sequence[ItemRow], made_on: date,
                 target: Path) -> Path:
    """The register rows as listed (filter and order kept) as a PDF."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.register_report import build_register_pdf
    return build_register_pdf(rows, year, str(settings.get(uow.session, "org.name")), made_on, target)


def register_workbook(uow: UnitOfWork, actor: Actor, year: int, rows: Sequence[ItemRow], made_on: date,
                      target: Path) -> Path:
    """The register rows as listed as a workbook."""
    # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
    from core.results.register_report import build_register_workbook
    return build_register_workbook(rows, year, str(settings.get(uow.session, "org.name")), made_on, target)
