"""Reading a discussion is the hot path too: a term page with 200 comments.

    make bench                                   (SQLite file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonplace make bench

The 200 comments go through the real write path (``comment_create``: rendering, following,
notification tasks), as threads of one comment and up to five replies nested past the last
visible level, from a few members, one of whom follows the term. The page is fetched through
Django's test client (all middleware and templates) as a reader and as a member, and timed,
with the test environment's per-template instrumentation switched off (it copies the context
on every ``{% include %}``, which a thread of 200 comments has 400 of, and production does not
do). Nothing is asserted on time: the figures are printed for the README.
"""

from __future__ import annotations

import os
import random
import statistics
import time

import pytest
from django.template.base import Template
from django.test import Client
from django.test.utils import _TestState

from discussion import services
from discussion.models import Comment
from tests.factories import make_comment, make_term, make_user

pytestmark = pytest.mark.django_db

N_COMMENTS = int(os.environ.get("BENCH_COMMENTS", "200"))
REPEATS = int(os.environ.get("BENCH_DISCUSSION_REPEATS", "50"))
WORDS = [
    "tacit",
    "knowledge",
    "is",
    "learned",
    "by",
    "doing",
    "watching",
    "and",
    "talking",
    "with",
    "others",
]


@pytest.fixture(scope="module")
def discussion(django_db_setup, django_db_blocker):
    rng = random.Random(12)
    with django_db_blocker.unblock():
        members = [make_user(f"talker{i}") for i in range(8)]
        term = make_term("Tacit knowledge", body="What we know but cannot say.\n" * 40)
        services.follow_term(user=members[0], term=term)
        started = time.perf_counter()
        parent = None
        for i in range(N_COMMENTS):
            if i % 6 == 0:
                parent = None
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 80)))
            parent = make_comment(
                term, author=members[i % len(members)], body=f"**{i}** {text}", parent=parent
            )
        print(
            f"\nwrote {N_COMMENTS} comments through comment_create in "
            f"{time.perf_counter() - started:.1f}s"
        )
        yield term, members
        Comment.objects.all().delete()


@pytest.fixture
def production_rendering(monkeypatch):
    """Templates render as in production, without the test client's instrumentation."""
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, url
    return elapsed


def test_term_page_with_200_comments(discussion, production_rendering):
    term, members = discussion
    reader, member = Client(), Client()
    member.force_login(members[0])
    url = term.get_absolute_url()
    pages = {
        "term page, reader": (reader, url),
        "term page, member": (member, url),
        "discussion feed": (reader, f"/terms/{term.slug}/discussion/feed/"),
        "recent changes": (reader, "/recent/"),
        "notifications": (member, "/notifications/"),
    }
    print(f"\n{'page (' + str(N_COMMENTS) + ' comments)':<30}{'p50 ms':>10}{'p99 ms':>10}")
    for name, (client, path) in pages.items():
        _timed(client, path)  # warm up
        samples = sorted(_timed(client, path) for _ in range(REPEATS))
        p50 = statistics.median(samples)
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        print(f"{name:<30}{p50:>10.1f}{p99:>10.1f}")
