"""Errors the discussion's services raise; ``field`` names the form field a message belongs to."""

from __future__ import annotations

from wiki.exceptions import WikiError


class DiscussionError(WikiError, ValueError):
    """The write cannot be done as asked; the message says why, for the member to read."""
