"""Rendering for the wiki: the renderer (``markup``) with this site's URLs and lookups.

``resolver()`` tells the renderer which wiki links lead to a term and how term URLs look;
``render_body`` renders a term body for the write path, with the glossary's auto-links unless
the term turned them off; ``term_rerender`` re-renders a stored term without a new revision (a
linked term appeared or went, or the renderer changed); ``rerender_linking_terms`` is what the
background task runs after a create, rename or delete: the terms that link to it, and the
terms that mention its title (found through the search index).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

import markup
from markup import RENDERER_VERSION, Rendered, RenderError, Resolver
from search.mentions import terms_mentioning

from ..exceptions import TermWriteError
from ..glossary import current_glossary
from ..models import Link, LinkKind, Term
from ..selectors import existing_slugs
from .links import sync_links

logger = logging.getLogger(__name__)

# Ids the page templates use around a rendered body; a heading never takes one of them.
PAGE_IDS = frozenset(
    {
        "main",
        "content",
        "term-title",
        "toc-title",
        "related-title",
        "backlinks-title",
        "path-title",
        "hovercard",
        "discussion",
        "discussion-title",
        "header-q",
        "search-q",
        "preview",
    }
)


def _term_url(slug: str) -> str:
    return reverse("wiki:term_detail", kwargs={"slug": slug})


def _new_term_url(title: str) -> str:
    return reverse("wiki:term_create") + "?" + urlencode({"title": title})


@cache
def resolver() -> Resolver:
    return Resolver(
        term_url=_term_url,
        new_term_url=_new_term_url,
        existing=existing_slugs,
        reserved_ids=PAGE_IDS,
    )


def body_resolver(*, slug: str = "", autolink: bool = False) -> Resolver:
    """The resolver for the body of the term at ``slug``: with the glossary when ``autolink``
    (the term's own title is never linked). Without a slug, nothing is auto-linked."""
    if not (autolink and slug):
        return resolver()
    return replace(resolver(), glossary=current_glossary(), own_slug=slug)


def refusal(exc: RenderError) -> str:
    """Why the renderer refused, in the reader's language (the renderer speaks English)."""
    template = gettext(exc.template)
    return template % exc.params if exc.params else template


def render_body(body: str, *, slug: str = "", autolink: bool = False) -> Rendered:
    """The body of the term at ``slug``; ``autolink``: the term's own flag (``TermData``)."""
    try:
        return markup.render(body, resolve=body_resolver(slug=slug, autolink=autolink))
    except RenderError as exc:
        raise TermWriteError(refusal(exc), field="body") from exc


def render_comment_html(text: str, *, field: str = "body") -> str:
    """Sanitised HTML for short user text (comments, bios), stored at save time."""
    try:
        return markup.render_comment(text, resolve=resolver()).html
    except RenderError as exc:
        raise TermWriteError(refusal(exc), field=field) from exc


def preview_html(text: str, *, slug: str = "", autolink: bool = False) -> str:
    """The editor's preview: the same rendering as the term page, or the refusal (what
    ``markup.preview`` does, with the refusal translated)."""
    try:
        return markup.render(text, resolve=body_resolver(slug=slug, autolink=autolink)).html
    except RenderError as exc:
        return format_html('<p class="render-error">{}</p>', refusal(exc))


def term_rerender(term: Term) -> bool:
    """Re-render a term's stored HTML without a new revision (its content did not change).

    Renders outside any lock, then writes only if the term is still at the revision that was
    rendered (compare-and-swap): a save that landed meanwhile rendered itself already. Returns
    whether the stored HTML was replaced.
    """
    seen = term.revision_number
    rendered = render_body(term.body, slug=term.slug, autolink=term.autolink)
    with transaction.atomic():
        moved = Term.objects.filter(pk=term.pk, revision_number=seen).update(
            body_html=rendered.html,
            toc=[[h.level, h.id, h.text] for h in rendered.toc],
            renderer_version=RENDERER_VERSION,
        )
        if moved:
            sync_links(term, related=None, inline=rendered.wikilinks, auto=rendered.autolinks)
    return bool(moved)


def rerender_linking_terms(slugs: list[str]) -> int:
    """Turn red links blue (or back) on the terms whose inline links point at ``slugs``, and
    give the glossary's link to the terms that mention the title of a term now at one of
    ``slugs`` (just created or renamed; found through the search index, never a body scan).

    Each term is its own short compare-and-swap, so this never holds the write lock for long.
    Returns how many were re-rendered.
    """
    kinds = [LinkKind.INLINE, LinkKind.AUTO]
    linking = Link.objects.filter(target_slug__in=slugs, kind__in=kinds).values("source_id")
    return _rerender(Q(pk__in=linking) | _mentioning(slugs), skip_slugs=slugs)


def rerender_mentioning_terms(slugs: list[str], skip_ids: list[int] | None = None) -> int:
    """Give the glossary's link to the terms that mention the titles of the terms at
    ``slugs`` (a bulk import's new terms), except the terms ``skip_ids`` (the import's own,
    rendered knowing every title already)."""
    found = _mentioning(slugs)
    if not found:
        return 0
    return _rerender(found, skip_slugs=slugs, skip_ids=skip_ids or ())


def _mentioning(slugs: list[str]) -> Q:
    """The terms with glossary links on whose text mentions the title of a term at ``slugs``
    (the search index's answer, a superset; the renderer decides)."""
    titles = list(Term.objects.filter(slug__in=slugs).values_list("title", flat=True))
    ids = sorted(terms_mentioning(titles)) if titles else []
    found = Q()
    for start in range(0, len(ids), 500):
        found |= Q(pk__in=ids[start : start + 500], autolink=True)
    return found


def _rerender(which: Q, *, skip_slugs: list[str], skip_ids: Iterable[int] = ()) -> int:
    others = (
        Term.objects.filter(which)
        .exclude(slug__in=skip_slugs)
        .only("pk", "slug", "body", "autolink", "revision_number")
    )
    skip = set(skip_ids)
    done = 0
    for other in others.iterator(chunk_size=100):
        if other.pk in skip:
            continue
        try:
            done += term_rerender(other)
        except TermWriteError:
            # Rendered fine when it was saved (an older renderer); keep that rendering.
            logger.warning("Term %s no longer renders; its stored HTML is kept.", other.slug)
    return done


def rerender_terms(term_ids: list[int]) -> int:
    """Re-render the terms ``term_ids`` (each its own compare-and-swap, as above)."""
    terms = Term.objects.filter(pk__in=term_ids).only(
        "pk", "slug", "body", "autolink", "revision_number"
    )
    done = 0
    for term in terms.iterator(chunk_size=100):
        try:
            done += term_rerender(term)
        except TermWriteError:
            logger.warning("Term %s no longer renders; its stored HTML is kept.", term.slug)
    return done
