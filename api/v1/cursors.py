"""Opaque cursors for keyset pagination: the last key of a page, so the next page is an index
range scan however deep the client pages (an offset would read and skip every earlier row)."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _

from .errors import ApiError

MAX_CURSOR_CHARS = 600


def encode(kind: str, key: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> str | None:
    """The key in ``cursor`` (None for the first page); a cursor not made here is a 400."""
    if not cursor:
        return None
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _colon, key = raw.partition(":")
        if prefix != kind or not key or "\x00" in key:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, _("This cursor was not made by this list."), code="invalid_cursor"
        ) from None
    return key


def decode_int(kind: str, cursor: str | None) -> int | None:
    key = decode(kind, cursor)
    if key is None:
        return None
    if not key.isascii() or not key.isdigit() or len(key) > 18:
        raise ApiError(
            400, _("This cursor was not made by this list."), code="invalid_cursor"
        ) from None
    return int(key)
