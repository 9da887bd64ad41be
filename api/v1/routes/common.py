"""What the routes share: the error responses an operation documents, and page sizes."""

from __future__ import annotations

from ninja import Field

from .. import schemas as s

MAX_LIMIT = 100


def errors(*statuses: int) -> dict:
    """The documented error answers of an operation: ``statuses`` plus the ones any request
    can get (400 unreadable, 422 invalid parameters, 503 busy)."""
    documented: dict[int, type[s.ErrorOut]] = {
        status: s.ErrorOut for status in (*statuses, 400, 422, 503)
    }
    if 409 in statuses:
        documented[409] = s.ConflictOut
    return documented


def limit_field(default: int):
    return Field(default, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")
