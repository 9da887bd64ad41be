"""Every write to a comment: ``comment_create``, ``comment_edit``, ``comment_delete``.

Each is one transaction. The HTML is rendered once here (never on a page view); the earlier
text is kept as a ``CommentVersion`` before an edit or a delete replaces it. Notifications and
the "who knows this" ranking follow after the commit, in the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from markup import RENDERER_VERSION
from wiki.exceptions import TermWriteError
from wiki.models import Term
from wiki.services.rendering import render_comment_html

from ..exceptions import DiscussionError
from ..models import MAX_COMMENT_LENGTH, VISIBLE_LEVELS, Comment, CommentVersion
from .follows import follow_if_wanted

if TYPE_CHECKING:
    from accounts.models import User


def comment_create(
    *, term: Term, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """A new comment on ``term``, or a reply to ``parent`` (which must be on the same term)."""
    body = _clean_body(body)
    if parent is not None:
        _check_parent(term, parent)
    html = _render(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            term=term,
            author=author,
            parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else None,
            display_parent_id=_display_parent_id(parent),
            depth=parent.depth + 1 if parent else 0,
            body=body,
            body_html=html,
            renderer_version=RENDERER_VERSION,
        )
        follow_if_wanted(user=author, term=term, reason="comment")
        _after_commit(comment, created=True)
    return comment


def comment_edit(*, comment: Comment, body: str) -> Comment:
    """Replace a comment's text, keeping the earlier one; marks it "edited" with the time."""
    body = _clean_body(body)
    html = _render(body)
    with transaction.atomic():
        comment = _locked(comment)
        if not comment.is_shown:
            raise DiscussionError(_("This comment can no longer be edited."), field="body")
        if body == comment.body:
            return comment
        _keep_version(comment)
        comment.body, comment.body_html = body, html
        comment.renderer_version = RENDERER_VERSION
        comment.edited_at = timezone.now()
        comment.save()
    return comment


def comment_delete(*, comment: Comment) -> Comment:
    """The text becomes "deleted by its author"; the row stays so its replies stay in place.

    The text is kept as a version (for moderators, in the admin), never shown on the site.
    """
    with transaction.atomic():
        comment = _locked(comment)
        if comment.is_deleted:
            return comment
        _keep_version(comment)
        comment.body = comment.body_html = ""
        comment.deleted_at = timezone.now()
        comment.save()
        _after_commit(comment, created=False)
    return comment


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "")
    if not body.strip():
        raise DiscussionError(_("The comment is empty: write something first."), field="body")
    if len(body) > MAX_COMMENT_LENGTH:
        raise DiscussionError(
            _("The comment is %(length)s characters long; the limit is %(limit)s.")
            % {"length": f"{len(body):,}", "limit": f"{MAX_COMMENT_LENGTH:,}"},
            field="body",
        )
    return body.strip("\n")


def _check_parent(term: Term, parent: Comment) -> None:
    if parent.term_id != term.pk:
        raise DiscussionError(
            _("You can only reply to a comment on this term's discussion."), field="parent"
        )
    if not parent.is_shown:
        raise DiscussionError(
            _(
                "That comment was removed, so it cannot be replied to; "
                "comment on the discussion instead."
            ),
            field="parent",
        )


def _display_parent_id(parent: Comment | None) -> int | None:
    """Where a reply is listed: under its parent, or beside it below the last level."""
    if parent is None:
        return None
    if parent.depth < VISIBLE_LEVELS - 1:
        return parent.pk
    return parent.display_parent_id


def _render(body: str) -> str:
    try:
        return render_comment_html(body, field="body")
    except TermWriteError as error:
        raise DiscussionError(str(error), field="body") from error


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _keep_version(comment: Comment) -> None:
    CommentVersion.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        written_at=comment.edited_at or comment.created_at,
    )


def _after_commit(comment: Comment, *, created: bool) -> None:
    from ..tasks import comment_created_followup, contributors_refresh

    if created:
        enqueue_on_commit(comment_created_followup, comment.pk)
    else:
        enqueue_on_commit(contributors_refresh, comment.term_id, False)
