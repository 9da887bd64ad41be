"""The anonymous full-page cache, and the one counter that keeps it honest.

Reading is the hot path, and most readers are anonymous: they all see the same page. So an
anonymous GET is answered from the cache (Redis with ``REDIS_URL``) before sessions,
authentication and CSRF do any work, and the page is rendered only when what it shows changed.

*What a page shows* is summed up by the **content generation**: one integer in the cache,
shared by every app process, that moves on after every committed write to a table a page can
show (terms, revisions, links, comments, protection, members' names, ...). A cached page is
used only while the generation it was rendered under is still the current one, so an edit, a
comment, a rename, a protection or a new term that turns a link blue is visible at once, on
every server, and nothing is ever cleared by hand. The generation is bumped by the database
layer itself (``watch_writes``, an execute wrapper on every connection), after the write
commits, so no write path can forget it: the services, the admin, the bulk import, tasks,
management commands and raw SQL all count. Writes that no page shows (sessions, the task
queue, login bookkeeping, notifications) do not.

The cache key holds the rest of what a page depends on: the URL (host, path and query), the
interface language (the language switcher's cookie, else Accept-Language, as LocaleMiddleware
reads them, so one of settings.LANGUAGES), the renderer's version and the build (a fingerprint
of the templates, code, compiled translations and static manifest, taken when a process
starts), so a deploy never serves pages of the previous release.

Why a global generation rather than one version per page: a term page shows its own revision,
its backlinks, related terms, comments, experts, protection and member names; the A-Z index,
home, categories and search show many terms at once. A per-page version would have to be
bumped by every write path for every page it touches, and a forgotten one is a stale page.
Writes are rare next to reads, so starting over after each is cheap, and correct by
construction.

Members (a session cookie) always get a fresh page (``Cache-Control: private``). Every page
gets an ETag and Last-Modified and answers a conditional GET with 304.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache as default_cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language_from_request

import markup

logger = logging.getLogger("commonplace.pagecache")

# The query parameters the site's pages read. A URL with any other is answered but never
# stored: otherwise any made-up parameter would be one more entry in the cache.
QUERY_PARAMS = frozenset(
    {
        *("q", "go", "page", "letter", "category", "tag", "difficulty"),  # lists, search
        *("comments", "from", "to", "term", "since"),  # discussion, history, paths, map
        *("kind", "member", "status", "hide_mine"),  # recent changes, moderation
    }
)
GENERATION_KEY = "pagecache:generation"
PAGE_KEY_PREFIX = "pagecache:page:"
VERSION = 2  # bump when the stored entry's shape changes
MEMO_SECONDS = 3600  # a per-generation value is dropped at the latest after this
T = TypeVar("T")

# Tables whose writes change nothing a page shows to anyone who is not logged in.
QUIET_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "django_tasks_database_dbtaskresult",
        "accounts_apitoken",
        "discussion_notification",
        "discussion_membersettings",
        "moderation_namekey",
    }
)
QUIET_PREFIXES = ("axes_",)
_WRITE_RE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_SCHEMA_RE = re.compile(r"\s*(?:CREATE|ALTER|DROP|TRUNCATE)\b", re.IGNORECASE)
# Logging in stamps ``last_login``; no page shows it.
_LAST_LOGIN_RE = re.compile(r'\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE')


# The generation.


def generation() -> int:
    """The current content generation (started from the clock if the cache lost it)."""
    value = default_cache.get(GENERATION_KEY)
    if value is None:
        default_cache.add(GENERATION_KEY, _fresh_start(), timeout=None)
        value = default_cache.get(GENERATION_KEY)
    return int(value)


def _fresh_start() -> int:
    # Never a number used before (a cache that lost the key may still hold pages stored
    # under an old one): microseconds since the epoch outrun any count of writes.
    return time.time_ns() // 1000


def bump() -> None:
    """Move the generation on: every page cached so far is out of date."""
    try:
        try:
            default_cache.incr(GENERATION_KEY)
        except ValueError:  # not there (first write, or evicted)
            if not default_cache.add(GENERATION_KEY, _fresh_start(), timeout=None):
                default_cache.incr(GENERATION_KEY)
    except Exception:
        # The write is committed; a page cached before it may be served until it expires
        # (PAGE_CACHE_SECONDS). Say so loudly rather than fail the request that wrote.
        logger.exception("Could not move the page cache generation on.")


def content_changed(using: str = "default", *, connection: Any = None) -> None:
    """Bump the generation once the current transaction commits (at once outside one).

    Never before the commit: a reader that saw the new generation would render the old rows
    and keep them under it. Registered once per transaction.
    """
    connection = connection or transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
        return
    if not any(func is bump for _, func, _ in connection.run_on_commit):
        connection.on_commit(bump, robust=True)


def is_content_write(sql: str) -> bool:
    match = _WRITE_RE.match(sql)
    if match is None:
        return _SCHEMA_RE.match(sql) is not None
    table = match.group(1).lower()
    if table in QUIET_TABLES or table.startswith(QUIET_PREFIXES):
        return False
    return not (table == "accounts_user" and _LAST_LOGIN_RE.match(sql))


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: after a statement that writes what pages show, ``content_changed``."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_content_write(sql):
        content_changed(connection=context["connection"])
    return result


def install(sender: Any = None, *, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: watch every connection of every process."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def per_generation(name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept until the content generation moves on (at once without the cache).

    For figures that read a whole table by nature (how many terms, the wanted list): they
    are then worked out once per write, not once per request, and are never out of date.
    """
    if not enabled():
        return compute()
    key = f"pagecache:memo:{build_version()}:{name}"
    try:
        current = generation()  # read before computing, as for a page
        found = default_cache.get(key)
    except Exception:
        logger.exception("Page cache unavailable; computing %s.", name)
        return compute()
    if found is not None and found[0] == current:
        return found[1]
    value = compute()
    try:
        default_cache.set(key, (current, value), timeout=MEMO_SECONDS)
    except Exception:
        logger.exception("Could not keep %s in the cache.", name)
    return value


