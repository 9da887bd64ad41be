"""Comments that become knowledge: ``comment_promote`` saves the term through the wiki's one
write path and records which revision the comment went into, in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from wiki.content import TermData
from wiki.services import SaveResult, term_update

from ..exceptions import DiscussionError
from ..models import Comment, Promotion

if TYPE_CHECKING:
    from accounts.models import User


def comment_promote(
    *,
    comment: Comment,
    author: User,
    data: TermData,
    summary: str,
    base_number: int,
    seen_number: int | None = None,
) -> SaveResult:
    """Save the term as the member reshaped it, then record the promotion.

    Raises ``MergeConflict`` (nothing saved) like any edit, and ``DiscussionError`` when the
    comment is gone, was promoted already, or the save would change nothing.
    """
    from ..tasks import promotion_followup

    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if not comment.is_shown:
            raise DiscussionError(_("This comment was removed; it cannot be added to the term."))
        if Promotion.objects.filter(comment=comment).exists():
            raise DiscussionError(_("This comment is already in the term."))
        result = term_update(
            term=comment.term,
            data=data,
            author=author,
            summary=summary,
            base_number=base_number,
            seen_number=seen_number,
        )
        if not result.changed:
            raise DiscussionError(
                _("Nothing changed, so nothing was saved: keep the comment's text in the body."),
                field="body",
            )
        promotion = Promotion.objects.create(
            comment=comment, revision=result.revision, promoted_by=author
        )
        enqueue_on_commit(promotion_followup, promotion.pk)
    return result
