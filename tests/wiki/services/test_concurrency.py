"""Many members saving the same term at the same moment, through the real edit view.

Each thread has its own database connection (closed when it ends) and all start together at a
barrier. The rules: every request either creates a revision (302) or returns the conflict
page (409) with the member's text; the revision count equals the successful saves; revision
numbers stay a gapless chain; and no save is silently lost — each success's change is in
the final text, each conflict's change is not.

On PostgreSQL the compare-and-swap runs under ``SELECT ... FOR UPDATE``, so two saves cannot
both pass; on SQLite ``BEGIN IMMEDIATE`` queues the writers. Run the PostgreSQL leg with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonplace``.
"""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tests.factories import make_term, make_user
from wiki.models import Revision, Term

WRITERS = 12
DIFFERENT_LINE_WRITERS = 20


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _run_together(clients, posts):
    """POST each form from its own thread, all released at once; (status, html) per thread."""
    barrier = threading.Barrier(len(clients))
    outcomes: list = [None] * len(clients)

    def work(index):
        try:
            barrier.wait(timeout=30)
            response = clients[index].post("/terms/alpha/edit/", posts[index])
            outcomes[index] = (response.status_code, response.content.decode())
        except Exception as exc:  # reported below, not swallowed
            outcomes[index] = (None, repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _writers(n):
    users, clients = [], []
    for i in range(n):
        user = make_user(f"writer{i}")
        client = Client()
        client.force_login(user)
        users.append(user)
        clients.append(client)
    return users, clients


def _post(body: str) -> dict:
    return {"title": "Alpha", "body": body, "base_number": "1", "summary": "parallel"}


def _assert_chain(term: Term, successes: int) -> None:
    numbers = list(
        Revision.objects.filter(term=term).order_by("number").values_list("number", "parent_number")
    )
    assert numbers == [(1, None)] + [(n, n - 1) for n in range(2, successes + 2)]
    term.refresh_from_db()
    assert term.revision_number == successes + 1
    assert term.current_revision.number == successes + 1


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _real_database():
    if _in_memory_sqlite():
        pytest.skip(
            "needs a file database: SQLite's shared in-memory test database locks whole tables "
            "without waiting. Run with SQLITE_TEST_NAME=/tmp/commonplace-test.sqlite3, or on "
            "PostgreSQL with DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonplace"
        )


@pytest.mark.slow
def test_simultaneous_saves_of_different_paragraphs_all_land():
    """Twenty members, each changing a different line, all saved: the merge runs under the
    write lock against the latest revision, so a clean merge can never be starved."""
    paragraphs = [f"Paragraph {i}." for i in range(DIFFERENT_LINE_WRITERS)]
    body = "\n\n".join(paragraphs) + "\n"
    term = make_term("Alpha", body=body)
    users, clients = _writers(DIFFERENT_LINE_WRITERS)
    posts = [
        _post(body.replace(f"Paragraph {i}.", f"Paragraph {i}, edited by writer {i}."))
        for i in range(DIFFERENT_LINE_WRITERS)
    ]
    outcomes = _run_together(clients, posts)

    final = Term.objects.get(pk=term.pk).body
    successes = 0
    for i, (status, html) in enumerate(outcomes):
        mine = Revision.objects.filter(term=term, author=users[i]).count()
        assert status in (302, 409), (i, status, html[:500])
        if status == 302:
            successes += 1
            assert mine == 1
            assert f"edited by writer {i}." in final
        else:
            assert mine == 0 and "Nothing has been saved yet" in html
            assert f"edited by writer {i}." not in final
            assert f"edited by writer {i}." in re.search(
                r"<textarea[^>]*>(.*?)</textarea>", html, re.S
            ).group(1)
    _assert_chain(term, successes)
    assert successes == DIFFERENT_LINE_WRITERS, [status for status, _ in outcomes]


def test_simultaneous_saves_of_the_same_line_one_wins_the_rest_see_the_conflict():
    body = "Intro.\n\nThe contested line.\n\nOutro.\n"
    term = make_term("Alpha", body=body)
    users, clients = _writers(WRITERS)
    posts = [
        _post(body.replace("The contested line.", f"Writer {i} says so.")) for i in range(WRITERS)
    ]
    outcomes = _run_together(clients, posts)

    statuses = [status for status, _ in outcomes]
    assert statuses.count(302) == 1 and statuses.count(409) == WRITERS - 1, outcomes
    winner = statuses.index(302)
    final = Term.objects.get(pk=term.pk).body
    assert f"Writer {winner} says so." in final
    for i, (status, html) in enumerate(outcomes):
        expected = 1 if i == winner else 0
        assert Revision.objects.filter(term=term, author=users[i]).count() == expected
        if status == 409:
            assert f"Writer {i} says so." in html and f"Writer {i} says so." not in final
    _assert_chain(term, 1)
