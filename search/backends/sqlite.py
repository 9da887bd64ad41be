"""The SQLite engine: FTS5 over the entry table, ranked by bm25, snippets by ``snippet()``.

Reading SQL only, for the three FTS5 indexes of migration 0002 (external content on
``wiki_search_entry``, kept in step by triggers, so writing needs nothing of this module):
``wiki_search_fts`` (all the text), ``wiki_search_strong`` (title, tags, category) and
``wiki_search_trigram`` (title key trigrams, for "did you mean"); and, from search migration
0002, ``wiki_search_excerpt`` (the body's first characters, which snippets are cut from).
"""

from __future__ import annotations

from wiki.models import Term

from ..query import MARK_END, MARK_START, MIN_PREFIX_CHARS, ParsedQuery, QueryTerm
from .base import SNIPPET_WORDS, TIERS, WEIGHTS, FilterSQL, Segment, fetch, start_of

# bm25 column weights for (title, tags, category, body), from base.WEIGHTS.
SQLITE_BM25 = "bm25(wiki_search_fts, {})".format(
    ", ".join(f"{WEIGHTS[field] * 10:.1f}" for field in ("title", "tags", "category", "body"))
)


# How the endings the porter stemmer strips begin, as they are spelt before stemming
# ("community" -> "commun" strips "ity"). A word typed so far that ends part-way into one of
# them may have been indexed as the shorter stem; see ``typed_stems``.
PORTER_ENDINGS = (
    "ies", "ied", "ing", "ings", "ed", "es", "s", "e", "y",
    "ity", "ities", "ion", "ions", "ional", "ive", "ively", "iveness", "ivity",
    "ism", "ize", "izes", "ized", "izing", "izer", "ization", "ible", "ibly", "ibility",
    "ic", "ical", "ically", "icity", "icate",
    "al", "ally", "ality", "alism", "alize", "ance", "ancy", "ant", "ants", "able", "ably",
    "ability", "ate", "ated", "ates", "ating", "ation", "ations", "ational", "ative", "ator",
    "ence", "ency", "ent", "ently", "ement", "ements", "ment", "ments",
    "er", "ers", "ous", "ously", "ousness", "ful", "fully", "fulness", "ness",
)  # fmt: skip
_LONGEST_ENDING = max(map(len, PORTER_ENDINGS))


def typed_stems(word: str) -> list[str]:
    """Shorter stems a word that is still being typed may have been indexed under.

    ``word[:k]`` qualifies when the rest, ``word[k:]``, is how a porter ending begins:
    "communit" -> ["commun"] ("it" begins "ity"), "gard" -> [] (no ending begins with "d").
    Never shorter than the shortest prefix searched at all.
    """
    shortest = max(MIN_PREFIX_CHARS, len(word) - _LONGEST_ENDING)
    return [
        word[:k]
        for k in range(len(word) - 1, shortest - 1, -1)
        if any(ending.startswith(word[k:]) for ending in PORTER_ENDINGS)
    ]


