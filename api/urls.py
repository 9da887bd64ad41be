"""``/api/v1/``: ninja's URL patterns, answering in JSON wherever Django would not.

ninja answers a method an operation does not have with a bare 405, its schema and docs views
take any method, and Django answers an unknown address with the site's HTML 404. Here a wrong
method is a JSON 405 with ``Allow``, the read-only views (schema, docs, index) answer GET only,
an unknown address is a JSON 404 for every method, none of these needs a CSRF token (they
change nothing), and every GET is conditional.
"""

from __future__ import annotations

import functools

from django.http import HttpResponseNotAllowed
from django.urls import URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt

from .v1.api import api
from .v1.conditional import conditional
from .v1.errors import error_body

READ_ONLY = frozenset({"openapi-json", "openapi-view", "api-root"})


def _not_allowed(request, allowed: str):
    body = error_body("method_not_allowed", f"This address answers {allowed}.")
    response = api.create_response(request, body, status=405)
    response["Allow"] = allowed
    return response


def _json_answers(view, *, read_only: bool, exempt: bool):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if read_only and request.method not in ("GET", "HEAD"):
            return _not_allowed(request, "GET")
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return _not_allowed(request, response["Allow"])
        return conditional(request, response)

    return csrf_exempt(wrapped) if exempt else wrapped


def _index(request, **kwargs):
    body = {"docs": reverse("api-v1:openapi-view"), "openapi": reverse("api-v1:openapi-json")}
    return api.create_response(request, body, status=200)


def _not_found(request, unknown: str):
    body = error_body("not_found", "The API has no such address; see /api/v1/docs/.")
    return api.create_response(request, body, status=404)


def _v1_urls():
    patterns, app, namespace = api.urls
    patterns.append(path("<path:unknown>", _not_found, name="not_found"))
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name == "api-root":  # ninja's raises Http404; say where things are
                pattern.callback = _index
            read_only = pattern.name in READ_ONLY
            exempt = read_only or pattern.name == "not_found"  # a 404 for every method
            pattern.callback = _json_answers(pattern.callback, read_only=read_only, exempt=exempt)
    return patterns, app, namespace


urlpatterns = [path("v1/", _v1_urls())]
