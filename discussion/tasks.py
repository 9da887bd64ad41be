"""Background tasks of the discussion: each calls a service (see ``config.tasks``).

Arguments are ids: a task may run long after it was queued, in another process.
"""

from __future__ import annotations

from config.tasks import background, enqueue_on_commit

from . import services


@background
def revision_saved_followup(revision_id: int) -> int:
    """After a term was created or edited: follow, notify the followers, re-rank its members."""
    from wiki.models import Revision

    created = _notify_revision(revision_id)
    term_id = Revision.objects.filter(pk=revision_id).values_list("term_id", flat=True).first()
    if term_id is not None:
        enqueue_on_commit(contributors_refresh, term_id, True)
    return created


@background
def revisions_saved_followup(revision_ids: list[int]) -> int:
    """The same for many revisions (the bulk import): one task, not one per revision, and
    one more that re-ranks all their terms' members (10,000 imported files queued 10,000
    re-ranking tasks, which kept the queue busy for minutes)."""
    from wiki.models import Revision

    created = sum(_notify_revision(revision_id) for revision_id in revision_ids)
    terms = Revision.objects.filter(pk__in=revision_ids).values_list("term_id", flat=True)
    term_ids = sorted(set(terms))
    if term_ids:
        enqueue_on_commit(contributors_refresh_many, term_ids, True)
    return created


def _notify_revision(revision_id: int) -> int:
    created = services.notify_revision(revision_id=revision_id)
    _email_later(created)
    return len(created)


@background
def comment_created_followup(comment_id: int) -> int:
    from .models import Comment

    created = services.notify_comment(comment_id=comment_id)
    term_id = Comment.objects.filter(pk=comment_id).values_list("term_id", flat=True).first()
    if term_id is not None:
        enqueue_on_commit(contributors_refresh, term_id, False)
    _email_later(created)
    return len(created)


@background
def promotion_followup(promotion_id: int) -> int:
    created = services.notify_promotion(promotion_id=promotion_id)
    _email_later(created)
    return len(created)


@background
def contributors_refresh(term_id: int, text: bool) -> int:
    return services.term_contributors_refresh(term_id=term_id, text=text)


@background
def contributors_refresh_many(term_ids: list[int], text: bool) -> int:
    return sum(
        services.term_contributors_refresh(term_id=term_id, text=text) for term_id in term_ids
    )


@background
def notifications_email(notification_ids: list[int]) -> int:
    return services.notifications_email(notification_ids=notification_ids)


def _email_later(notification_ids: list[int]) -> None:
    """Mail goes out in a task of its own: a retry of the mail never repeats a notification."""
    if notification_ids:
        enqueue_on_commit(notifications_email, notification_ids)
