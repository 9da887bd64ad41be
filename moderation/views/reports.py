"""The report queue, with the reported content inline, and closing a report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discussion.models import Report, ReportStatus
from wiki.diff import diff_snapshots
from wiki.models import Revision

from .. import services
from ..exceptions import ModerationError
from ..forms import ReportCloseForm
from .common import moderator_required, next_url, paginate

REPORTS_PER_PAGE = 20


@moderator_required
def report_list(request):
    status = request.GET.get("status", ReportStatus.OPEN)
    if status not in ReportStatus.values:
        status = ReportStatus.OPEN
    reports = (
        Report.objects.filter(status=status)
        .select_related(
            "reporter",
            "resolved_by",
            "comment__author",
            "comment__term",
            "revision__author",
            "revision__term",
        )
        .order_by("created_at" if status == ReportStatus.OPEN else "-resolved_at", "pk")
    )
    page = paginate(request, reports, REPORTS_PER_PAGE)
    _attach_diffs(page.object_list)
    context = {
        "page": page,
        "status": status,
        "statuses": ReportStatus.choices,
        "form": ReportCloseForm(),
    }
    return render(request, "moderation/report_list.html", context)


def _attach_diffs(reports) -> None:
    """Each reported revision with the diff it made, its parents fetched in one query."""
    revisions = [r.revision for r in reports if r.revision is not None]
    wanted = {(revision.term_id, revision.parent_number) for revision in revisions}
    parents: dict[tuple[int, int | None], Revision] = {}
    if wanted:
        terms = {term_id for term_id, _ in wanted}
        numbers = {number for _, number in wanted if number}
        for found in Revision.objects.filter(term_id__in=terms, number__in=numbers):
            parents[(found.term_id, found.number)] = found
    for report in reports:
        if report.revision is not None:
            parent = parents.get((report.revision.term_id, report.revision.parent_number))
            report.diff = diff_snapshots(parent, report.revision) if parent else None


@require_POST
@moderator_required
def report_close(request, pk: int):
    report = get_object_or_404(Report, pk=pk)
    form = ReportCloseForm(request.POST)
    back = next_url(request, "/moderation/reports/")
    if not form.is_valid():
        messages.error(request, _("Choose resolved or dismissed, and write a note."))
        return redirect(back)
    close = (
        services.report_resolve
        if form.cleaned_data["outcome"] == "resolve"
        else services.report_dismiss
    )
    try:
        close(report=report, moderator=request.user, note=form.cleaned_data["note"])
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        if form.cleaned_data["outcome"] == "resolve":
            done = _("Report %(number)s resolved.")
        else:
            done = _("Report %(number)s dismissed.")
        messages.success(request, done % {"number": report.pk})
    return redirect(back)
