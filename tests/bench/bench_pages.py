"""Reading is the hot path: page latency on a wiki of generated terms.

    make bench                  (SQLite file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonplace make bench

The terms are written through the real write path (``term_create``), so bodies, links,
related terms, tags and the search index are what members would produce. Each page is fetched
through Django's test client (the full middleware stack, templates included) and timed.
"""

from __future__ import annotations

import os
import random
import statistics
import time

import pytest
from django.test import Client

from tests.factories import make_term
from wiki.models import Category, Term
from wiki.services import term_delete

pytestmark = pytest.mark.django_db

N_TERMS = int(os.environ.get("BENCH_PAGE_TERMS", "2000"))
REPEATS = int(os.environ.get("BENCH_PAGE_REPEATS", "30"))
TARGET_P99_MS = 100.0
WORDS = [
    "community",
    "practice",
    "knowledge",
    "tacit",
    "learning",
    "emergence",
    "governance",
    "trust",
    "craft",
    "memory",
]


def _body(rng: random.Random, i: int) -> str:
    links = " ".join(f"[[Term {rng.randrange(N_TERMS * 2)}]]" for _ in range(5))
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(rng.randint(3, 8))
    ]
    sections = "\n\n".join(f"## Part {n}\n\n{p}" for n, p in enumerate(paragraphs))
    return f"Term {i} is about {rng.choice(WORDS)}. See {links}.\n\n{sections}\n"


@pytest.fixture(scope="module")
def wiki(django_db_setup, django_db_blocker):
    rng = random.Random(7)
    with django_db_blocker.unblock():
        started = time.perf_counter()
        for i in range(N_TERMS):
            make_term(
                f"Term {i}",
                body=_body(rng, i),
                category=f"Category {i % 12}",
                difficulty=rng.choice(["beginner", "intermediate", "advanced"]),
                tags=tuple(rng.sample(WORDS, 3)),
                related=tuple(f"Term {rng.randrange(N_TERMS * 2)}" for _ in range(4)),
            )
        print(
            f"\nwrote {N_TERMS} terms through term_create in {time.perf_counter() - started:.1f}s"
        )
        yield
        for term in Term.objects.all():
            term_delete(term=term)


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, url
    return elapsed


def test_page_latency(wiki):
    client = Client()
    rng = random.Random(11)
    category = Category.objects.order_by("slug").first().slug
    pages = {
        "home": lambda: "/",
        "A-Z index": lambda: "/terms/",
        "A-Z letter + filter": lambda: f"/terms/?letter=T&category={category}",
        "term page": lambda: f"/terms/term-{rng.randrange(N_TERMS)}/",
        "history": lambda: f"/terms/term-{rng.randrange(N_TERMS)}/history/",
        "category": lambda: f"/categories/{category}/",
        "tag": lambda: "/tags/tacit/",
        "wanted": lambda: "/wanted/",
    }
    print(f"\n{'page':<22}{'p50 ms':>10}{'p99 ms':>10}")
    worst = 0.0
    for name, url in pages.items():
        _timed(client, url())  # warm up
        samples = sorted(_timed(client, url()) for _ in range(REPEATS))
        p50 = statistics.median(samples)
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        worst = max(worst, p99)
        print(f"{name:<22}{p50:>10.1f}{p99:>10.1f}")
    assert worst <= TARGET_P99_MS, f"slowest page p99 {worst:.1f} ms > {TARGET_P99_MS} ms"
