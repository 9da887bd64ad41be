"""Small request/response guards that apply to every page."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
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
    """NUL characters are never meaningful in a wiki address.

    In the path they get a 400; in query parameters they are dropped, so a search for
    "a\x00b" is a search for "ab". PostgreSQL refuses NUL in text, so without this every view
    that filters on a parameter would have to clean it or fail with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return HttpResponseBadRequest(
                "The address contains a NUL character.", content_type="text/plain"
            )
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
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
