"""Commonplace settings: one module, configured by environment variables.

Defaults are safe for local use (SQLite in the project directory, DEBUG on only when asked).
Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The "django-insecure-" prefix makes `manage.py check --deploy` flag a forgotten key.
_DEV_SECRET = "django-insecure-dev-only-key-change-me-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET)
# Fail closed: with DEBUG off the development key (published in this repository) is refused,
# so a server started without SECRET_KEY never signs sessions or reset links with it. Local
# work sets DEBUG=1 (`make run` does); the test suite brings its own key (tests/settings.py).
if SECRET_KEY == _DEV_SECRET and env_bool("REQUIRE_SECRET_KEY", not DEBUG):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set, and the development key is refused when DEBUG is off. "
        "Set SECRET_KEY (production) or DEBUG=1 (local development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "Commonplace")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "markdownx",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "wiki",
    "search",
    "moderation",
    "axes",
    "django_htmx",
    "discussion",
    "ninja",  # its docs page from its own static files (no CDN), under our CSP
    "api",
    # The project's own start-up work: the page cache's write watcher (config/pagecache.py).
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous pages from the cache, before sessions, authentication and CSRF do any work.
    "config.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language (the switcher's cookie, else Accept-Language); after sessions,
    # before CommonMiddleware. It adds "Vary: Accept-Language"; the page cache keys by it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "moderation.middleware.AbuseGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SiteNotFoundPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wiki.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the default for real use: WAL lets readers run beside a writer, IMMEDIATE
# transactions take the write lock up front (so two saves queue instead of failing with
# "database is locked" on lock upgrade), and the timeout is how long a writer waits its turn.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # Tests use a file, not the in-memory database, so they exercise WAL and IMMEDIATE
    # transactions as real use does (concurrent saves queue instead of failing).
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_NAME") or str(BASE_DIR / "test-db.sqlite3")
    }

# Background tasks (config/tasks.py). "database" (default): django-tasks-db, worker
# `manage.py db_worker` (make run starts it). "rq": RQ on REDIS_URL, worker `manage.py rqworker`.
# "immediate": run in the request (tests set this).
REDIS_URL = os.environ.get("REDIS_URL", "")
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # The worker runs each job as a django-tasks Task (RQ's own Job class cannot call one:
    # every task failed with "'Task' object is not callable").
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

# With REDIS_URL, the cache (and so rate-limit counters and cached pages) is shared by every
# app process (redis-py reads replies with hiredis when it is installed), and sessions are read
# from it, written through to the database.
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, keeping one client per pool (see config/cache.py).
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "commonplace"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Anonymous pages from the cache (config/pagecache.py). "auto": on when the cache is shared
# by every app process (Redis), since a page one process keeps must go stale when another
# writes; "on" is also right for a single process. Entries live PAGE_CACHE_SECONDS at most;
# a proxy may keep an anonymous page PAGE_CACHE_MAX_AGE seconds.
PAGE_CACHE = os.environ.get("PAGE_CACHE", "auto")
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "10"))
PAGE_CACHE_MAX_BYTES = 256 * 1024  # compressed: larger pages are rendered every time

AUTH_USER_MODEL = "accounts.User"
# A member's public page is the wiki's (it lists their work); accounts stays a leaf.
ABSOLUTE_URL_OVERRIDES = {
    "accounts.user": lambda user: reverse_lazy(
        "wiki:member_detail", kwargs={"username": user.username}
    ),
}
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "wiki:home"
LOGOUT_REDIRECT_URL = "wiki:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The interface's languages; the one translation shipped is French (locale/fr), where
# Django's own catalogue (forms, auth, admin) is complete. Names in their own language for
# the switcher. Terms themselves are written in the community's language and not translated.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is kept for a year (Django's default ends with the browser session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.StaticStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
TAGGIT_CASE_INSENSITIVE = True

# Uploaded request bodies: a term body is limited to 1 MB of Markdown; leave room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

# Email: console locally; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "commonplace@localhost")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Markdown editor: the preview uses our renderer and sanitiser, and image upload is off.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "wiki.services.rendering.preview_html"
MARKDOWNX_UPLOAD_MAX_SIZE = 0
# How accounts renders a member's bio without importing the wiki (accounts is a leaf app).
ACCOUNTS_RENDER_BIO = "wiki.services.rendering.render_comment_html"
# Who may edit a member's profile; accounts asks this without importing moderation.
ACCOUNTS_CAN_EDIT_PROFILE = "moderation.policy.can_edit_profile"
# Names that look like another member's are refused (accounts asks without importing us).
ACCOUNTS_USERNAME_VALIDATORS = ["moderation.identity.validate_username"]
ACCOUNTS_DISPLAY_NAME_VALIDATORS = ["moderation.identity.validate_display_name"]
# Where an edit to a term under review goes instead of being published; wiki imports no
# moderation code but the policy.
WIKI_SUBMIT_FOR_REVIEW = "moderation.services.pending_change_submit"
MARKDOWNX_UPLOAD_CONTENT_TYPES: list[str] = []

# Moderation (moderation/conf.py has the defaults and says what each means).
MODERATION_TRUSTED_MIN_DAYS = int(os.environ.get("MODERATION_TRUSTED_MIN_DAYS", "7"))
MODERATION_TRUSTED_MIN_EDITS = int(os.environ.get("MODERATION_TRUSTED_MIN_EDITS", "10"))
# Reverse proxies in front of the app; the client address is read behind that many.
MODERATION_PROXY_COUNT = int(os.environ.get("MODERATION_PROXY_COUNT", "0"))
# action: (per minute, per hour). Counted in the cache: shared by every process with Redis.
MODERATION_RATE_LIMITS = {
    "signup": (5, 20),  # per IP address
    "password_reset": (3, 10),  # per IP address and per email address
    "edit": (10, 120),  # per member
    "comment": (6, 60),
    "report": (5, 30),
    "preview": (30, 600),
}
# Failed logins (django-axes): locked for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT
# failures, counted per username and, separately, per IP address.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "moderation.ip.client_ip"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "moderation.views.errors.login_locked_out"

# Security headers. HTTPS-only settings switch on with SECURE_SSL=1 behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("SECURE_SSL", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    # Whether every subdomain is HTTPS too, and whether the domain is submitted to the
    # browsers' preload list, are the operator's decisions (README); `check --deploy` warns
    # (W005, W021) until each is made in the environment, either way.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        check
        for name, check in (
            ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "security.W005"),
            ("SECURE_HSTS_PRELOAD", "security.W021"),
        )
        if name in os.environ
    ]
# X-Forwarded-Proto is believed only behind a proxy that sets it (and drops a client's own);
# any client can send the header, so trusting it is off unless TRUST_PROXY says so.
TRUST_PROXY = env_bool("TRUST_PROXY", False)
if TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One handler, on the root logger. Django's default config gives the "django" logger its
# own console handler under DEBUG, which printed every line twice: clear it and let the
# lines propagate to the root. A 4xx (403, 404, a bad request) is logged as one warning
# line; only a 5xx keeps its traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {"()": "config.log.ClientErrorsWithoutTraceback"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every log-in at INFO; lockouts (what matters) are warnings.
        "axes": {"level": "WARNING"},
    },
}
