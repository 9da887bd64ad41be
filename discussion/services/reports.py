"""Reports of a comment or a term revision. The moderation app's queue reads and resolves them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from wiki.models import Revision

from ..exceptions import DiscussionError
from ..models import MAX_REPORT_LENGTH, Comment, Report, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


def report_create(
    *,
    reporter: User,
    reason: str,
    comment: Comment | None = None,
    revision: Revision | None = None,
) -> Report:
    """Store who reported what, when and why. One open report per member and target."""
    if (comment is None) == (revision is None):
        raise DiscussionError(_("Report either a comment or a revision."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise DiscussionError(_("Say what is wrong: a reason is required."), field="reason")
    if len(reason) > MAX_REPORT_LENGTH:
        raise DiscussionError(
            _("Keep the reason under %(limit)s characters.") % {"limit": f"{MAX_REPORT_LENGTH:,}"},
            field="reason",
        )
    target = {"comment": comment} if comment is not None else {"revision": revision}
    with transaction.atomic():
        if Report.objects.filter(reporter=reporter, status=ReportStatus.OPEN, **target).exists():
            raise DiscussionError(
                _("You have already reported this; the moderators will look at it."),
                field="reason",
            )
        return Report.objects.create(reporter=reporter, reason=reason, **target)
