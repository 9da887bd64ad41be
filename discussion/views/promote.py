"""Comments that become knowledge: "add to the term" opens the wiki's own editor with the
comment quoted at the end, and saving goes through the one write path (``comment_promote``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from moderation import policy
from moderation.ratelimit import rate_limited
from wiki.exceptions import MergeConflict, TermWriteError
from wiki.forms import TermForm
from wiki.views.edit import conflict_page, editor_page

from .. import services
from ..forms import promotion_initial
from .common import comment_or_404, member_required, permalink, require


@member_required
@rate_limited("edit")
def comment_promote(request, pk: int):
    comment = comment_or_404(pk)
    term = comment.term
    require(policy.can_promote(request.user, term), _("You may not change this term."))
    if not comment.is_shown or comment.promoted_revision is not None:
        messages.info(request, _("This comment cannot be added to the term (again)."))
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
            return conflict_page(request, conflict, form_action=action)
        except TermWriteError as error:  # DiscussionError is one too
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            number = result.revision.number
            thanks = _("Added to the term as revision %(number)s. Thank you!")
            messages.success(request, thanks % {"number": number})
            return redirect(permalink(comment))
    status = 422 if posted and "preview" not in request.POST else 200
    return editor_page(request, form, term, status=status, form_action=action, promoting=comment)
