"""Reading, for anyone: terms (a filtered, cursor-paginated list and one at a time, also as
Markdown), a term's revisions, categories, tags, search and recent changes."""

from __future__ import annotations

from datetime import UTC

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field as F
from ninja import Path, Query, Schema

from search.query import MAX_QUERY_CHARS
from search.results import search as run_search
from wiki import selectors as wiki
from wiki.export import seed_filename, term_markdown
from wiki.forms import MAX_REVISION_NUMBER
from wiki.models import Term

from .. import schemas as s
from .. import selectors, serialize
from ..conditional import conditional, mark_revision
from ..errors import ApiError
from . import router
from .common import errors, limit_field

TAGS = ["Reading"]


class TermFilters(Schema):
    category: s.Text | None = F(None, max_length=200, description="A category's slug.")
    tag: s.Text | None = F(None, max_length=200, description="A tag's slug.")
    difficulty: s.Difficulty | None = None
    updated_since: s.IsoDatetime | None = F(
        None, description="Terms changed at or after this time (ISO 8601)."
    )
    cursor: s.Text | None = F(None, max_length=600)
    limit: int = limit_field(50)


@router.get(
    tags=TAGS, path="/terms/", response={200: s.TermListOut, **errors(400)}, url_name="term_list"
)
def term_list(request, filters: Query[TermFilters]):
    """Terms in slug order, filtered by category, tag, difficulty and time of change."""
    since = filters.updated_since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    terms, next_cursor = selectors.term_page(
        category=filters.category or "",
        tag=filters.tag or "",
        difficulty=filters.difficulty or "",
        updated_since=since,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [serialize.term_summary(t) for t in terms], "next_cursor": next_cursor}


@router.get(
    tags=TAGS,
    path="/terms/{slug}/",
    response={200: s.TermOut, **errors(301, 404)},
    url_name="term_detail",
)
def term_detail(request, slug: s.Slug, response: HttpResponse):
    """One term: its fields, Markdown and HTML, revision, related terms, backlinks and the
    number of comments. The ETag names the revision (send it back in If-Match to update)."""
    term = _term(slug, "term_detail")
    mark_revision(response, term.revision_number)
    return serialize.term(term, selectors.term_detail(term))


@router.get(
    tags=TAGS,
    path="/terms/{slug}/markdown/",
    response={200: None, **errors(301, 404)},
    url_name="term_markdown",
    openapi_extra={
        "responses": {
            200: {
                "description": "The term as a seed file (import_seeds reads it).",
                "content": {"text/markdown": {"schema": {"type": "string"}}},
            }
        }
    },
)
def term_download(request, slug: s.Slug):
    """The term's current revision as a seed-format Markdown file."""
    term = _term(slug, "term_markdown")
    response = HttpResponse(term_markdown(term), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=seed_filename(term.slug)
    )
    return conditional(request, response)


class Page(Schema):
    cursor: s.Text | None = F(None, max_length=600)
    limit: int = limit_field(50)


@router.get(
    tags=TAGS,
    path="/terms/{slug}/revisions/",
    response={200: s.RevisionListOut, **errors(301, 400, 404)},
    url_name="revision_list",
)
def revision_list(request, slug: s.Slug, page: Query[Page]):
    """A term's revisions, newest first."""
    term = _term(slug, "revision_list")
    revisions, next_cursor = selectors.revision_page(term, cursor=page.cursor, limit=page.limit)
    items = [serialize.revision_summary(r) for r in revisions]
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    tags=TAGS,
    path="/terms/{slug}/revisions/{number}/",
    response={200: s.RevisionOut, **errors(301, 404)},
    url_name="revision_detail",
)
def revision_detail(request, slug: s.Slug, number: int = Path(..., ge=1, le=MAX_REVISION_NUMBER)):
    """One revision, as it was saved."""
    term = _term(slug, "revision_detail", number=number)
    revision = get_object_or_404(term.revisions.select_related("author"), number=number)
    return serialize.revision(revision)


@router.get(
    tags=TAGS,
    path="/categories/",
    response={200: s.CategoryListOut, **errors(400)},
    url_name="category_list",
)
def category_list(request, page: Query[Page]):
    """Categories that some term uses, with how many."""
    categories, next_cursor = selectors.category_page(cursor=page.cursor, limit=page.limit)
    items = [
        {
            "name": c["name"],
            "slug": c["slug"],
            "description": c["description"],
            "term_count": c["n_terms"],
        }
        for c in categories
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    tags=TAGS, path="/tags/", response={200: s.TagListOut, **errors(400)}, url_name="tag_list"
)
def tag_list(request, page: Query[Page]):
    """Tags that some term uses, with how many."""
    tags, next_cursor = selectors.tag_page(cursor=page.cursor, limit=page.limit)
    items = [{"name": t.name, "slug": t.slug, "term_count": t.n_terms} for t in tags]
    return {"items": items, "next_cursor": next_cursor}


class SearchParams(Schema):
    q: s.Text = F(..., max_length=MAX_QUERY_CHARS)
    category: s.Text | None = F(None, max_length=200)
    tag: s.Text | None = F(None, max_length=200)
    difficulty: s.Difficulty | None = None
    offset: int = F(0, ge=0, le=1000)
    limit: int = limit_field(20)


@router.get(tags=TAGS, path="/search/", response={200: s.SearchOut, **errors()}, url_name="search")
def search(request, params: Query[SearchParams]):
    """The site's search: same engine, same ranking (an exact title first, then matches in
    titles, tags, categories, bodies), at most 1,000 results."""
    results = run_search(
        params.q,
        category=params.category or "",
        tag=params.tag or "",
        difficulty=params.difficulty or "",
    )
    count = results.count()
    hits = results[params.offset : params.offset + params.limit] if params.offset < count else []
    end = params.offset + len(hits)
    terms = selectors.terms_for_hits(hits)
    items = [
        {
            "term": serialize.term_summary(terms[hit.term.pk]),
            "snippet_html": str(hit.snippet_html),
            "rank": hit.rank,
        }
        for hit in hits
        if hit.term.pk in terms
    ]
    return {
        "query": params.q,
        "count": count,
        "more": results.capped,
        "items": items,
        "next_offset": end if end < count else None,
    }


class ChangeParams(Page):
    kind: str | None = F(None, pattern="^(new|edit)$", description="Only new terms, or edits.")


@router.get(
    tags=TAGS, path="/recent/", response={200: s.ChangeListOut, **errors(400)}, url_name="recent"
)
def recent(request, params: Query[ChangeParams]):
    """Recent changes across the wiki (new terms and edits), newest first."""
    revisions, next_cursor = selectors.change_page(
        kind=params.kind or "", cursor=params.cursor, limit=params.limit
    )
    return {"items": [serialize.change(r) for r in revisions], "next_cursor": next_cursor}


def _term(slug: str, url_name: str, **kwargs) -> Term:
    """The term at ``slug``; a renamed term's old slug answers 301 to the same resource."""
    term = wiki.term_for_page(slug)
    if term is not None:
        return term
    moved = wiki.term_redirect_target(slug)
    if moved is None:
        raise Http404(_("No term has the address %(slug)s.") % {"slug": repr(slug)})
    location = reverse(f"api-v1:{url_name}", kwargs={"slug": moved.slug, **kwargs})
    raise ApiError(
        301,
        _("This term is now at %(slug)s.") % {"slug": repr(moved.slug)},
        code="moved",
        extra={"location": location},
        headers={"Location": location},
    )
