"""Writes to members' own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import User


class ProfileError(ValueError):
    """The profile cannot be saved as given; the message says why."""


def profile_update(*, user: User, display_name: str, bio: str) -> User:
    """Save the display name and bio; the bio is rendered once here, never on a page view."""
    bio = bio.replace("\r\n", "\n").strip()
    render = import_string(settings.ACCOUNTS_RENDER_BIO)
    try:
        bio_html = render(bio, field="bio") if bio else ""
    except ValueError as exc:
        raise ProfileError(str(exc)) from exc
    user.display_name = " ".join(display_name.split())
    user.bio = bio
    user.bio_html = bio_html
    user.save(update_fields=["display_name", "bio", "bio_html"])
    return user
