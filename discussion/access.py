"""What the current member may do on a discussion, asked of ``moderation.policy`` once per page
(and once per comment for its author's own buttons), then handed to the templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moderation import policy
from wiki.models import Term

from .models import Comment


@dataclass(frozen=True)
class May:
    comment: bool
    comment_refusal: str  # why not, when a logged-in member may not comment
    report: bool
    promote: bool
    follow: bool
    see_hidden: bool


def may_for(user, term: Term) -> May:
    return May(
        comment=policy.can_comment(user, term),
        comment_refusal=policy.write_decision(user, verb="comment").reason,
        report=policy.can_report(user),
        promote=policy.can_promote(user, term),
        follow=policy.can_follow(user, term),
        see_hidden=policy.can_see_hidden(user),
    )


def mark_permissions(comments: Iterable[Comment], user) -> None:
    """Set ``can_edit`` and ``can_delete`` on each comment and on its listed replies."""
    for comment in comments:
        comment.can_edit = policy.can_edit_comment(user, comment)
        comment.can_delete = policy.can_delete_comment(user, comment)
        mark_permissions(getattr(comment, "children", ()), user)
