"""Closing reports: resolved (something was done) or dismissed (nothing needed doing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussion.models import Report, ReportStatus

from .. import policy
from ..exceptions import ModerationError
from ..models import Action
from .log import log_action

if TYPE_CHECKING:
    from accounts.models import User

MAX_NOTE_LENGTH = 2000


def _close(report: Report, moderator: User, note: str, status: str, action: str) -> Report:
    if not policy.can_moderate(moderator):
        raise ModerationError(_("Only moderators close reports."))
    note = note.strip()[:MAX_NOTE_LENGTH]
    if not note:
        raise ModerationError(_("Write a note: what was done, or why nothing was."), field="note")
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("reporter", "comment__term", "revision__term")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.OPEN:
            raise ModerationError(
                _("This report was already %(status)s.")
                % {"status": report.get_status_display().lower()}
            )
        report.status = status
        report.resolved_by = moderator
        report.resolved_at = timezone.now()
        report.resolution_note = note
        report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
        comment, revision = report.comment, report.revision
        if comment is not None:
            what, url, term = f"comment {comment.pk}", comment.get_absolute_url(), comment.term
        elif revision is not None:
            what, url = f"revision {revision.number}", revision.get_absolute_url()
            term = revision.term
        else:  # the database's check constraint makes this impossible
            raise ModerationError(_("This report names nothing."))
        log_action(
            action=action,
            moderator=moderator,
            target_type="report",
            target_id=report.pk,
            target_label=f"Report by {report.reporter.get_username()} of {what} on {term.title}",
            target_url=url,
            reason=note,
            before={"status": ReportStatus.OPEN, "reason": report.reason},
            after={"status": status},
        )
    return report


def report_resolve(*, report: Report, moderator: User, note: str) -> Report:
    return _close(report, moderator, note, ReportStatus.RESOLVED, Action.RESOLVE)


def report_dismiss(*, report: Report, moderator: User, note: str) -> Report:
    return _close(report, moderator, note, ReportStatus.DISMISSED, Action.DISMISS)
