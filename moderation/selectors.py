"""Reads for the moderation pages: queues, the log with its filters, bulk-revert plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wiki.models import Revision, Term

from .models import Block, BulkRevert, LogEntry, PendingChange

if TYPE_CHECKING:
    from accounts.models import User

MAX_BULK_TERMS = 500  # per run; a larger spree is reverted in several runs


def pending_queue() -> QuerySet[PendingChange]:
    return PendingChange.objects.waiting().for_queue().defer("body")


def pending_for_author(user: User) -> QuerySet[PendingChange]:
    return PendingChange.objects.filter(author=user).select_related("term").defer("body")


def active_blocks() -> QuerySet[Block]:
    return Block.objects.active().select_related("user", "created_by").order_by("-created_at")


def bulk_reverts() -> QuerySet[BulkRevert]:
    return BulkRevert.objects.select_related("member", "requested_by").defer("results")


def log_entries(*, action: str = "", moderator: str = "", target: str = "") -> QuerySet[LogEntry]:
    """The log, newest first; ``moderator`` is a username, ``target`` matches the target's
    name or ``type:id`` (``term:12``, ``member:3``, ``comment:40``)."""
    entries = LogEntry.objects.select_related("moderator")
    if action:
        entries = entries.filter(action=action)
    if moderator:
        entries = entries.filter(moderator__username__iexact=moderator)
    if target:
        kind, _, ident = target.partition(":")
        if ident and kind.isidentifier():
            entries = entries.filter(target_type=kind, target_id=ident)
        else:
            entries = entries.filter(target_label__icontains=target)
    return entries.order_by("-created_at", "-pk")


@dataclass
class PlanItem:
    """What a bulk revert will do to one term."""

    term: Term
    edits: int  # the member's revisions since the time
    first_number: int
    last_number: int
    target_number: int | None  # the revision to go back to
    later_by_others: int  # revisions by others after the member's last one (merged onto)
    skip_reason: str = ""

    @property
    def will_revert(self) -> bool:
        return not self.skip_reason


def bulk_revert_plan(*, member: User, since: datetime) -> list[PlanItem]:
    """Every term ``member`` edited since ``since``, and how each would be reverted.

    A term goes back to the revision before the member's first edit since then. Edits by
    others *after* the member's are kept (the revert is merged onto them); a term where others
    edited *between* the member's edits, or that the member created, is skipped with the reason.
    """
    touched = (
        Revision.objects.filter(author=member, created_at__gte=since)
        .values_list("term_id", flat=True)
        .distinct()
    )
    terms = Term.objects.filter(pk__in=touched).only("pk", "title", "slug", "revision_number")
    plan = []
    for term in terms.order_by("title")[:MAX_BULK_TERMS]:
        plan.append(_plan_term(term, member, since))
    return plan


def _plan_term(term: Term, member: User, since: datetime) -> PlanItem:
    mine = list(
        term.revisions.filter(author=member, created_at__gte=since)
        .order_by("number")
        .values_list("number", "parent_number")
    )
    first, parent = mine[0]
    last = mine[-1][0]
    authors = dict(term.revisions.filter(number__gte=first).values_list("number", "author_id"))
    between = [n for n, a in authors.items() if first < n < last and a != member.pk]
    later = [n for n, a in authors.items() if n > last and a != member.pk]
    item = PlanItem(
        term=term,
        edits=len(mine),
        first_number=first,
        last_number=last,
        target_number=parent,
        later_by_others=len(later),
    )
    if parent is None:
        item.skip_reason = _("the member created this term; an admin can delete it")
    elif between:
        item.skip_reason = _(
            "others edited between the member's edits (revision %(number)s); "
            "revert it from its history by hand"
        ) % {"number": between[0]}
    return item
