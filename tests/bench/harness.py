"""In-process measurements for the site benchmark, run in a subprocess against its database.

    python -m tests.bench.harness COMMAND      (DATABASE_URL and REDIS_URL name the site)

``bigbodies N``  N terms of 0.99 MB of ordinary prose, saved by a member (the search bound).
``session``      a member's session cookie, for the logged-in page.
``timings``      fresh server time of the term page, the A-Z index and search as a member
                 sees them, an edit's save, and the search engine alone; JSON on the last line.

Fresh means rendered: a member's pages never come from the page cache (an anonymous reader's
would, whatever the wiki's size), so these figures show how the cost of a page grows with
the wiki.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.site_settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.test import Client  # noqa: E402

from search.results import search  # noqa: E402
from tests.factories import make_user  # noqa: E402
from wiki.content import TermData  # noqa: E402
from wiki.models import Term  # noqa: E402
from wiki.services import term_create, term_update  # noqa: E402

SEARCHES = ["learning", "people who share", "communit", "a", "trust craft", "knowledge practice"]
PROSE = [
    *[
        "the",
        "people",
        "who",
        "share",
        "a",
        "practice",
        "learn",
        "from",
        "each",
        "other",
        "and",
        "the",
        "community",
    ],
    *[
        "keeps",
        "what",
        "they",
        "know",
        "alive",
        "in",
        "stories",
        "tools",
        "and",
        "habits",
        "that",
        "new",
        "members",
    ],
    *["pick", "up", "by", "taking", "part"],
]


def member(username: str = "bencher"):
    from accounts.models import User

    return User.objects.filter(username=username).first() or make_user(username)


def bigbodies(n: int) -> None:
    rng = random.Random(3)
    author = member()
    for i in range(n):
        words: list[str] = []
        size = 0
        while size < 990_000:
            sentence = " ".join(rng.choice(PROSE) for _ in range(rng.randint(8, 20)))
            words.append(sentence.capitalize() + ".")
            size += len(words[-1]) + 1
            if len(words) % 6 == 0:
                words.append("\n\n")
        body = " ".join(words)[:990_000]
        term_create(data=TermData(title=f"Long essay {i}", body=body), author=author)


def session() -> None:
    client = Client()
    client.force_login(member())
    print(client.cookies[settings.SESSION_COOKIE_NAME].value)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 2), "p99": round(p99, 2)}


def timed(fn, repeats: int) -> dict[str, float]:
    fn()  # warm
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def timings() -> None:
    rng = random.Random(11)
    ordinary = Term.objects.exclude(title__startswith="Long essay")
    slugs = list(ordinary.order_by("?").values_list("slug", flat=True)[:200])
    client = Client()
    client.force_login(member())

    def page(url):
        def get():
            response = client.get(url() if callable(url) else url)
            assert response.status_code == 200, response.status_code

        return get

    out = {
        "terms": Term.objects.count(),
        "term page": timed(page(lambda: f"/terms/{rng.choice(slugs)}/"), 60),
        "A-Z index": timed(page("/terms/"), 30),
        "A-Z letter": timed(page("/terms/?letter=T"), 30),
        "search page": timed(page(lambda: f"/search/?q={rng.choice(SEARCHES)}"), 30),
    }
    engine_samples = []
    for q in SEARCHES:
        for _ in range(10):
            started = time.perf_counter()
            list(Paginator(search(q), 20).get_page(1))
            engine_samples.append((time.perf_counter() - started) * 1000)
    out["search (engine)"] = percentiles(engine_samples)
    out["edit save"] = edit_timing(rng.choice(slugs))
    print(json.dumps(out))


def edit_timing(slug: str) -> dict[str, float]:
    """A member's save: the one write path, start to commit (render, lock, revision, links,
    tags, search entry), on a term of ordinary length."""
    term = Term.objects.get(slug=slug)
    author = member()
    samples = []
    for n in range(21):
        term.refresh_from_db()
        data = TermData.of(term.current_revision).replace(
            body=term.body.rstrip("\n") + f"\n\nEdit {n}.\n"
        )
        started = time.perf_counter()
        term_update(
            term=term, data=data, author=author, summary="bench", base_number=term.revision_number
        )
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples[1:])


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"bigbodies": lambda: bigbodies(int(args[0])), "session": session, "timings": timings}[
        command
    ]()
