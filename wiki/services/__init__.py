"""Writes. ``terms`` holds the one write path for terms; ``links`` the rename follow-up.

Import from here (``from wiki.services import term_update``); the modules are an internal split.
"""

from .categories import category_update
from .links import rewrite_wikilinks, term_update_links_after_rename
from .terms import (
    MAX_MERGE_ATTEMPTS,
    MAX_SUMMARY_LENGTH,
    RESERVED_SLUGS,
    EditConflict,
    MergeConflict,
    SaveResult,
    TermData,
    TermWriteError,
    existing_slugs,
    render_body,
    rerender_linking_terms,
    term_create,
    term_delete,
    term_import,
    term_rerender,
    term_revert,
    term_save_revision,
    term_update,
)

__all__ = [
    "MAX_MERGE_ATTEMPTS",
    "MAX_SUMMARY_LENGTH",
    "RESERVED_SLUGS",
    "EditConflict",
    "MergeConflict",
    "SaveResult",
    "TermData",
    "TermWriteError",
    "category_update",
    "existing_slugs",
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
