"""One exception family for broken business rules, mapped once to responses."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule was broken; `message` is shown to the user as it is."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidTransition(ApplicationError):
    pass


class NotAllowed(ApplicationError):
    pass
