"""Comments that become knowledge: "add to the term" opens the wiki's own editor with the
comment quoted at the end, and saving goes through the one write path (``comment_promote``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from moderation import policy
from moderation.ratelimit import rate_limited
from wiki.diff import diff_snapshots
from wiki.exceptions import MergeConflict, TermWriteError
from wiki.forms import TermForm
from wiki.services.rendering import preview_html
from wiki.views.edit import CONFLICT_DIFF_LINES, CONFLICT_REGION_LINES

from .. import services
from ..forms import promotion_initial
from .common import comment_or_404, member_required, permalink, require


@member_required
@rate_limited("edit")
def comment_promote(request, pk: int):
    comment = comment_or_404(pk)
    term = comment.term
    require(policy.can_promote(request.user, term), "You may not change this term.")
    if not comment.is_shown or comment.promoted_revision is not None:
        messages.info(request, "This comment cannot be added to the term (again).")
        return redirect(permalink(comment))
    term.refresh_from_db()  # the editor needs the body and the current revision
    posted = request.method == "POST"
    form = TermForm(
        request.POST if posted else None,
        initial=None if posted else promotion_initial(term, comment),
        editing=True,
    )
    action = reverse("discussion:comment_promote", kwargs={"pk": comment.pk})
    if form.is_valid() and "preview" not in request.POST:
        try:
            result = services.comment_promote(
                comment=comment,
                author=request.user,
                data=form.to_data(),
                summary=form.cleaned_data["summary"],
                base_number=form.cleaned_data["base_number"],
                seen_number=form.cleaned_data["seen_number"],
            )
        except MergeConflict as conflict:
            return _conflict(request, conflict, action)
        except TermWriteError as error:  # DiscussionError is one too
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            number = result.revision.number
            messages.success(request, f"Added to the term as revision {number}. Thank you!")
            return redirect(permalink(comment))
    preview = ""
    if "preview" in request.POST and "body" in form.cleaned_data:
        preview = preview_html(form.cleaned_data["body"])
    context = {
        "form": form,
        "term": term,
        "form_action": action,
        "promoting": comment,
        "preview_html": preview,
    }
    return render(
        request, "wiki/term_form.html", context, status=200 if preview or not posted else 422
    )


def _conflict(request, conflict: MergeConflict, action: str):
    """The wiki's conflict page, posting back here so the promotion is still recorded."""
    data = request.POST.copy()
    data["seen_number"] = str(conflict.theirs.number)
    merge = conflict.merge
    context = {
        "form": TermForm(data, editing=True),
        "term": conflict.term,
        "conflict": conflict,
        "field_conflicts": merge.field_conflicts,
        "regions": merge.body.conflict_regions(),
        "their_change": diff_snapshots(
            conflict.base, conflict.theirs, max_lines=CONFLICT_DIFF_LINES
        ),
        "region_lines": CONFLICT_REGION_LINES,
        "region_lines_slice": f":{CONFLICT_REGION_LINES}",
        "region_lines_negative": -CONFLICT_REGION_LINES,
        "form_action": action,
    }
    return render(request, "wiki/term_conflict.html", context, status=409)
