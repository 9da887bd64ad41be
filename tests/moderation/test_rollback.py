"""Rollback from the history page and bulk revert: new revisions through the write path."""

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation import services
from moderation.exceptions import ModerationError, StaleRollback
from moderation.models import Action, BulkRevert, LogEntry
from tests.factories import edit_term, make_term, make_user
from wiki.models import Revision, Term

pytestmark = pytest.mark.django_db


def test_rollback_reverts_the_latest_editors_run_as_one_new_revision(moderator_client, moderator):
    alice, vandal = make_user("alice"), make_user("vandal")
    term = make_term("Alpha", body="Good text.", author=alice)
    edit_term(term, author=alice, body="Better text.")
    edit_term(term, author=vandal, body="spam")
    edit_term(term, author=vandal, body="more spam", title="Alpha spam")
    response = moderator_client.post(
        "/moderation/terms/alpha-spam/rollback/", {"editor": vandal.pk, "base_number": 4}
    )
    assert response.status_code == 302
    term = Term.objects.get(pk=term.pk)
    assert term.revision_number == 5 and term.body == "Better text." and term.title == "Alpha"
    latest = term.current_revision
    assert latest.author == moderator
    assert latest.summary == "Rolled back 2 edits by vandal to revision 2 by alice"
    assert Revision.objects.filter(term=term).count() == 5  # nothing rewritten or removed
    entry = LogEntry.objects.get(action=Action.ROLLBACK)
    assert entry.before["revision"] == 4 and entry.after == {"revision": 5, "restored": 2}


def test_rollback_is_refused_when_someone_saved_after_the_page_was_loaded(moderator):
    alice, vandal = make_user("alice"), make_user("vandal")
    term = make_term("Alpha", body="Good.", author=alice)
    edit_term(term, author=vandal, body="spam")
    edit_term(term, author=alice, body="Fixed by hand.")  # saved after the moderator looked
    with pytest.raises(StaleRollback, match="changed after you loaded the page"):
        services.term_rollback(term=term, editor_id=vandal.pk, moderator=moderator, base_number=2)
    term.refresh_from_db()
    assert term.revision_number == 3 and term.body == "Fixed by hand."
    assert not LogEntry.objects.exists()


def test_stale_rollback_through_the_view_says_why(moderator_client):
    alice, vandal = make_user("alice"), make_user("vandal")
    term = make_term("Alpha", body="Good.", author=alice)
    edit_term(term, author=vandal, body="spam")
    edit_term(term, author=vandal, body="spam 2")
    response = moderator_client.post(
        "/moderation/terms/alpha/rollback/", {"editor": vandal.pk, "base_number": 2}, follow=True
    )
    assert "changed after you loaded the page" in response.content.decode()
    assert Term.objects.get(pk=term.pk).revision_number == 3


def test_rollback_needs_an_earlier_revision_by_someone_else(moderator):
    solo = make_user("solo")
    term = make_term("Alpha", author=solo)
    edit_term(term, author=solo, body="again")
    with pytest.raises(ModerationError, match="no earlier version by someone else"):
        services.term_rollback(term=term, editor_id=solo.pk, moderator=moderator, base_number=2)


def test_rollback_is_for_moderators_only(member_client):
    term = make_term("Alpha", author=make_user("a"))
    vandal = make_user("vandal")
    edit_term(term, author=vandal, body="spam")
    response = member_client.post(
        "/moderation/terms/alpha/rollback/", {"editor": vandal.pk, "base_number": 2}
    )
    assert response.status_code == 403
    assert Term.objects.get(pk=term.pk).body == "spam"
    assert member_client.get("/moderation/terms/alpha/rollback/").status_code == 405


# -- Bulk revert ---------------------------------------------------------------------------


def spree(vandal, since_offset=timedelta(minutes=5)):
    """Three terms by alice; the vandal edits two, then alice edits one of those after."""
    alice = make_user("alice")
    a = make_term("Alpha", body="a1\n\nkeep\n", author=alice)
    b = make_term("Beta", body="b1", author=alice)
    c = make_term("Gamma", body="c1", author=alice)
    since = timezone.now() - since_offset
    edit_term(a, author=vandal, body="a1 spam\n\nkeep\n")
    edit_term(a, author=vandal, body="a1 more spam\n\nkeep\n")
    edit_term(b, author=vandal, body="b spam")
    edit_term(a, author=alice, body="a1 more spam\n\nkeep, and alice's later line\n")
    return alice, (a, b, c), since


