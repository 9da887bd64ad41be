"""Hiding and unhiding comments. A hidden comment disappears for the public (its thread stays
in place) and stays visible to moderators with the reason; the text is never changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussion.models import Comment

from .. import policy
from ..exceptions import ModerationError
from ..models import Action
from .log import log_action, when

if TYPE_CHECKING:
    from accounts.models import User

MAX_REASON_LENGTH: int = Comment._meta.get_field("hidden_reason").max_length or 300


def _state(comment: Comment) -> dict:
    return {
        "hidden": comment.hidden_at is not None,
        "hidden_at": when(comment.hidden_at),
        "reason": comment.hidden_reason,
    }


def _log(comment: Comment, action: str, moderator: User, reason: str, before: dict) -> None:
    log_action(
        action=action,
        moderator=moderator,
        target_type="comment",
        target_id=comment.pk,
        target_label=f"Comment by {comment.author.get_username()} on {comment.term.title}",
        target_url=comment.get_absolute_url(),
        reason=reason,
        before=before,
        after=_state(comment),
    )


def _locked(comment: Comment, moderator: User) -> Comment:
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators hide comments."))
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author", "term")
        .only(
            "pk",
            "hidden_at",
            "hidden_by",
            "hidden_reason",
            "author__username",
            "term__title",
            "term__slug",
        )
        .get(pk=comment.pk)
    )


def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError(
            _("Give a reason; moderators see it beside the comment."), field="reason"
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ModerationError(
            _("Keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH},
            field="reason",
        )
    with transaction.atomic():
        comment = _locked(comment, moderator)
        if comment.hidden_at is not None:
            raise ModerationError(_("This comment is already hidden."))
        before = _state(comment)
        comment.hidden_at = timezone.now()
        comment.hidden_by = moderator
        comment.hidden_reason = reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _log(comment, Action.HIDE, moderator, reason, before)
    return comment


def comment_unhide(*, comment: Comment, moderator: User, reason: str = "") -> Comment:
    with transaction.atomic():
        comment = _locked(comment, moderator)
        if comment.hidden_at is None:
            raise ModerationError(_("This comment is not hidden."))
        before = _state(comment)
        comment.hidden_at = None
        comment.hidden_by = None
        comment.hidden_reason = ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        _log(comment, Action.UNHIDE, moderator, " ".join(reason.split()), before)
    return comment
