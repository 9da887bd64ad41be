"""Following a term (a button on the term page): POST only, and htmx swaps the button."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moderation import policy
from wiki.models import Term

from .. import services
from ..access import may_for
from .common import member_required, require


@require_POST
@member_required
def term_follow(request, slug: str):
    return _set_following(request, slug, following=True)


@require_POST
@member_required
def term_unfollow(request, slug: str):
    return _set_following(request, slug, following=False)


def _set_following(request, slug: str, *, following: bool):
    term = get_object_or_404(Term.objects.only("pk", "slug", "title"), slug=slug)
    require(policy.can_follow(request.user, term))
    if following:
        services.follow_term(user=request.user, term=term)
    else:
        services.unfollow_term(user=request.user, term=term)
    if request.htmx:
        context = {"term": term, "following": following, "may": may_for(request.user, term)}
        return render(request, "discussion/includes/_follow_button.html", context)
    if following:
        messages.success(
            request,
            _("You follow “%(title)s”: its changes and comments come to your notifications.")
            % {"title": term.title},
        )
    else:
        messages.success(request, _("You no longer follow “%(title)s”.") % {"title": term.title})
    return redirect(term)
