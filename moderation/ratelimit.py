"""Rate limits: how often a member (or an IP address) may do a repeatable action.

Counters live in Django's cache, one per action, client and window (a minute and an hour,
fixed windows). With Redis as the cache (``REDIS_URL``) every app process shares them; with the
default local-memory cache each process counts alone, which is fine for one process only.
Moderators are exempt. An action over its limit gets HTTP 429 with a page that says when to
retry and carries what the member sent, so nothing typed is lost.

``hit`` is the primitive; ``check_request`` applies it to a request; ``@rate_limited("comment")``
guards a view's POSTs; ``preview_response`` serves the editor's preview (a repeated identical
preview comes from the cache and costs no render and no count).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from . import policy
from .conf import setting
from .ip import client_ip, rate_key

WINDOWS: tuple[tuple[str, int], ...] = (("minute", 60), ("hour", 3600))
LOCKOUT = "lockout"  # django-axes' login lockout, which has its own counters
# Read as "Too many <label>: at most 10 per minute."
ACTION_LABELS = {
    "signup": gettext_lazy("sign-ups from your network"),
    "password_reset": gettext_lazy("password-reset requests"),
    "edit": gettext_lazy("edits"),
    "comment": gettext_lazy("comments"),
    "report": gettext_lazy("reports"),
    "preview": gettext_lazy("previews"),
}


def now() -> float:
    """The clock (tests move it forward to see a window pass)."""
    return time.time()


@dataclass(frozen=True)
class Refusal:
    action: str
    window: str
    limit: int
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        if self.window == LOCKOUT:
            return _(
                "Too many failed log-ins for this account or from your network. "
                "Try again in %(duration)s, or reset your password."
            ) % {"duration": _duration(self.retry_after)}
        values = {
            "what": ACTION_LABELS.get(self.action, self.action),
            "limit": self.limit,
            "duration": _duration(self.retry_after),
        }
        if self.window == "hour":
            text = _("Too many %(what)s: at most %(limit)s per hour. Try again in %(duration)s.")
        else:
            text = _("Too many %(what)s: at most %(limit)s per minute. Try again in %(duration)s.")
        return text % values


def hit(action: str, keys: Iterable[str]) -> Refusal | None:
    """Count one ``action`` for each client key, or refuse it if any key is at its limit.

    Each counter is incremented first (atomic in Redis), so two processes racing for the last
    slot cannot both get it; a refused attempt is then taken back, so a member who waits as
    told is let in again.
    """
    per_minute, per_hour = setting("MODERATION_RATE_LIMITS")[action]
    limits = dict(zip((name for name, _ in WINDOWS), (per_minute, per_hour), strict=True))
    t = now()
    counted: list[str] = []
    refusal = None
    for key in keys:
        for window, seconds in WINDOWS:
            limit = limits[window]
            if not limit:
                continue
            bucket = int(t // seconds)
            cache_key = f"ratelimit:{action}:{window}:{key}:{bucket}"
            counted.append(cache_key)
            if _increment(cache_key, seconds + 5) > limit:
                retry_after = max(1, math.ceil((bucket + 1) * seconds - t))
                refusal = Refusal(action, window, limit, retry_after)
                break
        if refusal is not None:
            break
    if refusal is not None:
        for cache_key in counted:
            with contextlib.suppress(ValueError):  # expired meanwhile: nothing to take back
                cache.decr(cache_key)
    return refusal


def _increment(cache_key: str, timeout: int) -> int:
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def request_keys(request: HttpRequest) -> list[str]:
    """Who is acting: the member, or the client's address for anonymous requests."""
    if request.user.is_authenticated:
        return [f"user:{request.user.pk}"]
    return [f"ip:{rate_key(client_ip(request))}"]


def check_request(
    request: HttpRequest, action: str, *, extra_keys: Iterable[str] = ()
) -> Refusal | None:
    if policy.is_rate_limit_exempt(request.user):
        return None
    return hit(action, [*request_keys(request), *extra_keys])


def too_many_requests(request: HttpRequest, refusal: Refusal, *, keep: bool = True) -> HttpResponse:
    """The 429 page: when to retry, and the member's text with a button to send it again."""
    context = {
        "refusal": refusal,
        "kept_fields": kept_fields(request) if keep and request.method == "POST" else [],
        "action_url": request.get_full_path(),
    }
    if request.headers.get("HX-Request"):
        body = render_to_string("moderation/includes/_rate_limited.html", context, request)
    else:
        body = render_to_string("429.html", context, request)
    return HttpResponse(body, status=429, headers={"Retry-After": str(refusal.retry_after)})


def kept_fields(request: HttpRequest) -> list[tuple[str, str, bool]]:
    """What the member posted, as (name, value, long text?) to put back into a form.

    The CSRF token is left out (the page adds a fresh one), and so is any password.
    """
    kept = []
    for name, values in request.POST.lists():
        if name == "csrfmiddlewaretoken" or "password" in name.lower():
            continue
        for value in values:
            kept.append((name, value, "\n" in value or len(value) > 120))
    return kept


def rate_limited(
    action: str | Callable[[HttpRequest], str], *, methods: tuple[str, ...] = ("POST",)
) -> Callable:
    """Guard a view: requests with one of ``methods`` count against ``action``'s limits.

    ``action`` may be a function of the request, e.g. the editor's no-JavaScript "Preview"
    button counts as a preview, its "Save" as an edit.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method in methods:
                name = action(request) if callable(action) else action
                refusal = check_request(request, name)
                if refusal is not None:
                    return too_many_requests(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def preview_response(
    request: HttpRequest, content: str, render: Callable[[str], str]
) -> HttpResponse:
    """The editor's preview of ``content``: from the cache when the same text was previewed
    lately (by anyone), else rendered within the member's preview limit."""
    digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
    cache_key = f"preview:{get_language()}:{digest}"  # a refusal is in the reader's language
    html = cache.get(cache_key)
    if html is None:
        refusal = check_request(request, "preview")
        if refusal is not None:
            fragment = f'<p class="render-error">{escape(refusal.message)}</p>'
            return HttpResponse(
                fragment, status=429, headers={"Retry-After": str(refusal.retry_after)}
            )
        html = render(content)
        cache.set(cache_key, html, timeout=setting("MODERATION_PREVIEW_CACHE_SECONDS"))
    return HttpResponse(html)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    if seconds < 90 * 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
