"""Small request/response guards that apply to every page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver

# Same-origin everything; images may come from anywhere over HTTPS (Markdown image links).
# No inline scripts or styles anywhere in the templates, so none are allowed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' https: data:",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RejectNulMiddleware:
    """NUL characters are never meaningful in a request, and PostgreSQL refuses them in text.

    In the path they get a 400. Everywhere else they are dropped before any view, session
    or login handler sees them: query parameters (a search for "a\x00b" is a search for
    "ab"), form fields, cookies (a session key with a NUL is then simply unknown) and
    headers (django-axes stores the User-Agent of a failed log-in). Without this, every
    place that stores or filters on request text would have to clean it or answer 500 on
    PostgreSQL, while SQLite quietly accepts it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return HttpResponseBadRequest(
                "The address contains a NUL character.", content_type="text/plain"
            )
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            request.GET = _without_nul(request.GET)  # type: ignore[assignment]
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", "")
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            try:
                fields = list(request.POST.lists())
            except MultiPartParserError:
                # A broken multipart body (no boundary, truncated): Django raises a plain
                # exception here, which would otherwise be a 500 wherever POST is first read.
                return HttpResponseBadRequest(
                    "The form data could not be read.", content_type="text/plain"
                )
            if any(_has_nul(k) or any(map(_has_nul, v)) for k, v in fields):
                request.POST = _without_nul(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


# Bodies Django parses into request.POST; any other body (JSON for the API) is the view's to
# parse, and the API's schemas drop NUL from every string they accept.
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _has_nul(value: object) -> bool:
    return isinstance(value, str) and "\x00" in value


def _without_nul(params: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in params.lists():
        cleaned.setlist(
            key.replace("\x00", ""),
            [v.replace("\x00", "") if isinstance(v, str) else v for v in values],
        )
    cleaned._mutable = False
    return cleaned


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The admin too: Django's admin templates carry no inline script or style.
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class SiteNotFoundPageMiddleware:
    """Under DEBUG too, a missing page is the site's own 404 page (``handler404``).

    Django shows its technical 404 page when DEBUG is on, and that page's inline styles are
    refused by our Content Security Policy, so ``make run`` showed an unstyled wall of text.
    The site's page says the same thing to a visitor and keeps the policy whole; the debug
    details (the URL patterns tried) are not needed to see that a page is missing. Does
    nothing when DEBUG is off, where Django already uses ``handler404``. Sits last in
    ``MIDDLEWARE`` so that ``request.user`` is set and CommonMiddleware's APPEND_SLASH
    redirect still sees the 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL pattern matched: Django made its technical page from the Resolver404.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return self._site_404(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view raised Http404; a 404 a view *returns* (a missing term's page) is its own."""
        if settings.DEBUG and isinstance(exception, Http404):
            return self._site_404(request, exception)
        return None

    @staticmethod
    def _site_404(request: HttpRequest, exception: Http404) -> HttpResponse:
        handler = get_resolver().resolve_error_handler(404)
        return handler(request, exception)  # type: ignore[call-arg]
