"""A page's query count does not grow with the data: the term page with 0, 10 and 200
comments (threads, replies, deleted and promoted ones) costs the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussion import services
from discussion.models import Comment, Contributor, Promotion
from tests.factories import make_term, make_user
from wiki.content import TermData

pytestmark = pytest.mark.django_db

SIZES = (0, 10, 200)
TERM_PAGE_BUDGET = 20  # the whole page, header included


def _discussion(term, n: int, members) -> None:
    """``n`` comments: every third a reply (nesting deeper and deeper), some deleted, one
    promoted, written directly (the services' own tests cover how they are written)."""
    made: list[Comment] = []
    for i in range(n):
        parent = made[-1] if made and i % 3 else None
        comment = Comment.objects.create(
            term=term,
            author=members[i % len(members)],
            parent=parent,
            root_id=(parent.root_id or parent.pk) if parent else None,
            display_parent_id=(
                None
                if parent is None
                else parent.pk
                if parent.depth < 2
                else parent.display_parent_id
            ),
            depth=parent.depth + 1 if parent else 0,
            body=f"Comment {i}",
            body_html=f"<p>Comment {i}</p>",
        )
        made.append(comment)
    if made:
        Comment.objects.filter(pk=made[1 % len(made)].pk).update(
            body="", body_html="", deleted_at=timezone.now()
        )
        data = TermData.of(term.current_revision).replace(body="Promoted.")
        services.comment_promote(
            comment=made[0],
            author=members[0],
            data=data,
            summary="From the discussion",
            base_number=term.revision_number,
        )
        for member in members:
            Contributor.objects.create(term=term, user=member, score=1.0)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_term_page_queries_do_not_grow_with_comments(
    client, logged_in, django_assert_max_num_queries
):
    members = [make_user() for _ in range(5)]
    if logged_in:
        client.force_login(members[0])
    counts = {}
    for n in SIZES:
        term = make_term(f"Discussed {n}")
        _discussion(term, n, members)
        assert Comment.objects.filter(term=term).count() == n
        url = term.get_absolute_url()
        client.get(url)  # warm caches (content types, sessions) before counting
        counts[n] = _count(client, url)
        with django_assert_max_num_queries(TERM_PAGE_BUDGET):
            client.get(url)
    assert len(set(counts.values())) == 1, counts
    assert Promotion.objects.count() == 2


def test_later_pages_of_a_long_discussion_cost_the_same(client):
    members = [make_user() for _ in range(3)]
    term = make_term("Long")
    _discussion(term, 200, members)
    url = term.get_absolute_url()
    client.get(url)
    first = _count(client, url)
    html = client.get(url + "?comments=2").content.decode()
    assert "Earlier comments" in html
    assert _count(client, url + "?comments=2") == first
    assert _count(client, url + "?comments=999") == first


@pytest.mark.parametrize(
    "url",
    ["/recent/", "/recent/?kind=comment", "/recent/feed/", "/notifications/", "/terms/"],
)
def test_other_pages_queries_do_not_grow(client, url):
    member = make_user()
    client.force_login(member)
    counts = []
    for n in (1, 30):
        for _ in range(n):
            term = make_term()
            services.follow_term(user=member, term=term)
            Comment.objects.create(term=term, author=make_user(), body="x", body_html="<p>x</p>")
        client.get(url)
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts
