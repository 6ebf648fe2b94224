"""Expected failures of the domain, each carrying the HTTP status it maps to. No HTTP imports."""

from __future__ import annotations


class DomainError(Exception):
    """A failure a user can understand and act on.

    ``field`` names the input at fault when there is one, so forms can show the
    message beside it and the API can point at it.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Unauthenticated(DomainError):
    status = 401


class Conflict(DomainError):
    status = 409


class Throttled(DomainError):
    """Too many attempts (failed sign-ins): refused for a while without looking further."""

    status = 429


class RuleViolation(DomainError):
    """A business rule refused the change (e.g. a task without an Accountable)."""

    status = 422
