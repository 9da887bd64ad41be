"""Reverting every edit one member made since a time: preview (GET), then run (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..exceptions import ModerationError
from ..forms import BulkRevertForm
from ..models import BulkRevert
from .common import moderator_required


@moderator_required
def bulk_revert(request):
    """GET with a member and a time shows what would be reverted; POST queues it."""
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET if "member" in request.GET else None)
    form = BulkRevertForm(data)
    plan = None
    if form.is_valid():
        member, since = form.cleaned_data["member"], form.cleaned_data["since"]
        if posted:
            try:
                job = services.bulk_revert_request(
                    member=member,
                    since=since,
                    moderator=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ModerationError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(
                    request, _("The bulk revert is queued; this page shows its results.")
                )
                return redirect("moderation:bulk_revert_detail", pk=job.pk)
        plan = selectors.bulk_revert_plan(member=member, since=since)
    context = {
        "form": form,
        "plan": plan,
        "reverting": sum(1 for item in plan or () if item.will_revert),
        "recent": selectors.bulk_reverts()[:10],
    }
    return render(request, "moderation/bulk_revert.html", context)


@moderator_required
def bulk_revert_detail(request, pk: int):
    job = get_object_or_404(BulkRevert.objects.select_related("member", "requested_by"), pk=pk)
    return render(request, "moderation/bulk_revert_detail.html", {"job": job})
