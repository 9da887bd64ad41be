"""Reading the wiki: no JavaScript needed, no rendering on a page view, fixed query counts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from taggit.models import Tag

from .. import navigation, selectors
from ..forms import TermFilterForm
from ..models import Category, Term

PAGE_SIZE = 100


def home(request):
    context = {
        "recent": selectors.recent_terms(10),
        "categories": selectors.categories_in_use(),
        "counts": selectors.wiki_counts(),
    }
    return render(request, "wiki/home.html", context)


def term_list(request):
    form = TermFilterForm(request.GET)
    filters, letter = form.filters, form.chosen_letter
    terms = Term.objects.for_listing().filtered(**filters).order_by("title")
    if letter:
        terms = terms.starting_with(letter)
    if letter or any(filters.values()):
        paginator = Paginator(terms, PAGE_SIZE)
    else:  # all of them: counting every term once per write, not per view
        paginator = selectors.CountedPaginator(terms, PAGE_SIZE, count=selectors.term_count())
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "letter": letter,
        "letters": selectors.index_letters(),
        "filters": filters,
        "active_filters": {k: v for k, v in filters.items() if v},
        "filter_qs": urlencode({k: v for k, v in filters.items() if v}),
        "querystring": urlencode({k: v for k, v in {**filters, "letter": letter}.items() if v}),
        **selectors.filter_choices(),
    }
    return render(request, "wiki/term_list.html", context)


def term_detail(request, slug: str):
    term = selectors.term_for_page(slug)
    if term is None:
        return _missing_term(request, slug)
    # Worked out only when the page's connections are not kept from an earlier request
    # (``{% per_generation %}`` in the template).
    connections = SimpleLazyObject(lambda: navigation.term_connections(term))
    return render(request, "wiki/term_detail.html", {"term": term, "connections": connections})


def category_list(request):
    return render(request, "wiki/category_list.html", {"categories": selectors.categories_in_use()})


def category_detail(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    terms = category.terms.for_listing().order_by("title")
    page = Paginator(terms, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wiki/category_detail.html", {"category": category, "page": page})


def tag_list(request):
    return render(request, "wiki/tag_list.html", {"tags": selectors.tags_with_counts()})


def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    terms = Term.objects.for_listing().filter(tags__slug=slug).order_by("title")
    page = Paginator(terms, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wiki/tag_detail.html", {"tag": tag, "page": page})


def wanted(request):
    page = selectors.wanted_page(request.GET.get("page"), PAGE_SIZE)
    for row in page:
        row["title"] = selectors.slug_to_title(row["target_slug"])
    return render(request, "wiki/wanted.html", {"page": page})


def _missing_term(request, slug: str):
    """Old slugs redirect to the renamed term; otherwise a 404 that offers to write it."""
    target = selectors.term_redirect_target(slug)
    if target is not None:
        return redirect(target, permanent=True)
    context = {
        "slug": slug,
        "title": selectors.slug_to_title(slug),
        "backlinks": selectors.term_backlinks(slug),
    }
    return render(request, "wiki/term_missing.html", context, status=404)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
