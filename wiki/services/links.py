"""The link table: one row per edge from a term to a slug (related, inline or glossary).

Kept in step with every save by diffing the wanted edges against the stored ones (Wagtail's
reference index does the same), so backlinks and wanted terms are index lookups.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Link, LinkKind, Term


def wanted_edges(
    slug: str, kinds: Iterable[tuple[str, Iterable[str]]]
) -> dict[tuple[str, str], int]:
    """``(kind, target) -> position`` for a term's links: duplicates and self-links dropped.

    Shared with the bulk import (``imports``), which writes the same rows without the diff.
    """
    wanted: dict[tuple[str, str], int] = {}
    for kind, slugs in kinds:
        for position, target in enumerate(dict.fromkeys(slugs)):
            if target != slug:
                wanted[(kind, target)] = position
    return wanted


def sync_links(
    term: Term,
    *,
    related: Iterable[str] | None,
    inline: Iterable[str],
    auto: Iterable[str] | None = None,
) -> None:
    """Diff the wanted edges against the stored ones: delete gone, add new, fix positions.

    ``related=None`` leaves the related-term edges alone (a re-render changes only the body's);
    ``auto=None`` leaves the glossary's alone.
    """
    kinds = [(LinkKind.INLINE, inline)]
    if auto is not None:
        kinds.append((LinkKind.AUTO, auto))
    if related is not None:
        kinds.append((LinkKind.RELATED, related))
    wanted = wanted_edges(term.slug, kinds)
    stored = {
        (link.kind, link.target_slug): link
        for link in Link.objects.filter(source=term, kind__in=[k for k, _ in kinds])
    }
    gone = [link.pk for key, link in stored.items() if key not in wanted]
    if gone:
        Link.objects.filter(pk__in=gone).delete()
    moved = []
    for key, position in wanted.items():
        link = stored.get(key)
        if link is not None and link.position != position:
            link.position = position
            moved.append(link)
    Link.objects.bulk_update(moved, ["position"], batch_size=500)
    Link.objects.bulk_create(
        [
            Link(source=term, kind=kind, target_slug=slug, position=position)
            for (kind, slug), position in wanted.items()
            if (kind, slug) not in stored
        ],
        batch_size=500,
    )
