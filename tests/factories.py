"""Small factory functions: arrange through the services, as the app itself does."""

from __future__ import annotations

from itertools import count

from django.contrib.auth import get_user_model

from wiki.content import TermData
from wiki.models import Term
from wiki.services import term_create, term_update

_seq = count(1)


def make_user(username: str | None = None, *, password: str = "correct horse 42", **extra):
    username = username or f"member{next(_seq)}"
    extra.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def make_term(
    title: str | None = None,
    *,
    body: str = "Some text.",
    category: str = "",
    difficulty: str = "",
    tags: tuple[str, ...] = (),
    related: tuple[str, ...] = (),
    autolink: bool = True,
    author=None,
    summary: str = "",
) -> Term:
    data = TermData(
        title=title or f"Term {next(_seq)}",
        category=category,
        difficulty=difficulty,
        tags=tuple(tags),
        related=tuple(related),
        body=body,
        autolink=autolink,
    )
    return term_create(data=data, author=author, summary=summary).term


def edit_term(term: Term, *, author=None, summary: str = "", **changes) -> Term:
    """Save a new revision of ``term`` with ``changes`` applied to its current content."""
    term.refresh_from_db()
    current = TermData.of(term.current_revision)
    data = TermData(**{**current.__dict__, **changes})
    result = term_update(
        term=term, data=data, author=author, summary=summary, base_number=term.revision_number
    )
    return result.term


def make_comment(term: Term, *, author=None, body: str = "A comment.", parent=None):
    """A comment (or a reply to ``parent``) through ``discussion.services``."""
    from discussion.services import comment_create

    author = author or make_user()
    return comment_create(term=term, author=author, body=body, parent=parent)
