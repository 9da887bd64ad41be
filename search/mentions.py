"""Which terms mention a title: the glossary's question when a term is created or renamed.

The full-text index answers it (FTS5 on SQLite, the GIN-indexed ``document`` on PostgreSQL),
never a scan of every body. Each title is searched as a phrase of its words, stemmed as the
index is, so the answer is a superset: a term that only says "communities" for "Community",
or says it in a code block, is found too, and the renderer's exact rules (whole words, not in
code, links or headings) decide when it is re-rendered. What the index does not hold is not
found: a body past ``indexing.MAX_INDEXED_BODY_CHARS`` is linked at its next save instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from .backends.base import fetch
from .query import MAX_WORD_CHARS, split_words

TITLES_PER_QUERY = 100  # phrases OR-ed into one search


def terms_mentioning(titles: Iterable[str]) -> set[int]:
    """The ids of the terms whose indexed text contains one of ``titles`` as a phrase."""
    phrases = list(
        dict.fromkeys(
            words
            for title in titles
            if (words := tuple(word.lower()[:MAX_WORD_CHARS] for word in split_words(title)))
        )
    )
    found: set[int] = set()
    search = _postgres if connection.vendor == "postgresql" else _sqlite
    for start in range(0, len(phrases), TITLES_PER_QUERY):
        found.update(search(phrases[start : start + TITLES_PER_QUERY]))
    return found


def _sqlite(phrases: list[tuple[str, ...]]) -> list[int]:
    # Words are runs of letters and digits (``split_words``): nothing in them is FTS5 syntax.
    match = "{body} : (" + " OR ".join('"' + " ".join(words) + '"' for words in phrases) + ")"
    rows = fetch("SELECT rowid FROM wiki_search_fts WHERE wiki_search_fts MATCH %s", [match])
    return [row[0] for row in rows]


def _postgres(phrases: list[tuple[str, ...]]) -> list[int]:
    # Quoted lexemes, as the search engine builds them; stop words drop out of a phrase.
    query = " | ".join("(" + " <-> ".join(f"'{w}'" for w in words) + ")" for words in phrases)
    rows = fetch(
        "SELECT term_id FROM wiki_search_entry"
        " WHERE document @@ to_tsquery('english'::regconfig, %s)",
        [query],
    )
    return [row[0] for row in rows]
