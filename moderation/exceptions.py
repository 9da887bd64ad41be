"""Errors the moderation services raise; views show ``str(error)`` to the moderator."""

from __future__ import annotations


class ModerationError(Exception):
    """The action cannot be done as asked; the message says why. ``field`` names the form
    field it belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleRollback(ModerationError):
    """Someone saved the term after the moderator loaded the page."""


class PendingConflict(ModerationError):
    """A pending change overlaps with edits published since it was written."""