class SQLiteEngine:
    """FTS5 over ``wiki_search_entry`` (external content): ``wiki_search_fts`` for matching,
    bm25 and snippets; the small ``wiki_search_strong`` (title, tags, category) for tiers."""

    name = "sqlite-fts5"

    @staticmethod
    def filter_sql(filters: dict[str, str], exact: Term | None) -> FilterSQL:
        """The A-Z page's own queryset method, as a subquery on the term tables' indexes.

        ``+rowid`` keeps the id list from being handed to FTS5 as rowid lookups (each one a
        full query again): the matches are walked once and the list probed.
        """
        sql, params = "", []
        if any(filters.values()):
            query = Term.objects.filtered(**filters).order_by().values("pk").query
            subquery, subparams = query.sql_with_params()
            sql, params = f" AND +wiki_search_fts.rowid IN ({subquery})", list(subparams)
        if exact is not None:
            sql, params = f"{sql} AND +wiki_search_fts.rowid <> %s", [*params, exact.pk]
        return FilterSQL(sql, tuple(params))

    @staticmethod
    def _phrase(term: QueryTerm) -> str:
        """A quoted phrase; a prefix also matches the stems the word being typed may have.

        The index holds porter stems ("community" is indexed as "commun"), so the prefix
        ``"communit"*`` alone finds nothing; ``("communit"* OR "commun")`` does, as
        PostgreSQL's stemmer happens to ("communiti"). FTS5 stems the query words too.
        """
        phrase = '"' + " ".join(term.words) + '"'
        if not term.prefix:
            return phrase
        head = term.words[:-1]
        stems = ['"' + " ".join((*head, stem)) + '"' for stem in typed_stems(term.words[-1])]
        return f"({' OR '.join([phrase + '*', *stems])})" if stems else phrase + "*"

    def match(self, parsed: ParsedQuery) -> str:
        return " AND ".join(self._phrase(term) for term in parsed.terms)

    def _tier_sets(self, parsed: ParsedQuery) -> tuple[str, list[str]]:
        """``WITH st(id, tier)``: terms with a query term in their title (0), tags (1), category
        (2), from the small index; a term is in the first tier it qualifies for."""
        any_term = " OR ".join(self._phrase(term) for term in parsed.terms)
        selects = " UNION ALL ".join(
            f"SELECT rowid, {tier} FROM wiki_search_strong WHERE wiki_search_strong MATCH %s"  # noqa: S608
            for tier in range(len(TIERS) - 1)
        )
        return (
            f"WITH s(id, tier) AS MATERIALIZED ({selects}),"  # noqa: S608
            " st(id, tier) AS MATERIALIZED (SELECT id, min(tier) FROM s GROUP BY id)",
            [f"{{{column}}} : ({any_term})" for column in TIERS[:-1]],
        )

    def tier_counts(self, parsed: ParsedQuery, filters: FilterSQL, *, cap: int) -> list[int]:
        """Exact counts in one pass over the matches (cheap in FTS5: ``cap`` is not needed)."""
        with_sql, params = self._tier_sets(parsed)
        sums = ", ".join(f"coalesce(sum(st.tier = {tier}), 0)" for tier in range(len(TIERS) - 1))
        total, *strong = fetch(
            f"{with_sql} SELECT count(*), {sums} FROM wiki_search_fts"  # noqa: S608
            " LEFT JOIN st ON st.id = wiki_search_fts.rowid"
            f" WHERE wiki_search_fts MATCH %s{filters.sql}",
            [*params, self.match(parsed), *filters.params],
        )[0]
        return [*strong, total - sum(strong)]

    def page(self, parsed: ParsedQuery, filters: FilterSQL, segments: list[Segment]) -> list:
        """One statement: each segment's ids in order, then their snippets.

        Snippets are cut from the body's excerpt (``wiki_search_excerpt``): ``snippet()``
        tokenises the whole text it is given again for every hit, which over megabyte bodies
        took seconds. A hit whose excerpt has none of the words shows the excerpt's start.
        They come from a second pass over the excerpt matches (``+rowid IN``) when the query
        has a prefix, since looking up a row by id runs a prefix query again each time;
        otherwise from one lookup per hit.
        """
        with_sql, tier_params = self._tier_sets(parsed)
        params: list[object] = list(tier_params)
        parts = []
        for seg in segments:
            score, order = (SQLITE_BM25, "2, 1") if seg.ranked else ("NULL", "1 DESC")
            in_tier = (
                f"IN (SELECT id FROM st WHERE tier = {seg.tier})"  # noqa: S608
                if seg.tier < len(TIERS) - 1
                else "NOT IN (SELECT id FROM st)"
            )
            parts.append(
                f"SELECT * FROM (SELECT wiki_search_fts.rowid, {score}, {seg.tier}"  # noqa: S608
                " FROM wiki_search_fts WHERE wiki_search_fts MATCH %s"
                f" AND +wiki_search_fts.rowid {in_tier}{filters.sql}"
                f" ORDER BY {order} LIMIT %s OFFSET %s)"
            )
            params += [self.match(parsed), *filters.params, seg.limit, seg.offset]
        lookup = "+rowid" if any(term.prefix for term in parsed.terms) else "rowid"
        rows = fetch(
            f"{with_sql}, page(term_id, score, tier) AS MATERIALIZED"  # noqa: S608
            f" ({' UNION ALL '.join(parts)}),"
            f" snip(id, raw) AS MATERIALIZED ({self._SNIPPET}"
            f" AND {lookup} IN (SELECT term_id FROM page))"
            " SELECT page.term_id, page.score, page.tier, snip.raw,"
            f" substr(e.excerpt, 1, {self._START_CHARS}) FROM page"
            " LEFT JOIN snip ON snip.id = page.term_id"
            " JOIN wiki_search_entry e ON e.term_id = page.term_id",
            [*params, *self._snippet_params(parsed)],
        )
        rows.sort(key=lambda r: (r[2], r[1] is None, r[1] or 0, -r[0] if r[1] is None else r[0]))
        return [
            (pk, -score if score is not None else None, raw if raw is not None else start_of(text))
            for pk, score, _, raw, text in rows
        ]

    # Any of the words in the excerpt: a hit matched in its title or deeper in its body still
    # shows the words its excerpt has.
    _SNIPPET = (
        "SELECT rowid, snippet(wiki_search_excerpt, 0, %s, %s, '…', %s) FROM wiki_search_excerpt"
        " WHERE wiki_search_excerpt MATCH %s"
    )
    _START_CHARS = 400

    def _snippet_params(self, parsed: ParsedQuery) -> list:
        any_word = " OR ".join(self._phrase(term) for term in parsed.terms)
        return [MARK_START, MARK_END, SNIPPET_WORDS, any_word]

    def snippet(self, parsed: ParsedQuery, term_id: int) -> str | None:
        rows = fetch(f"{self._SNIPPET} AND rowid = %s", [*self._snippet_params(parsed), term_id])
        if rows:
            return rows[0][1]
        start = fetch(
            f"SELECT substr(excerpt, 1, {self._START_CHARS}) FROM wiki_search_entry"  # noqa: S608
            " WHERE term_id = %s",
            [term_id],
        )
        return start_of(start[0][0]) if start else None

    def title_matches(self, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]:
        return fetch(
            "SELECT t.title, t.slug FROM wiki_search_strong JOIN wiki_term t"
            " ON t.id = wiki_search_strong.rowid WHERE wiki_search_strong MATCH %s"
            " ORDER BY wiki_search_strong.rank, t.id LIMIT %s",
            ["{title} : (" + self.match(parsed) + ")", limit],
        )

    def similar_candidates(self, key: str, limit: int) -> list[tuple[str, str]]:
        trigrams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
        match = " OR ".join(f'"{gram}"' for gram in trigrams if " " not in gram)
        if not match:
            return []
        return fetch(
            "SELECT t.title, t.slug FROM wiki_search_trigram JOIN wiki_term t"
            " ON t.id = wiki_search_trigram.rowid WHERE wiki_search_trigram MATCH %s"
            " ORDER BY wiki_search_trigram.rank LIMIT %s",
            [match, limit],
        )

    def optimize(self) -> None:
        for table in ("wiki_search_fts", "wiki_search_strong", "wiki_search_trigram"):
            fetch(f"INSERT INTO {table} ({table}) VALUES ('optimize')", [])  # noqa: S608
