"""What moderators decide, and the log of every decision.

``Protection`` and ``Block`` are *state* (what applies now); ``LogEntry`` is *history* (who
did what, when, why, and what it changed). State is only changed through
``moderation.services``, which writes the matching log entry in the same transaction, so the
log can never miss an action that happened nor record one that was rolled back.

Expiry is a timestamp compared with ``now()`` in every query (``.active()``), not a flag that a
cron job clears: an expired protection or block stops applying at that very second.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wiki.content import FIELDS, TermData


class Level(models.TextChoices):
    TRUSTED = "trusted", _("Trusted members")
    MODERATORS = "moderators", _("Moderators only")


class ProtectionQuerySet(models.QuerySet):
    def active(self) -> ProtectionQuerySet:
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class Protection(models.Model):
    """Who may edit a term. One row per term; unprotecting deletes it (the log keeps it).

    With ``review`` on, edits from members below ``level`` are not refused but kept as a
    ``PendingChange`` for a moderator; readers keep seeing the last reviewed revision.
    """

    term = models.OneToOneField("wiki.Term", on_delete=models.CASCADE, related_name="protection")
    level = models.CharField(max_length=20, choices=Level.choices)
    review = models.BooleanField(
        default=False,
        help_text=_("Keep edits from members below the level for review instead of refusing them."),
    )
    reason = models.CharField(max_length=500)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProtectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("moderate", "Can moderate: protect, block, roll back, review, hide")]

    def __str__(self) -> str:
        return f"{self.term} ({self.get_level_display()})"

    @property
    def is_active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()


class BlockQuerySet(models.QuerySet):
    def active(self) -> BlockQuerySet:
        return self.filter(lifted_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class Block(models.Model):
    """A member, or an IP range, that may read but not write.

    A member's block stops edits, comments, reports and profile changes; an IP range's block
    stops sign-ups and anonymous writes from that range. Unblocking sets ``lifted_at`` rather
    than deleting, so a member's record of blocks stays visible to moderators.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    ip_range = models.CharField(
        max_length=50, blank=True, help_text=_("An address or a CIDR range, e.g. 203.0.113.0/24.")
    )
    reason = models.CharField(max_length=500)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(ip_range=""))
                | (Q(user__isnull=True) & ~Q(ip_range="")),
                name="block_member_or_ip_range",
            )
        ]
        indexes = [models.Index(fields=["user", "lifted_at"], name="block_user_idx")]

    def __str__(self) -> str:
        return f"Block of {self.target_label}"

    @property
    def target_label(self) -> str:
        return self.user.get_username() if self.user is not None else self.ip_range

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)

    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
        return parse_network(self.ip_range) if self.ip_range else None


def parse_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address or CIDR range; host bits are allowed (``203.0.113.7/24`` means the /24)."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError as exc:
        raise ValidationError(
            gettext("%(value)s is not an IP address or range (write e.g. 203.0.113.0/24).")
            % {"value": repr(value)}
        ) from exc


class PendingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PendingChangeQuerySet(models.QuerySet):
    def waiting(self) -> PendingChangeQuerySet:
        return self.filter(status=PendingStatus.PENDING)

    def for_queue(self) -> PendingChangeQuerySet:
        return self.select_related("term", "author").order_by("created_at", "pk")


class PendingChange(models.Model):
    """An edit to a term under review, kept beside (not in) the term's immutable history.

    It holds every field ``TermData`` has and the revision it started from; accepting it sends
    it through ``wiki.services.term_update`` with that base, so the three-way merge lands it on
    a term that moved on, and a real conflict is reported with nothing lost.
    """

    term = models.ForeignKey("wiki.Term", on_delete=models.CASCADE, related_name="+")
    base_number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)
    difficulty = models.CharField(max_length=20, blank=True)
    tags = models.JSONField(default=list, blank=True)
    related = models.JSONField(default=list, blank=True)
    body = models.TextField(blank=True)
    autolink = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_changes"
    )
    summary = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=PendingStatus.choices, default=PendingStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    revision_number = models.PositiveIntegerField(null=True, blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="pending_status_idx")]

    def __str__(self) -> str:
        return f"Change to {self.title} by {self.author}"

    @property
    def data(self) -> TermData:
        return TermData.of(self)

    @staticmethod
    def fields_of(data: TermData) -> dict[str, object]:
        """``data`` as this model's field values (sets stored as JSON lists)."""
        return {
            f.name: list(getattr(data, f.name)) if f.kind == "set" else getattr(data, f.name)
            for f in FIELDS
        }


class BulkRevertStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")


class BulkRevert(models.Model):
    """One "revert everything this member did since T", run by a background task.

    ``results`` lists each term with what happened to it (reverted as revision N, or skipped
    and why); the moderator reads it on the job's page once the task has run.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    reason = models.CharField(max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=BulkRevertStatus.choices, default=BulkRevertStatus.QUEUED
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Bulk revert of {self.member} since {self.since:%Y-%m-%d %H:%M}"


class Action(models.TextChoices):
    PROTECT = "protect", _("Protect")
    UNPROTECT = "unprotect", _("Unprotect")
    ACCEPT = "accept", _("Accept pending change")
    REJECT = "reject", _("Reject pending change")
    BLOCK = "block", _("Block")
    UNBLOCK = "unblock", _("Unblock")
    HIDE = "hide", _("Hide comment")
    UNHIDE = "unhide", _("Unhide comment")
    ROLLBACK = "rollback", _("Roll back")
    BULK_REVERT = "bulk_revert", _("Bulk revert")
    RESOLVE = "resolve", _("Resolve report")
    DISMISS = "dismiss", _("Dismiss report")


class LogEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The moderation log is append-only.")

    def delete(self):
        raise TypeError("The moderation log is append-only.")


class LogEntry(models.Model):
    """One moderation action: who, when, on what, why, and the state before and after.

    Append-only like a revision: ``save`` refuses an update, ``delete`` refuses, and so does
    the queryset. ``target_type``/``target_id`` name the object (it may be gone later);
    ``target_label`` is how it read at the time.
    """

    action = models.CharField(max_length=20, choices=Action.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    target_type = models.CharField(max_length=30)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    target_url = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["-created_at"], name="modlog_created_idx"),
            models.Index(fields=["action", "-created_at"], name="modlog_action_idx"),
            models.Index(fields=["target_type", "target_id"], name="modlog_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The moderation log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The moderation log is append-only.")


class NameKey(models.Model):
    """A member's username or display name reduced to its look-alike skeleton.

    Kept so that "is this name confusable with anyone's?" is one indexed lookup instead of a
    scan of every member (see ``moderation.identity``). Synced when a member is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)  # "username" or "display"
    folded = models.CharField(max_length=200, db_index=True)
    cased = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="namekey_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.folded!r}"
