"""Background tasks of the wiki: each calls a service (see ``config.tasks``)."""

from __future__ import annotations

from config.tasks import background

from .services import rendering


@background
def rerender_linking_terms(slugs: list[str]) -> int:
    """After a term was created, renamed or deleted: recolour the links to it."""
    return rendering.rerender_linking_terms(slugs)
