"""Settings for the site benchmark's app servers: the site's own, plus a bare view.

The bare view (``/bench/bare/``, a short string) goes through the project's whole middleware
stack, page cache included, and is the limit every page is measured against. Static files are
collected into a directory of the benchmark's own (hashed and compressed, as deployed).
"""

import os

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.site_urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
