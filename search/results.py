"""Ranked, paginatable results: what the search page lists.

Ranking. The term whose title *is* the query comes first. Then the matches come in tiers
(``backends.base.TIERS``): a query term in the title, else in the tags, else in the category,
else only in the body; within a tier by relevance (bm25 or ts_rank, with the same column
weights, ``backends.base.WEIGHTS``). A tier of more than ``MAX_RESULTS`` matches (a common word
in a big wiki) is listed newest first instead: ranking every one of them is what makes
full-text search slow, and tells little when the word is everywhere. At most ``MAX_RESULTS``
results are counted and paged; the page says "more than".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.text import Truncator

from wiki.models import Term

from .backends import engine
from .backends.base import SNIPPET_WORDS, TIERS, Segment
from .models import SearchEntry
from .query import ParsedQuery, html_to_text, parse_query, snippet_html, title_key

MAX_RESULTS = 1000


@dataclass(frozen=True)
class Hit:
    term: Term
    snippet_html: SafeString
    rank: float | None = None  # None: the exact title match, or a tier listed newest first


class SearchResults:
    """Lazy and paginatable: ``Paginator`` calls ``count()`` (one query: the tier sizes) and
    slices (one query for the ids, ranks and snippets, one for the terms; one more for the
    exact title's snippet on the first page)."""

    def __init__(self, parsed: ParsedQuery, filters: dict[str, str], exact: Term | None):
        self.parsed = parsed
        self.exact = exact
        self._engine = engine()
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
            # What a hit shows, and nothing stored after the body: a body can be a megabyte,
            # and SQLite walks its overflow pages to reach any column behind it.
            terms = (
                Term.objects.select_related("category")
                .only("title", "slug", "difficulty", "category__name", "category__slug")
                .in_bulk([row[0] for row in rows])
            )
            hits += [
                Hit(terms[pk], snippet_html(raw), rank) for pk, rank, raw in rows if pk in terms
            ]
        return hits

    def _exact_snippet(self) -> SafeString:
        assert self.exact is not None
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
    same_title = SearchEntry.objects.filter(title_key=key).values("term_id")
    return (
        Term.objects.filtered(**filters)
        .filter(pk__in=same_title)
        .select_related("category")
        .order_by("pk")
        .first()
    )
