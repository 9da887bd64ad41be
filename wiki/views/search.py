"""Search pages: parse the request, call ``wiki.search``, render. Works without JavaScript."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from .. import search as search_index
from .. import selectors

PAGE_SIZE = 20
SUGGESTIONS = 8


def search(request):
    raw_q = request.GET.get("q", "")[: search_index.MAX_QUERY_CHARS]
    q = search_index.clean_text(raw_q)
    filters = selectors.term_filters(request.GET)
    if request.GET.get("go") and not any(filters.values()):
        term = search_index.exact_title(q)
        if term is not None:
            return redirect(term)
    results, page, similar = None, None, []
    if q:
        results = search_index.search(raw_q, **filters)
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        if not page.paginator.count:
            similar = search_index.similar_titles(q)
    context = {
        "q": q,
        "results": results,
        "page": page,
        "max_results": search_index.MAX_RESULTS,
        "similar": similar,
        "filters": filters,
        "querystring": urlencode({k: v for k, v in {"q": q, **filters}.items() if v}),
        **selectors.filter_choices(),
    }
    return render(request, "wiki/search.html", context)


def suggest(request):
    q = search_index.clean_text(request.GET.get("q", "")[: search_index.MAX_QUERY_CHARS])
    matches = search_index.suggest(q, limit=SUGGESTIONS)
    return JsonResponse({"results": [{"title": m.title, "url": m.url} for m in matches]})
