"""Helpers the discussion's views share: finding a comment, its permalink, and answering
either a full page (no JavaScript) or an htmx fragment from the same view."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from .. import selectors
from ..access import mark_permissions, may_for
from ..models import Comment

# Invalid form input: a 4xx that htmx still swaps in (see the htmx-config meta in base.html).
FORM_ERROR_STATUS = 422


def member_required(view):
    """``login_required`` that also serves htmx: a fragment request from a member whose session
    ended sends the whole page to the login page, instead of swapping the login form into it."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            target = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(target).url)
        return redirect_to_login(request.get_full_path())

    return wrapped


def comment_or_404(pk: int) -> Comment:
    comment = selectors.comment_for_view(pk)
    if comment is None:
        raise Http404("No such comment.")
    return comment


def permalink(comment: Comment) -> str:
    """The term page, at the page of the discussion that shows ``comment``, at its anchor."""
    url = comment.term.get_absolute_url()
    page = selectors.comment_page_number(comment)
    if page > 1:
        url += f"?comments={page}"
    return f"{url}#{comment.anchor}"


def require(allowed: bool, message: str = gettext_lazy("You may not do this here.")) -> None:
    if not allowed:
        raise PermissionDenied(message)


def page_or_fragment(
    request, *, page: str, fragment: str, context: dict, status: int = 200
) -> HttpResponse:
    """The same view answers a full page without JavaScript and a fragment to htmx."""
    template = fragment if request.htmx else page
    return render(request, template, context, status=status)


def comment_context(request, comment: Comment) -> dict:
    """What a comment's box needs: the comment with its buttons, and what the member may do."""
    comment.children = []
    mark_permissions([comment], request.user)
    return {"comment": comment, "term": comment.term, "may": may_for(request.user, comment.term)}


def box_response(request, comment: Comment) -> HttpResponse:
    """htmx: the comment's box, replacing the one on the page (after an edit or a delete)."""
    response = render(
        request, "discussion/includes/_comment_box.html", comment_context(request, comment)
    )
    return reswap(retarget(response, f"#{comment.anchor}-box"), "outerHTML")
