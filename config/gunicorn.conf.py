"""gunicorn for Commonplace: ``gunicorn config.wsgi -c config/gunicorn.conf.py``.

Every value can be set from the environment, so one file serves a laptop, a server and the
benchmark. Sync workers: a request is a few milliseconds of Python and database time, and an
anonymous page is a cache hit; slow clients are the proxy's job (nginx, Caddy), which buffers
them. See README "Deploying".
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# Where to listen. Behind a proxy on the same machine, the loopback interface.
bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)

# Workers from the CPU count: two per core and one more (a worker waits on the database or
# the cache part of the time). WEB_CONCURRENCY overrides it (the benchmark uses 2 on 2 cores).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A request that takes longer than this is a bug or an attack: the worker is killed and
# replaced. Rendering is bounded well below it (markup's budgets), and a slow client never
# holds a worker this long behind a buffering proxy.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # behind a proxy that keeps connections open

# A worker is replaced after this many requests (with jitter, so not all at once): memory a
# long-lived worker gathers is given back. Not too often: a cached page takes a millisecond,
# and a new worker's first requests pay for its warm-up. 0 turns it off (the benchmark does,
# to see the memory a worker holds).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Load the app once, then fork: the workers share its memory pages until they write to them.
preload_app = True


def when_ready(server) -> None:
    """Work every worker would do on its first page, done once in the master before forking:
    the page cache's build fingerprint (it reads the templates' and code's file times)."""
    from config.pagecache import build_version

    build_version()


# The access log on standard output, with the time each request took (microseconds, %(D)s)
# and the page cache's verdict; GUNICORN_ACCESS_LOG="" turns it off (the benchmark does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus cache=%({x-page-cache}o)s "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The scheme a proxy says the client used (X-Forwarded-Proto) is Django's to believe, with
# TRUST_PROXY (SECURE_PROXY_SSL_HEADER): gunicorn believes no one, unless told which proxies
# to believe. And no one may set the script name or path (gunicorn's default takes
# SCRIPT_NAME and PATH_INFO headers from the local proxy: a client could have one page's
# URL answered, and cached, with another page).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
forwarder_headers = ""

# gunicorn's control socket (gunicornc) is one path per user by default; two servers of one
# user took each other's. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
