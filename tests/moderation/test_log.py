"""One log for every moderation action, written in the action's transaction, read-only."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from discussion import services as discussion
from moderation import services
from moderation.models import Action, Level, LogEntry, PendingChange
from moderation.services import comments as hiding
from moderation.services import reports
from tests.factories import edit_term, make_term, make_user
from wiki.content import TermData

pytestmark = pytest.mark.django_db


def test_every_moderation_action_appears_in_the_log(moderator, django_capture_on_commit_callbacks):
    alice, vandal = make_user("alice"), make_user("vandal")
    term = make_term("Alpha", body="Good.", author=alice)
    services.term_protect(
        term=term, moderator=moderator, level=Level.TRUSTED, review=True, reason="r"
    )
    for body in ("one", "two"):
        change = services.pending_change_submit(
            term=term,
            data=TermData(title="Alpha", body=body),
            author=vandal,
            summary="",
            base_number=1,
        )
    services.pending_change_reject(change=change, moderator=moderator, note="no")
    services.pending_change_accept(
        change=PendingChange.objects.get(body="one"), moderator=moderator, note="ok"
    )
    services.term_unprotect(term=term, moderator=moderator, reason="done")
    block = services.member_block(member=vandal, moderator=moderator, reason="spam")
    services.block_lift(block=block, moderator=moderator, reason="sorry")
    edit_term(term, author=vandal, body="spam")
    term.refresh_from_db()
    services.term_rollback(
        term=term, editor_id=vandal.pk, moderator=moderator, base_number=term.revision_number
    )
    other = make_term("Beta", body="b", author=alice)
    since = timezone.now() - timedelta(seconds=1)
    edit_term(other, author=vandal, body="spam")
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_revert_request(
            member=vandal, since=since, moderator=moderator, reason="spree"
        )
    comment = discussion.comment_create(term=term, author=vandal, body="rude", parent=None)
    hiding.comment_hide(comment=comment, moderator=moderator, reason="rude")
    hiding.comment_unhide(comment=comment, moderator=moderator)
    r1 = discussion.report_create(reporter=alice, reason="rude", comment=comment)
    r2 = discussion.report_create(reporter=alice, reason="spam", revision=term.current_revision)
    reports.report_resolve(report=r1, moderator=moderator, note="hidden")
    reports.report_dismiss(report=r2, moderator=moderator, note="fine")
    logged = set(LogEntry.objects.values_list("action", flat=True))
    assert logged == set(Action.values)
    for entry in LogEntry.objects.all():
        assert entry.moderator == moderator and entry.created_at and entry.target_label
        assert entry.target_type and entry.target_id


def test_an_action_that_fails_leaves_no_log_entry(moderator):
    term = make_term("Alpha")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.term_protect(term=term, moderator=moderator, level="trusted", reason="x")
        raise RuntimeError("the request failed after the action")
    assert not LogEntry.objects.exists()


def test_log_entries_cannot_be_changed_or_deleted(moderator):
    services.term_protect(term=make_term("Alpha"), moderator=moderator, level="trusted", reason="x")
    entry = LogEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LogEntry.objects.update(reason="rewritten")
    with pytest.raises(TypeError):
        LogEntry.objects.all().delete()
    assert LogEntry.objects.get().reason == "x"


def test_the_admin_cannot_add_change_or_delete_a_log_entry(client, moderator):
    services.term_protect(term=make_term("Alpha"), moderator=moderator, level="trusted", reason="x")
    entry = LogEntry.objects.get()
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/admin/moderation/logentry/"
    assert client.get(base).status_code == 200
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    assert client.post(f"{base}{entry.pk}/change/", {"reason": "rewritten"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert LogEntry.objects.filter(pk=entry.pk, reason="x").exists(), response.status_code


def test_the_log_page_filters_by_action_moderator_and_target(client, moderator):
    from .conftest import make_moderator

    other = make_moderator("mo2")
    alpha, beta = make_term("Alpha"), make_term("Beta")
    services.term_protect(term=alpha, moderator=moderator, level="trusted", reason="war")
    services.term_protect(term=beta, moderator=other, level="trusted", reason="spam")
    services.term_unprotect(term=beta, moderator=other, reason="calm")
    client.force_login(moderator)

    def rows(query):
        html = client.get(f"/moderation/log/?{query}").content.decode()
        return html.count("<tr>") - (1 if "<thead>" in html else 0)

    assert rows("") == 3
    assert rows("action=protect") == 2
    assert rows("moderator=mo2") == 2
    assert rows("target=alpha") == 1
    assert rows(f"target=term:{beta.pk}") == 2
    assert rows("action=unprotect&moderator=mod") == 0
    assert client.get("/moderation/log/?action=nonsense").status_code == 200


def test_the_log_is_for_moderators(client):
    assert client.get("/moderation/log/").status_code == 302
    client.force_login(make_user("bob"))
    assert client.get("/moderation/log/").status_code == 403
