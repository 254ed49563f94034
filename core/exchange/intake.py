"""Importing an exchange package (导入交换包), the one use case the 数据交换 page and `perfbudget exchange import` call:
`preview` (what the package would do, writing nothing; the front end shows it), then `import_package`: decide from
that preview, back up, apply in one transaction, and return what was written with its change record.

The backup policy lives here and only here:
- when: before every import that writes. A package that is refused, has problems, lacks the reviewer's
  confirmation or was imported already writes nothing and takes no backup;
- who: whoever may import (a clerk importing the bureau's results on a unit installation too). The copy is the
  app's own safety copy beside the database, not the user's backup, so it needs no backup permission;
- where: a SQLite database is copied through the SQLite backup API (db/backup.py) to
  `backups/<name>-<time>-before-import.sqlite` beside it, and the copy is audited as `database.backup`. A database
  server (PostgreSQL) is not copied, since its own tools back it up; the result then carries no backup;
- on failure: when the copy cannot be made (disk full, folder not writable) nothing is imported, and the error
  says why and that the database is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.common.changes import Changes
from core.common.runner import call
from core.exchange import kinds as exchange_kinds
from core.exchange import package as xpk
from core.exchange.package import PackagePreview
from core.org.rules.roles import Actor
from db.backup import backup_file, default_backup_path
from db.database import Database
from db.models import utcnow
from db.uow import UnitOfWork

BACKUP_REASON = "before-import"


@dataclass(frozen=True)
class PackageImport:
    """What importing did: the preview it applied (analysed again inside the import's transaction), the codes of
    the rows written, the backup taken before (None: nothing was written, or a database server) and the areas
    that changed."""

    preview: PackagePreview
    written: tuple[str, ...]
    backup: Path | None
    changes: Changes

    @property
    def duplicate(self) -> bool:
        """The same package again: nothing was done."""
        return self.preview.decision == "duplicate"


def preview(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the package would do, whatever its kind, writing nothing (the first step)."""
    return exchange_kinds.preview_any(uow, actor, path)


def backup_before_import(database: Database, actor: Actor) -> Path | None:
    """The safety copy before an import writes (see the module docstring); None on a database server."""
    if database.path is None:
        return None
    done = backup_file(database.path, default_backup_path(database.path, BACKUP_REASON, utcnow()))
    with database.unit_of_work() as uow:
        uow.write()
        uow.audit(actor.username, "database.backup", "database", None, None,
                  {"to": str(done), "reason": BACKUP_REASON})
        uow.commit()
    return done


def import_package(database: Database, actor: Actor, path: str | Path, shown: PackagePreview | None = None,
                   confirm_unsigned: bool = False) -> PackageImport:
    """Decide from the preview the user saw (`shown`; made now when None), back up, then apply the package in one
    transaction, where it is analysed and checked again (the database may have changed since the preview).

    Raises ValidationError when the package may not be applied (refused, any problem, or edited or unsigned
    without `confirm_unsigned`: field "confirm_unsigned"); the same package again does nothing."""
    xpk.require_importer(actor)
    seen = shown if shown is not None else call(database, preview, actor, path)
    if not xpk.check_applicable(seen, confirm_unsigned):
        return PackageImport(seen, (), None, Changes())
    backup = backup_before_import(database, actor)
    done = call(database, exchange_kinds.apply_any, actor, path, confirm_unsigned)
    return PackageImport(done.preview, done.written, backup, done.changes)  # none for the same package again
