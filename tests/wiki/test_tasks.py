"""Re-rendering after a create or rename is a background task: the save does not wait for it,
the worker does it, and with the worker stopped the work waits in the queue, never lost."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from config.tasks import MAX_ATTEMPTS, background
from tests.factories import make_term
from wiki.models import Term

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _body(term_id: int) -> str:
    return Term.objects.get(pk=term_id).body_html


def _wiki_tasks():
    """The wiki's own queued work (other apps queue theirs after a save too)."""
    return DBTaskResult.objects.ready().filter(task_path__startswith="wiki.")


# Real commits (the worker opens and closes its own connections, as in production).
real_commits = pytest.mark.django_db(transaction=True)


@real_commits
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_save_returns_before_linking_terms_are_rerendered_and_the_worker_does_it():
    linking = [make_term(f"Page {i}", body="Uses [[Compost]].") for i in range(3)]
    before = _wiki_tasks().count()  # each new page queued its own re-render
    compost = make_term("Compost")
    # Saved, and the work is queued rather than done: the pages still show a red link.
    assert compost.revision_number == 1
    assert all("wikilink-missing" in _body(t.pk) for t in linking)
    queued = _wiki_tasks()
    assert queued.count() == before + 1
    assert [["compost"]] in [task.args_kwargs["args"] for task in queued]
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert all("wikilink-missing" not in _body(t.pk) for t in linking)
    assert not DBTaskResult.objects.ready().exists()
    assert Term.objects.get(pk=linking[0].pk).revision_number == 1  # no new revision


@real_commits
@override_settings(TASKS=DATABASE_QUEUE)
def test_with_the_worker_stopped_the_work_waits_and_nothing_is_lost():
    page = make_term("Garden", body="See [[Worms]] and [[Soil]].")
    make_term("Worms")
    make_term("Soil")
    # No worker ran: the jobs wait (one per new term), and the page is still red.
    assert _wiki_tasks().count() == 3
    assert _body(page.pk).count("wikilink-missing") == 2
    # The worker comes back and does all of it.
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    assert "wikilink-missing" not in _body(page.pk)


FAILURES: list[int] = []


@background
def flaky(limit: int) -> str:
    FAILURES.append(1)
    if len(FAILURES) < limit:
        raise RuntimeError("try again")
    return "done"


def test_a_failing_task_is_logged_and_retried_until_it_succeeds(caplog):
    FAILURES.clear()
    flaky.enqueue(3)  # immediate backend: retries run at once
    assert len(FAILURES) == 3
    assert caplog.text.count("retrying") == 2


def test_a_task_that_keeps_failing_gives_up_after_max_attempts(caplog):
    FAILURES.clear()
    flaky.enqueue(MAX_ATTEMPTS + 5)
    assert len(FAILURES) == MAX_ATTEMPTS
    assert "giving up" in caplog.text
