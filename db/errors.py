"""Storage failures with a Chinese message that tells the user what happened and what to do."""


class StorageError(Exception):
    """A storage problem the user can act on; `str(exc)` is the Chinese message."""


class NotADatabaseError(StorageError):
    """The file is not a workbench (SQLite) database."""


class ReadOnlyDatabaseError(StorageError):
    """The database file or its folder cannot be written."""


class DatabaseInUseError(StorageError):
    """Another running instance holds the database."""


class DatabaseTooNewError(StorageError):
    """The database was written by a newer version of the application."""


class MigrationFailedError(StorageError):
    """An upgrade failed; the database was restored from the backup taken before it."""


class BackupError(StorageError):
    """A backup or restore could not be completed; the original is unchanged."""
