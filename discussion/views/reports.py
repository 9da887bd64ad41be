"""Reporting a comment or a term revision to the moderators (reason required)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moderation import policy
from moderation.ratelimit import rate_limited
from wiki.models import Revision

from .. import services
from ..exceptions import DiscussionError
from ..forms import ReportForm
from .common import (
    FORM_ERROR_STATUS,
    comment_context,
    comment_or_404,
    member_required,
    page_or_fragment,
    permalink,
    require,
)

THANKS = gettext_lazy("Thank you: the moderators will look at it.")


@member_required
@rate_limited("report")
def comment_report(request, pk: int):
    comment = comment_or_404(pk)
    require(policy.can_report(request.user), _("You may not report."))
    form = ReportForm(request.POST or None, auto_id=f"report-{comment.pk}-%s")
    if form.is_valid():
        try:
            services.report_create(
                reporter=request.user, reason=form.cleaned_data["reason"], comment=comment
            )
        except DiscussionError as error:
            form.add_error("reason", error.message)
        else:
            if request.htmx:
                return render(request, "discussion/includes/_reported.html", {"thanks": THANKS})
            messages.success(request, THANKS)
            return redirect(permalink(comment))
    return page_or_fragment(
        request,
        page="discussion/report_form.html",
        fragment="discussion/includes/_report_form.html",
        context={**comment_context(request, comment), "form": form},
        status=FORM_ERROR_STATUS if request.method == "POST" else 200,
    )


@member_required
@rate_limited("report")
def revision_report(request, slug: str, number: int):
    revision = get_object_or_404(
        Revision.objects.select_related("term", "author").defer("body", "body_html"),
        term__slug=slug,
        number=min(number, 2**31 - 1),
    )
    require(policy.can_report(request.user), _("You may not report."))
    form = ReportForm(request.POST or None)
    if form.is_valid():
        try:
            services.report_create(
                reporter=request.user, reason=form.cleaned_data["reason"], revision=revision
            )
        except DiscussionError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, THANKS)
            return redirect(revision)
    context = {"form": form, "revision": revision, "term": revision.term}
    status = FORM_ERROR_STATUS if request.method == "POST" else 200
    return render(request, "discussion/report_form.html", context, status=status)
