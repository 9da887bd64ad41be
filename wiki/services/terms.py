"""Create, update, revert, delete and import terms: each a caller of ``term_save_revision``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from config.tasks import enqueue_on_commit
from search.indexing import remove_term

from ..content import TermData
from ..models import SlugRedirect, Term
from .revisions import MergeBase, SaveResult, revision_or_error, term_save_revision

if TYPE_CHECKING:
    from accounts.models import User


def term_create(*, data: TermData, author: User | None, summary: str = "") -> SaveResult:
    return term_save_revision(term=None, data=data, author=author, summary=summary)


def term_update(
    *,
    term: Term,
    data: TermData,
    author: User | None,
    summary: str,
    base_number: int,
    seen_number: int | None = None,
) -> SaveResult:
    """Save an edit that started from revision ``base_number``, merging if others saved since.

    The merge runs under the write lock against the latest revision (see
    ``revisions.term_save_revision``), so a clean merge always lands. Overlapping changes raise
    ``MergeConflict`` and nothing is saved, unless the editor has already been shown the
    conflict with that very revision (``seen_number``): then what they sent back is their
    resolution and wins in the overlapping places, while the rest of theirs is kept.
    """
    return term_save_revision(
        term=term,
        data=data,
        author=author,
        summary=summary,
        merge_base=MergeBase(number=base_number, seen_number=seen_number),
    )


def term_revert(
    *, term: Term, number: int, author: User | None, base_number: int | None = None
) -> SaveResult:
    """A new revision that copies revision ``number``; the old ones stay as they are.

    With ``base_number`` (the revision the reverting member was looking at), a term that has
    changed since raises ``EditConflict`` rather than silently undoing the newer edit too.
    """
    target = revision_or_error(term, number)
    who = author.get_username() if author else "the system"
    return term_save_revision(
        term=term,
        data=TermData.of(target),
        author=author,
        summary=f"Reverted to revision {number} by {who}",
        base_number=base_number,
    )


def term_import(*, data: TermData, source_name: str) -> SaveResult:
    """Create or update the term a seed file describes; the author is None (system import).

    A seed never overwrites the community's work: a term whose current revision was written by
    a member, or whose slug a member renamed away, is kept as it is and the result says why.
    """
    term = Term.objects.select_related("current_revision__author").filter(slug=data.slug).first()
    if term is None:
        renamed = SlugRedirect.objects.select_related("term").filter(old_slug=data.slug).first()
        if renamed is not None:
            return SaveResult(
                term=renamed.term,
                revision=None,
                notes=[f"kept: members renamed it to {renamed.term.title!r}"],
            )
    elif term.current_revision is not None and term.current_revision.author is not None:
        editor = term.current_revision.author.get_username()
        return SaveResult(
            term=term,
            revision=None,
            notes=[f"kept: revision {term.revision_number} is an edit by {editor}"],
        )
    verb = "Imported" if term is None else "Updated"
    return term_save_revision(
        term=term,
        data=data,
        author=None,
        summary=f"{verb} from seed file {source_name}",
        base_number=term.revision_number if term else None,
    )


def term_delete(*, term: Term) -> None:
    """Remove a term with its whole history (staff only, from the admin).

    Links to it from other terms turn red again (a background task): the slug becomes wanted.
    """
    from ..tasks import rerender_linking_terms

    slug = term.slug
    with transaction.atomic():
        remove_term(term.pk)
        Term.objects.filter(pk=term.pk).update(current_revision=None)
        Term.objects.filter(pk=term.pk).delete()
        enqueue_on_commit(rerender_linking_terms, [slug])
