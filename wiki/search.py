"""Full-text search: one small interface, an engine per database.

The services call ``index_term`` inside the saving transaction so the index never lags the
terms. The engines (SQLite FTS5, PostgreSQL full-text) are filled in by the search work
(issue 6); until then indexing is a no-op and search falls back to nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Term


def index_term(term: Term) -> None:
    """Bring the search index up to date for ``term`` (called inside the save transaction)."""


def remove_term(term_id: int) -> None:
    """Drop ``term_id`` from the search index (called inside the delete transaction)."""
