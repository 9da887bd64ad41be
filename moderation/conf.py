"""Moderation settings with their defaults (each may be set in ``config/settings.py``).

Read through ``setting(name)`` at call time, so tests can override any of them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Trusted members: accounts at least this old, with at least this many published edits.
    "MODERATION_TRUSTED_MIN_DAYS": 7,
    "MODERATION_TRUSTED_MIN_EDITS": 10,
    # How many reverse proxies stand in front of the app (0: REMOTE_ADDR is the client).
    "MODERATION_PROXY_COUNT": 0,
    # Rate limits: action -> (per minute, per hour); 0 switches a window off.
    "MODERATION_RATE_LIMITS": {
        "signup": (5, 20),  # per IP address
        "password_reset": (3, 10),  # per IP address and per email address
        "edit": (10, 120),  # per member (saves, reverts and submissions for review)
        "comment": (6, 60),  # per member
        "report": (5, 30),  # per member
        "preview": (30, 600),  # per member; a repeated identical preview is free (cached)
    },
    # How long a rendered preview is answered from the cache.
    "MODERATION_PREVIEW_CACHE_SECONDS": 120,
}


def setting(name: str) -> Any:
    value = getattr(settings, name, DEFAULTS[name])
    if name == "MODERATION_RATE_LIMITS":
        return {**DEFAULTS[name], **value}
    return value
