"""The PostgreSQL engine: weighted ``tsvector`` columns with GIN, ``ts_rank``, ``ts_headline``.

Reading SQL only: the columns ``document`` and ``strong`` of migration 0002 are generated from
the text in ``wiki_search_entry``, so writing needs nothing of this module. "Did you mean" uses
the pg_trgm index on the title key when the extension could be installed, and falls back to
title prefixes when not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..query import MARK_END, MARK_START, ParsedQuery
from .base import SNIPPET_WORDS, TIERS, WEIGHTS, FilterSQL, Segment, fetch

if TYPE_CHECKING:
    from wiki.models import Term

# ts_rank weights {D, C, B, A} for (body, category, tags, title), from base.WEIGHTS.
_ORDER = ("body", "category", "tags", "title")
POSTGRES_WEIGHTS = "{" + ", ".join(str(WEIGHTS[field]) for field in _ORDER) + "}"


class PostgresEngine:
    """Weighted ``tsvector`` columns with GIN: ``document`` (all text) and ``strong`` (title A,
    tags B, category C), ``ts_rank`` with weights, ``ts_headline`` on the body."""

    name = "postgresql-fts"
    _TSQUERY = "to_tsquery('english'::regconfig, %s)"
    _HEADLINE_OPTIONS = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
        ' ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
    )

    @staticmethod
    def filter_sql(filters: dict[str, str], exact: Term | None) -> FilterSQL:
        """Conditions on the entry row's own copies of the filter fields, each indexed, so that
        the planner can start from a filter or combine it with the full-text index instead of
        reading (detoasting) a tsvector for every row the filter would have ruled out."""
        conditions = [
            ("e.category_slug = %s", filters.get("category")),
            ("e.difficulty = %s", filters.get("difficulty")),
            ("string_to_array(btrim(e.tag_slugs), ' ') @> ARRAY[%s]", filters.get("tag")),
            ("e.term_id <> %s", exact.pk if exact is not None else None),
        ]
        used = [(sql, value) for sql, value in conditions if value]
        return FilterSQL("".join(f" AND {sql}" for sql, _ in used), tuple(v for _, v in used))

    @staticmethod
    def tsquery(parsed: ParsedQuery, *, weights: str = "", joiner: str = " & ") -> str:
        """``('w1' <-> 'w2') & 'pre':*``; ``weights`` ("AB") restricts each lexeme to them."""
        parts = []
        for term in parsed.terms:
            marks = [weights] * len(term.words)
            if term.prefix:
                marks[-1] = "*" + weights
            lexemes = [
                f"'{w}'" + (f":{m}" if m else "") for w, m in zip(term.words, marks, strict=True)
            ]
            parts.append("(" + " <-> ".join(lexemes) + ")")
        return joiner.join(parts)

    def tier_where(self, parsed: ParsedQuery, tier: int) -> tuple[str, list[str]]:
        """The query, with a query term in the field of ``tier`` and in none of the earlier
        ones; in ``strong`` the weights A, B, C stand for title, tags, category."""
        sql, params = f"e.document @@ {self._TSQUERY}", [self.tsquery(parsed)]
        if tier < len(TIERS) - 1:
            sql += f" AND e.strong @@ {self._TSQUERY}"
            params.append(self.tsquery(parsed, weights="ABC"[tier], joiner=" | "))
        if tier > 0:
            sql += f" AND NOT e.strong @@ {self._TSQUERY}"
            params.append(self.tsquery(parsed, weights="ABC"[:tier], joiner=" | "))
        return sql, params

    def tier_counts(self, parsed: ParsedQuery, filters: FilterSQL, *, cap: int) -> list[int]:
        parts, params = [], []
        for tier in range(len(TIERS)):
            where, where_params = self.tier_where(parsed, tier)
            parts.append(
                "(SELECT count(*) FROM (SELECT 1 FROM wiki_search_entry e"  # noqa: S608
                f" WHERE {where}{filters.sql} LIMIT %s) AS matches)"
            )
            params += [*where_params, *filters.params, cap]
        return list(fetch(f"SELECT {', '.join(parts)}", params)[0])

    def page(self, parsed: ParsedQuery, filters: FilterSQL, segments: list[Segment]) -> list:
        parts, params = [], []
        for seg in segments:
            where, where_params = self.tier_where(parsed, seg.tier)
            if seg.ranked:
                score = f"-ts_rank('{POSTGRES_WEIGHTS}', e.document, {self._TSQUERY})"
                order, score_params = "score, e.term_id", [self.tsquery(parsed)]
            else:
                score, order, score_params = "NULL::real", "e.term_id DESC", []
            parts.append(
                f"(SELECT e.term_id, {score} AS score, {seg.tier} AS tier"  # noqa: S608
                f" FROM wiki_search_entry e WHERE {where}{filters.sql}"
                f" ORDER BY {order} LIMIT %s OFFSET %s)"
            )
            params += [*score_params, *where_params, *filters.params, seg.limit, seg.offset]
        return [
            (term_id, -score if score is not None else None, raw)
            for term_id, score, raw in fetch(
                f"WITH page AS ({' UNION ALL '.join(parts)})"  # noqa: S608
                # ts_headline parses the text again: the excerpt bounds the work per hit.
                " SELECT page.term_id, page.score, ts_headline('english'::regconfig,"
                f" e.excerpt, {self._TSQUERY}, %s) FROM page"
                " JOIN wiki_search_entry e ON e.term_id = page.term_id"
                " ORDER BY page.tier, page.score IS NULL, page.score,"
                " CASE WHEN page.score IS NULL THEN -page.term_id ELSE page.term_id END",
                [*params, self.tsquery(parsed), self._HEADLINE_OPTIONS],
            )
        ]

    def snippet(self, parsed: ParsedQuery, term_id: int) -> str | None:
        rows = fetch(
            f"SELECT ts_headline('english'::regconfig, excerpt, {self._TSQUERY}, %s)"  # noqa: S608
            " FROM wiki_search_entry WHERE term_id = %s",
            [self.tsquery(parsed), self._HEADLINE_OPTIONS, term_id],
        )
        return rows[0][0] if rows else None

    def title_matches(self, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]:
        tsquery = self.tsquery(parsed, weights="A")
        return fetch(
            "SELECT t.title, t.slug FROM wiki_search_entry e"  # noqa: S608
            " JOIN wiki_term t ON t.id = e.term_id"
            f" WHERE e.strong @@ {self._TSQUERY}"
            f" ORDER BY ts_rank('{POSTGRES_WEIGHTS}', e.strong, {self._TSQUERY}) DESC, t.id"
            " LIMIT %s",
            [tsquery, tsquery, limit],
        )

    def similar_candidates(self, key: str, limit: int) -> list[tuple[str, str]]:
        if fetch("SELECT to_regclass('wiki_search_entry_title_trgm') IS NOT NULL", [])[0][0]:
            return fetch(
                "SELECT t.title, t.slug FROM wiki_search_entry e"
                " JOIN wiki_term t ON t.id = e.term_id WHERE %s <%% e.title_key"
                " ORDER BY word_similarity(%s, e.title_key) DESC, t.id LIMIT %s",
                [key, key, limit],
            )
        # Without pg_trgm: titles that share the first letters of a word of the query.
        rows: list[tuple[str, str]] = []
        for start in dict.fromkeys(word[:2] for word in key.split() if len(word) >= 2):
            rows += fetch(
                "SELECT t.title, t.slug FROM wiki_search_entry e JOIN wiki_term t"
                " ON t.id = e.term_id WHERE e.title_key >= %s AND e.title_key < %s LIMIT %s",
                [start, start + "\U0010ffff", limit],
            )
        return rows

    def optimize(self) -> None:
        fetch("ANALYZE wiki_search_entry", [])
