"""Restoring exported history: every revision of a term written again through the one write
path, in order, with its author (by username) and its original time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from ..exceptions import TermWriteError
from ..export import record_data, record_time
from ..models import SlugRedirect, Term
from .revisions import SaveResult, term_save_revision


@dataclass
class Restored:
    slug: str
    revisions: int = 0
    skipped: str = ""  # why nothing was written
    new_members: tuple[str, ...] = ()


def history_restore(*, records: Sequence[dict[str, Any]]) -> Restored:
    """Write one term's revisions (``records``, oldest first) as that term's whole history.

    One transaction: a term comes back whole or not at all. A term whose slug is already
    taken is left alone (restoring is for an empty wiki, or terms it does not have). Authors
    are found by username; a username this wiki does not know becomes an inactive account
    without a password, so the history keeps the name (staff can activate it later).
    """
    first = records[0]
    slug = first["term"]
    if (
        Term.objects.filter(slug=slug).exists()
        or SlugRedirect.objects.filter(old_slug=slug).exists()
    ):
        return Restored(slug=slug, skipped="a term with this address exists")
    term: Term | None = None
    with transaction.atomic():
        members, created = _members(records)
        for expected, record in enumerate(records, start=1):
            if record["number"] != expected:
                raise TermWriteError(
                    f"{slug}: revision {record['number']} where {expected} was expected"
                )
            result: SaveResult = term_save_revision(
                term=term,
                data=record_data(record),
                author=members.get(record["author"]),
                summary=record.get("summary", ""),
                base_number=expected - 1 if term else None,
                created_at=record_time(record),
            )
            if result.revision is None:
                raise TermWriteError(f"{slug}: revision {expected} repeats the one before it")
            term = result.term
    return Restored(slug=slug, revisions=len(records), new_members=created)


def _members(records: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], tuple[str, ...]]:
    User = get_user_model()
    names = {r["author"]: r.get("author_display_name", "") for r in records if r["author"]}
    members = {u.username: u for u in User.objects.filter(username__in=names)}
    created = []
    for username, display_name in names.items():
        if username not in members:
            member = User(username=username, display_name=display_name[:80], is_active=False)
            member.set_unusable_password()
            member.save()
            members[username] = member
            created.append(username)
    return members, tuple(created)
