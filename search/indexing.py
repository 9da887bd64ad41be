"""Writing the index: the same SQL on both databases; each engine's indexes follow the entry
table (SQLite triggers, PostgreSQL generated columns; see wiki migration 0002).

``index_term`` and ``remove_term`` are called by the write path inside its transaction, so the
index never lags the terms; ``rebuild`` starts over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from taggit.models import Tag, TaggedItem

from wiki.models import Term

from .backends import engine
from .models import SearchEntry
from .query import clean_text, html_to_text, title_key

MAX_INDEXED_BODY_CHARS = 200_000  # keeps a PostgreSQL tsvector well under its 1 MB limit
# Snippets are cut from the body's start: a snippet over a whole megabyte body took SQLite
# hundreds of milliseconds per hit. Matching and ranking still read the whole indexed body.
EXCERPT_CHARS = 8_000


def index_term(term: Term) -> None:
    """Bring the search index up to date for ``term`` (called inside the save transaction)."""
    _upsert([_entry_for(term)])


def index_terms(term_ids: Sequence[int]) -> int:
    """Bring the entries of ``term_ids`` up to date in one statement (the bulk import, inside
    each chunk's transaction; a term deleted since is skipped)."""
    with transaction.atomic():
        return _upsert(_entries(_for_index().filter(pk__in=term_ids)))


def remove_term(term_id: int) -> None:
    """Drop ``term_id`` from the search index (called inside the delete transaction)."""
    SearchEntry.objects.filter(term_id=term_id).delete()


def rebuild(batch_size: int = 1000) -> int:
    """Index every term again in one transaction (searches see the old index until it ends)."""
    total = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        ids = list(Term.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            total += _upsert(_entries(_for_index().filter(pk__in=batch).order_by("pk")))
        engine().optimize()
    return total


def is_stale() -> bool:
    """Whether the index holds a different number of terms than the wiki (e.g. a database
    that had terms before the index existed)."""
    indexed = SearchEntry.objects.count()
    return indexed != Term.objects.count()


def _for_index():
    return Term.objects.select_related("category").only(
        "title", "difficulty", "body", "body_html", "category__name", "category__slug"
    )


def _entries(terms: Iterable[Term]) -> list[tuple]:
    """The entries of many terms, their tags loaded in one query. (taggit's own
    ``prefetch_related("tags")`` builds a queryset per term: 0.3 s for 500 terms.)"""
    terms = list(terms)
    tags: dict[int, list[Tag]] = defaultdict(list)
    items = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Term),
        object_id__in=[term.pk for term in terms],
    ).select_related("tag")
    for item in items:
        tags[item.object_id].append(item.tag)
    return [_entry_for(term, tags[term.pk]) for term in terms]


def _entry_for(term: Term, tags: Iterable[Tag] | None = None) -> tuple:
    body = html_to_text(term.body_html) if term.body_html else clean_text(term.body)
    # In one order however the tags were loaded (one term's, or many terms' at once), so the
    # write path, the bulk import and ``rebuild`` store the same entry.
    tags = sorted(term.tags.all() if tags is None else tags, key=lambda tag: (tag.name, tag.pk))
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
        body[:EXCERPT_CHARS],
    )


def _upsert(entries: Sequence[tuple]) -> int:
    if entries:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO wiki_search_entry (term_id, title_key, title, tags, category, body,"
                " category_slug, difficulty, tag_slugs, excerpt)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (term_id)"
                " DO UPDATE SET title_key = excluded.title_key, title = excluded.title,"
                " tags = excluded.tags, category = excluded.category, body = excluded.body,"
                " category_slug = excluded.category_slug, difficulty = excluded.difficulty,"
                " tag_slugs = excluded.tag_slugs, excerpt = excluded.excerpt",
                entries,
            )
    return len(entries)
