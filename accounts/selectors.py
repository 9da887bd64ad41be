"""Reads for member pages, each a fixed number of queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from wiki.models import Revision

if TYPE_CHECKING:
    from .models import User


def member_revisions(user: User) -> QuerySet[Revision]:
    """A member's revisions, newest first, with the term each belongs to (one join)."""
    return (
        Revision.objects.filter(author=user)
        .select_related("term")
        .only("number", "title", "summary", "created_at", "term__slug", "term__title")
        .order_by("-created_at", "-pk")
    )
