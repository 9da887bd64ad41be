"""What the view modules share: finding a term by slug, following renames, refusing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import resolve, reverse
from django.utils.translation import gettext

from .. import selectors
from ..exceptions import TermMoved
from ..models import Term


def term_at(slug: str) -> Term:
    """The term at ``slug``; ``TermMoved`` for a renamed term's old slug; else 404."""
    term = Term.objects.filter(slug=slug).first()
    if term is not None:
        return term
    target = selectors.term_redirect_target(slug)
    if target is None:
        raise Http404("No such term.")
    raise TermMoved(target)


def follows_renames(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view that raises ``TermMoved`` answers with a 301 to the same page under the term's
    new slug, query string kept."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except TermMoved as moved:
            match = resolve(request.path_info)
            url = reverse(match.view_name, kwargs={**match.kwargs, "slug": moved.term.slug})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or gettext("You may not change this term."))
