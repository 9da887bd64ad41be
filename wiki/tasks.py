"""Background tasks of the wiki: each calls a service (see ``config.tasks``)."""

from __future__ import annotations

from config.tasks import background

from .services import rendering


@background
def rerender_linking_terms(slugs: list[str]) -> int:
    """After a term was created, renamed or deleted: recolour the links to it."""
    return rendering.rerender_linking_terms(slugs)


@background
def rerender_mentioning_terms(slugs: list[str], skip_ids: list[int] | None = None) -> int:
    """After a bulk import: the glossary's links to its new terms, in the terms outside it."""
    return rendering.rerender_mentioning_terms(slugs, skip_ids)


@background
def rerender_terms(term_ids: list[int]) -> int:
    """After a bulk import: recolour the links of the terms outside it that link into it."""
    return rendering.rerender_terms(term_ids)
