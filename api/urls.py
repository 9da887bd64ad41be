"""``/api/v1/``: ninja's URL patterns, with a JSON answer for a wrong method or address.

ninja answers a method an operation does not have with a bare 405 and Django answers an
unknown address with the site's HTML 404; an API client gets JSON with a ``code`` instead.
"""

from __future__ import annotations

import functools

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, reverse

from .v1.api import api
from .v1.errors import error_body


def _json_not_allowed(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            body = error_body("method_not_allowed", f"This address answers {allowed}.")
            response = api.create_response(request, body, status=405)
            response["Allow"] = allowed
        return response

    return wrapped


def _v1_urls():
    patterns, app, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name == "api-root":  # ninja's raises Http404; say where things are
                pattern.callback = _index
            pattern.callback = _json_not_allowed(pattern.callback)
    patterns.append(path("<path:unknown>", _not_found, name="not_found"))
    return patterns, app, namespace


def _index(request, **kwargs):
    body = {"docs": reverse("api-v1:openapi-view"), "openapi": reverse("api-v1:openapi-json")}
    return api.create_response(request, body, status=200)


def _not_found(request, unknown: str):
    body = error_body("not_found", "The API has no such address; see /api/v1/docs/.")
    return api.create_response(request, body, status=404)


urlpatterns = [path("v1/", _v1_urls())]