def test_bulk_revert_previews_then_reverts_each_term_as_its_own_revision(
    moderator_client, moderator, django_capture_on_commit_callbacks
):
    vandal = make_user("vandal")
    _alice, (a, b, c), since = spree(vandal)
    query = {"member": "vandal", "since": since.strftime("%Y-%m-%dT%H:%M:%S")}
    preview = moderator_client.get("/moderation/revert/", query)
    html = preview.content.decode()
    assert preview.status_code == 200 and "2 terms to revert" in html
    assert "keeping 1 later edit by others" in html
    assert Revision.objects.count() == 3 + 4  # a preview changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post("/moderation/revert/", {**query, "reason": "Spam spree"})
    job = BulkRevert.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/moderation/revert/{job.pk}/"
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    # The vandal's words are gone; alice's later line is kept (merged onto it).
    assert a.body == "a1\n\nkeep, and alice's later line\n"
    assert b.body == "b1" and c.revision_number == 1
    assert (
        a.current_revision.author == moderator
        and "bulk revert by mod" in a.current_revision.summary
    )
    assert {row["outcome"] for row in job.results} == {"reverted"}
    assert job.status == "done"
    entry = LogEntry.objects.get(action=Action.BULK_REVERT)
    assert entry.target_label == "vandal" and entry.reason == "Spam spree"
    assert {t["slug"] for t in entry.before["terms"]} == {"alpha", "beta"}
    detail = moderator_client.get(f"/moderation/revert/{job.pk}/").content.decode()
    assert "Reverted as" in detail


def test_bulk_revert_skips_terms_the_member_created_or_shares_with_others(
    moderator, django_capture_on_commit_callbacks
):
    vandal, other = make_user("vandal"), make_user("other")
    since = timezone.now() - timedelta(minutes=1)
    created = make_term("Spam page", author=vandal)
    shared = make_term("Shared", body="one", author=other)
    edit_term(shared, author=vandal, body="two")
    edit_term(shared, author=other, body="three")
    edit_term(shared, author=vandal, body="four")
    plain = make_term("Plain", body="fine", author=other)
    edit_term(plain, author=vandal, body="spam")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_revert_request(
            member=vandal, since=since, moderator=moderator, reason="Spree"
        )
    job.refresh_from_db()
    outcomes = {row["slug"]: row for row in job.results}
    assert (
        outcomes["spam-page"]["outcome"] == "skipped" and "created" in outcomes["spam-page"]["note"]
    )
    assert outcomes["shared"]["outcome"] == "skipped" and "between" in outcomes["shared"]["note"]
    assert Term.objects.get(pk=created.pk).revision_number == 1
    assert Term.objects.get(pk=shared.pk).body == "four"
    assert outcomes["plain"]["outcome"] == "reverted"
    assert Term.objects.get(pk=plain.pk).body == "fine"


def test_bulk_revert_leaves_edits_before_the_time_alone(
    moderator, django_capture_on_commit_callbacks
):
    vandal = make_user("vandal")
    term = make_term("Alpha", body="one", author=make_user("alice"))
    edit_term(term, author=vandal, body="two")  # before the time
    since = timezone.now()
    edit_term(term, author=vandal, body="three")
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_revert_request(member=vandal, since=since, moderator=moderator, reason="x")
    assert Term.objects.get(pk=term.pk).body == "two"


def test_bulk_revert_with_nothing_to_revert_is_refused(moderator):
    vandal = make_user("vandal")
    with pytest.raises(ModerationError, match="no edits to revert"):
        services.bulk_revert_request(
            member=vandal, since=timezone.now() - timedelta(days=1), moderator=moderator, reason="x"
        )
    assert not BulkRevert.objects.exists() and not LogEntry.objects.exists()
