"""Protecting a term, and rolling back its latest editor."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wiki.models import Term

from .. import policy, services
from ..exceptions import ModerationError, StaleRollback
from ..forms import ProtectForm, ReasonForm
from .common import moderator_required


@moderator_required
def term_protect(request, slug: str):
    term = get_object_or_404(Term, slug=slug)
    current = policy.protection_for(term)
    initial = {"level": current.level, "review": current.review} if current else {}
    form = ProtectForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.term_protect(
                term=term,
                moderator=request.user,
                level=form.cleaned_data["level"],
                review=form.cleaned_data["review"],
                reason=form.cleaned_data["reason"],
                expires_at=form.expires_at(),
            )
        except ModerationError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("“%(title)s” is protected.") % {"title": term.title})
            return redirect(term)
    context = {"term": term, "form": form, "protection": current, "unprotect_form": ReasonForm()}
    return render(request, "moderation/term_protect.html", context)


@require_POST
@moderator_required
def term_unprotect(request, slug: str):
    term = get_object_or_404(Term, slug=slug)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for lifting the protection."))
        return redirect("moderation:term_protect", slug=term.slug)
    try:
        services.term_unprotect(
            term=term, moderator=request.user, reason=form.cleaned_data["reason"]
        )
    except ModerationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” is no longer protected.") % {"title": term.title})
    return redirect(term)


@require_POST
@moderator_required
def term_rollback(request, slug: str):
    """One POST from the history page: undo the latest editor's run of edits."""
    term = get_object_or_404(Term, slug=slug)
    try:
        editor_id = int(request.POST.get("editor", ""))
        base_number = int(request.POST.get("base_number", ""))
    except ValueError:
        messages.error(
            request, _("The rollback form was incomplete; use the button on the history page.")
        )
        return redirect("wiki:term_history", slug=term.slug)
    try:
        result = services.term_rollback(
            term=term, editor_id=editor_id, moderator=request.user, base_number=base_number
        )
    except StaleRollback as error:
        messages.warning(request, _("Not rolled back: %(reason)s") % {"reason": error})
    except ModerationError as error:
        messages.error(request, _("Not rolled back: %(reason)s") % {"reason": error})
    else:
        messages.success(
            request,
            _("Rolled back: “%(title)s” is now at revision %(number)s.")
            % {"title": result.term.title, "number": result.term.revision_number},
        )
        return redirect("wiki:term_history", slug=result.term.slug)
    return redirect("wiki:term_history", slug=term.slug)
