"""Writes to members' own data: the profile, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import ApiToken

if TYPE_CHECKING:
    from .models import User

TOKEN_PREFIX = "cp_"  # noqa: S105 (a marker, not a secret)
PREFIX_CHARS = 10  # "cp_" and 7 more: enough to tell a member's tokens apart
MAX_LIVE_TOKENS = 10
MAX_TOKEN_CHARS = 200  # what an Authorization header may carry before it is not looked up
# last_used_at is written at most this often, so a busy script does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


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


class TokenError(ValueError):
    """The token cannot be made as asked; the message says why."""


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (never stored, shown once).

    A member holds at most ``MAX_LIVE_TOKENS`` live tokens: making tokens is repeatable, and
    this bounds it without a counter (revoking one makes room).
    """
    name = " ".join(name.split())[: ApiToken._meta.get_field("name").max_length] or "API token"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        live = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
        if live.count() >= MAX_LIVE_TOKENS:
            raise TokenError(
                _("You already have %(count)d tokens; revoke one you no longer use first.")
                % {"count": MAX_LIVE_TOKENS}
            )
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:PREFIX_CHARS], key_hash=_token_hash(raw)
        )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke at once; revoking again changes nothing."""
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active member a token belongs to, or None (unknown, revoked, deactivated)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_CHARS:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
