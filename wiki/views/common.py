"""Helpers shared by the view modules."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse

from .. import selectors
from ..models import Term


def term_or_rename_redirect(
    request: HttpRequest, slug: str, view_name: str, **kwargs
) -> Term | HttpResponsePermanentRedirect:
    """The term at ``slug``; for a renamed term's old slug, a 301 to the same page under the
    new slug (query string kept); otherwise 404."""
    term = Term.objects.filter(slug=slug).first()
    if term is not None:
        return term
    target = selectors.term_redirect_target(slug)
    if target is None:
        raise Http404("No such term.")
    url = reverse(view_name, kwargs={"slug": target.slug, **kwargs})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
