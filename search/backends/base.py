"""What the engines share: the tiers, the shapes they pass around, and the one way to run SQL.

Each engine (``sqlite.py``, ``postgres.py``) holds only its reading SQL, with the methods of
``Engine``; ``backends.engine()`` picks one per connection. The writing SQL is the same on
both databases (``search.indexing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.db import connection

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wiki.models import Term

    from ..query import ParsedQuery

SNIPPET_WORDS = 24
TIERS = ("title", "tags", "category", "body")
# How much a match in each field counts, defined once for both engines (bm25 column weights
# on SQLite, ts_rank's {D, C, B, A} weights on PostgreSQL).
WEIGHTS = {"title": 1.0, "tags": 0.4, "category": 0.2, "body": 0.1}


@dataclass(frozen=True)
class Segment:
    """Part of a page that falls in one tier: ``limit`` hits from ``offset`` in that tier."""

    tier: int
    offset: int
    limit: int
    ranked: bool


@dataclass(frozen=True)
class FilterSQL:
    """``AND ...`` conditions for the listing filters and the exact hit, with parameters."""

    sql: str = ""
    params: tuple = ()


def start_of(text: str) -> str:
    """The first ``SNIPPET_WORDS`` words: the snippet of a hit whose excerpt has no match."""
    words = text.split()
    return " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


class Engine(Protocol):
    """The reading side of one database: what ``SearchResults`` and the interface call."""

    name: str

    @staticmethod
    def filter_sql(filters: dict[str, str], exact: Term | None) -> FilterSQL: ...

    def tier_counts(self, parsed: ParsedQuery, filters: FilterSQL, *, cap: int) -> list[int]: ...

    def page(self, parsed: ParsedQuery, filters: FilterSQL, segments: list[Segment]) -> list: ...

    def snippet(self, parsed: ParsedQuery, term_id: int) -> str | None: ...

    def title_matches(self, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]: ...

    def similar_candidates(self, key: str, limit: int) -> list[tuple[str, str]]: ...

    def optimize(self) -> None: ...
