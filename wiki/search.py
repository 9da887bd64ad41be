"""Full-text search: one small interface, an engine per database.

Interface: ``index_term`` and ``remove_term`` (called by the services and the admin inside their
transaction, so the index never lags the terms), ``rebuild``, ``search`` (a lazy, paginatable
``SearchResults`` of ``Hit``), ``exact_title``, ``suggest`` and ``similar_titles``.

Both engines read one table, ``wiki_search_entry`` (migration 0002): a row per term with the
text that is searched. SQLite indexes it with FTS5 (porter stemming, bm25, ``snippet()``);
PostgreSQL with stored weighted ``tsvector`` columns and GIN (``ts_rank``, ``ts_headline``).
Writing is the same SQL on both; each engine class holds its reading SQL.

Queries. A user's query never reaches an engine as syntax: ``parse_query`` reduces it to terms
of letters and digits only (a word, or a phrase of words), and each engine builds its own query
from those (quoted strings for FTS5, quoted lexemes for ``to_tsquery``). So ``"``, ``*``,
``-``, ``AND``, ``NEAR``, ``(``, ``:`` and the like are plain text, never operators.

Ranking. The term whose title *is* the query comes first. Then the matches come in tiers: a
query term in the title, else in the tags, else in the category, else only in the body; within a
tier by relevance (bm25 or ts_rank, with the same column weights). A tier of more than
``MAX_RESULTS`` matches (a common word in a big wiki) is listed newest first instead: ranking
every one of them is what makes full-text search slow, and tells little when the word is
everywhere. At most ``MAX_RESULTS`` results are counted and paged; the page says "more than".
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .models import Term

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
MAX_WORD_CHARS = 64
MIN_PREFIX_CHARS = 3  # a shorter last word is matched whole: "a*" would match half the wiki
MAX_RESULTS = 1000
MAX_INDEXED_BODY_CHARS = 200_000  # keeps a PostgreSQL tsvector well under its 1 MB limit
SNIPPET_WORDS = 24
TIERS = ("title", "tags", "category", "body")

# bm25 weights for the FTS5 columns (title, tags, category, body); ts_rank weights {D,C,B,A}.
SQLITE_BM25 = "bm25(wiki_search_fts, 10.0, 4.0, 2.0, 1.0)"
POSTGRES_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"

# Private-use characters mark highlights in engine snippets. They are removed from everything
# indexed, so the only ones in a snippet are the engine's; they become <mark> after escaping.
MARK_START, MARK_END = "\ue000", "\ue001"
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_WORD = re.compile(r"[^\W_]+")
_ENDS_IN_WORD = re.compile(r"[^\W_]\Z")
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|pre|blockquote|table|thead|tbody|tr|td|th"
    r"|section|aside|figure|figcaption|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]*>")


# Parsing and text: pure functions, shared by both engines.


@dataclass(frozen=True)
class QueryTerm:
    """A word, or a phrase of adjacent words; ``prefix``: its last word is matched as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[QueryTerm, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def clean_text(text: str) -> str:
    """NFC text without control, surrogate or private-use characters, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", _UNSAFE_CHARS.sub(" ", text)).split())


def title_key(title: str) -> str:
    """What titles that are "the same title" share: case, width and spacing set aside."""
    return unicodedata.normalize("NFKC", clean_text(title)).casefold()[:MAX_QUERY_CHARS]


def parse_query(raw: str) -> ParsedQuery:
    """Words, "quoted phrases" (a missing closing quote ends the query), last word as prefix.

    Hyphenated or otherwise punctuated words (``e-mail``, ``don't``) become phrases of their
    parts, which is how both tokenizers indexed them. The last word is a prefix when the query
    ends in it (no trailing space or closing quote) and it is long enough to be selective.
    """
    text = unicodedata.normalize("NFC", _UNSAFE_CHARS.sub(" ", raw[: MAX_QUERY_CHARS * 2]))
    text = text[:MAX_QUERY_CHARS]
    pieces: list[tuple[str, ...]] = []
    for index, chunk in enumerate(text.split('"')):
        for group in [chunk] if index % 2 else chunk.split():
            words = tuple(w.lower()[:MAX_WORD_CHARS] for w in _WORD.findall(group))
            if words:
                pieces.append(words)
    terms = [QueryTerm(words) for words in list(dict.fromkeys(pieces))[:MAX_QUERY_TERMS]]
    if terms and _ENDS_IN_WORD.search(text) and len(terms[-1].words[-1]) >= MIN_PREFIX_CHARS:
        terms[-1] = QueryTerm(terms[-1].words, prefix=True)
    return ParsedQuery(tuple(terms))


def html_to_text(body_html: str) -> str:
    """The text of a rendered body, for indexing: block tags become spaces, entities text."""
    return clean_text(html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", body_html))))


def snippet_html(raw: str) -> SafeString:
    """Escape an engine snippet, then turn its markers into balanced <mark> elements."""
    out: list[str] = []
    open_mark = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", raw):
        if part == MARK_START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif part == MARK_END and open_mark:
            out.append("</mark>")
            open_mark = False
        elif part not in (MARK_START, MARK_END):
            out.append(html.escape(part, quote=False))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # every piece of text was escaped above


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


@dataclass(frozen=True)
class Segment:
    """Part of a page that falls in one tier: ``limit`` hits from ``offset`` in that tier."""

    tier: int
    offset: int
    limit: int
    ranked: bool


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
    rows = _fetch(
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
    key = " ".join(_WORD.findall(title_key(query)))[:60]
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
    _fetch("DELETE FROM wiki_search_entry WHERE term_id = %s", [term_id])


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
        _fetch("DELETE FROM wiki_search_entry", [])
        batch = []
        for term in terms.iterator(chunk_size=batch_size):
            batch.append(_entry_for(term))
            if len(batch) >= batch_size:
                total += _upsert(batch)
                batch = []
        total += _upsert(batch)
        _engine().optimize()
    return total


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


# Reading helpers.


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@dataclass(frozen=True)
class FilterSQL:
    """``AND ...`` conditions for the listing filters and the exact hit, with parameters."""

    sql: str = ""
    params: tuple = ()


def _similarity(key: str, title: str) -> float:
    """How close ``key`` is to ``title``, or to a run of as many words of it."""
    width = key.count(" ") + 1
    words = title.split()
    runs = {" ".join(words[i : i + width]) for i in range(max(len(words) - width + 1, 1))}
    return max(difflib.SequenceMatcher(None, key, run).ratio() for run in runs | {title})


# Engines: the reading side, one class per database with the same methods.


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
        return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")

    def match(self, parsed: ParsedQuery) -> str:
        return " ".join(self._phrase(term) for term in parsed.terms)

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
        total, *strong = _fetch(
            f"{with_sql} SELECT count(*), {sums} FROM wiki_search_fts"  # noqa: S608
            " LEFT JOIN st ON st.id = wiki_search_fts.rowid"
            f" WHERE wiki_search_fts MATCH %s{filters.sql}",
            [*params, self.match(parsed), *filters.params],
        )[0]
        return [*strong, total - sum(strong)]

    def page(self, parsed: ParsedQuery, filters: FilterSQL, segments: list[Segment]) -> list:
        """One statement: each segment's ids in order, then their snippets.

        Snippets come from a second pass over the matches (``+rowid IN``) when the query has a
        prefix, since looking up a row by id runs a prefix query again each time; otherwise
        from one lookup per hit.
        """
        with_sql, params = self._tier_sets(parsed)
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
        rows = _fetch(
            f"{with_sql}, page(term_id, score, tier) AS MATERIALIZED"  # noqa: S608
            f" ({' UNION ALL '.join(parts)}),"
            " snip(id, raw) AS MATERIALIZED (SELECT rowid, snippet(wiki_search_fts, 3, %s, %s,"
            " '…', %s) FROM wiki_search_fts WHERE wiki_search_fts MATCH %s"
            f" AND {lookup} IN (SELECT term_id FROM page))"
            " SELECT page.term_id, page.score, page.tier, snip.raw FROM page"
            " JOIN snip ON snip.id = page.term_id",
            [*params, MARK_START, MARK_END, SNIPPET_WORDS, self.match(parsed)],
        )
        rows.sort(key=lambda r: (r[2], r[1] is None, r[1] or 0, -r[0] if r[1] is None else r[0]))
        return [(pk, -score if score is not None else None, raw) for pk, score, _, raw in rows]

    def snippet(self, parsed: ParsedQuery, term_id: int) -> str | None:
        rows = _fetch(
            "SELECT snippet(wiki_search_fts, 3, %s, %s, '…', %s) FROM wiki_search_fts"
            " WHERE wiki_search_fts MATCH %s AND rowid = %s",
            [MARK_START, MARK_END, SNIPPET_WORDS, self.match(parsed), term_id],
        )
        return rows[0][0] if rows else None

    def title_matches(self, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]:
        return _fetch(
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
        return _fetch(
            "SELECT t.title, t.slug FROM wiki_search_trigram JOIN wiki_term t"
            " ON t.id = wiki_search_trigram.rowid WHERE wiki_search_trigram MATCH %s"
            " ORDER BY wiki_search_trigram.rank LIMIT %s",
            [match, limit],
        )

    def optimize(self) -> None:
        for table in ("wiki_search_fts", "wiki_search_strong", "wiki_search_trigram"):
            _fetch(f"INSERT INTO {table} ({table}) VALUES ('optimize')", [])  # noqa: S608


class PostgresEngine:
    """Weighted ``tsvector`` columns with GIN: ``document`` (all text) and ``strong`` (title A,
    tags B, category C), ``ts_rank`` with weights, ``ts_headline`` on the body."""

    name = "postgresql-fts"
    _TSQUERY = "to_tsquery('english'::regconfig, %s)"
    _HEADLINE_OPTIONS = (
        f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
        ' ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
    )
    _HEADLINE_MAX_CHARS = 20_000  # ts_headline parses the text again: bound the work per hit

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
        return list(_fetch(f"SELECT {', '.join(parts)}", params)[0])

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
            for term_id, score, raw in _fetch(
                f"WITH page AS ({' UNION ALL '.join(parts)})"  # noqa: S608
                " SELECT page.term_id, page.score, ts_headline('english'::regconfig,"
                f" left(e.body, {self._HEADLINE_MAX_CHARS}), {self._TSQUERY}, %s) FROM page"
                " JOIN wiki_search_entry e ON e.term_id = page.term_id"
                " ORDER BY page.tier, page.score IS NULL, page.score,"
                " CASE WHEN page.score IS NULL THEN -page.term_id ELSE page.term_id END",
                [*params, self.tsquery(parsed), self._HEADLINE_OPTIONS],
            )
        ]

    def snippet(self, parsed: ParsedQuery, term_id: int) -> str | None:
        rows = _fetch(
            "SELECT ts_headline('english'::regconfig,"  # noqa: S608
            f" left(body, {self._HEADLINE_MAX_CHARS}), {self._TSQUERY}, %s)"
            " FROM wiki_search_entry WHERE term_id = %s",
            [self.tsquery(parsed), self._HEADLINE_OPTIONS, term_id],
        )
        return rows[0][0] if rows else None

    def title_matches(self, parsed: ParsedQuery, limit: int) -> list[tuple[str, str]]:
        tsquery = self.tsquery(parsed, weights="A")
        return _fetch(
            "SELECT t.title, t.slug FROM wiki_search_entry e"  # noqa: S608
            " JOIN wiki_term t ON t.id = e.term_id"
            f" WHERE e.strong @@ {self._TSQUERY}"
            f" ORDER BY ts_rank('{POSTGRES_WEIGHTS}', e.strong, {self._TSQUERY}) DESC, t.id"
            " LIMIT %s",
            [tsquery, tsquery, limit],
        )

    def similar_candidates(self, key: str, limit: int) -> list[tuple[str, str]]:
        if _fetch("SELECT to_regclass('wiki_search_entry_title_trgm') IS NOT NULL", [])[0][0]:
            return _fetch(
                "SELECT t.title, t.slug FROM wiki_search_entry e"
                " JOIN wiki_term t ON t.id = e.term_id WHERE %s <%% e.title_key"
                " ORDER BY word_similarity(%s, e.title_key) DESC, t.id LIMIT %s",
                [key, key, limit],
            )
        # Without pg_trgm: titles that share the first letters of a word of the query.
        rows: list[tuple[str, str]] = []
        for start in dict.fromkeys(word[:2] for word in key.split() if len(word) >= 2):
            rows += _fetch(
                "SELECT t.title, t.slug FROM wiki_search_entry e JOIN wiki_term t"
                " ON t.id = e.term_id WHERE e.title_key >= %s AND e.title_key < %s LIMIT %s",
                [start, start + "\U0010ffff", limit],
            )
        return rows

    def optimize(self) -> None:
        _fetch("ANALYZE wiki_search_entry", [])


_ENGINES = {"sqlite": SQLiteEngine(), "postgresql": PostgresEngine()}


def _engine() -> SQLiteEngine | PostgresEngine:
    try:
        return _ENGINES[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No search engine for {connection.vendor}.") from None
