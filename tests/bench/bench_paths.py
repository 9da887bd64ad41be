"""Paths between terms, and a term's connections, at 10,000 terms (issue 16: under 100 ms).

    make bench                                   (SQLite file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonplace make bench

The wiki: ``BENCH_PATH_TERMS`` terms (10,000) of every difficulty (a tenth without one), each
with four related terms and five body links to random other terms, a tenth of them to terms
not written yet, and two glossary links: ~110,000 link rows, written straight into the tables
(the write path is not what is measured here). Timed, through Django's test client with
production template rendering:

* ``/paths/?from=A&to=B`` for random pairs: the first request builds the link graph the
  process keeps (its cost is printed on its own), every later one checks the graph's version
  (one query), searches and fetches the steps' titles;
* the same search without the page (``navigation.path_between``), for pairs whose only paths
  step down in difficulty (two searches) too;
* the term page's connections (``navigation.term_connections``: related both ways, "Linked
  from", the learning path over two steps) and ``/terms/<slug>/card.json``.

Nothing is asserted on time; the figures are printed for the README.
"""

from __future__ import annotations

import os
import random
import statistics
import time

import pytest
from django.db import connection
from django.template.base import Template
from django.test import Client
from django.test.utils import _TestState

from wiki import navigation
from wiki.models import Link, LinkKind, Term

pytestmark = pytest.mark.django_db

N_TERMS = int(os.environ.get("BENCH_PATH_TERMS", "10000"))
PAIRS = int(os.environ.get("BENCH_PATH_PAIRS", "200"))
LEVELS = ["beginner", "intermediate", "advanced"]


@pytest.fixture(scope="module")
def wiki(django_db_setup, django_db_blocker):
    rng = random.Random(16)
    with django_db_blocker.unblock():
        started = time.perf_counter()
        terms = [
            Term(
                title=f"Term {i}",
                slug=f"term-{i}",
                difficulty="" if i % 10 == 9 else rng.choice(LEVELS),
                revision_number=1,
            )
            for i in range(N_TERMS)
        ]
        Term.objects.bulk_create(terms, batch_size=1000)
        ids = list(Term.objects.order_by("pk").values_list("pk", flat=True))
        links = []
        for source in ids:
            targets = {
                LinkKind.RELATED: rng.sample(range(N_TERMS), 4),
                LinkKind.INLINE: rng.sample(range(N_TERMS), 5),
                LinkKind.AUTO: rng.sample(range(N_TERMS), 2),
            }
            for kind, numbers in targets.items():
                for position, number in enumerate(numbers):
                    slug = f"unwritten-{number}" if rng.random() < 0.1 else f"term-{number}"
                    links.append(
                        Link(source_id=source, kind=kind, target_slug=slug, position=position)
                    )
        Link.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
        # Not kept through the run: 110,000 model instances made every full garbage
        # collection take a quarter of a second, which no server process holds.
        del terms, links
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"\n{N_TERMS:,} terms and {Link.objects.count():,} links written in "
            f"{time.perf_counter() - started:.1f}s ({connection.vendor})"
        )
        yield ids
        Link.objects.all().delete()
        Term.objects.all().delete()


@pytest.fixture
def production_rendering(monkeypatch):
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {samples[-1]:6.1f} ms"


def _time(func) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def test_paths_and_connections_at_10k_terms(wiki, production_rendering):
    rng = random.Random(7)
    client = Client()
    navigation._graph = None  # the graph the process keeps: start cold
    build = _time(navigation.link_graph)
    navigation._graph = None
    pairs = [(rng.randrange(N_TERMS), rng.randrange(N_TERMS)) for _ in range(PAIRS)]
    url = "/paths/?from=term-{}&to=term-{}"
    cold = _time(lambda: client.get(url.format(*pairs[0])))
    samples, lengths, climbing = [], [], 0
    for a, b in pairs:
        started = time.perf_counter()
        response = client.get(url.format(a, b))
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        page = response.content.decode()
        steps = page.split('class="path-result-steps"', 1)[-1].split("</ol>", 1)[0]
        lengths.append(steps.count("<li>") - 1)
        climbing += "path-result-steps" in page and "steps down" not in page
    graph = navigation.link_graph()
    level = dict(Term.objects.values_list("slug", "difficulty"))
    down = [
        (Term.objects.get(slug=f"term-{a}"), Term.objects.get(slug=f"term-{b}"))
        for a, b in pairs
        if level[f"term-{a}"] == "advanced" and level[f"term-{b}"] == "beginner"
    ][:50]
    searches = [_time(lambda s=s, g=g: navigation.path_between(s, g)) for s, g in down]
    slugs = [f"term-{rng.randrange(N_TERMS)}" for _ in range(50)]
    connections = []
    for slug in slugs:
        term = Term.objects.select_related("category").get(slug=slug)
        connections.append(_time(lambda t=term: navigation.term_connections(t)))
    cards = [_time(lambda s=slug: client.get(f"/terms/{s}/card.json")) for slug in slugs]
    print(f"\nPaths and connections at {N_TERMS:,} terms ({connection.vendor}):")
    print(
        f"  link graph built once per process: {build:.0f} ms ({len(graph):,} terms); "
        f"the first /paths/ request, which builds it, {cold:.0f} ms"
    )
    print(f"  /paths/ (the page, graph kept)   {_stats(samples)}")
    print(
        f"    {PAIRS} pairs: {sum(1 for n in lengths if n > 0)} found, median "
        f"{statistics.median(lengths):.0f} steps, {climbing} climbing all the way"
    )
    if searches:
        print(f"  advanced -> beginner (search)    {_stats(searches)}")
    print(f"  term page connections            {_stats(connections)}")
    print(f"  /terms/<slug>/card.json          {_stats(cards)}")
