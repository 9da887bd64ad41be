"""Review before publishing: pending changes accepted or rejected, also after the term moved on."""

import pytest

from moderation import services
from moderation.exceptions import ModerationError, PendingConflict
from moderation.models import Action, Level, LogEntry, PendingChange, PendingStatus
from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData
from wiki.exceptions import TermWriteError
from wiki.models import Term

pytestmark = pytest.mark.django_db

BODY = "Intro.\n\nFirst.\n\nSecond.\n\nThird.\n"


def submit(term, author, **changes):
    term.refresh_from_db()
    data = TermData.of(term.current_revision).replace(**changes)
    return services.pending_change_submit(
        term=term, data=data, author=author, summary="my change", base_number=term.revision_number
    )


@pytest.fixture
def reviewed(moderator):
    term = make_term("Alpha", body=BODY, author=make_user("alice"))
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, review=True, reason="New topic"
    )
    return term


def test_a_pending_change_is_not_published_until_accepted(client, reviewed, moderator):
    bob = make_user("bob")
    change = submit(reviewed, bob, body=BODY.replace("First.", "First, improved."))
    reviewed.refresh_from_db()
    assert reviewed.revision_number == 1 and "improved" not in reviewed.body
    assert "improved" not in client.get("/terms/alpha/").content.decode()
    result = services.pending_change_accept(change=change, moderator=moderator, note="Good")
    reviewed.refresh_from_db()
    assert reviewed.revision_number == 2 and "First, improved." in reviewed.body
    assert result.revision.author == bob  # credited to its author
    assert "reviewed by mod" in result.revision.summary
    change.refresh_from_db()
    assert change.status == PendingStatus.ACCEPTED and change.revision_number == 2
    assert change.reviewed_by == moderator and change.note == "Good"
    entry = LogEntry.objects.get(action=Action.ACCEPT)
    assert entry.after["revision_number"] == 2 and entry.reason == "Good"


def test_accepting_after_the_term_moved_on_merges_cleanly(reviewed, moderator):
    change = submit(reviewed, make_user("bob"), body=BODY.replace("First.", "First, by bob."))
    edit_term(reviewed, author=moderator, body=BODY.replace("Third.", "Third, by mod."))
    result = services.pending_change_accept(change=change, moderator=moderator)
    reviewed.refresh_from_db()
    assert result.merged and reviewed.revision_number == 3
    assert "First, by bob." in reviewed.body and "Third, by mod." in reviewed.body


def test_a_real_conflict_is_reported_and_nothing_is_lost(reviewed, moderator):
    change = submit(reviewed, make_user("bob"), body=BODY.replace("First.", "First, by bob."))
    edit_term(reviewed, author=moderator, body=BODY.replace("First.", "First, by mod."))
    with pytest.raises(PendingConflict, match="overlaps with revision 2 by mod"):
        services.pending_change_accept(change=change, moderator=moderator)
    change.refresh_from_db()
    reviewed.refresh_from_db()
    assert change.status == PendingStatus.PENDING and "First, by bob." in change.body
    assert reviewed.revision_number == 2 and "First, by mod." in reviewed.body
    assert not LogEntry.objects.filter(action=Action.ACCEPT).exists()
    # The moderator can still reject it with a note; the author keeps their text to read.
    services.pending_change_reject(change=change, moderator=moderator, note="Edit the new text")
    change.refresh_from_db()
    assert change.status == PendingStatus.REJECTED and "First, by bob." in change.body


def test_rejecting_needs_a_note_and_publishes_nothing(reviewed, moderator):
    change = submit(reviewed, make_user("bob"), body="Vandalism")
    with pytest.raises(ModerationError, match="Say why"):
        services.pending_change_reject(change=change, moderator=moderator, note="  ")
    services.pending_change_reject(change=change, moderator=moderator, note="Not an improvement")
    reviewed.refresh_from_db()
    assert reviewed.revision_number == 1 and reviewed.body == BODY
    assert LogEntry.objects.get(action=Action.REJECT).reason == "Not an improvement"
    with pytest.raises(ModerationError, match="already rejected"):
        services.pending_change_accept(change=change, moderator=moderator)


def test_only_moderators_review(reviewed):
    change = submit(reviewed, make_user("bob"), body="x")
    with pytest.raises(ModerationError):
        services.pending_change_accept(change=change, moderator=make_user("carl"))
    assert Term.objects.get(pk=reviewed.pk).revision_number == 1


def test_a_change_the_write_path_would_refuse_is_refused_at_once(reviewed):
    with pytest.raises(TermWriteError):
        submit(reviewed, make_user("bob"), title="!!!")
    assert not PendingChange.objects.exists()


def test_the_queue_shows_each_change_as_a_diff_and_reviews_it(moderator_client, reviewed):
    bob = make_user("bob")
    change = submit(reviewed, bob, body=BODY.replace("Second.", "Second, by bob."))
    queue = moderator_client.get("/moderation/pending/").content.decode()
    assert "Alpha" in queue and f"/moderation/pending/{change.pk}/" in queue
    detail = moderator_client.get(f"/moderation/pending/{change.pk}/").content.decode()
    assert "<ins>, by bob</ins>" in detail
    response = moderator_client.post(
        f"/moderation/pending/{change.pk}/", {"decision": "accept", "note": ""}
    )
    assert response.status_code == 302
    assert "Second, by bob." in Term.objects.get(pk=reviewed.pk).body


def test_the_author_may_read_their_change_but_not_review_it(client, reviewed):
    bob, carl = make_user("bob"), make_user("carl")
    change = submit(reviewed, bob, body="Bob's text")
    client.force_login(bob)
    page = client.get(f"/moderation/pending/{change.pk}/")
    assert page.status_code == 200 and "Waiting for review" in page.content.decode()
    assert "Accept and publish" not in page.content.decode()
    assert (
        client.post(f"/moderation/pending/{change.pk}/", {"decision": "accept"}).status_code == 403
    )
    client.force_login(carl)
    assert client.get(f"/moderation/pending/{change.pk}/").status_code == 403
