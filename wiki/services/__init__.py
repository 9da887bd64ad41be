"""Writes. Every change to a term goes through ``revisions.term_save_revision``.

``terms``: create, update (with the three-way merge), revert, delete, import. ``renames``: the
follow-up that re-aims links after a rename. ``links``: the link table. ``categories``: find
or make a category, rename one. ``rendering``: the renderer with this site's URLs, and
re-rendering. Import the public names from here (``from wiki.services import term_update``).
"""

from .categories import category_update
from .renames import rewrite_wikilinks, term_update_links_after_rename
from .rendering import render_body, rerender_linking_terms, term_rerender
from .revisions import MAX_SUMMARY_LENGTH, RESERVED_SLUGS, SaveResult, term_save_revision
from .terms import term_create, term_delete, term_import, term_revert, term_update

__all__ = [
    "MAX_SUMMARY_LENGTH",
    "RESERVED_SLUGS",
    "SaveResult",
    "category_update",
    "render_body",
    "rerender_linking_terms",
    "rewrite_wikilinks",
    "term_create",
    "term_delete",
    "term_import",
    "term_rerender",
    "term_revert",
    "term_save_revision",
    "term_update",
    "term_update_links_after_rename",
]
