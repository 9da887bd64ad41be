"""Search pages: parse the request, call ``wiki.search``, render. Works without JavaScript."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from taggit.models import Tag

from .. import search as search_index
from ..models import Category, Difficulty

PAGE_SIZE = 20
SUGGESTIONS = 8


def search(request):
    raw_q = request.GET.get("q", "")[: search_index.MAX_QUERY_CHARS]
    q = search_index.clean_text(raw_q)
    filters = {name: _param(request, name) for name in ("category", "tag", "difficulty")}
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
        "categories": Category.objects.all(),
        # Names only: counting every tag's terms costs more than the search on a big wiki.
        "tags": Tag.objects.order_by("name").only("name", "slug"),
        "difficulties": Difficulty.choices,
    }
    return render(request, "wiki/search.html", context)


def suggest(request):
    matches = search_index.suggest(_param(request, "q"), limit=SUGGESTIONS)
    return JsonResponse({"results": [{"title": m.title, "url": m.url} for m in matches]})


def _param(request, name: str) -> str:
    """A GET parameter as text a database accepts (no NUL or other control characters)."""
    return search_index.clean_text(request.GET.get(name, "")[:200])[:100]
