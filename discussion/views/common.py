"""Helpers the discussion's views share: finding a comment, its permalink, and answering
either a full page (no JavaScript) or an htmx fragment from the same view."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap, retarget

from .. import selectors
from ..access import mark_permissions, may_for
from ..models import Comment

# Invalid form input: a 4xx that htmx still swaps in (see the htmx-config meta in base.html).
FORM_ERROR_STATUS = 422


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


def require(allowed: bool, message: str = "You may not do this here.") -> None:
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
