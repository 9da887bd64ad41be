"""The API's reads: querysets over the wiki's models, each page a fixed number of queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from taggit.models import Tag

from discussion.selectors import comment_counts
from wiki import selectors as wiki
from wiki.models import Category, Revision, Term

from . import cursors

MAX_BACKLINKS = 500
# What a term's summary shows (``serialize.term_summary``): no bodies.
SUMMARY_FIELDS = (
    "title",
    "slug",
    "difficulty",
    "updated_at",
    "revision_number",
    "category__name",
    "category__slug",
)


def term_page(
    *,
    category: str,
    tag: str,
    difficulty: str,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Term], str | None]:
    """Terms in slug order (unique and indexed, so a cursor is one range scan)."""
    terms = (
        Term.objects.for_listing()
        .filtered(category=category, tag=tag, difficulty=difficulty)
        .only(*SUMMARY_FIELDS)
        .prefetch_related("tags")
        .order_by("slug")
    )
    if updated_since is not None:
        terms = terms.filter(updated_at__gte=updated_since)
    after = cursors.decode("term", cursor)
    if after is not None:
        terms = terms.filter(slug__gt=after)
    rows = list(terms[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursors.encode("term", rows[-1].slug) if more else None


def term_detail(term: Term) -> dict:
    """What one term's answer needs beyond the row itself: four more queries."""
    backlinks = list(wiki.term_page_backlinks(term)[: MAX_BACKLINKS + 1])
    return {
        "related": wiki.term_related(term),
        "backlinks": backlinks[:MAX_BACKLINKS],
        "backlinks_more": len(backlinks) > MAX_BACKLINKS,
        "comment_count": comment_counts([term.pk]).get(term.pk, 0),
    }


def revision_page(term: Term, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    revisions = term.revisions.select_related("author").order_by("-number")
    before = cursors.decode_int("revision", cursor)
    if before is not None:
        revisions = revisions.filter(number__lt=before)
    rows = list(revisions[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursors.encode("revision", rows[-1].number) if more else None


def category_page(*, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    categories = (
        Category.objects.annotate(n_terms=Count("terms"))  # as wiki.categories_with_counts
        .filter(n_terms__gt=0)
        .order_by("slug")
        .values("name", "slug", "description", "n_terms")
    )
    after = cursors.decode("category", cursor)
    if after is not None:
        categories = categories.filter(slug__gt=after)
    rows = list(categories[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursors.encode("category", rows[-1]["slug"]) if more else None


def tag_page(*, cursor: str | None, limit: int) -> tuple[list[Tag], str | None]:
    tags: QuerySet[Tag] = (
        Tag.objects.annotate(n_terms=Count("taggit_taggeditem_items"))
        .filter(n_terms__gt=0)
        .order_by("slug")
    )
    after = cursors.decode("tag", cursor)
    if after is not None:
        tags = tags.filter(slug__gt=after)
    rows = list(tags[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursors.encode("tag", rows[-1].slug) if more else None


def change_page(*, kind: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Recent revisions across the wiki, newest first (by id: the order they were written)."""
    revisions = (
        Revision.objects.select_related("term", "author")
        .only(
            "number",
            "summary",
            "created_at",
            "term__slug",
            "term__title",
            "author__username",
            "author__display_name",
        )
        .order_by("-pk")
    )
    if kind == "new":
        revisions = revisions.filter(number=1)
    elif kind == "edit":
        revisions = revisions.filter(number__gt=1)
    before = cursors.decode_int("change", cursor)
    if before is not None:
        revisions = revisions.filter(pk__lt=before)
    rows = list(revisions[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, cursors.encode("change", rows[-1].pk) if more else None


def terms_for_hits(hits) -> dict[int, Term]:
    """The search hits' terms with what a summary shows (the engine loads only what the
    site's result page shows), in two queries whatever the number of hits."""
    ids = [hit.term.pk for hit in hits]
    return Term.objects.for_listing().only(*SUMMARY_FIELDS).prefetch_related("tags").in_bulk(ids)
