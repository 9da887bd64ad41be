"""Every error the wiki's services raise, under one base class.

Views catch ``WikiError`` subclasses and turn them into a form error, a conflict page or a
redirect; ``field`` names the form field a message belongs to, when there is one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content import TermData
    from .merge import TermMerge
    from .models import Revision, Term


class WikiError(Exception):
    """Base class: the operation cannot be done as asked; the message says why."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class TermWriteError(WikiError, ValueError):
    """The save cannot be done as asked (bad title, slug taken, body refused by the renderer)."""


class EditConflict(WikiError):
    """Someone else saved the term after the caller's base revision."""

    def __init__(self, term: Term, base_number: int | None) -> None:
        super().__init__(
            f"{term.title!r} is at revision {term.revision_number}, not {base_number}."
        )
        self.term = term
        self.base_number = base_number


class MergeConflict(EditConflict):
    """Someone else saved in between and their changes overlap with the caller's.

    Carries what the conflict page shows: the revision the edit started from (``base``), the
    one saved since (``theirs``), the caller's content (``mine``) and the merge with its
    conflicting regions.
    """

    def __init__(
        self, *, term: Term, base: Revision, theirs: Revision, mine: TermData, merge: TermMerge
    ) -> None:
        super().__init__(term, base.number)
        self.base = base
        self.theirs = theirs
        self.mine = mine
        self.merge = merge


class TermMoved(WikiError):
    """The slug asked for is an old name of a term: the page lives at ``term``'s URL now."""

    def __init__(self, term: Term) -> None:
        super().__init__(f"{term.title!r} has moved.")
        self.term = term
