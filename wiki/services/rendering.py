"""Rendering for the wiki: the renderer (``markup``) with this site's URLs and lookups.

``resolver()`` tells the renderer which wiki links lead to a term and how term URLs look;
``render_body`` renders a term body for the write path; ``term_rerender`` re-renders a stored
term without a new revision (a linked term appeared or went, or the renderer changed);
``rerender_linking_terms`` is what the background task runs after a create, rename or delete.
"""

from __future__ import annotations

import logging
from functools import cache
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

import markup
from markup import RENDERER_VERSION, Rendered, RenderError, Resolver

from ..exceptions import TermWriteError
from ..models import LinkKind, Term
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


def render_body(body: str) -> Rendered:
    try:
        return markup.render(body, resolve=resolver())
    except RenderError as exc:
        raise TermWriteError(str(exc), field="body") from exc


def render_comment_html(text: str, *, field: str = "body") -> str:
    """Sanitised HTML for short user text (comments, bios), stored at save time."""
    try:
        return markup.render_comment(text, resolve=resolver()).html
    except RenderError as exc:
        raise TermWriteError(str(exc), field=field) from exc


def preview_html(text: str) -> str:
    """The editor's preview: the same rendering as the term page, or the refusal."""
    return markup.preview(text, resolve=resolver())


def term_rerender(term: Term) -> bool:
    """Re-render a term's stored HTML without a new revision (its content did not change).

    Renders outside any lock, then writes only if the term is still at the revision that was
    rendered (compare-and-swap): a save that landed meanwhile rendered itself already. Returns
    whether the stored HTML was replaced.
    """
    seen = term.revision_number
    rendered = render_body(term.body)
    with transaction.atomic():
        moved = Term.objects.filter(pk=term.pk, revision_number=seen).update(
            body_html=rendered.html,
            toc=[[h.level, h.id, h.text] for h in rendered.toc],
            renderer_version=RENDERER_VERSION,
        )
        if moved:
            sync_links(term, related=None, inline=rendered.wikilinks)
    return bool(moved)


def rerender_linking_terms(slugs: list[str]) -> int:
    """Turn red links blue (or back) on the terms whose inline links point at ``slugs``.

    Each term is its own short compare-and-swap, so this never holds the write lock for long.
    Returns how many were re-rendered.
    """
    linking = (
        Term.objects.filter(links__target_slug__in=slugs, links__kind=LinkKind.INLINE)
        .distinct()
        .only("pk", "slug", "body", "revision_number")
    )
    done = 0
    for other in linking.iterator(chunk_size=100):
        try:
            done += term_rerender(other)
        except TermWriteError:
            # Rendered fine when it was saved (an older renderer); keep that rendering.
            logger.warning("Term %s no longer renders; its stored HTML is kept.", other.slug)
    return done


def rerender_terms(term_ids: list[int]) -> int:
    """Re-render the terms ``term_ids`` (each its own compare-and-swap, as above)."""
    terms = Term.objects.filter(pk__in=term_ids).only("pk", "slug", "body", "revision_number")
    done = 0
    for term in terms.iterator(chunk_size=100):
        try:
            done += term_rerender(term)
        except TermWriteError:
            logger.warning("Term %s no longer renders; its stored HTML is kept.", term.slug)
    return done
