"""Notifications: written by tasks after the commit (never inside a save), read and marked
read by their recipient, and sent by email to members who asked for it.

Only followers of a term are notified about it: following is the one switch. Each event writes
at most one notification per member; a reply to a follower's comment is a "reply" for them and
a "comment" for the other followers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from wiki.models import Revision

from ..models import (
    Comment,
    Follow,
    MemberSettings,
    Notification,
    NotificationKind,
    Promotion,
)
from .follows import follow_if_wanted

if TYPE_CHECKING:
    from accounts.models import User


def notify_revision(*, revision_id: int) -> list[int]:
    """After a revision: its author follows the term (by default); the followers hear of it."""
    revision = Revision.objects.select_related("term", "author").filter(pk=revision_id).first()
    if revision is None:
        return []
    if revision.author is not None:
        follow_if_wanted(user=revision.author, term=revision.term, reason="edit")
    if revision.number == 1 or _already_written(revision=revision, kind=NotificationKind.EDIT):
        return []
    # The author of a promoted comment hears "added your comment" instead (notify_promotion).
    skip = {revision.author_id}
    skip.update(
        Promotion.objects.filter(revision=revision).values_list("comment__author_id", flat=True)
    )
    recipients = _followers(revision.term_id, exclude=skip)
    return _write(
        Notification(
            recipient_id=user_id,
            term_id=revision.term_id,
            kind=NotificationKind.EDIT,
            actor_id=revision.author_id,
            revision=revision,
        )
        for user_id in recipients
    )


def notify_comment(*, comment_id: int) -> list[int]:
    comment = Comment.objects.select_related("parent").filter(pk=comment_id).first()
    if comment is None or not comment.is_shown:
        return []
    if _already_written(
        comment=comment, kind__in=[NotificationKind.COMMENT, NotificationKind.REPLY]
    ):
        return []
    recipients = _followers(comment.term_id, exclude={comment.author_id})
    replied_to = comment.parent.author_id if comment.parent else None
    return _write(
        Notification(
            recipient_id=user_id,
            term_id=comment.term_id,
            kind=NotificationKind.REPLY if user_id == replied_to else NotificationKind.COMMENT,
            actor_id=comment.author_id,
            comment=comment,
        )
        for user_id in recipients
    )


def notify_promotion(*, promotion_id: int) -> list[int]:
    promotion = (
        Promotion.objects.select_related("comment", "revision").filter(pk=promotion_id).first()
    )
    if promotion is None:
        return []
    comment = promotion.comment
    if comment.author_id == promotion.promoted_by_id:
        return []
    if _already_written(comment=comment, kind=NotificationKind.PROMOTED):
        return []
    recipients = _followers(comment.term_id, exclude=set(), only={comment.author_id})
    return _write(
        Notification(
            recipient_id=user_id,
            term_id=comment.term_id,
            kind=NotificationKind.PROMOTED,
            actor_id=promotion.promoted_by_id,
            comment=comment,
            revision=promotion.revision,
        )
        for user_id in recipients
    )


def notifications_mark_read(
    *, user: User, ids: Iterable[int] | None = None, term_id: int | None = None
) -> int:
    """Mark the member's unread notifications read: all, some by id, or one term's."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if term_id is not None:
        unread = unread.filter(term_id=term_id)
    return unread.update(read_at=timezone.now())


def notifications_email(*, notification_ids: list[int]) -> int:
    """Email each recipient who asked for it their new notifications, in one message each.

    Runs in the worker (a task of its own), so a mail server that is down delays the mail
    without ever undoing or repeating the notifications themselves. Returns messages sent.
    Written in the site's language (``LANGUAGE_CODE``): a member's choice of interface
    language is a cookie in their browser, which the worker cannot see.
    """
    wanted = MemberSettings.objects.filter(email_notifications=True).values("user_id")
    found = (
        Notification.objects.for_list()
        .select_related("recipient")
        .filter(pk__in=notification_ids, recipient_id__in=wanted, read_at__isnull=True)
        .exclude(recipient__email="")
    )
    by_recipient: dict[int, list[Notification]] = defaultdict(list)
    for notification in found:
        by_recipient[notification.recipient_id].append(notification)
    sent = 0
    for items in by_recipient.values():
        recipient = items[0].recipient
        context = {"recipient": recipient, "notifications": items, "SITE_NAME": settings.SITE_NAME}
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "%(site)s: %(count)d new notification",
                "%(site)s: %(count)d new notifications",
                len(items),
            ) % {"site": settings.SITE_NAME, "count": len(items)}
            body = render_to_string("discussion/notification_email.txt", context)
        sent += send_mail(subject, body, None, [recipient.email], fail_silently=False)
    return sent


def _followers(term_id: int, *, exclude: set[int | None], only: set[int] | None = None):
    follows = Follow.objects.filter(term_id=term_id, user__is_active=True)
    if only is not None:
        follows = follows.filter(user_id__in=only)
    return [uid for uid in follows.values_list("user_id", flat=True) if uid not in exclude]


def _already_written(**lookup) -> bool:
    """A retried task must not notify twice."""
    return Notification.objects.filter(**lookup).exists()


def _write(rows: Iterable[Notification]) -> list[int]:
    created = Notification.objects.bulk_create(list(rows))
    return [row.pk for row in created]
