"""The review queue: pending changes as diffs, accepted or rejected with a note."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wiki.diff import diff_snapshots

from .. import policy, selectors, services
from ..exceptions import ModerationError
from ..forms import ReviewForm
from ..models import PendingChange, PendingStatus
from .common import moderator_required, paginate


@moderator_required
def pending_list(request):
    return render(
        request,
        "moderation/pending_list.html",
        {"page": paginate(request, selectors.pending_queue())},
    )


@login_required
def pending_detail(request, pk: int):
    """The change as a diff against the revision it started from. Its author may look too
    (nothing they wrote is lost, whatever the decision); only moderators decide."""
    change = get_object_or_404(
        PendingChange.objects.select_related("term", "author", "reviewed_by"), pk=pk
    )
    moderator = policy.can_moderate(request.user)
    if not moderator and change.author_id != request.user.pk:
        raise PermissionDenied(_("Only moderators and the change's author may see it."))
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not moderator:
            raise PermissionDenied(_("Only moderators review changes."))
        if form.is_valid() and _review(request, change, form):
            return redirect("moderation:pending_list")
    base = change.term.revisions.filter(number=change.base_number).first()
    context = {
        "change": change,
        "term": change.term,
        "base": base,
        "diff": diff_snapshots(base, change) if base else None,
        "moved_on": change.term.revision_number != change.base_number,
        "form": form,
        "can_review": moderator and change.status == PendingStatus.PENDING,
    }
    return render(request, "moderation/pending_detail.html", context)


def _review(request, change: PendingChange, form: ReviewForm) -> bool:
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "accept":
            result = services.pending_change_accept(
                change=change, moderator=request.user, note=note
            )
        else:
            services.pending_change_reject(change=change, moderator=request.user, note=note)
    except ModerationError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return False
    if form.cleaned_data["decision"] == "reject":
        rejected = _("Rejected the change to “%(title)s”.") % {"title": change.term.title}
        messages.success(request, rejected)
    elif result.revision is None:
        messages.info(request, _("Accepted; it changed nothing, so no revision was written."))
    else:
        if result.merged:
            text = _(
                "Accepted: “%(title)s” is now at revision %(number)s "
                "(merged with the edits published since)."
            )
        else:
            text = _("Accepted: “%(title)s” is now at revision %(number)s.")
        messages.success(
            request, text % {"title": result.term.title, "number": result.revision.number}
        )
    return True
