"""Finding one's way: the hover card's JSON, the map and the path between two terms.

Reads only, each a fixed number of queries (``wiki.navigation``). The JSON answers carry an
ETag and may be kept by the browser for a few minutes: a card or a map changes only when a
term is saved, and a stale one for that long is harmless.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import Tag

from markup import slugify_title

from .. import maps, navigation, selectors
from ..forms import MapForm, PathForm
from ..models import Category, Difficulty, Term
from .common import follows_renames, term_at

JSON_MAX_AGE = 300


@follows_renames
def term_card(request: HttpRequest, slug: str) -> HttpResponse:
    term = navigation.term_card(slug)
    if term is None:
        term_at(slug)  # a renamed term's old slug: 301 to its card; otherwise 404
        raise Http404
    label = Difficulty(term.difficulty).label if term.difficulty in Difficulty.values else ""
    category = term.category
    card = {
        "title": term.title,
        "url": term.get_absolute_url(),
        "category": category.name if category else "",
        "difficulty": term.difficulty,
        "difficulty_label": str(label),
        "summary": navigation.first_paragraph(term.html_head),  # type: ignore[attr-defined]
    }
    return cached_json(request, card)


def term_map(request: HttpRequest) -> HttpResponse:
    choice = _chosen_map(MapForm(request.GET))
    data_url = reverse("wiki:map_data") + "?" + urlencode(choice.params) if choice.map else ""
    context = {"choice": choice, "map": choice.map, "data_url": data_url}
    context.update(selectors.filter_choices())
    return render(request, "wiki/term_map.html", context, status=404 if choice.error else 200)


def map_data(request: HttpRequest) -> HttpResponse:
    choice = _chosen_map(MapForm(request.GET))
    if choice.map is None:
        message = choice.error or _("There are no terms to draw yet.")
        return JsonResponse({"error": message}, status=404)
    return cached_json(request, choice.map.as_json())


def term_path(request: HttpRequest) -> HttpResponse:
    form = PathForm(request.GET)
    context: dict = {"form": form}
    if not form.is_bound:
        return render(request, "wiki/term_path.html", context)
    if not form.is_valid():
        return render(request, "wiki/term_path.html", context, status=400)
    start, goal = (_term_named(form.cleaned_data[name]) for name in ("start", "goal"))
    for name, term in (("start", start), ("goal", goal)):
        if term is None:
            message = _("No term is called “%(name)s”.") % {"name": form.cleaned_data[name]}
            form.add_error(name, message)
    if start is None or goal is None:
        return render(request, "wiki/term_path.html", context, status=404)
    try:
        result, steps = navigation.path_between(start, goal)
    except navigation.GraphTooLarge:
        context["too_large"] = True
        return render(request, "wiki/term_path.html", context, status=503)
    context.update(result=result, steps=steps, start=start, goal=goal)
    return render(request, "wiki/term_path.html", context)


def _term_named(name: str) -> Term | None:
    """The term with this title or slug, following a rename."""
    slug = slugify_title(name)
    if not slug:
        return None
    found = Term.objects.select_related("category").filter(slug=slug).first()
    return found or selectors.term_redirect_target(slug)


@dataclass(frozen=True)
class MapChoice:
    """The map a request asks for, the parameters that name it, a caption, or why none."""

    map: maps.TermMap | None = None
    params: dict[str, str] = field(default_factory=dict)
    caption: str = ""
    error: str = ""


def _chosen_map(form: MapForm) -> MapChoice:
    """A term's neighbourhood, a category or a tag (the first one given); by default the
    largest category."""
    if not form.is_valid():
        return MapChoice(error=" ".join(str(e) for errors in form.errors.values() for e in errors))
    wanted = form.cleaned_data
    if wanted["term"]:
        term = _term_named(wanted["term"])
        if term is None:
            return MapChoice(error=_("No term is called “%(name)s”.") % {"name": wanted["term"]})
        caption = _("Within two steps of %(title)s") % {"title": term.title}
        return MapChoice(maps.map_around(term), {"term": term.slug}, caption)
    if wanted["category"]:
        category = Category.objects.filter(slug=slugify_title(wanted["category"])).first()
        if category is None:
            name = wanted["category"]
            return MapChoice(error=_("There is no category “%(name)s”.") % {"name": name})
        return _map_of(category.terms.all(), {"category": category.slug}, category.name)
    if wanted["tag"]:
        tag = Tag.objects.filter(slug=wanted["tag"].strip()).first()
        if tag is None:
            return MapChoice(error=_("There is no tag “%(name)s”.") % {"name": wanted["tag"]})
        terms = Term.objects.filter(tags__slug=tag.slug)
        return _map_of(terms, {"tag": tag.slug}, _("Tagged #%(tag)s") % {"tag": tag.name})
    largest = (
        selectors.categories_with_counts().order_by("-n_terms", "name").first()  # type: ignore[misc]
    )
    if largest is not None:
        return _map_of(largest.terms.all(), {"category": largest.slug}, largest.name)
    if Term.objects.exists():
        return _map_of(Term.objects.all(), {}, _("All terms"))
    return MapChoice()


def _map_of(terms, params: dict[str, str], caption: str) -> MapChoice:
    return MapChoice(maps.map_of(terms), params, caption)


def cached_json(request: HttpRequest, data: dict) -> HttpResponse:
    """``data`` as JSON with an ETag of its bytes; 304 when the browser has it already."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={JSON_MAX_AGE}"
    return response