# The middleware.


def enabled() -> bool:
    """``PAGE_CACHE``: "on", "off", or "auto" (on when the cache is shared by processes:
    a page stored by one process must go stale when another one writes)."""
    mode = getattr(settings, "PAGE_CACHE", "auto")
    if mode == "auto":
        backend = settings.CACHES["default"]["BACKEND"]
        return not backend.endswith(("LocMemCache", "DummyCache"))
    return mode == "on"


@cache
def build_version() -> str:
    """A fingerprint of what renders pages: templates, code and the static manifest (names
    with hashes), taken once per process. A deploy gets keys of its own."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=12)
    roots = [root / "templates", root / "locale", *(root / app for app in _project_apps())]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    paths = sorted(p for base in roots if base.is_dir() for p in base.rglob("*") if p.is_file())
    for path in [*paths, manifest] if manifest.exists() else paths:
        if path.suffix in {".py", ".html", ".txt", ".json", ".xml", ".mo"}:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for value in (VERSION, markup.RENDERER_VERSION, settings.SITE_NAME, settings.STATIC_URL):
        digest.update(f"{value}\n".encode())
    return digest.hexdigest()


def _project_apps() -> list[str]:
    """Our own packages (each a directory under BASE_DIR)."""
    root = Path(settings.BASE_DIR)
    names = {entry.split(".")[0] for entry in settings.INSTALLED_APPS}
    return sorted(name for name in names | {"config", "markup"} if (root / name).is_dir())


class PageCacheMiddleware:
    """Anonymous GETs from the cache; ETag, Last-Modified, 304 and Cache-Control for all.

    Sits just after WhiteNoise (static files never reach it) and before the session,
    authentication and CSRF middleware, so a cached page costs one cache round trip.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (enabled() and _anonymous(request)):
            return self._fresh(request, self.get_response(request), public=False)
        key = self._key(request)
        if key is None:  # the same for everyone, but not to be kept
            response = self._fresh(request, self.get_response(request), public=True)
            response["X-Page-Cache"] = "pass"
            return response
        try:
            found = default_cache.get_many([GENERATION_KEY, key])
            current = found.get(GENERATION_KEY)
            current = generation() if current is None else int(current)
        except Exception:
            logger.exception("Page cache unavailable; rendering the page.")
            return self._fresh(request, self.get_response(request), public=True)
        entry = found.get(key)
        if entry is not None and entry[0] == current:
            return self._from_entry(request, entry)
        response = self._fresh(request, self.get_response(request), public=True)
        if _storable(request, response):
            self._store(key, current, response)
            response["X-Page-Cache"] = "miss"
        else:
            response["X-Page-Cache"] = "pass"
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        try:
            host = request.get_host().lower()
        except DisallowedHost:
            return None  # Django answers 400 further in
        if not set(request.GET) <= QUERY_PARAMS:
            return None  # a parameter no page reads: answered, never stored
        # The script name apart from the path: what is routed is the path alone, and every
        # link on the page starts with the script name.
        script = request.META.get("SCRIPT_NAME", "")
        url = f"{request.scheme}://{host}|{script}|{request.path_info}?{request.GET.urlencode()}"
        # The language as LocaleMiddleware (after this middleware) will choose it.
        language = get_language_from_request(request)
        raw = f"{build_version()}|{language}|{url}".encode("utf-8", "surrogatepass")
        return PAGE_KEY_PREFIX + hashlib.blake2b(raw, digest_size=20).hexdigest()

    @staticmethod
    def _store(key: str, current: int, response: HttpResponse) -> None:
        headers = [(k, v) for k, v in response.items() if k.lower() != "x-page-cache"]
        content = zlib.compress(response.content, 6)  # a page is a fifth of its size
        if len(content) > settings.PAGE_CACHE_MAX_BYTES:
            return
        entry = (current, content, headers)
        try:
            default_cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Could not store a page in the cache.")

    @staticmethod
    def _from_entry(request: HttpRequest, entry: tuple) -> HttpResponse:
        _, content, headers = entry
        response = HttpResponse(zlib.decompress(content))
        for name, value in headers:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        etag = response.get("ETag")
        conditional = get_conditional_response(
            request, etag=etag, last_modified=_last_modified(response), response=response
        )
        if conditional is not None:
            conditional["X-Page-Cache"] = "hit"
        return conditional or response

    @staticmethod
    def _fresh(request: HttpRequest, response: HttpResponse, *, public: bool) -> HttpResponse:
        """ETag (from the content), Last-Modified and Cache-Control; 304 if the client has
        it. ``public``: a proxy may keep it for ``PAGE_CACHE_MAX_AGE`` seconds."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming or not _is_page(response):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = _etag(request, response.content)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        if not response.has_header("Cache-Control"):
            if public and not response.cookies:
                patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            else:
                patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        conditional = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=_last_modified(response),
            response=response,
        )
        return conditional or response


_MASKED_TOKEN_RE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*"')


def _etag(request: HttpRequest, content: bytes) -> str:
    """The content's digest, leaving out the CSRF token in a member's forms (masked afresh
    on every page, so the page would never be "not modified") but taking in the secret it
    is masked from: a page kept from before a log-in (a new secret) is never reused."""
    digest = hashlib.blake2b(_MASKED_TOKEN_RE.sub(rb"\1", content), digest_size=16)
    digest.update(str(request.META.get("CSRF_COOKIE", "")).encode())
    return f'"{digest.hexdigest()}"'


def _anonymous(request: HttpRequest) -> bool:
    """Whether the request is one every anonymous reader would get the same answer to."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    headers = request.headers
    return not ("Authorization" in headers or "HX-Request" in headers)


def _is_page(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A page any anonymous reader may get as it is: a plain 200 HTML page that sets no
    cookie (a CSRF token or a message would be someone's own) and does not say otherwise."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or not _is_page(response):
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return not vary - {"cookie", "accept-encoding", "accept-language"}  # the key holds the language


def _last_modified(response: HttpResponse) -> int | None:
    from django.utils.http import parse_http_date_safe

    value = response.get("Last-Modified")
    return parse_http_date_safe(value) if value else None
