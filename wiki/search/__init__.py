"""Full-text search: one small interface, an engine per database.

Interface: ``index_term`` and ``remove_term`` (called by the services and the admin inside their
transaction, so the index never lags the terms), ``rebuild``, ``search`` (a lazy, paginatable
``SearchResults`` of ``Hit``), ``exact_title``, ``suggest`` and ``similar_titles``.

Both engines read one table, ``wiki_search_entry`` (migration 0002): a row per term with the
text that is searched. SQLite indexes it with FTS5 (porter stemming, bm25, ``snippet()``);
PostgreSQL with stored weighted ``tsvector`` columns and GIN (``ts_rank``, ``ts_headline``).
Writing is the same SQL on both; each engine class holds its reading SQL.

Queries never reach an engine as syntax: ``parse_query`` (in ``query.py``) reduces them to
words and phrases of letters and digits, from which each engine builds its own query.

Ranking. The term whose title *is* the query comes first. Then the matches come in tiers: a
query term in the title, else in the tags, else in the category, else only in the body; within a
tier by relevance (bm25 or ts_rank, with the same column weights). A tier of more than
``MAX_RESULTS`` matches (a common word in a big wiki) is listed newest first instead: ranking
every one of them is what makes full-text search slow, and tells little when the word is
everywhere. At most ``MAX_RESULTS`` results are counted and paged; the page says "more than".

Layout. ``query.py``: parsing and text cleaning, pure. ``base.py``: what the engines share.
``sqlite.py`` and ``postgres.py``: each engine's reading SQL. Here: the interface, the results
and the writing (the same SQL on both). Every name of the one-module ``wiki.search`` is still
importable from here, but a constant is read where it is defined: patch ``MAX_RESULTS`` here,
``MAX_QUERY_TERMS`` in ``query.py``, ``SNIPPET_WORDS`` in ``base.py``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from ..models import Term
from .base import SNIPPET_WORDS, TIERS, Engine, FilterSQL, Segment, fetch
from .postgres import POSTGRES_WEIGHTS, PostgresEngine
from .query import (
    MARK_END,
    MARK_START,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_WORD_CHARS,
    MIN_PREFIX_CHARS,
    ParsedQuery,
    QueryTerm,
    clean_text,
    html_to_text,
    parse_query,
    snippet_html,
    split_words,
    title_key,
)
from .sqlite import SQLITE_BM25, SQLiteEngine

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MARK_END",
    "MARK_START",
    "MAX_INDEXED_BODY_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "MAX_RESULTS",
    "MAX_WORD_CHARS",
    "MIN_PREFIX_CHARS",
    "POSTGRES_WEIGHTS",
    "SNIPPET_WORDS",
    "SQLITE_BM25",
    "TIERS",
    "FilterSQL",
    "Hit",
    "ParsedQuery",
    "PostgresEngine",
    "QueryTerm",
    "SQLiteEngine",
    "SearchResults",
    "Segment",
    "TitleMatch",
    "clean_text",
    "engine_name",
    "exact_title",
    "html_to_text",
    "index_term",
    "is_stale",
    "parse_query",
    "rebuild",
    "remove_term",
    "search",
    "similar_titles",
    "snippet_html",
    "suggest",
    "title_key",
]

MAX_RESULTS = 1000
MAX_INDEXED_BODY_CHARS = 200_000  # keeps a PostgreSQL tsvector well under its 1 MB limit


# Results.


@dataclass(frozen=True)
class Hit:
    term: Term
    snippet_html: SafeString
    rank: float | None = None  # None: the exact title match, or a tier listed newest first


@dataclass(frozen=True)
class TitleMatch:
    title: str
    slug: str

    @property
    def url(self) -> str:
        return reverse("wiki:term_detail", kwargs={"slug": self.slug})


class SearchResults:
    """Lazy and paginatable: ``Paginator`` calls ``count()`` (one query: the tier sizes) and
    slices (one query for the ids, ranks and snippets, one for the terms; one more for the
    exact title's snippet on the first page)."""

    def __init__(self, parsed: ParsedQuery, filters: dict[str, str], exact: Term | None):
        self.parsed = parsed
        self.exact = exact
        self._engine = _engine()
        self._filters = self._engine.filter_sql(filters, exact)
        self._tier_sizes: list[int] | None = None

    def tier_sizes(self) -> list[int]:
        """Matches per tier, each counted up to ``MAX_RESULTS + 1``."""
        if self._tier_sizes is None:
            self._tier_sizes = (
                self._engine.tier_counts(self.parsed, self._filters, cap=MAX_RESULTS + 1)
                if self.parsed
                else [0] * len(TIERS)
            )
        return self._tier_sizes

    def _total(self) -> int:
        return sum(self.tier_sizes()) + (self.exact is not None)

    def count(self) -> int:
        return min(self._total(), MAX_RESULTS)

    @property
    def capped(self) -> bool:
        """More matches than are counted and listed."""
        return self._total() > MAX_RESULTS

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Hit]:
        if not isinstance(index, slice):
            raise TypeError("SearchResults supports slicing only.")
        start = index.start or 0
        stop = min(index.stop if index.stop is not None else MAX_RESULTS, self.count())
        hits: list[Hit] = []
        if self.exact is not None:
            if start == 0 and stop > 0:
                hits.append(Hit(self.exact, self._exact_snippet()))
            start, stop = max(start - 1, 0), stop - 1
        segments, tier_start = [], 0
        for tier, size in enumerate(self.tier_sizes()):
            low, high = max(start, tier_start), min(stop, tier_start + size)
            if high > low:
                ranked = size <= MAX_RESULTS
                segments.append(Segment(tier, low - tier_start, high - low, ranked))
            tier_start += size
        if segments:
            rows = self._engine.page(self.parsed, self._filters, segments)
            terms = Term.objects.select_related("category").in_bulk([row[0] for row in rows])
            hits += [
                Hit(terms[pk], snippet_html(raw), rank) for pk, rank, raw in rows if pk in terms
            ]
        return hits

    def _exact_snippet(self) -> SafeString:
        raw = self._engine.snippet(self.parsed, self.exact.pk) if self.parsed else None
        if raw is None:
            raw = Truncator(html_to_text(self.exact.body_html)).words(SNIPPET_WORDS)
        return snippet_html(raw)


