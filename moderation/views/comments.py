"""Hiding a comment (confirm with a reason on GET, act on POST) and unhiding it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from discussion.models import Comment

from .. import services
from ..exceptions import ModerationError
from ..forms import HideForm, OptionalReasonForm
from .common import moderator_required, next_url


def _comment(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author", "term", "hidden_by"), pk=pk)


@moderator_required
def comment_hide(request, pk: int):
    comment = _comment(pk)
    form = HideForm(request.POST or None)
    if form.is_valid():
        try:
            services.comment_hide(
                comment=comment, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except ModerationError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("The comment is hidden from the public."))
            return redirect(next_url(request, comment.get_absolute_url()))
    context = {"comment": comment, "form": form, "next": next_url(request, "")}
    return render(request, "moderation/comment_hide.html", context)


@require_POST
@moderator_required
def comment_unhide(request, pk: int):
    comment = _comment(pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.comment_unhide(comment=comment, moderator=request.user, reason=reason)
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The comment is shown again."))
    return redirect(next_url(request, comment.get_absolute_url()))
