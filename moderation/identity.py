"""Impersonation guards: names that look like someone else's are refused.

``name_keys`` reduces a name to look-alike skeletons: NFKC (fullwidth and mathematical
letters become plain ones), case folding, and every character replaced by one representative
of its confusables class from Unicode's confusables table (shipped by
``confusable-homoglyphs``: Cyrillic "\u0430" and Latin "a" share a class, as do "l", "I" and
"1"). Two names with an equal key read alike; equal after NFKC and case folding implies that.

Keys are stored per member (``NameKey``, synced whenever a member is saved), so a check is one
indexed query however many members there are. accounts (a leaf app) calls the two validators
through settings (``ACCOUNTS_USERNAME_VALIDATORS``, ``ACCOUNTS_DISPLAY_NAME_VALIDATORS``).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs import utils as confusable_data
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import NameKey

USERNAME, DISPLAY = "username", "display"


@cache
def _representatives() -> dict[str, str]:
    """Each confusable character -> one character standing for its whole class."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        root = c
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[c] != root:
            parent[c], c = root, parent[c]
        return root

    for char, homoglyphs in confusable_data.load("confusables.json").items():
        if len(char) != 1:
            continue
        for glyph in homoglyphs:
            if len(glyph["c"]) == 1:
                parent[find(char)] = find(glyph["c"])
    classes: dict[str, list[str]] = {}
    for char in list(parent):
        classes.setdefault(find(char), []).append(char)
    mapping = {}
    for members in classes.values():
        rep = min(members, key=_preference)
        mapping.update(dict.fromkeys(members, rep))
    return mapping


def _preference(char: str) -> tuple[int, str]:
    """Lower-case ASCII letters first, then upper-case (they fold), digits, other ASCII."""
    if "a" <= char <= "z":
        return (0, char)
    if "A" <= char <= "Z":
        return (1, char)
    if char.isascii():
        return (2 if char.isdigit() else 3, char)
    return (4, char)


def _skeleton(text: str) -> str:
    reps = _representatives()
    return "".join(reps.get(c, c) for c in text)


def name_keys(name: str) -> tuple[str, str]:
    """Two keys; names read alike when either matches.

    ``folded``: case folded, then look-alikes merged ("ALICE", Cyrillic "\u0430lice" ~ "alice").
    ``cased``: look-alikes merged first, then folded, for the look-alikes that only exist
    across case (capital "I" for "l": "aIice" ~ "alice").
    """
    text = unicodedata.normalize("NFKC", name)
    folded = _skeleton(unicodedata.normalize("NFKC", text.casefold())).casefold()
    cased = unicodedata.normalize("NFKC", _skeleton(text).casefold())
    limit = NameKey._meta.get_field("folded").max_length
    return " ".join(folded.split())[:limit], " ".join(cased.split())[:limit]


def _taken(name: str, *, user=None) -> bool:
    folded, cased = name_keys(name)
    others = NameKey.objects.filter(Q(folded=folded) | Q(cased=cased))
    if user is not None and user.pk is not None:
        others = others.exclude(user=user)
    return others.exists()


def validate_username(username: str, *, user=None) -> None:
    """A new username must not read like another member's username or display name."""
    if username and _taken(username, user=user):
        raise ValidationError(
            _("This username looks too much like an existing member's name; choose another."),
            code="confusable",
        )


def validate_display_name(display_name: str, *, user=None) -> None:
    """A display name must not read like another member's username or display name."""
    if display_name and _taken(display_name, user=user):
        raise ValidationError(
            _("This name is, or looks like, another member's name; choose one that is yours."),
            code="impersonation",
        )


def sync_name_keys(user) -> None:
    """Store the member's current keys (called after every save of a member)."""
    wanted = {USERNAME: name_keys(user.get_username())}
    if getattr(user, "display_name", ""):
        wanted[DISPLAY] = name_keys(user.display_name)
    stored = {row.kind: row for row in NameKey.objects.filter(user=user)}
    for kind, row in stored.items():
        if kind not in wanted:
            row.delete()
        elif (row.folded, row.cased) != wanted[kind]:
            row.folded, row.cased = wanted[kind]
            row.save(update_fields=["folded", "cased"])
    NameKey.objects.bulk_create(
        [
            NameKey(user=user, kind=kind, folded=keys[0], cased=keys[1])
            for kind, keys in wanted.items()
            if kind not in stored
        ]
    )
