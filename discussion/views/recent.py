"""Recent changes across the wiki, and a member's comments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from search.query import clean_text
from wiki.models import Category

from .. import selectors

PER_PAGE = 50


def recent(request):
    filters = recent_filters(request)
    rows = selectors.recent_changes(
        kind=filters["kind"],
        category=filters["category"],
        hide_user=request.user if filters["hide_mine"] else None,
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "changes": selectors.recent_page(page.object_list),
        "filters": filters,
        "kinds": selectors.RECENT_KINDS,
        "categories": Category.objects.only("name", "slug"),
        "querystring": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render(request, "discussion/recent.html", context)


def recent_filters(request) -> dict:
    kind = request.GET.get("kind", "")
    return {
        "kind": kind if kind in selectors.RECENT_KINDS else "",
        "category": clean_text(request.GET.get("category", "")[:200])[:100],
        "hide_mine": "1" if request.user.is_authenticated and request.GET.get("hide_mine") else "",
    }


def member_comments(request, username: str):
    member = get_object_or_404(get_user_model(), username=username)
    page = Paginator(selectors.member_comments(member), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "discussion/member_comments.html", {"member": member, "page": page})
