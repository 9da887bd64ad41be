"""Who may do what: answered here once, and asked by views, templates (``{% load policy %}``),
the API and the admin alike. Every other app asks; none decides for itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from wiki.models import Term


def can_edit_terms(user: User | AnonymousUser) -> bool:
    """Members write: create terms, edit, revert, preview. Anonymous visitors only read."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_term(user: User | AnonymousUser, term: Term) -> bool:
    return can_edit_terms(user)


def can_edit_profile(user: User | AnonymousUser, profile_user: User) -> bool:
    """Members edit their own profile only (staff change others' in the admin)."""
    return bool(user.is_authenticated and user.is_active and user.pk == profile_user.pk)