# The interface.


def search(query: str, *, category: str = "", tag: str = "", difficulty: str = "") -> SearchResults:
    filters = {"category": category, "tag": tag, "difficulty": difficulty}
    return SearchResults(parse_query(query), filters, exact_title(query, **filters))


def exact_title(query: str, **filters: str) -> Term | None:
    """The term whose title is ``query`` (case, width and spacing aside), within ``filters``."""
    key = title_key(query)
    if not key:
        return None
    same_title = RawSQL("SELECT term_id FROM wiki_search_entry WHERE title_key = %s", [key])
    return (
        Term.objects.filtered(**filters)
        .filter(pk__in=same_title)
        .select_related("category")
        .order_by("pk")
        .first()
    )


def suggest(prefix: str, limit: int = 8) -> list[TitleMatch]:
    """Titles that start with ``prefix``, then titles with a word that does (by rank)."""
    key = title_key(prefix)
    if not key or limit < 1:
        return []
    rows = fetch(
        "SELECT t.title, t.slug FROM wiki_search_entry e JOIN wiki_term t ON t.id = e.term_id"
        " WHERE e.title_key >= %s AND e.title_key < %s ORDER BY e.title_key, t.id LIMIT %s",
        [key, key + "\U0010ffff", limit],
    )
    found = [TitleMatch(title, slug) for title, slug in rows]
    parsed = parse_query(prefix)
    if len(found) < limit and parsed:
        seen = {match.slug for match in found}
        more = _engine().title_matches(parsed, limit + len(found))
        found += [TitleMatch(t, s) for t, s in more if s not in seen][: limit - len(found)]
    return found


