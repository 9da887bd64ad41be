"""The moderators' start page: what waits for them, and what was done lately."""

from __future__ import annotations

from django.apps import apps
from django.shortcuts import render

from .. import selectors
from .common import moderator_required


@moderator_required
def index(request):
    context = {
        "pending_count": selectors.pending_queue().count(),
        "report_count": _open_reports(),
        "block_count": selectors.active_blocks().count(),
        "recent": selectors.log_entries()[:10],
    }
    return render(request, "moderation/index.html", context)


def _open_reports() -> int:
    if not apps.is_installed("discussion"):
        return 0
    from discussion.models import Report, ReportStatus

    return Report.objects.filter(status=ReportStatus.OPEN).count()
