"""Domain errors: each carries a Chinese message that says what is wrong and what to fix."""

from db.errors import StorageError


class DomainError(Exception):
    """A rule of the work was broken; `str(exc)` is the message shown to the user."""


class PermissionDenied(DomainError):
    """The current user's role or unit does not allow this action."""


class AuthenticationFailed(DomainError):
    """Wrong user name or password, or a locked account."""


class ValidationError(DomainError):
    """Input that cannot be accepted; names the field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """A record the user referred to does not exist."""


# Everything a front end shows as a message instead of a crash report.
USER_ERRORS: tuple[type[Exception], ...] = (DomainError, StorageError)