def similar_titles(query: str, limit: int = 5) -> list[TitleMatch]:
    """Titles close to ``query``, for a search that found nothing ("did you mean")."""
    key = " ".join(split_words(title_key(query)))[:60]
    if len(key) < 3:
        return []
    scored = sorted(
        (
            (_similarity(key, title_key(title)), title, slug)
            for title, slug in _engine().similar_candidates(key, 50)
        ),
        key=lambda row: (-row[0], row[1]),
    )
    return [TitleMatch(title, slug) for score, title, slug in scored if score >= 0.6][:limit]


def index_term(term: Term) -> None:
    """Bring the search index up to date for ``term`` (called inside the save transaction)."""
    _upsert([_entry_for(term)])


def remove_term(term_id: int) -> None:
    """Drop ``term_id`` from the search index (called inside the delete transaction)."""
    fetch("DELETE FROM wiki_search_entry WHERE term_id = %s", [term_id])


def rebuild(batch_size: int = 1000) -> int:
    """Index every term again in one transaction (searches see the old index until it ends)."""
    terms = (
        Term.objects.select_related("category")
        .prefetch_related("tags")
        .only("title", "difficulty", "body", "body_html", "category__name", "category__slug")
        .order_by("pk")
    )
    total = 0
    with transaction.atomic():
        fetch("DELETE FROM wiki_search_entry", [])
        batch = []
        for term in terms.iterator(chunk_size=batch_size):
            batch.append(_entry_for(term))
            if len(batch) >= batch_size:
                total += _upsert(batch)
                batch = []
        total += _upsert(batch)
        _engine().optimize()
    return total


def is_stale() -> bool:
    """Whether the index holds a different number of terms than the wiki (e.g. a database
    that had terms before the index existed)."""
    indexed = fetch("SELECT COUNT(*) FROM wiki_search_entry", [])[0][0]
    return indexed != Term.objects.count()


def engine_name() -> str:
    return _engine().name


# Writing: the same SQL on both databases; the engines' indexes follow the entry table.


def _entry_for(term: Term) -> tuple:
    body = html_to_text(term.body_html) if term.body_html else clean_text(term.body)
    tags = term.tags.all()
    category = term.category if term.category_id else None
    return (
        term.pk,
        title_key(term.title),
        clean_text(term.title),
        clean_text(" ".join(tag.name for tag in tags)),
        clean_text(category.name) if category else "",
        body[:MAX_INDEXED_BODY_CHARS],
        category.slug if category else "",
        term.difficulty,
        "".join(f" {tag.slug} " for tag in tags),
    )


def _upsert(entries: Sequence[tuple]) -> int:
    if entries:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO wiki_search_entry (term_id, title_key, title, tags, category, body,"
                " category_slug, difficulty, tag_slugs)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (term_id) DO UPDATE SET"
                " title_key = excluded.title_key, title = excluded.title, tags = excluded.tags,"
                " category = excluded.category, body = excluded.body,"
                " category_slug = excluded.category_slug, difficulty = excluded.difficulty,"
                " tag_slugs = excluded.tag_slugs",
                entries,
            )
    return len(entries)


def _similarity(key: str, title: str) -> float:
    """How close ``key`` is to ``title``, or to a run of as many words of it."""
    width = key.count(" ") + 1
    words = title.split()
    runs = {" ".join(words[i : i + width]) for i in range(max(len(words) - width + 1, 1))}
    return max(difflib.SequenceMatcher(None, key, run).ratio() for run in runs | {title})


# Engines: the reading side, one class per database with the same methods (``base.Engine``).

_ENGINES: dict[str, Engine] = {"sqlite": SQLiteEngine(), "postgresql": PostgresEngine()}


def _engine() -> Engine:
    try:
        return _ENGINES[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No search engine for {connection.vendor}.") from None
