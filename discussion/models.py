"""The discussion half of a term: comments and their history, following, notifications,
reports, promotions of comments into the text, and who knows a term best.

Writes happen in ``discussion.services`` only; querysets hold the reads pages use.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wiki.models import Revision, Term

MAX_COMMENT_LENGTH = 20_000
MAX_REPORT_LENGTH = 2_000
# Replies nest visibly to this many levels (0, 1, 2); deeper ones are listed at the last level.
VISIBLE_LEVELS = 3


@cache
def _comments_prefix() -> str:
    return reverse("discussion:comment_detail", kwargs={"pk": 0}).removesuffix("0/")


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        """Comments whose text is shown: not deleted by their author, not hidden by moderators."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def for_thread(self) -> CommentQuerySet:
        """What a comment in a thread shows, in one query: its author and the revision it was
        added to the term in. Only the columns the page prints: a thread of 200 comments builds
        400 objects, and each column costs on every one of them."""
        return self.select_related("author", "promotion__revision").only(
            *THREAD_FIELDS,
            "author__username",
            "author__display_name",
            "promotion__comment",
            "promotion__revision__number",
            "promotion__revision__parent_number",
        )


THREAD_FIELDS = (
    "term",
    "author",
    "parent",
    "root",
    "display_parent",
    "depth",
    "body_html",
    "created_at",
    "edited_at",
    "deleted_at",
    "hidden_at",
    "hidden_reason",
)


class Comment(models.Model):
    """One comment on a term, or a reply to another comment on the same term.

    ``root`` is the top-level comment of the thread (None for a top-level one), so that a page
    of threads is one query. ``display_parent`` is the comment under which this one is *listed*:
    its parent, except below the last visible level, where replies stay beside their parent
    (marked "in reply to NAME"). A deleted comment keeps its row so its replies stay in place.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="comments")
    # PROTECT as for revisions: members who wrote are deactivated, not deleted.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    display_parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveIntegerField(default=0)
    body = models.TextField(max_length=MAX_COMMENT_LENGTH, blank=True)
    body_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Moderation (the moderation app sets these through its own services).
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["term", "depth", "created_at"], name="comment_term_threads_idx"),
            models.Index(fields=["-created_at"], name="comment_created_idx"),
            models.Index(fields=["author", "-created_at"], name="comment_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.term_id} by {self.author_id}"

    def get_absolute_url(self) -> str:
        """The permalink: redirects to the right page of the term's discussion.

        The actions on a comment live below it (``reply/``, ``edit/``...: see ``urls.py``), so
        a thread of 200 comments reverses one URL, not 1,400."""
        return f"{_comments_prefix()}{self.pk}/"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_shown(self) -> bool:
        return not (self.is_deleted or self.is_hidden)

    @property
    def promoted_revision(self) -> Revision | None:
        """The revision this comment was added to the term in, if any."""
        try:
            return self.promotion.revision
        except Promotion.DoesNotExist:
            return None

    @property
    def level(self) -> int:
        """The visible nesting level, 0 to VISIBLE_LEVELS - 1."""
        return min(self.depth, VISIBLE_LEVELS - 1)

    @property
    def beyond_last_level(self) -> bool:
        """Listed beside its parent rather than under it: says "in reply to NAME"."""
        return self.depth >= VISIBLE_LEVELS


class CommentVersion(models.Model):
    """An earlier text of a comment, kept when its author edits or deletes it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    written_at = models.DateTimeField()  # when this text was written
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"Version of comment {self.comment_id} from {self.written_at:%Y-%m-%d %H:%M}"


class Promotion(models.Model):
    """A comment that went into the term's text: which revision, and who pressed the button.

    The comment's author is credited for it in "who knows this" (see ``services.experts``).
    """

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="promotion")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Comment {self.comment_id} -> revision {self.revision_id}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "term"], name="follow_unique")]
        indexes = [models.Index(fields=["term", "user"], name="follow_term_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.term_id}"


class NotificationKind(models.TextChoices):
    # Read as "<who> edited “<term>”" (the notification list and email).
    EDIT = "edit", _("edited")
    COMMENT = "comment", _("commented on")
    REPLY = "reply", _("replied to your comment on")
    PROMOTED = "promoted", _("added your comment to")


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_list(self) -> NotificationQuerySet:
        return self.select_related("term", "actor", "revision", "comment").defer(
            "term__body",
            "term__body_html",
            "term__toc",
            "revision__body",
            "revision__body_html",
            "comment__body",
            "comment__body_html",
        )


class Notification(models.Model):
    """Something that happened on a term a member follows. Written by a task, never in a save."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.term_id} for {self.recipient_id}"

    @property
    def target_url(self) -> str:
        if self.comment_id:
            return reverse("discussion:comment_detail", kwargs={"pk": self.comment_id})
        if self.revision_id and self.revision.parent_number:
            return (
                reverse("wiki:term_diff", kwargs={"slug": self.term.slug})
                + f"?from={self.revision.parent_number}&to={self.revision.number}"
            )
        return self.term.get_absolute_url()


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """A member's report of a comment or a term revision, for the moderators' queue."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(max_length=MAX_REPORT_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(comment__isnull=False, revision__isnull=True)
                    | Q(comment__isnull=True, revision__isnull=False)
                ),
                name="report_one_target",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_queue_idx")]

    def __str__(self) -> str:
        what = f"comment {self.comment_id}" if self.comment_id else f"revision {self.revision_id}"
        return f"Report of {what} by {self.reporter_id}"


class Contributor(models.Model):
    """How well one member knows one term: the term page's "who knows this".

    Recomputed by a task after every revision, comment and promotion on the term
    (``services.experts``), so the page reads five rows and computes nothing.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="contributors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="term_contributions"
    )
    text_share = models.FloatField(default=0.0)  # of the current body's lines, 0 to 1
    edits = models.PositiveIntegerField(default=0)
    promoted = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)
    last_active_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "user"], name="contributor_unique"),
        ]
        indexes = [
            models.Index(fields=["term", "-score"], name="contributor_rank_idx"),
            models.Index(fields=["user", "-score"], name="contributor_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.term_id}: {self.score:.1f}"


class MemberSettings(models.Model):
    """A member's discussion settings; a member without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_settings"
    )
    follow_on_edit = models.BooleanField(
        default=True, help_text=_("Follow the terms I create or edit.")
    )
    follow_on_comment = models.BooleanField(
        default=True, help_text=_("Follow the terms I comment on.")
    )
    email_notifications = models.BooleanField(
        default=False, help_text=_("Also send me my notifications by email.")
    )

    class Meta:
        verbose_name_plural = _("member settings")

    def __str__(self) -> str:
        return f"Settings of {self.user_id}"
