"""Search pages: parse the request, call the search interface, render. Works without JavaScript."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from wiki import selectors
from wiki.forms import TermFilterForm

from . import results as search_results
from .query import MAX_QUERY_CHARS, clean_text
from .results import exact_title
from .results import search as run_search
from .suggest import similar_titles
from .suggest import suggest as suggest_titles

PAGE_SIZE = 20
SUGGESTIONS = 8


def search(request):
    raw_q = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    q = clean_text(raw_q)
    filters = TermFilterForm(request.GET).filters
    if request.GET.get("go") and not any(filters.values()):
        term = exact_title(q)
        if term is not None:
            return redirect(term)
    results, page, similar = None, None, []
    if q:
        results = run_search(raw_q, **filters)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        if not page.paginator.count:
            similar = similar_titles(q)
    context = {
        "q": q,
        "results": results,
        "page": page,
        "max_results": search_results.MAX_RESULTS,
        "similar": similar,
        "filters": filters,
        "querystring": urlencode({k: v for k, v in {"q": q, **filters}.items() if v}),
        **selectors.filter_choices(),
    }
    return render(request, "search/search.html", context)


def suggest(request):
    q = clean_text(request.GET.get("q", "")[:MAX_QUERY_CHARS])
    matches = suggest_titles(q, limit=SUGGESTIONS)
    return JsonResponse({"results": [{"title": m.title, "url": m.url} for m in matches]})
