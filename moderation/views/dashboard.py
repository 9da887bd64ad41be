"""The moderators' start page: what waits for them, and what was done lately."""

from __future__ import annotations

from django.shortcuts import render

from discussion.models import Report, ReportStatus

from .. import selectors
from .common import moderator_required


@moderator_required
def index(request):
    context = {
        "pending_count": selectors.pending_queue().count(),
        "report_count": Report.objects.filter(status=ReportStatus.OPEN).count(),
        "block_count": selectors.active_blocks().count(),
        "recent": selectors.log_entries()[:10],
    }
    return render(request, "moderation/index.html", context)
