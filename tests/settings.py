"""The site's settings for the test suite, with a secret key of the suite's own.

``config.settings`` refuses the development key whenever DEBUG is off, and the suite runs with
DEBUG off (as production does). The suite is not a server and signs nothing that leaves it,
so it brings a throwaway key; the ``manage.py`` commands that tests start in a subprocess
inherit it through the environment.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-only-key-not-for-any-server-" + "0" * 24)

from config.settings import *  # noqa: F403
