"""Writes to members' own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wiki.markdown import RenderError, render_comment

if TYPE_CHECKING:
    from .models import User


class ProfileError(ValueError):
    """The profile cannot be saved as given; the message says why."""


def profile_update(*, user: User, display_name: str, bio: str) -> User:
    """Save the display name and bio; the bio is rendered once here, never on a page view."""
    bio = bio.replace("\r\n", "\n").strip()
    try:
        bio_html = render_comment(bio) if bio else ""
    except RenderError as exc:
        raise ProfileError(str(exc)) from exc
    user.display_name = " ".join(display_name.split())
    user.bio = bio
    user.bio_html = bio_html
    user.save(update_fields=["display_name", "bio", "bio_html"])
    return user
